"""AdamW with weight decay on matrices only, and the warmup + cosine learning rate.

The learning rate is a pure function of the step (no scheduler object to pickle), so restoring the
step restores the schedule exactly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import nn

if TYPE_CHECKING:  # only for the annotations: bench/train-gpu.py runs where pydantic is not installed
    from .config import TrainConfig


def build_optimizer(model: nn.Module, train: TrainConfig, device: torch.device) -> torch.optim.AdamW:
    """Biases and LayerNorm weights (every 1-D parameter) get no weight decay: decaying a norm's gain
    towards 0 only fights the model."""
    decay, no_decay = [], []
    for parameter in model.parameters():
        if parameter.requires_grad:
            (decay if parameter.ndim >= 2 else no_decay).append(parameter)
    groups = [
        {"params": decay, "weight_decay": train.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(
        groups,
        lr=train.learning_rate,
        betas=(train.adam_beta1, train.adam_beta2),
        eps=train.adam_epsilon,
        fused=device.type == "cuda",
    )


def warmup_steps(train: TrainConfig, total_steps: int) -> int:
    if isinstance(train.warmup_steps, float):
        return math.ceil(train.warmup_steps * total_steps)
    return train.warmup_steps


def learning_rate(step: int, train: TrainConfig, total_steps: int) -> float:
    """The rate for optimizer step `step` (0-based): linear warmup from lr/warmup to lr, then cosine
    down to lr x min_learning_rate_ratio at the last step."""
    peak = train.learning_rate
    floor = peak * train.min_learning_rate_ratio
    warmup = warmup_steps(train, total_steps)
    if step < warmup:
        return peak * (step + 1) / warmup
    decay_steps = max(1, total_steps - warmup - 1)
    progress = min(1.0, (step - warmup) / decay_steps)
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def set_learning_rate(optimizer: torch.optim.Optimizer, rate: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = rate
