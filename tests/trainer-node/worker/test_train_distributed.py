"""Two processes under torchrun (gloo on CPU) against one process with the same global batch
(accumulation doubled): the same losses, eval loss and final weights, and identical replicas, also
when a step's packs do not divide over the ranks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file
from train_helpers import main_in_process, run_worker, step_losses, write_config

# The fixture's train split has 6 packs: with 4 packs a step the second step is the epoch's short
# last batch, 2 packs that all fall to rank 0 while rank 1 runs idle micro-batches. 3 of the 4
# eval packs: rank 1's second eval batch is idle too. Both must still agree with one process.
STEPS = {"max_steps": 2, "micro_batch_size": 1}
EVAL = {"every_steps": 0, "max_batches": 3}


def eval_losses(events: list[dict[str, Any]]) -> list[float]:
    return [e["loss"] for e in events if e["event"] == "eval"]


@pytest.fixture(scope="module")
def single_process(
    tmp_path_factory: pytest.TempPathFactory, tiny_dataset: Path, tiny_opt_base: Path
) -> tuple[list[dict[str, Any]], dict[str, torch.Tensor]]:
    """The reference both strategies are held to, run once: one process, accumulation doubled."""
    folder = tmp_path_factory.mktemp("single")
    config = write_config(
        folder, tiny_dataset, tiny_opt_base,
        train={**STEPS, "gradient_accumulation_steps": 4}, checkpoint={"every_steps": 0}, eval=EVAL,
    )  # fmt: skip
    code, events = main_in_process("--config", str(config))
    assert code == 0, events[-1]
    return events, load_file(str(folder / "out" / "final" / "model.safetensors"))


@pytest.mark.parametrize("strategy", ["ddp", "fsdp"])
def test_two_gloo_processes_agree_with_one(
    tmp_path: Path,
    tiny_dataset: Path,
    tiny_opt_base: Path,
    strategy: str,
    single_process: tuple[list[dict[str, Any]], dict[str, torch.Tensor]],
) -> None:
    config = write_config(
        tmp_path / strategy, tiny_dataset, tiny_opt_base,
        train={**STEPS, "gradient_accumulation_steps": 2},
        checkpoint={"every_steps": 0},
        eval=EVAL,
        distributed={"strategy": strategy},
    )  # fmt: skip
    code, events, err = run_worker("--config", str(config), torchrun=2)
    assert code == 0, err[-4000:]
    assert events[0]["world_size"] == 2 and events[0]["tokens_per_step"] > 0
    assert [e["epoch"] for e in events if e["event"] == "step"] == [0.5, 1.0]
    assert not [e for e in events if e["event"] == "warning"]
    single_events, weights = single_process
    assert step_losses(events) == pytest.approx(step_losses(single_events), abs=1e-5)
    # The eval split is divided over the ranks too (an idle batch pads the shorter share).
    assert eval_losses(events) == pytest.approx(eval_losses(single_events), abs=1e-5) and eval_losses(events)
    saved = load_file(str(tmp_path / strategy / "out" / "final" / "model.safetensors"))
    assert saved.keys() == weights.keys()
    for name, tensor in weights.items():
        torch.testing.assert_close(saved[name], tensor, atol=1e-5, rtol=0, msg=name)
    if strategy == "ddp":
        checksums = dict(re.findall(r"\[rank (\d)\] weights checksum (\S+)", err))
        assert set(checksums) == {"0", "1"} and checksums["0"] == checksums["1"]
