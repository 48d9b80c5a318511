"""The worker end to end, as `pygbox train` runs it (a child process, JSON lines): the loss falls,
checkpoints are complete Hugging Face folders, a run killed with SIGKILL resumes onto exactly the
uninterrupted loss curve. (SIGINT's save-and-exit-130 is proven once, through the CLI, in
tests/trainer-node/train/train-cli.test.ts, which checks the worker's events too.)"""

from __future__ import annotations

import json
import math
import signal
from pathlib import Path
from typing import Any

import pytest
import torch
from train_helpers import run_in_process, run_worker, spawn_worker, step_losses, write_config


@pytest.fixture(scope="module")
def reference_run(
    tmp_path_factory: pytest.TempPathFactory, tiny_dataset: Path, tiny_opt_base: Path
) -> tuple[Path, list[dict[str, Any]]]:
    """12 steps uninterrupted, a checkpoint every 3, an eval every 6. A child process like the
    resumed run it is compared with to 1e-6: in this process (other thread count) the last steps
    differ by ~1e-6."""
    folder = tmp_path_factory.mktemp("reference")
    config = write_config(folder, tiny_dataset, tiny_opt_base, eval={"every_steps": 6})
    code, events, err = run_worker("--config", str(config))
    assert code == 0, err[-3000:]
    return folder / "out", events


def test_the_loss_falls_and_the_events_follow_the_contract(reference_run: tuple[Path, list[dict[str, Any]]]) -> None:
    out, events = reference_run
    start = events[0]
    assert (
        start["event"] == "start" and start["protocol"] == 1 and start["device"] == "cpu" and start["dtype"] == "fp32"
    )
    assert start["total_steps"] == 12 and start["world_size"] == 1 and start["resumed_from"] is None
    assert start["trainable_parameters"] == start["parameters"] > 0 and start["peak_flops"] is None
    losses = step_losses(events)
    assert sorted(losses) == list(range(1, 13))
    first, last = losses[1], sum(losses[i] for i in (10, 11, 12)) / 3
    assert last < first - 0.5, losses
    steps = [e for e in events if e["event"] == "step"]
    assert all(e["tokens"] > e["trained_tokens"] > 0 and e["mfu"] is None and e["tokens_per_second"] > 0 for e in steps)
    assert [e["next_checkpoint_step"] for e in steps[:5]] == [3, 3, 6, 6, 6] and steps[-1][
        "next_checkpoint_step"
    ] is None
    evals = [e for e in events if e["event"] == "eval"]
    assert [e["step"] for e in evals] == [6, 12] and evals[1]["loss"] < evals[0]["loss"]
    assert evals[1]["perplexity"] == pytest.approx(math.exp(evals[1]["loss"]))
    saves = [(e["step"], e["reason"]) for e in events if e["event"] == "checkpoint"]
    assert saves == [(3, "interval"), (6, "interval"), (9, "interval"), (12, "final")]
    done = events[-1]
    assert done == {
        "event": "done",
        "step": 12,
        "final_path": str(out / "final"),
        "train_loss": done["train_loss"],
        "eval_loss": evals[1]["loss"],
    }
    # keep_last 2: the two newest interval checkpoints stay, no temporary folder is left behind.
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint-6", "checkpoint-9", "final"]


def test_a_checkpoint_is_a_loadable_hugging_face_folder(
    reference_run: tuple[Path, list[dict[str, Any]]], tiny_dataset: Path
) -> None:
    from pygbox_worker.train.data import PackedSplit, collate
    from pygbox_worker.train.distributed import Processes
    from pygbox_worker.train.step import StepSettings, evaluate
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out, events = reference_run
    final = out / "final"
    for name in (
        "config.json",
        "model.safetensors",
        "generation_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "trainer_state.pt",
    ):
        assert (final / name).is_file(), name
    meta = json.loads((final / "pygbox-checkpoint.json").read_text())
    assert meta["format"] == "pygbox-checkpoint" and meta["version"] == 1 and meta["step"] == 12
    assert meta["run_config"]["train"]["max_steps"] == 12 and meta["prompt_format_version"] == 1
    assert len(meta["dataset"]["sha256"]) == 64 and meta["eval_loss"] == events[-1]["eval_loss"]
    state = torch.load(final / "trainer_state.pt", weights_only=True)
    assert state["step"] == 12 and state["optimizer"]["state"] and len(state["rng"]) == 1

    # The saved weights are the trained ones: from_pretrained reproduces the run's final eval loss.
    model = AutoModelForCausalLM.from_pretrained(final)
    assert AutoTokenizer.from_pretrained(final).eos_token_id == 2
    split = PackedSplit(tiny_dataset, "eval")
    batches = [collate([split.pack(i)], 1) for i in range(len(split))]
    single = Processes(0, 1, torch.device("cpu"))
    loss, _ = evaluate(model, list(batches), batches[0], StepSettings("sdpa", torch.float32, 1.0), single)
    assert loss == pytest.approx(events[-1]["eval_loss"], abs=1e-5)


def read_until(process: Any, wanted: str) -> list[dict[str, Any]]:
    """Reads event lines until one of kind `wanted` (inclusive)."""
    seen = []
    for line in process.stdout:
        seen.append(json.loads(line))
        if seen[-1]["event"] == wanted:
            return seen
    raise AssertionError(f"the worker ended before a {wanted} event: {seen} {process.stderr.read()[-2000:]}")


def test_resume_after_sigkill_continues_the_same_loss_curve(
    reference_run: tuple[Path, list[dict[str, Any]]], tmp_path: Path, tiny_dataset: Path, tiny_opt_base: Path
) -> None:
    _, reference = reference_run
    config = write_config(tmp_path, tiny_dataset, tiny_opt_base, eval={"every_steps": 6})
    process = spawn_worker("--config", str(config))
    before = read_until(process, "checkpoint")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert step_losses(before) == pytest.approx(
        {s: loss for s, loss in step_losses(reference).items() if s <= 3}, abs=1e-6
    )

    code, events, err = run_worker("--config", str(config), "--resume", "auto")
    assert code == 0, err[-3000:]
    resumed_at = events[0]["resumed_from"]["step"]
    assert resumed_at >= 3 and events[0]["resumed_from"]["path"].endswith(f"checkpoint-{resumed_at}")
    resumed = step_losses(events)
    assert sorted(resumed) == list(range(resumed_at + 1, 13))
    expected = {s: loss for s, loss in step_losses(reference).items() if s > resumed_at}
    assert resumed == pytest.approx(expected, abs=1e-6)
    assert events[-1]["event"] == "done" and events[-1]["eval_loss"] == pytest.approx(
        reference[-1]["eval_loss"], abs=1e-6
    )


def test_lora_trains_and_its_merged_folder_loads(
    tmp_path: Path, tiny_dataset: Path, tiny_opt_base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from transformers import AutoModelForCausalLM

    config = write_config(
        tmp_path, tiny_dataset, tiny_opt_base,
        method="lora", lora={"r": 4, "alpha": 8, "dropout": 0.0}, train={"max_steps": 2}, checkpoint={"every_steps": 0},
    )  # fmt: skip
    # --resume auto with nothing to resume: a warning, then a fresh start.
    code, events = run_in_process(capsys, "--config", str(config), "--resume", "auto")
    assert code == 0, events[-1]
    assert events[0]["event"] == "warning" and "no complete checkpoint" in events[0]["message"]
    start = events[1]
    assert 0 < start["trainable_parameters"] < start["parameters"] / 10
    final = Path(events[-1]["final_path"])
    assert (final / "adapter" / "adapter_config.json").is_file() and (
        final / "adapter" / "adapter_model.safetensors"
    ).is_file()
    merged = AutoModelForCausalLM.from_pretrained(final)
    assert not any("lora" in name for name, _ in merged.named_parameters())
