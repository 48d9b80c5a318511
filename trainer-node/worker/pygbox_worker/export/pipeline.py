"""The export, stage by stage (each announced with an `export-stage` event)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ..events import emit, log
from . import graph_rewrites, onnx_export, output_folder, quantize
from .checkpoint import COPIED_FILES, Checkpoint, read_checkpoint
from .errors import ExportError
from .eval_examples import EvalSet, load_eval_set
from .fp16_headroom import FP16_WARN_ABOVE, largest_activation
from .model_card import public_name, write_descriptions
from .onnx_files import data_file, declare_external_data, save_onnx
from .onnx_runner import OnnxRunner
from .parity import Thresholds, fp32_parity, quantized_parity, reply_scores
from .special_ids import SpecialIds, align_special_ids, check_dataset_eos, tokenizer_special_ids
from .tokenizer_check import check_same_ids, check_tokenizer_files


@dataclass(frozen=True)
class ExportResult:
    out: Path
    files: list[dict[str, Any]]


def stage(name: str, detail: str | None = None) -> None:
    emit("export-stage", stage=name, detail=detail)
    log(f"export: {name}{'' if detail is None else f' ({detail})'}")


def _load_model(folder: Path) -> PreTrainedModel:
    """fp32 whatever the checkpoint's dtype (bf16 on CUDA): the fp32 file is the reference."""
    from transformers import AutoModelForCausalLM

    try:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    except (OSError, ValueError) as failure:
        raise ExportError(f"{folder}: transformers cannot load this model ({failure})", "pass a complete checkpoint folder") from failure
    return model.eval()


def _model_name(folder: Path) -> str:
    """The run's name: the checkpoint folder's, or for `<output_dir>/final` the output dir's - but
    not a home folder's (that is the user's login name)."""
    named = folder.parent if folder.name in ("final", "") or folder.name.startswith("checkpoint-") else folder
    return "pygbox-model" if named == Path.home() or named.name == "" else named.name


def _warn_about_fp16_range(model: PreTrainedModel, eval_set: EvalSet) -> None:
    """q4f16 computes in float16 (largest value 65504); OPT is known for outlier activations. The
    gate fails a file whose logits overflow; this says why before it happens, or that it may."""
    largest = largest_activation(model, [example.input_ids for example in eval_set.examples])
    log(f"export: largest |activation| on the eval examples: {largest:.4g} (float16 overflows above 65504)")
    if largest > FP16_WARN_ABOVE:
        emit(
            "warning",
            message=f"q4f16: activations reach {largest:.4g} on the eval examples, close to float16's limit 65504; "
            "the q4f16 file may produce inf/NaN on other inputs (q4 keeps float32 activations)",
        )


def _parity_prompts(tokenizer: PreTrainedTokenizerBase) -> list[list[int]]:
    texts = [
        "Mira's Persona: A patient lighthouse keeper.\n<START>\nYou: Hello!\nMira:",
        "You: What is the weather like today?\nMira: Stormy, as ever. You:",
    ]
    return [tokenizer(text)["input_ids"] for text in texts]


def run_export(
    *,
    checkpoint_dir: Path,
    out: Path,
    dtypes: list[str],
    eval_dataset: Path | None,
    overwrite: bool,
    thresholds: Thresholds,
    tokenizer_sample: tuple[str, list[int]] | None,
) -> ExportResult:
    from transformers import AutoTokenizer

    stage("checkpoint", str(checkpoint_dir))
    checkpoint = read_checkpoint(checkpoint_dir)
    output_folder.check_destination(out, overwrite, checkpoint_dir)
    model = _load_model(checkpoint_dir)
    vocab_size = int(model.config.vocab_size)
    check_tokenizer_files(checkpoint_dir, vocab_size)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint_dir)
    if tokenizer_sample is not None:
        check_same_ids(tokenizer, *tokenizer_sample)
    special_ids = tokenizer_special_ids(tokenizer, checkpoint_dir, vocab_size)
    check_dataset_eos(eval_dataset, special_ids)
    check_dataset_eos(checkpoint.training_dataset, special_ids)
    # Read before minutes of export work, so a bad --eval-dataset fails at once.
    eval_set = (
        load_eval_set(eval_dataset, checkpoint.training_dataset, tokenizer, vocab_size)
        if any(d != "fp32" for d in dtypes)
        else None
    )

    work = output_folder.start(out)
    try:
        files = _export_into(work, checkpoint, model, tokenizer, special_ids, dtypes, eval_set, thresholds)
        stage("finish", str(out))
        output_folder.finish(work, out)
    except BaseException:
        output_folder.abandon(work)
        raise
    return ExportResult(out=out, files=files)


def _export_into(
    work: Path,
    checkpoint: Checkpoint,
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    special_ids: SpecialIds,
    dtypes: list[str],
    eval_set: EvalSet | None,
    thresholds: Thresholds,
) -> list[dict[str, Any]]:
    """Everything that writes into the temporary folder; returns the files for export-done."""
    onnx_dir = work / "onnx"
    for name in COPIED_FILES:
        if (checkpoint.folder / name).is_file():
            shutil.copyfile(checkpoint.folder / name, work / name)
    changed = align_special_ids(work, special_ids)
    if changed:
        message = (
            "the checkpoint's config disagreed with its tokenizer; the exported folder uses the tokenizer's ids "
            f"(the ones the dataset ends replies with): {'; '.join(changed)}"
        )
        emit("warning", message=message)
        log(f"export: {message}")

    stage("export-onnx", f"{model.config.model_type}, opset {onnx_export.OPSET}")
    fp32_file = onnx_dir / quantize.FILE_NAMES["fp32"]
    graph = onnx_export.export_fp32(model, fp32_file)
    gemms = graph_rewrites.prepare_fp32(graph)
    save_onnx(graph, fp32_file)

    stage("parity-fp32", f"max |logit diff| <= {thresholds.max_logit_diff:g}, {thresholds.greedy_tokens} greedy tokens")
    fp32_runner = OnnxRunner(fp32_file)
    fp32_figures = fp32_parity(model, fp32_runner, _parity_prompts(tokenizer), thresholds)

    quantized_dtypes = [d for d in dtypes if d != "fp32"]
    quantized_figures = []
    eval_source = None
    if quantized_dtypes and eval_set is not None:
        eval_source = eval_set.source
        if "q4f16" in quantized_dtypes:
            _warn_about_fp16_range(model, eval_set)
        reference = reply_scores(fp32_runner, eval_set.examples)
        folded, transposes = graph_rewrites.for_quantization(graph)
        log(f"export: {gemms} Gemm -> MatMul, {transposes} transposed weights folded for the quantizers")
        # quantize_dynamic reads a file; this one lives outside onnx/ and goes before the rename.
        folded_file = work / "quantizer-input.onnx"
        for dtype in quantized_dtypes:
            target = onnx_dir / quantize.FILE_NAMES[dtype]
            stage(f"quantize-{dtype}", target.name)
            if dtype == "q8":
                if not folded_file.exists():
                    save_onnx(folded, folded_file)
                quantize.quantize_q8(folded_file, target)
            elif dtype == "q4":
                quantize.quantize_q4(folded, target)
            else:
                quantize.quantize_q4f16(folded, target)
            stage(f"parity-{dtype}", eval_set.source)
            quantized_figures.append(quantized_parity(dtype, target, reference, eval_set.examples, thresholds))
        for leftover in (folded_file, data_file(folded_file)):
            leftover.unlink(missing_ok=True)
    del fp32_runner
    if "fp32" not in dtypes:
        fp32_file.unlink()  # built as the source of the others and for the gate only

    external = declare_external_data(work)
    if external:
        log(f"export: weights above 2 GB kept in external data for {', '.join(external)} (declared in config.json)")
    parity = {"fp32": fp32_figures, "quantized": quantized_figures, "eval_source": eval_source}
    emit("parity", **parity)
    stage("model-card")
    # The card and descriptor travel with the model: names, never the user's folders.
    meta = {
        "name": _model_name(checkpoint.folder),
        "base_model": public_name(checkpoint.base_model),
        "model_type": model.config.model_type,
        "special_tokens": special_ids.as_dict(),
        "steps": checkpoint.step,
        "prompt_format_version": checkpoint.prompt_format_version,
        "dtypes": dtypes,
        "parity": parity,
    }
    return write_descriptions(work, meta)
