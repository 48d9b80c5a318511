"""One optimizer step: the loss arithmetic that makes gradient accumulation and data parallelism
equal to one big batch.

The loss of a step is the sum of per-token cross-entropy over every trained token of every
micro-batch on every rank, divided by the step's trained tokens (counted and all-reduced before any
backward pass). Averaging per micro-batch instead (the transformers 2024 bug, #34191) weights a
short micro-batch's tokens more than a long one's, and makes GA 4 x 1 differ from 1 x 4.
DDP and FSDP average gradients over ranks, so each rank's loss is multiplied by the world size.

`bench/train-gpu.py` imports `train_step` and `forward_loss_sum`: the benchmark measures this code.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..dataset_reader import IGNORE_INDEX
from .data import MicroBatch, block_causal_mask
from .distributed import Processes, all_reduce, gradient_sync


@dataclass(frozen=True)
class StepSettings:
    attention: str  # "sdpa" | "eager": decides the mask's form
    dtype: torch.dtype  # compute dtype (bf16 through autocast, or fp32)
    max_grad_norm: float
    # Pass `logits_to_keep` (the trained columns) so the output head skips untrained positions;
    # False for a model whose forward lacks that argument (transformers' CausalLMs have it).
    keep_logits: bool = True


@dataclass(frozen=True)
class StepResult:
    loss: float  # token-weighted mean over the whole step, all ranks
    grad_norm: float
    tokens: int  # non-padding tokens, all ranks
    trained_tokens: int
    squared_lengths: int
    head_positions: int  # positions the output head computed, all ranks


def forward_loss_sum(model: nn.Module, batch: MicroBatch, settings: StepSettings) -> torch.Tensor:
    """Summed cross-entropy (fp32) of one micro-batch's trained tokens, attention kept inside each example."""
    mask = block_causal_mask(batch.segment_ids, settings.attention, settings.dtype)
    device_type = batch.input_ids.device.type
    extra = {"logits_to_keep": batch.trained_columns} if settings.keep_logits else {}
    with torch.autocast(device_type, dtype=torch.bfloat16, enabled=settings.dtype == torch.bfloat16):
        output = model(
            input_ids=batch.input_ids, attention_mask=mask, position_ids=batch.position_ids, use_cache=False, **extra
        )
    logits = output.logits.float()  # (B, K, V), K = trained columns (or T)
    targets = batch.targets[:, batch.trained_columns] if settings.keep_logits else batch.targets
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE_INDEX, reduction="sum"
    )


def train_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    micro_batches: list[MicroBatch],
    settings: StepSettings,
    processes: Processes,
) -> StepResult:
    """Forward/backward over this rank's micro-batches, clip, step. Every rank must call it with the
    same number of micro-batches (an idle batch stands in for a missing one)."""
    counts = [
        float(sum(b.trained_tokens for b in micro_batches)),
        float(sum(b.tokens for b in micro_batches)),
        float(sum(b.squared_lengths for b in micro_batches)),
        float(sum(b.head_positions if settings.keep_logits else b.input_ids.numel() for b in micro_batches)),
    ]
    trained, tokens, squared, head_positions = all_reduce(counts, processes)
    scale = processes.world_size / max(trained, 1.0)
    loss_sum = torch.zeros((), dtype=torch.float32, device=micro_batches[0].input_ids.device)
    for i, batch in enumerate(micro_batches):
        with gradient_sync(model, sync=i == len(micro_batches) - 1):
            batch_loss = forward_loss_sum(model, batch, settings)
            (batch_loss * scale).backward()
        loss_sum += batch_loss.detach()
    parameters = [p for p in model.parameters() if p.requires_grad]
    grad_norm = torch.nn.utils.clip_grad_norm_(parameters, settings.max_grad_norm)
    if hasattr(grad_norm, "full_tensor"):  # FSDP2: a DTensor
        grad_norm = grad_norm.full_tensor()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    (total_loss,) = all_reduce([float(loss_sum)], processes)
    return StepResult(
        loss=total_loss / max(trained, 1.0),
        grad_norm=float(grad_norm),
        tokens=int(tokens),
        trained_tokens=int(trained),
        squared_lengths=int(squared),
        head_positions=int(head_positions),
    )


@torch.no_grad()
def evaluate(
    model: nn.Module, batches: list[MicroBatch | None], idle: MicroBatch, settings: StepSettings, processes: Processes
) -> tuple[float | None, int]:
    """Token-weighted mean loss over this rank's eval micro-batches (None = pad with an idle one so
    FSDP's collectives line up), all-reduced; (None, 0) when nothing is trained in the split."""
    was_training = model.training
    model.eval()
    loss_sum, trained = 0.0, 0
    for batch in batches:
        batch = batch or idle
        loss_sum += float(forward_loss_sum(model, batch, settings))
        trained += batch.trained_tokens
    model.train(was_training)
    loss_sum, trained_all = all_reduce([loss_sum, float(trained)], processes)
    if trained_all == 0:
        return None, 0
    return loss_sum / trained_all, int(trained_all)
