"""The run config: every problem is an `error` event naming the field, exit code 1; the defaults
the TypeScript side mirrors come from `python -m pygbox_worker.train.config --defaults`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pygbox_worker.train.config import ConfigError, defaults, parse_run_config
from train_helpers import PYTHON, WORKER, run_in_process, run_worker, write_config

MINIMAL = {"dataset": "d", "output_dir": "o", "model": {"base": "b"}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"train": {"learning_rate": -1}}, "train.learning_rate"),
        ({"train": {"warmup_steps": 1.5}}, "train.warmup_steps"),
        ({"train": {"warmup_steps": "ten"}}, "train.warmup_steps"),
        ({"model": {"base": "b", "dtype": "fp16"}}, "model.dtype"),
        ({"model": {"base": "b", "attn": "sdpa"}}, "model.attn"),
        ({"lora": {"r": 0}}, "lora.r"),
        ({"distributed": {"strategy": "zero3"}}, "distributed.strategy"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_value_names_its_field(change: dict, field: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_run_config({**MINIMAL, **change}, "run.json")
    assert raised.value.field == field
    assert f"`{field}`" in str(raised.value)


def test_a_missing_required_field_is_named() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_run_config({"dataset": "d", "model": {"base": "b"}}, "run.json")
    assert raised.value.field == "output_dir"


def test_warmup_takes_steps_or_a_fraction() -> None:
    assert parse_run_config({**MINIMAL, "train": {"warmup_steps": 10}}, "r").train.warmup_steps == 10
    assert parse_run_config({**MINIMAL, "train": {"warmup_steps": 0.1}}, "r").train.warmup_steps == 0.1


def test_the_defaults_command_prints_the_schema_defaults() -> None:
    out = subprocess.run(
        [PYTHON, "-m", "pygbox_worker.train.config", "--defaults"],
        cwd=WORKER,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = json.loads(out.stdout)
    assert printed == defaults()
    assert printed["train"]["gradient_accumulation_steps"] == 8
    assert printed["lora"]["target_modules"] == ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"]
    assert "dataset" not in printed and "base" not in printed["model"]


def test_the_worker_reports_config_errors_as_an_event(tmp_path: Path, tiny_dataset: Path, tiny_opt_base: Path) -> None:
    config = write_config(tmp_path, tiny_dataset, tiny_opt_base, train={"micro_batch_size": 0})
    code, events, _ = run_worker("--config", str(config))
    assert code == 1
    assert events == [
        {
            "event": "error",
            "message": events[0]["message"],
            "hint": events[0]["hint"],
            "field": "train.micro_batch_size",
        }
    ]


def test_a_model_too_small_for_the_tokenizer_is_refused(tiny_dataset: Path, tiny_opt_base: Path) -> None:
    import torch
    from pygbox_worker.train.model import ModelError, load_model

    config = parse_run_config(
        {
            "dataset": str(tiny_dataset),
            "output_dir": "o",
            "model": {"base": str(tiny_opt_base), "init": "random", "config_overrides": {"vocab_size": 1000}},
        },
        "run.json",
    )
    with pytest.raises(ModelError) as raised:
        load_model(config, 50260, torch.device("cpu"), None)
    assert "1000 token embeddings" in str(raised.value) and "50260 tokens" in str(raised.value)
    assert "vocab_size" in raised.value.hint


def test_resuming_from_a_missing_or_damaged_checkpoint_names_it(
    tmp_path: Path, tiny_dataset: Path, tiny_opt_base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, tiny_dataset, tiny_opt_base)
    missing = tmp_path / "nowhere"
    code, events = run_in_process(capsys, "--config", str(config), "--resume", str(missing))
    assert code == 1
    assert events[-1]["event"] == "error" and str(missing) in events[-1]["message"]
    damaged = tmp_path / "checkpoint-3"
    damaged.mkdir()
    for name in ("config.json", "trainer_state.pt", "pygbox-checkpoint.json"):
        (damaged / name).write_text("{")
    code, events = run_in_process(capsys, "--config", str(config), "--resume", str(damaged))
    assert code == 1
    assert f"checkpoint {damaged}: damaged" in events[-1]["message"]
