"""Helpers for the training tests: write a run config, run the worker as the CLI does (a child
process speaking JSON lines), read its events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import REPO, WORKER

PYTHON = sys.executable


def write_config(folder: Path, dataset: Path, base: Path, **sections: dict[str, Any]) -> Path:
    """A run-config.json for the tiny random OPT: lr high enough to see the loss fall in 12 steps."""
    config: dict[str, Any] = {
        "dataset": str(dataset),
        "output_dir": str(folder / "out"),
        "model": {"base": str(base), "init": "random"},
        "train": {
            "max_steps": 12,
            "micro_batch_size": 1,
            "gradient_accumulation_steps": 2,
            "learning_rate": 3e-3,
            "warmup_steps": 2,
        },
        "eval": {"every_steps": 0},
        "checkpoint": {"every_steps": 3, "keep_last": 2},
    }
    for name, values in sections.items():
        config[name] = (
            {**config[name], **values} if isinstance(config.get(name), dict) and isinstance(values, dict) else values
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "run-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def worker_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"})
    env.pop("WORLD_SIZE", None)
    return env


def spawn_worker(*args: str, module: str = "pygbox_worker.train", torchrun: int | None = None) -> subprocess.Popen[str]:
    command = [PYTHON, "-m", module, *args]
    if torchrun is not None:
        command = [
            PYTHON,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            str(torchrun),
            "-m",
            module,
            *args,
        ]
    return subprocess.Popen(
        command, cwd=WORKER, env=worker_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run_worker(*args: str, torchrun: int | None = None, timeout: float = 240) -> tuple[int, list[dict[str, Any]], str]:
    """Runs to the end: (exit code, events, stderr)."""
    process = spawn_worker(*args, torchrun=torchrun)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, parse_events(out), err


def parse_events(stdout: str) -> list[dict[str, Any]]:
    """Every stdout line must be one JSON object with an `event` (the contract)."""
    events = []
    for line in stdout.splitlines():
        event = json.loads(line)
        assert isinstance(event, dict) and "event" in event, line
        events.append(event)
    return events


def step_losses(events: list[dict[str, Any]]) -> dict[int, float]:
    return {e["step"]: e["loss"] for e in events if e["event"] == "step"}


def run_in_process(capsys: Any, *args: str) -> tuple[int, list[dict[str, Any]]]:
    """The worker's main() inside the test process (no second import of torch and transformers):
    for runs whose subject is not the process boundary. Its signal handlers are put back after.
    (capsys: whatever earlier code printed is dropped first.)"""
    capsys.readouterr()
    return main_in_process(*args)


def main_in_process(*args: str) -> tuple[int, list[dict[str, Any]]]:
    """The worker's main() with stdout captured here (usable from module- and session-scoped
    fixtures, where capsys is not): saves a child process's seconds of imports per run."""
    import contextlib
    import io
    import signal

    from pygbox_worker.train.__main__ import main

    saved = {kind: signal.getsignal(kind) for kind in (signal.SIGINT, signal.SIGTERM)}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(list(args))
    finally:
        for kind, handler in saved.items():
            signal.signal(kind, handler)
    return code, parse_events(out.getvalue())


__all__ = [
    "REPO",
    "WORKER",
    "main_in_process",
    "parse_events",
    "run_in_process",
    "run_worker",
    "spawn_worker",
    "step_losses",
    "write_config",
]
