"""`python -m pygbox_worker.export --checkpoint DIR --out DIR --dtype q8,q4,q4f16,fp32 [--eval-dataset DIR]`

Events on stdout (contract): `export-stage` {stage, detail} per stage, `parity` {fp32, quantized,
eval_source}, `export-done` {out, files}, or `error` then exit 1. Logs on stderr.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from ..events import emit, error, log  # noqa: E402
from .errors import ExportError  # noqa: E402
from .parity import Thresholds  # noqa: E402

DTYPES = ("fp32", "q8", "q4", "q4f16")


def _dtype_list(text: str) -> list[str]:
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [d for d in wanted if d not in DTYPES]
    if unknown or not wanted:
        raise argparse.ArgumentTypeError(f"unknown dtype {unknown[0] if unknown else '(none)'}; choose from {','.join(DTYPES)}")
    return [d for d in DTYPES if d in wanted]  # fp32 first: the quantized files are built from it


def _per_dtype(text: str) -> dict[str, float]:
    """`q8=5,q4=20` -> {"q8": 5.0, "q4": 20.0}."""
    result: dict[str, float] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        if name.strip() not in DTYPES[1:]:
            raise argparse.ArgumentTypeError(f"{part!r}: expected <q8|q4|q4f16>=<number>")
        try:
            result[name.strip()] = float(value)
        except ValueError as failure:
            raise argparse.ArgumentTypeError(f"{part!r}: {value!r} is not a number") from failure
    return result


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pygbox_worker.export", description=__doc__)
    parser.add_argument("--checkpoint", type=Path, required=True, help="Hugging Face model folder (pygbox train's final/)")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write (complete or not at all)")
    parser.add_argument("--dtype", type=_dtype_list, default=list(DTYPES), help="comma list of fp32,q8,q4,q4f16")
    parser.add_argument("--eval-dataset", type=Path, help="dataset folder whose eval split scores the quantized files")
    parser.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    parser.add_argument("--max-logit-diff", type=float, default=Thresholds.max_logit_diff)
    parser.add_argument("--greedy-tokens", type=int, default=Thresholds.greedy_tokens)
    parser.add_argument("--max-ppl-increase", type=_per_dtype, default={}, help="percent per dtype, e.g. q8=5,q4=25")
    parser.add_argument("--min-top1-agreement", type=_per_dtype, default={}, help="share per dtype, e.g. q8=0.85,q4=0.6")
    parser.add_argument("--tokenizer-sample-text", help="a text the CLI tokenized with transformers.js")
    parser.add_argument("--tokenizer-sample-ids", help="comma list: transformers.js' ids for --tokenizer-sample-text")
    return parser.parse_args(argv)


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    base = Thresholds()
    return Thresholds(
        max_logit_diff=args.max_logit_diff,
        greedy_tokens=args.greedy_tokens,
        max_ppl_increase_pct={**base.max_ppl_increase_pct, **args.max_ppl_increase},
        min_top1_agreement={**base.min_top1_agreement, **args.min_top1_agreement},
    )


def quiet_libraries() -> None:
    """The exporter's known, harmless chatter (torchvision missing, axis-name notes, progress bars)
    would bury the lines that matter in the stderr tail an error report shows."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*axis name.*will not be used.*")
    warnings.filterwarnings("ignore", message=".*Please consider to run pre-processing.*")
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)  # onnxruntime.quantization logs on the root logger
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a closed terminal, a service manager, the CLI forwarding it) takes the same path as
    Ctrl-C: the half-written folder is removed. Python's default would exit on the spot and leave it."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    _interrupt_on_sigterm()
    quiet_libraries()
    from . import pipeline

    started = time.monotonic()
    try:
        result = pipeline.run_export(
            checkpoint_dir=args.checkpoint.resolve(),
            out=args.out.resolve(),
            dtypes=args.dtype,
            eval_dataset=None if args.eval_dataset is None else args.eval_dataset.resolve(),
            overwrite=args.overwrite,
            thresholds=thresholds_from(args),
            tokenizer_sample=None
            if args.tokenizer_sample_ids is None or args.tokenizer_sample_text is None
            else (args.tokenizer_sample_text, [int(x) for x in args.tokenizer_sample_ids.split(",") if x.strip()]),
        )
    except ExportError as failure:
        error(failure.message, hint=failure.hint, field=failure.field)
        return 1
    except KeyboardInterrupt:
        error("export interrupted", hint="run it again; nothing was written to --out")
        return 130
    log(f"export finished in {time.monotonic() - started:.1f}s")
    emit("export-done", out=str(result.out), files=result.files)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
