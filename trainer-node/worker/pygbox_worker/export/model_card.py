"""The two descriptions written next to the weights.

`pygbox-model.json` is for programs (the extension's importer, issue 7): format, version, what the
model is, which dtypes exist and each file's size and sha256, and the parity figures. `README.md` is
the same for people: a model card with the figures and how to load the folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

MODEL_FORMAT = "pygbox-model"
MODEL_FORMAT_VERSION = 1
DESCRIPTOR = "pygbox-model.json"
CARD = "README.md"


def public_name(base: str | None) -> str | None:
    """A hub id (`facebook/opt-350m`) as it is; a local folder by its last component only: the card
    and descriptor travel with the model, the user's folder names (often their own name) should not."""
    if base is None:
        return None
    looks_local = (
        base.startswith(("/", ".", "~"))
        or "\\" in base
        or base.count("/") > 1
        or (len(base) > 1 and base[1] == ":")
        or Path(base).expanduser().exists()
    )
    return Path(base.replace("\\", "/").rstrip("/")).name or base if looks_local else base


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_files(folder: Path) -> list[dict[str, Any]]:
    """Every file but the descriptor itself, sorted, with bytes and sha256."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative == DESCRIPTOR:
            continue
        entries.append({"path": relative, "bytes": path.stat().st_size, "sha256": sha256_of(path)})
    return entries


def _fmt_bytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.1f} kB"


def render_card(meta: dict[str, Any], files: list[dict[str, Any]]) -> str:
    parity = meta["parity"]
    fp32 = parity.get("fp32")
    lines = [
        f"# {meta['name']}",
        "",
        "A chat model exported by `pygbox export` for the browser (transformers.js 4 / onnxruntime-web).",
        "",
        f"- Base model: {meta['base_model'] or 'unknown'} ({meta['model_type']})",
        f"- Training steps: {meta['steps'] if meta['steps'] is not None else 'unknown'}",
        f"- Prompt format version: {meta['prompt_format_version'] if meta['prompt_format_version'] is not None else 'unknown'}",
        f"- Dtypes: {', '.join(meta['dtypes'])}",
        "- Special token ids (the tokenizer's; generation stops at eos): "
        + ", ".join(f"{name} {value}" for name, value in meta["special_tokens"].items()),
        "",
        "## Parity gate",
        "",
    ]
    if fp32 is not None:
        lines += [
            f"fp32 ONNX vs PyTorch on a left-padded batch of two prompts: max |logit difference| "
            f"{fp32['max_logit_diff_no_cache']:.2e} in one pass, {fp32['max_logit_diff_with_cache']:.2e} token by token "
            f"through the KV cache (limit {fp32['threshold']:g}); "
            f"greedy continuations of {fp32['greedy_tokens']} tokens identical: {'yes' if fp32['greedy_identical'] else 'no'}.",
            "",
        ]
    quantized = parity.get("quantized") or []
    if quantized:
        lines += [
            f"Quantized files on reply tokens of {parity['eval_source']}:",
            "",
            "| dtype | file | perplexity | vs fp32 | top-1 agreement | reply tokens | cached vs one pass |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {q['dtype']} | `{q['file']}` | {q['perplexity']:.3f} | {q['perplexity_increase_pct']:+.2f}% "
            f"(limit {q['max_perplexity_increase_pct']:g}%) | {q['top1_agreement']:.1%} (min {q['min_top1_agreement']:.0%}) | {q['positions']} | "
            f"{q['max_logit_diff_cache_vs_no_cache']:.2e} |"
            for q in quantized
        ]
        lines += [
            "",
            "Perplexity and top-1 agreement are measured against the fp32 ONNX file on reply tokens only (the "
            "tokens training scores). The last column is each file decoding through its own KV cache against one "
            "pass over the same example (reported, not gated: q8 quantizes activations per call).",
            "",
        ]
    lines += ["## Files", "", "| file | size | sha256 |", "| --- | --- | --- |"]
    lines += [f"| `{f['path']}` | {_fmt_bytes(f['bytes'])} | `{f['sha256'][:16]}…` |" for f in files]
    lines += [
        "",
        "## Use",
        "",
        "Import the zip in the Pygbox extension, or load the folder with transformers.js:",
        "",
        "```js",
        "import { AutoModelForCausalLM, AutoTokenizer } from '@huggingface/transformers';",
        "const model = await AutoModelForCausalLM.from_pretrained('<folder>', { dtype: 'q4' });",
        "```",
        "",
        "The files in `onnx/` take `input_ids`, `attention_mask`, `position_ids` and `past_key_values.*`, and return",
        "`logits` and `present.*`. The q4f16 file keeps its KV cache in float16.",
        "",
    ]
    return "\n".join(lines)


def write_descriptions(folder: Path, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Write README.md, then pygbox-model.json listing every file (README included). Returns the
    full file list (descriptor included) for the export-done event."""
    (folder / CARD).write_text(render_card(meta, describe_files(folder)), encoding="utf-8")
    files = describe_files(folder)
    descriptor = {"format": MODEL_FORMAT, "version": MODEL_FORMAT_VERSION, **meta, "files": files}
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return describe_files(folder) + [
        {"path": DESCRIPTOR, "bytes": (folder / DESCRIPTOR).stat().st_size, "sha256": sha256_of(folder / DESCRIPTOR)}
    ]
