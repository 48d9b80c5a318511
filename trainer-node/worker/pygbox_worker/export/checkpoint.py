"""Read the checkpoint folder `pygbox export` takes: the trainer's `final/` or any `checkpoint-<step>/`.

It is a Hugging Face folder (config.json, model.safetensors, tokenizer files) plus, when Pygbox wrote
it, `pygbox-checkpoint.json` (step, run config, prompt format version). Anything missing is named with
the fix, before minutes of export work start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExportError

REQUIRED_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json")
#: Tokenizer and config files copied into the model folder as they are (present ones only).
COPIED_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)


@dataclass(frozen=True)
class Checkpoint:
    folder: Path
    #: pygbox-checkpoint.json's content, or None for a plain Hugging Face folder.
    pygbox: dict[str, Any] | None

    @property
    def step(self) -> int | None:
        return None if self.pygbox is None else self.pygbox.get("step")

    @property
    def prompt_format_version(self) -> int | None:
        return None if self.pygbox is None else self.pygbox.get("prompt_format_version")

    @property
    def base_model(self) -> str | None:
        run_config = (self.pygbox or {}).get("run_config") or {}
        return (run_config.get("model") or {}).get("base")

    @property
    def training_dataset(self) -> Path | None:
        """The dataset the run trained on (for eval examples when --eval-dataset is not given)."""
        run_config = (self.pygbox or {}).get("run_config") or {}
        dataset = run_config.get("dataset")
        return None if not dataset else Path(dataset)


def read_checkpoint(folder: Path) -> Checkpoint:
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such checkpoint folder", "pass a folder written by pygbox train (e.g. <output_dir>/final)")
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            raise ExportError(
                f"{folder / name}: missing",
                "export takes a Hugging Face model folder with its tokenizer files; pygbox train writes them into every checkpoint",
            )
    if not any((folder / name).is_file() for name in ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")):
        raise ExportError(f"{folder}: no model weights (model.safetensors)", "pass a complete checkpoint folder")
    marker = folder / "pygbox-checkpoint.json"
    pygbox = None
    if marker.is_file():
        try:
            pygbox = json.loads(marker.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ExportError(f"{marker}: not JSON ({error})", "the checkpoint is damaged; export another checkpoint") from error
        if not isinstance(pygbox, dict) or pygbox.get("format") != "pygbox-checkpoint":
            raise ExportError(f"{marker}: format is not pygbox-checkpoint", "export a folder written by pygbox train")
    return Checkpoint(folder=folder, pygbox=pygbox)
