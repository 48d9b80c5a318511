"""`python -m pygbox_worker.export` end to end as the CLI runs it (a child process speaking JSON
lines): the folder layout transformers.js loads, the descriptor, the special ids, the parity gate
passing on a good export and failing where it must, and the destination complete or absent.

One tiny OPT checkpoint and one full export serve the whole session (`exported_once`, shared with
test_export_graph.py); the other model types are exported in-process at fp32 only.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import REPO, WORKER
from pygbox_worker.export import output_folder
from pygbox_worker.export.errors import ExportError
from pygbox_worker.export.eval_examples import load_eval_set
from pygbox_worker.export.onnx_runner import OnnxRunner
from pygbox_worker.export.parity import Thresholds, fp32_parity, quantized_parity, reply_scores
from pygbox_worker.export.special_ids import SpecialIds, align_special_ids, check_dataset_eos
from pygbox_worker.export.tiny_fixture import write_tiny_checkpoint
from pygbox_worker.export.tokenizer_check import check_same_ids, check_tokenizer_files

WORKER_ENV = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "2", "PYTHONUNBUFFERED": "1"}


def start_export(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pygbox_worker.export", *args],
        cwd=WORKER, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=WORKER_ENV,
    )  # fmt: skip


def run_export(*args: str) -> tuple[int, list[dict], str]:
    process = start_export(*args)
    stdout, stderr = process.communicate(timeout=600)
    return process.returncode, [json.loads(line) for line in stdout.splitlines() if line.strip()], stderr


def make_tokenizer(folder: Path, variant: str) -> Path:
    subprocess.run(
        ["node", str(REPO / "trainer-node/bin/pygbox.js"), "dataset", "tokenizer", str(folder), "--variant", variant],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder


def exported_once(tmp_path_factory: pytest.TempPathFactory, dataset: Path) -> tuple[Path, Path, list[dict]]:
    """(checkpoint, model folder, events) of one full export (all four dtypes, --eval-dataset), built
    the first time a test file asks and reused for the rest of the session."""
    root = tmp_path_factory.getbasetemp() / "shared-tiny-export"
    done = root / "events.json"
    if not done.is_file():
        root.mkdir(exist_ok=True)
        checkpoint = write_tiny_checkpoint(root / "checkpoint", make_tokenizer(root / "tok", "opt"), projected=True)
        code, events, stderr = run_export("--checkpoint", str(checkpoint), "--out", str(root / "model"), "--eval-dataset", str(dataset))
        assert code == 0, stderr[-3000:]
        done.write_text(json.dumps(events))
    return root / "checkpoint", root / "model", json.loads(done.read_text())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, tiny_dataset: Path) -> tuple[Path, Path, list[dict]]:
    return exported_once(tmp_path_factory, tiny_dataset)


def test_writes_the_layout_transformers_js_loads(exported) -> None:
    _, out, events = exported
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
    assert not [e for e in events if e["event"] == "warning"]  # OPT config and OPT tokenizer agree


def test_descriptor_and_card_state_the_files_ids_and_gate_figures_and_no_local_path(exported) -> None:
    _, out, events = exported
    meta = json.loads((out / "pygbox-model.json").read_text())
    assert meta["format"] == "pygbox-model" and meta["version"] == 1
    assert meta["base_model"] == "tiny-random-opt" and meta["steps"] == 40 and meta["prompt_format_version"] == 1
    assert meta["dtypes"] == ["fp32", "q8", "q4", "q4f16"]
    assert meta["special_tokens"] == {"bos_token_id": 2, "eos_token_id": 2, "pad_token_id": 1}
    listed = {f["path"]: f for f in meta["files"]}
    assert "pygbox-model.json" not in listed and "README.md" in listed
    for path, entry in listed.items():
        data = (out / path).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    fp32 = meta["parity"]["fp32"]
    assert fp32["max_logit_diff_no_cache"] <= 1e-4 and fp32["max_logit_diff_with_cache"] <= 1e-4
    assert fp32["greedy_identical"] is True
    quantized = meta["parity"]["quantized"]
    assert [q["dtype"] for q in quantized] == ["q8", "q4", "q4f16"]
    # The --eval-dataset's eval split (by name only), reply tokens of its examples, not the built-in chat.
    assert meta["parity"]["eval_source"].startswith("ds (eval split")
    assert all(q["positions"] >= 8 and np.isfinite(q["max_logit_diff_cache_vs_no_cache"]) for q in quantized)
    assert next(e for e in events if e["event"] == "parity")["quantized"] == quantized
    card = (out / "README.md").read_text()
    assert "| q4 | `onnx/model_q4.onnx` |" in card and "greedy continuations of 16 tokens identical: yes" in card
    assert "eos_token_id 2" in card
    for text in (card, (out / "pygbox-model.json").read_text()):
        assert str(out.parent) not in text and str(Path.home()) not in text and "/tmp" not in text


def test_the_fp32_gate_fails_onnx_that_does_not_match_pytorch(exported) -> None:
    from transformers import AutoModelForCausalLM

    checkpoint, out, _ = exported  # the export's own gate passed on these files (parity event above)
    model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32).eval()
    with torch.no_grad():  # a weight the ONNX file does not have: the gate must see it
        model.model.decoder.layers[1].fc2.weight.mul_(1.001)
    with pytest.raises(ExportError) as caught:
        fp32_parity(model, OnnxRunner(out / "onnx" / "model.onnx"), [[2, 100, 200, 300, 400], [2, 7, 8]], Thresholds())
    assert caught.value.field == "parity.fp32" and "differs from PyTorch" in caught.value.message


@pytest.mark.parametrize("dtype", ["q8", "q4", "q4f16"])
def test_each_quantized_threshold_fails_the_gate(exported, tiny_dataset: Path, dtype: str) -> None:
    from transformers import AutoTokenizer

    checkpoint, out, _ = exported
    eval_set = load_eval_set(tiny_dataset, None, AutoTokenizer.from_pretrained(checkpoint), 50272)
    reference = reply_scores(OnnxRunner(out / "onnx" / "model.onnx"), eval_set.examples)
    name = {"q8": "model_quantized.onnx", "q4": "model_q4.onnx", "q4f16": "model_q4f16.onnx"}[dtype]
    target = out / "onnx" / name
    passed = quantized_parity(dtype, target, reference, eval_set.examples, Thresholds())
    assert passed["positions"] == reference.positions
    strict_ppl = Thresholds(max_ppl_increase_pct={dtype: -100.0}, min_top1_agreement={dtype: 0.0})
    with pytest.raises(ExportError, match="perplexity is") as caught:
        quantized_parity(dtype, target, reference, eval_set.examples, strict_ppl)
    assert caught.value.field == f"parity.{dtype}" and "--max-ppl-increase" in (caught.value.hint or "")
    strict_top1 = Thresholds(max_ppl_increase_pct={dtype: 1e9}, min_top1_agreement={dtype: 1.01})
    with pytest.raises(ExportError, match="top token") as caught:
        quantized_parity(dtype, target, reference, eval_set.examples, strict_top1)
    assert caught.value.field == f"parity.{dtype}" and "--min-top1-agreement" in (caught.value.hint or "")


def test_reply_tokens_only_are_scored(exported, tiny_dataset: Path) -> None:
    from transformers import AutoTokenizer

    checkpoint, out, _ = exported
    eval_set = load_eval_set(tiny_dataset, None, AutoTokenizer.from_pretrained(checkpoint), 50272)
    scores = reply_scores(OnnxRunner(out / "onnx" / "model.onnx"), eval_set.examples)
    # The first token can never be predicted; only tokens flagged as reply (trained) count.
    assert scores.positions == sum(sum(e.trained[1:]) for e in eval_set.examples)
    assert all(not e.trained[0] and 0 < sum(e.trained) < len(e.trained) for e in eval_set.examples)


def test_tokenizer_checks_fail_loudly(exported, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    checkpoint, _, _ = exported
    tokenizer = json.loads((checkpoint / "tokenizer.json").read_text())
    tokenizer["model"]["vocab"] = {}
    (tmp_path / "tokenizer.json").write_text(json.dumps(tokenizer))
    with pytest.raises(ExportError, match=r"vocabulary \(model.vocab\) is empty") as caught:
        check_tokenizer_files(tmp_path, 50272)
    assert caught.value.field == "model.vocab"
    with pytest.raises(ExportError, match=r"\[2, 15500, 616\]") as caught:
        check_same_ids(AutoTokenizer.from_pretrained(checkpoint), "Hello there", [2, 15500, 617])
    assert caught.value.field == "tokenizer"


def test_the_folder_gets_the_tokenizers_special_ids_not_the_base_configs(tmp_path: Path) -> None:
    """An OPT config (eos 2, pad 1) beside a GPT-2-variant tokenizer (eos 50256, no pad): the
    browser must stop at 50256 - and not at 2, which is `#` in that vocabulary."""
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "opt", "bos_token_id": 2, "eos_token_id": 2, "pad_token_id": 1}))
    ids = SpecialIds(eos_token_id=50256, bos_token_id=50256, pad_token_id=None)
    changed = align_special_ids(tmp_path, ids)
    assert "config.json eos_token_id: 2 -> 50256" in changed
    for name in ("config.json", "generation_config.json"):  # generation_config.json written when missing
        data = json.loads((tmp_path / name).read_text())
        assert (data["bos_token_id"], data["eos_token_id"], data["pad_token_id"]) == (50256, 50256, None)
    # Several stop ids that include the tokenizer's EOS (end-of-turn ids) are kept as they are.
    (tmp_path / "generation_config.json").write_text(json.dumps({"eos_token_id": [50256, 50000], "bos_token_id": 50256}))
    align_special_ids(tmp_path, ids)
    assert json.loads((tmp_path / "generation_config.json").read_text())["eos_token_id"] == [50256, 50000]
    # A dataset whose replies end with another EOS than the tokenizer's cannot be right.
    (tmp_path / "index.json").write_text(json.dumps({"tokenizer": {"eosTokenId": 2}}))
    with pytest.raises(ExportError, match="replies end with token 2") as caught:
        check_dataset_eos(tmp_path, ids)
    assert caught.value.field == "tokenizer.eosTokenId"


def test_gpt2_and_a_llama_class_model_export_with_the_tokenizers_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """fp32 only (the quantizers do not care which model made the graph), in-process: the flat-cache
    wrapper and the gate hold for GPT-2 and a Llama-class model with grouped KV heads; the Llama
    config says eos 2 and its tokenizer is the GPT-2 variant (eos 50256), so the ids are rewritten."""
    from pygbox_worker.export import pipeline

    tokenizer = make_tokenizer(tmp_path / "tok", "gpt2")
    for model_type, heads in (("gpt2", 4), ("llama", 2)):  # llama: 4 query heads share 2 KV heads
        checkpoint = write_tiny_checkpoint(tmp_path / f"{model_type}-checkpoint", tokenizer, model_type, steps=0)
        out = tmp_path / f"{model_type}-model"
        capsys.readouterr()
        pipeline.run_export(
            checkpoint_dir=checkpoint, out=out, dtypes=["fp32"], eval_dataset=None, overwrite=False,
            thresholds=Thresholds(), tokenizer_sample=None,
        )  # fmt: skip
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        parity = next(e for e in events if e["event"] == "parity")["fp32"]
        assert parity["greedy_identical"] and parity["max_logit_diff_with_cache"] <= 1e-4
        assert OnnxRunner(out / "onnx" / "model.onnx").past[0].shape[1] == heads
        warnings = [e["message"] for e in events if e["event"] == "warning"]
        for name in ("config.json", "generation_config.json"):
            assert json.loads((out / name).read_text())["eos_token_id"] == 50256, (model_type, name)
        if model_type == "llama":
            assert len(warnings) == 1 and "config.json eos_token_id: 2 -> 50256" in warnings[0]
        else:
            assert warnings == []


def test_overwrite_replaces_only_an_export(exported, tmp_path: Path) -> None:
    checkpoint, out, _ = exported
    with pytest.raises(ExportError, match="already exists") as caught:
        output_folder.check_destination(out, False, checkpoint)
    assert "--overwrite" in (caught.value.hint or "")
    output_folder.check_destination(out, True, checkpoint)  # an export: may be replaced
    (tmp_path / "empty").mkdir()
    output_folder.check_destination(tmp_path / "empty", True, checkpoint)
    run = tmp_path / "run"
    (run / "checkpoint-200").mkdir(parents=True)
    (run / "train.log").write_text("precious")
    for target, reason in (
        (run, "is not a model folder pygbox export wrote"),  # a training run's folder
        (checkpoint.parent, "holds the checkpoint being exported"),
        (checkpoint, "holds the checkpoint being exported"),
    ):
        with pytest.raises(ExportError, match=reason):
            output_folder.check_destination(target, True, checkpoint)
    assert (run / "train.log").read_text() == "precious"


def test_an_interrupted_export_leaves_nothing(exported, tmp_path: Path) -> None:
    """Killed politely mid-export (SIGTERM; Ctrl-C's SIGINT takes the same path): exit 130 and
    neither the model folder nor the half-written one beside it remains."""
    checkpoint, _, _ = exported
    out = tmp_path / "model"
    process = start_export("--checkpoint", str(checkpoint), "--out", str(out), "--dtype", "fp32")
    assert process.stdout is not None
    for line in process.stdout:
        if json.loads(line).get("stage") == "export-onnx":
            break
    assert list(tmp_path.glob(".model.partial-*")), "the work folder exists while the export runs"
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr[-2000:]
    assert not out.exists() and list(tmp_path.iterdir()) == []
