"""bench/train-gpu.py --smoke: the GPU benchmark's whole path (our train_step, the Trainer baseline,
the summary) on tiny shapes on the CPU, so the script is known to run before a GPU call is spent."""

from __future__ import annotations

import json
import subprocess

from train_helpers import PYTHON, REPO, worker_environment


def test_the_gpu_benchmark_runs_in_smoke_mode() -> None:
    done = subprocess.run(
        [PYTHON, "bench/train-gpu.py", "--smoke"],
        cwd=REPO,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.splitlines()[0])
    assert summary["device"] == "cpu" and summary["peak_flops"] is None
    sides = {row["side"]: row for row in summary["rows"]}
    assert set(sides) == {"pygbox", "hf-trainer"}
    assert all(row["tokens_per_second"] > 0 and row["steps"] >= 1 and row["mfu"] is None for row in sides.values())
    assert summary["speedup"]["tiny"] > 0
    assert "| tiny | pygbox |" in done.stdout and "| tiny | hf-trainer |" in done.stdout
