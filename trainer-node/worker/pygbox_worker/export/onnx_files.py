"""Saving ONNX files the way transformers.js reads them.

Under the 2 GB protobuf limit a file is saved whole (one download, no sidecar). Above it, weights go
to `<file>.onnx_data` - transformers.js looks for exactly that name (the exporter's default,
`<file>.onnx.data`, is not found). ORT and onnx append to an existing data file, so old outputs are
deleted first or the sidecar silently grows.
"""

from __future__ import annotations

from pathlib import Path

import onnx
from onnx.external_data_helper import load_external_data_for_model

#: Stay clear of protobuf's 2 GiB hard limit (the graph itself needs some room too).
SINGLE_FILE_LIMIT = 1_900_000_000


def weight_bytes(model: onnx.ModelProto) -> int:
    return sum(len(init.raw_data) for init in model.graph.initializer)


def data_file(onnx_file: Path) -> Path:
    return onnx_file.with_name(onnx_file.name + "_data")


def save_onnx(model: onnx.ModelProto, out_file: Path) -> list[Path]:
    """Save, returning the files written (the .onnx, plus .onnx_data when external)."""
    for stale in (out_file, data_file(out_file)):
        stale.unlink(missing_ok=True)
    if weight_bytes(model) < SINGLE_FILE_LIMIT:
        onnx.save_model(model, out_file)
        return [out_file]
    onnx.save_model(
        model,
        out_file,
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data_file(out_file).name,
        size_threshold=1024,
    )
    # Saving moved the weights out of `model` (raw_data cleared, references left); the caller keeps
    # using it (the quantizers copy it), so read them back in.
    load_external_data_for_model(model, str(out_file.parent))
    return [out_file, data_file(out_file)]


def declare_external_data(model_folder: Path) -> list[str]:
    """transformers.js fetches `<file>.onnx_data` only when config.json says so
    (`transformers.js_config.use_external_data_format`, per file: the number of data chunks).
    Returns the ONNX files that have one."""
    import json

    with_data = sorted(p.name[: -len("_data")] for p in (model_folder / "onnx").glob("*.onnx_data"))
    if not with_data:
        return []
    config_file = model_folder / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    settings = config.setdefault("transformers.js_config", {})
    declared = settings.get("use_external_data_format")
    declared = declared if isinstance(declared, dict) else {}
    settings["use_external_data_format"] = {**declared, **{name: 1 for name in with_data}}
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return with_data
