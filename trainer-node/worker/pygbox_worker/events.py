"""The worker's wire protocol: JSON lines on stdout, human logs on stderr.

The TypeScript side (trainer-node/worker-process/) parses every stdout line with a zod schema, so
nothing but `emit` may write to stdout. Under torchrun every rank runs this code; only rank 0 speaks,
or the CLI would see each step N times. Errors go out from every rank (`emit_all_ranks`) because the
failing rank may not be rank 0.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

PROTOCOL = 1


def _rank() -> int:
    """The process rank: torch.distributed's once initialised, else torchrun's RANK env, else 0."""
    try:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return dist.get_rank()
    except ImportError:  # the tokenizer entry runs without torch
        pass
    return int(os.environ.get("RANK", "0"))


def _plain(value: Any) -> Any:
    """JSON has no NaN/Infinity; a diverged loss is sent as null rather than breaking the parser."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _write(event: str, fields: dict[str, Any]) -> None:
    line = json.dumps(_plain({"event": event, **fields}), separators=(",", ":"))
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def emit(event: str, **fields: Any) -> None:
    """One event line on stdout (rank 0 only)."""
    if _rank() == 0:
        _write(event, fields)


def emit_all_ranks(event: str, **fields: Any) -> None:
    """One event line from whichever rank calls it (errors: the failing rank may not be rank 0)."""
    _write(event, fields)


def error(message: str, hint: str | None = None, field: str | None = None) -> None:
    """The contract's error event; the caller then exits 1."""
    emit_all_ranks("error", message=message, hint=hint, field=field)


def warning(message: str) -> None:
    emit("warning", message=message)


def log(message: str) -> None:
    """A human line on stderr (the CLI keeps its tail for error reports)."""
    prefix = f"[rank {_rank()}] " if int(os.environ.get("WORLD_SIZE", "1")) > 1 else ""
    sys.stderr.write(prefix + message + "\n")
    sys.stderr.flush()
