"""bench/train-gpu.py: it gets one 10-minute call on a GPU machine whose image has torch and
transformers but not pydantic, so the whole path (our train_step, the Trainer baseline, the summary)
runs here first in --smoke mode on tiny shapes on the CPU, with pydantic made unimportable; and its
time budget skips what no longer fits instead of running past the call's limit."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Any

import pytest
from train_helpers import PYTHON, REPO, worker_environment

# pydantic made unimportable, as on the GPU machine's image; then the script as __main__.
WITHOUT_PYDANTIC = (
    "import runpy, sys; sys.modules['pydantic'] = None; sys.argv = ['bench/train-gpu.py', '--smoke']; "
    "runpy.run_path('bench/train-gpu.py', run_name='__main__')"
)


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_the_gpu_benchmark_runs_in_smoke_mode_without_pydantic() -> None:
    done = subprocess.run(
        [PYTHON, "-c", WITHOUT_PYDANTIC],
        cwd=REPO,
        env=worker_environment(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = json_lines(done.stdout)
    # Each case is printed as it finishes (a run stopped from outside keeps them), then the summary.
    assert [line["case"]["side"] for line in lines[:-1]] == ["pygbox", "hf-trainer"]
    summary = lines[-1]
    assert summary["device"] == "cpu" and summary["peak_flops"] is None
    sides = {row["side"]: row for row in summary["rows"]}
    assert set(sides) == {"pygbox", "hf-trainer"}
    assert all(row["tokens_per_second"] > 0 and row["steps"] >= 2 and row["mfu"] is None for row in sides.values())
    assert summary["speedup"]["tiny"] > 0
    assert "| tiny | pygbox |" in done.stdout and "| tiny | hf-trainer |" in done.stdout


def test_a_spent_budget_skips_the_cases_and_fails(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("train_gpu_bench", REPO / "bench" / "train-gpu.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    code = bench.main(["--smoke", "--budget", "1"])
    lines = json_lines(capsys.readouterr().out)
    assert code == 1
    assert [line["case"]["shape"] for line in lines[:-1]] == ["tiny"] and "skipped" in lines[0]["case"]
    assert lines[-1]["rows"] == [lines[0]["case"]] and lines[-1]["speedup"] == {}
