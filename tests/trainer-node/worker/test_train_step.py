"""The loss arithmetic of one optimizer step: micro_batch 4 x accumulation 1, 1 x 4 and 2 x 2 see
the same packs and must give the same loss, gradient norm and updated weights; LoRA updates only
the adapter."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from pygbox_worker.train.config import parse_run_config
from pygbox_worker.train.data import Batching, PackedSplit, step_micro_batches
from pygbox_worker.train.distributed import Processes
from pygbox_worker.train.model import load_model
from pygbox_worker.train.optim import build_optimizer
from pygbox_worker.train.step import StepSettings, train_step

SINGLE = Processes(rank=0, world_size=1, device=torch.device("cpu"))
SETTINGS = StepSettings(attention="sdpa", dtype=torch.float32, max_grad_norm=1.0)


def run_steps(
    dataset: Path, base: Path, micro: int, accumulation: int, steps: int, method: str = "full"
) -> tuple[list[float], list[float], dict[str, torch.Tensor]]:
    config = parse_run_config(
        {
            "dataset": str(dataset),
            "output_dir": "unused",
            "model": {"base": str(base), "init": "random"},
            "method": method,
            "lora": {"dropout": 0.0},
            "train": {"micro_batch_size": micro, "gradient_accumulation_steps": accumulation, "learning_rate": 1e-3},
        },
        "test",
    )
    model = load_model(config, 50260, SINGLE.device, None).model
    optimizer = build_optimizer(model, config.train, SINGLE.device)
    split = PackedSplit(dataset, "train")
    batching = Batching(len(split), micro, accumulation, 1, seed=3)
    losses, norms = [], []
    for step in range(steps):
        batches = step_micro_batches(split, batching, step, 0, pad_id=1)
        result = train_step(model, optimizer, batches, SETTINGS, SINGLE)
        losses.append(result.loss)
        norms.append(result.grad_norm)
    return losses, norms, {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_gradient_accumulation_equals_one_big_batch(tiny_dataset: Path, tiny_opt_base: Path) -> None:
    big = run_steps(tiny_dataset, tiny_opt_base, micro=4, accumulation=1, steps=2)
    for micro, accumulation in [(1, 4), (2, 2)]:
        losses, norms, weights = run_steps(tiny_dataset, tiny_opt_base, micro, accumulation, steps=2)
        assert losses == pytest.approx(big[0], abs=1e-5)
        assert norms == pytest.approx(big[1], abs=1e-5)
        for name, tensor in weights.items():
            torch.testing.assert_close(
                tensor, big[2][name], atol=1e-5, rtol=0, msg=f"{name} after {micro}x{accumulation}"
            )
    # The control: the step really moved the weights.
    assert big[0][1] < big[0][0]


def test_lora_updates_only_the_adapter(tiny_dataset: Path, tiny_opt_base: Path) -> None:
    _, _, before = run_steps(tiny_dataset, tiny_opt_base, micro=2, accumulation=1, steps=0, method="lora")
    _, _, after = run_steps(tiny_dataset, tiny_opt_base, micro=2, accumulation=1, steps=2, method="lora")
    changed = {name for name in before if not torch.equal(before[name], after[name])}
    assert changed, "nothing trained"
    assert all("lora_" in name for name in changed), sorted(changed)
    # lora_B starts at zero, so after two steps both halves of the adapter have moved.
    assert any("lora_A" in name for name in changed) and any("lora_B" in name for name in changed)
