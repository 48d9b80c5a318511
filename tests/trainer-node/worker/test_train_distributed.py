"""Two processes under torchrun (gloo on CPU) against one process with the same global batch
(accumulation doubled): the same losses, the same final weights, and identical replicas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from train_helpers import run_in_process, run_worker, step_losses, write_config

STEPS = {"max_steps": 2, "micro_batch_size": 1}


def single_process(
    folder: Path, dataset: Path, base: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[int, float], dict[str, torch.Tensor]]:
    config = write_config(
        folder, dataset, base, train={**STEPS, "gradient_accumulation_steps": 2}, checkpoint={"every_steps": 0}
    )
    code, events = run_in_process(capsys, "--config", str(config))
    assert code == 0, events[-1]
    return step_losses(events), load_file(str(folder / "out" / "final" / "model.safetensors"))


@pytest.mark.parametrize("strategy", ["ddp", "fsdp"])
def test_two_gloo_processes_agree_with_one(
    tmp_path: Path, tiny_dataset: Path, tiny_opt_base: Path, strategy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(
        tmp_path / strategy, tiny_dataset, tiny_opt_base,
        train={**STEPS, "gradient_accumulation_steps": 1},
        checkpoint={"every_steps": 0},
        distributed={"strategy": strategy},
    )  # fmt: skip
    code, events, err = run_worker("--config", str(config), torchrun=2)
    assert code == 0, err[-4000:]
    assert events[0]["world_size"] == 2 and events[0]["tokens_per_step"] > 0
    assert not [e for e in events if e["event"] == "warning"]
    losses, weights = single_process(tmp_path / "single", tiny_dataset, tiny_opt_base, capsys)
    assert step_losses(events) == pytest.approx(losses, abs=1e-5)
    saved = load_file(str(tmp_path / strategy / "out" / "final" / "model.safetensors"))
    assert saved.keys() == weights.keys()
    for name, tensor in weights.items():
        torch.testing.assert_close(saved[name], tensor, atol=1e-5, rtol=0, msg=name)
    if strategy == "ddp":
        checksums = dict(re.findall(r"\[rank (\d)\] weights checksum (\S+)", err))
        assert set(checksums) == {"0", "1"} and checksums["0"] == checksums["1"]
