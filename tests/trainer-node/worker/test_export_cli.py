"""`python -m pygbox_worker.export` end to end as the CLI runs it (a child process speaking JSON
lines): the folder layout transformers.js loads, the descriptor, the parity gate passing on a good
export and failing - loudly, leaving nothing behind - on a bad one."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import REPO, WORKER
from pygbox_worker.export.errors import ExportError
from pygbox_worker.export.onnx_runner import OnnxRunner
from pygbox_worker.export.parity import Thresholds, fp32_parity
from pygbox_worker.export.tiny_fixture import write_tiny_checkpoint


def run_export(*args: str) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [sys.executable, "-m", "pygbox_worker.export", *args],
        cwd=WORKER, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "2", "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, events


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    subprocess.run(
        ["node", str(REPO / "trainer-node/bin/pygbox.js"), "dataset", "tokenizer", str(root / "tok"), "--variant", "opt"],
        check=True, capture_output=True,
    )  # fmt: skip
    return write_tiny_checkpoint(root / "checkpoint", root / "tok")


@pytest.fixture(scope="module")
def exported(checkpoint: Path, tiny_dataset: Path) -> tuple[Path, list[dict]]:
    out = checkpoint.parent / "model"
    code, events = run_export("--checkpoint", str(checkpoint), "--out", str(out), "--eval-dataset", str(tiny_dataset))
    assert code == 0, events[-1]
    return out, events


def test_writes_the_layout_transformers_js_loads(exported) -> None:
    out, events = exported
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == [
        "README.md", "config.json", "generation_config.json",
        "onnx/model.onnx", "onnx/model_q4.onnx", "onnx/model_q4f16.onnx", "onnx/model_quantized.onnx",
        "pygbox-model.json", "tokenizer.json", "tokenizer_config.json",
    ]  # fmt: skip
    assert not list(out.parent.glob(".model.partial-*"))
    stages = [e["stage"] for e in events if e["event"] == "export-stage"]
    assert stages == [
        "checkpoint", "export-onnx", "parity-fp32", "quantize-q8", "parity-q8", "quantize-q4", "parity-q4",
        "quantize-q4f16", "parity-q4f16", "model-card", "finish",
    ]  # fmt: skip
    assert events[-1]["event"] == "export-done" and events[-1]["out"] == str(out)


def test_descriptor_lists_every_file_with_its_hash_and_the_gate_figures(exported) -> None:
    out, events = exported
    meta = json.loads((out / "pygbox-model.json").read_text())
    assert meta["format"] == "pygbox-model" and meta["version"] == 1
    assert meta["base_model"] == "tiny-random-opt" and meta["steps"] == 40 and meta["prompt_format_version"] == 1
    assert meta["dtypes"] == ["fp32", "q8", "q4", "q4f16"]
    listed = {f["path"]: f for f in meta["files"]}
    assert "pygbox-model.json" not in listed and "README.md" in listed
    for path, entry in listed.items():
        data = (out / path).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    fp32 = meta["parity"]["fp32"]
    assert fp32["max_logit_diff_no_cache"] <= 1e-4 and fp32["max_logit_diff_with_cache"] <= 1e-4
    assert fp32["greedy_identical"] is True
    assert [q["dtype"] for q in meta["parity"]["quantized"]] == ["q8", "q4", "q4f16"]
    assert "eval split" in meta["parity"]["eval_source"]  # the --eval-dataset's examples, not the built-in chat
    assert all(q["positions"] >= 8 for q in meta["parity"]["quantized"])  # replies of 8 examples
    parity_event = next(e for e in events if e["event"] == "parity")
    assert parity_event["quantized"] == meta["parity"]["quantized"]
    card = (out / "README.md").read_text()
    assert "| q4 | `onnx/model_q4.onnx` |" in card and "greedy continuations of 16 tokens identical: yes" in card


def test_an_impossible_threshold_fails_the_export_and_writes_nothing(checkpoint: Path) -> None:
    out = checkpoint.parent / "never"
    code, events = run_export(
        "--checkpoint", str(checkpoint), "--out", str(out), "--dtype", "q4", "--min-top1-agreement", "q4=1.01"
    )  # fmt: skip
    assert code == 1
    error = events[-1]
    assert error["event"] == "error" and error["field"] == "parity.q4"
    assert "top token" in error["message"] and "--min-top1-agreement" in error["hint"]
    assert not out.exists() and not list(checkpoint.parent.glob(".never.*"))


def test_an_empty_tokenizer_vocabulary_fails_loudly_before_any_export(checkpoint: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in checkpoint.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    tokenizer = json.loads((broken / "tokenizer.json").read_text())
    tokenizer["model"]["vocab"] = {}
    (broken / "tokenizer.json").write_text(json.dumps(tokenizer))
    code, events = run_export("--checkpoint", str(broken), "--out", str(tmp_path / "model"))
    assert code == 1 and events[-1]["field"] == "model.vocab"
    assert "vocabulary (model.vocab) is empty" in events[-1]["message"]
    assert [e["stage"] for e in events if e["event"] == "export-stage"] == ["checkpoint"]


def test_different_ids_from_transformers_js_fail_the_export(checkpoint: Path, tmp_path: Path) -> None:
    code, events = run_export(
        "--checkpoint", str(checkpoint), "--out", str(tmp_path / "model"),
        "--tokenizer-sample-text", "Hello there", "--tokenizer-sample-ids", "2,15500,617",
    )  # fmt: skip
    assert code == 1 and events[-1]["field"] == "tokenizer"
    assert "[2, 15500, 616]" in events[-1]["message"]


def test_an_existing_folder_needs_overwrite(exported, checkpoint: Path) -> None:
    out, _ = exported
    code, events = run_export("--checkpoint", str(checkpoint), "--out", str(out), "--dtype", "fp32")
    assert code == 1 and events[-1]["field"] == "out" and "--overwrite" in events[-1]["hint"]


def test_the_fp32_gate_catches_onnx_that_does_not_match_pytorch(exported, checkpoint: Path) -> None:
    from transformers import AutoModelForCausalLM

    out, _ = exported
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32).eval()
    runner = OnnxRunner(out / "onnx" / "model.onnx")
    prompts = [[2, 100, 200, 300, 400], [2, 7, 8]]
    assert fp32_parity(model, runner, prompts, Thresholds())["greedy_identical"] is True
    with torch.no_grad():  # a weight the ONNX file does not have: the gate must see it
        model.model.decoder.layers[1].fc2.weight.mul_(1.001)
    with pytest.raises(ExportError) as caught:
        fp32_parity(model, runner, prompts, Thresholds())
    assert caught.value.field == "parity.fp32" and "differs from PyTorch" in caught.value.message
    assert np.isfinite(runner.forward(np.asarray([prompts[0]]), np.ones((1, 5), dtype=np.int64))[0]).all()


@pytest.mark.parametrize("model_type", ["gpt2", "llama"])
def test_the_same_wrapper_exports_gpt2_and_llama_class_models(model_type: str, tmp_path: Path) -> None:
    """fp32 only (the quantizers do not care which model made the graph): the flat-cache wrapper and
    the gate hold for GPT-2 (its own tokenizer) and a Llama-class model with grouped KV heads."""
    variant = "gpt2" if model_type == "gpt2" else "opt"
    subprocess.run(
        ["node", str(REPO / "trainer-node/bin/pygbox.js"), "dataset", "tokenizer", str(tmp_path / "tok"), "--variant", variant],
        check=True, capture_output=True,
    )  # fmt: skip
    checkpoint = write_tiny_checkpoint(tmp_path / "checkpoint", tmp_path / "tok", model_type, steps=0)
    code, events = run_export("--checkpoint", str(checkpoint), "--out", str(tmp_path / "model"), "--dtype", "fp32")
    assert code == 0, events[-1]
    parity = next(e for e in events if e["event"] == "parity")["fp32"]
    assert parity["greedy_identical"] and parity["max_logit_diff_with_cache"] <= 1e-4
    runner = OnnxRunner(tmp_path / "model" / "onnx" / "model.onnx")
    heads = runner.past[0].shape[1]
    assert heads == (2 if model_type == "llama" else 4)  # llama: 4 query heads share 2 KV heads
