"""The model folder is written beside its destination and renamed into place: after any failure
(parity gate, Ctrl-C, a full disk) the destination is either the complete new folder or untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .errors import ExportError


def temp_sibling(out: Path) -> Path:
    return out.with_name(f".{out.name}.partial-{os.getpid()}")


def check_destination(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise ExportError(f"{out}: already exists", "pass --overwrite to replace it, or choose another --out", field="out")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder", "create the parent folder first", field="out")


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
