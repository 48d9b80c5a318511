"""The model folder is written beside its destination and renamed into place: after any failure
(parity gate, Ctrl-C, a full disk) the destination is either the complete new folder or untouched.

--overwrite replaces only what an export wrote (a folder with a pygbox-model.json) or an empty
folder: `-o out/run --overwrite` must not delete a training run's checkpoints, nor `-o ~` a home.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .errors import ExportError

DESCRIPTOR = "pygbox-model.json"


def temp_sibling(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial-{os.getpid()}")


def _is_export(folder: Path) -> bool:
    if not folder.is_dir() or folder.is_symlink():
        return False
    if not any(folder.iterdir()):
        return True
    try:
        return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8")).get("format") == "pygbox-model"
    except (OSError, ValueError, AttributeError):
        return False


def check_destination(out: Path, overwrite: bool, checkpoint: Path) -> None:
    """`out` and `checkpoint` are resolved paths."""
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder", "create the parent folder first", field="out")
    if out == checkpoint or out in checkpoint.parents:
        raise ExportError(
            f"{out}: holds the checkpoint being exported", "choose an --out outside the checkpoint's folders", field="out"
        )
    if not (out.exists() or out.is_symlink()):
        return
    if not overwrite:
        raise ExportError(f"{out}: already exists", "pass --overwrite to replace it, or choose another --out", field="out")
    if not _is_export(out):
        raise ExportError(
            f"{out}: is not a model folder pygbox export wrote (no {DESCRIPTOR}); --overwrite replaces only those",
            "choose another --out, or move that folder away yourself",
            field="out",
        )


def start(out: Path) -> Path:
    work = temp_sibling(out)
    shutil.rmtree(work, ignore_errors=True)
    (work / "onnx").mkdir(parents=True)
    return work


def finish(work: Path, out: Path) -> None:
    """Swap the finished folder in: the old one (with --overwrite) moves aside first, then goes."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def abandon(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
