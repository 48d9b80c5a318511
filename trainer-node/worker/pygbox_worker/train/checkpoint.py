"""Checkpoints: the Hugging Face layout plus the trainer's state, complete or absent.

`<output_dir>/checkpoint-<step>/` (and `final/`) hold what `AutoModelForCausalLM.from_pretrained`
loads (config.json, model.safetensors, generation_config.json; for LoRA the merged weights plus the
adapter under adapter/), the dataset's tokenizer files, `trainer_state.pt` and
`pygbox-checkpoint.json`. Everything is written into a temporary sibling and renamed, so a SIGKILL
mid-save leaves no half checkpoint for `--resume auto` to pick.

trainer_state.pt is loadable with `torch.load(weights_only=True)` (torch >= 2.6's default): only
tensors, dicts, lists, ints, floats and strings; Python's and numpy's RNG states are stored as plain
lists (transformers#34631 is that trap).
"""

from __future__ import annotations

import copy
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

FORMAT = "pygbox-checkpoint"
VERSION = 1
STATE_FILE = "trainer_state.pt"
META_FILE = "pygbox-checkpoint.json"


class CheckpointError(ValueError):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def rng_state() -> dict[str, Any]:
    version, mt, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "python": [version, list(mt), gauss],
        "numpy": [kind, keys.tolist(), int(pos), int(has_gauss), float(cached)],
    }


def restore_rng(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    version, mt, gauss = state["python"]
    random.setstate((version, tuple(mt), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))


@dataclass
class CheckpointContent:
    """What rank 0 writes; the states are gathered by the caller (collectives run on every rank)."""

    step: int
    epoch: int
    model: nn.Module  # the unwrapped Hugging Face or peft model
    model_state: dict[str, torch.Tensor] | None  # a full state dict (FSDP), else None: read the model
    trainer_state: dict[str, Any]
    run_config: dict[str, Any]
    dataset_folder: Path
    dataset_sha256: str
    prompt_format_version: int
    eval_loss: float | None


def _copy_tokenizer(dataset_folder: Path, tokenizer_folder: str, into: Path) -> None:
    source = dataset_folder / tokenizer_folder
    for file in sorted(source.iterdir()):
        if file.is_file():
            shutil.copy2(file, into / file.name)


def _save_weights(content: CheckpointContent, into: Path) -> None:
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # stderr is the CLI's error tail, not a progress bar
    model = content.model
    if hasattr(model, "merge_and_unload"):  # peft: the adapter, then a merged copy for the HF layout
        model.save_pretrained(into / "adapter")
        merged = copy.deepcopy(model).merge_and_unload()
        merged.save_pretrained(into)
        del merged
        return
    state = content.model_state
    if state is not None:
        # A gathered FSDP state dict names a tied weight twice (embed_tokens and lm_head); keep the
        # first name only, as save_pretrained does for an ordinary model.
        state = dict(state)
        seen: set[int] = set()
        for name, parameter in model.named_parameters(remove_duplicate=False):
            if id(parameter) in seen:
                state.pop(name, None)
            seen.add(id(parameter))
    model.save_pretrained(into, state_dict=state)


def write_checkpoint(content: CheckpointContent, final_path: Path, tokenizer_folder: str) -> None:
    """Writes into `.<name>.partial` beside final_path, then renames it into place (replacing an old
    folder of that name only once the new one is complete)."""
    partial = final_path.with_name(f".{final_path.name}.partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    _save_weights(content, partial)
    _copy_tokenizer(content.dataset_folder, tokenizer_folder, partial)
    torch.save(content.trainer_state, partial / STATE_FILE)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "step": content.step,
        "epoch": content.epoch,
        "run_config": content.run_config,
        "prompt_format_version": content.prompt_format_version,
        "dataset": {"path": str(content.dataset_folder), "sha256": content.dataset_sha256},
        "eval_loss": content.eval_loss,
    }
    # The marker of a complete checkpoint: written last.
    (partial / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if final_path.exists():
        stale = final_path.with_name(f".{final_path.name}.old")
        if stale.exists():
            shutil.rmtree(stale)
        final_path.rename(stale)
        partial.rename(final_path)
        shutil.rmtree(stale)
    else:
        partial.rename(final_path)


def _step_of(folder: Path) -> int | None:
    prefix = "checkpoint-"
    if folder.name.startswith(prefix) and folder.name[len(prefix) :].isdigit():
        return int(folder.name[len(prefix) :])
    return None


def is_complete(folder: Path) -> bool:
    return (folder / META_FILE).is_file() and (folder / STATE_FILE).is_file() and (folder / "config.json").is_file()


def interval_checkpoints(output_dir: Path) -> list[tuple[int, Path]]:
    """Complete `checkpoint-<step>` folders, oldest first."""
    if not output_dir.is_dir():
        return []
    found = [(_step_of(p), p) for p in output_dir.iterdir() if p.is_dir()]
    return sorted((step, p) for step, p in found if step is not None and is_complete(p))


def _remove(folder: Path) -> None:
    """Renamed away first: a kill halfway through rmtree must not leave a folder that still looks
    like a complete checkpoint (its marker and state file gone last, or not at all)."""
    doomed = folder.with_name(f".{folder.name}.removing")
    if doomed.exists():
        shutil.rmtree(doomed)
    folder.rename(doomed)
    shutil.rmtree(doomed)


def prune(output_dir: Path, keep_last: int, newest_step: int) -> list[Path]:
    """Keeps the `keep_last` newest interval checkpoints up to `newest_step` (the one just written).
    Checkpoints of later steps are from an abandoned continuation (this run resumed from an older
    checkpoint): left in place, `--resume auto` would pick one of them after a crash and silently
    jump onto the other trajectory, and keep_last would delete this run's own checkpoints in their
    favour. They are removed; the removed folders are returned for a warning."""
    found = interval_checkpoints(output_dir)
    abandoned = [folder for step, folder in found if step > newest_step]
    current = [folder for step, folder in found if step <= newest_step]
    for folder in [*abandoned, *current[:-keep_last]]:
        _remove(folder)
    return abandoned


def newest_checkpoint(output_dir: Path) -> Path | None:
    found = interval_checkpoints(output_dir)
    return found[-1][1] if found else None


@dataclass
class LoadedCheckpoint:
    path: Path
    meta: dict[str, Any]
    state: dict[str, Any]


def read_checkpoint(folder: Path) -> LoadedCheckpoint:
    """Reads a checkpoint folder, failing with its name when it is missing or damaged."""
    hint = "pass a complete checkpoint folder (`<output_dir>/checkpoint-<step>`), or `--resume auto`"
    if not folder.is_dir():
        raise CheckpointError(f"checkpoint {folder}: no such folder", hint)
    if not is_complete(folder):
        raise CheckpointError(f"checkpoint {folder}: incomplete (needs config.json, {STATE_FILE}, {META_FILE})", hint)
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        state = torch.load(folder / STATE_FILE, weights_only=True, map_location="cpu")
    except (json.JSONDecodeError, RuntimeError, EOFError, OSError) as damaged:
        raise CheckpointError(f"checkpoint {folder}: damaged ({damaged})", hint) from None
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise CheckpointError(f"checkpoint {folder}: {META_FILE} is not a {FORMAT} version {VERSION}", hint)
    return LoadedCheckpoint(folder, meta, state)
