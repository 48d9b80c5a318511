"""Training speed on a GPU: Pygbox's training step against a plain Hugging Face `Trainer` loop.

    .venv/bin/python bench/train-gpu.py                 # OPT-1.3b then OPT-350m shapes, at most --budget (540 s)
    .venv/bin/python bench/train-gpu.py --smoke         # tiny shapes on the CPU in seconds (a test runs it)
    .venv/bin/python bench/train-gpu.py --shapes opt-350m --seconds 30 --out bench/train-gpu.json
    # On a lent GPU machine (its image's python3 has torch and transformers, not pydantic; no network):
    PYTHONUNBUFFERED=1 python3 bench/train-gpu.py --budget 500 --out $OUT/train-gpu.json

One call, one chance: the whole run stays inside `--budget` seconds of wall clock (imports, model
builds and torch.compile included). Each case's timed window is shrunk to what is left, a case
that no longer fits is skipped and reported as such, a case that runs out of memory or fails is
reported and the rest still run, and every finished case is printed (and written to --out) at
once, so a run stopped from outside still leaves its figures. OPT-1.3b runs first: it carries the
issue's targets (MFU >= 40%, >= 2x the Trainer loop).

Both sides train the same randomly initialised model (no download) on the same random-token
examples (chat-like lengths, the first 80% of each example masked as prompt), bf16 autocast over
fp32 weights, SDPA attention, fused AdamW:
- ours: `pygbox_worker.train.step.train_step` itself (imported, not re-implemented): examples
  packed into 2048-token rows with per-example attention and positions, torch.compile.
- baseline: `transformers.Trainer` with its defaults (bf16 on), one example per row padded to the
  longest in the batch, no packing, no compile.
Tokens/s counts non-padding tokens; MFU uses the worker's own convention (pygbox_worker.train.flops:
6N + attention over each example's squared length, per GPU peak from its table). Prints a JSON
summary line, then a markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import time

STARTED = time.monotonic()  # the budget counts the imports too

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

# No hub: every model is built from a config; a stray download attempt must fail fast, not hang.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trainer-node" / "worker"))

from pygbox_worker.train.data import Pack, collate, shifted_targets  # noqa: E402
from pygbox_worker.train.distributed import Processes  # noqa: E402
from pygbox_worker.train.flops import (  # noqa: E402
    head_parameters,
    matmul_parameters,
    model_shape,
    peak_flops,
    step_flops,
)
from pygbox_worker.train.step import StepSettings, train_step  # noqa: E402

# OPT's published shapes (facebook/opt-350m and opt-1.3b config.json), plus a tiny one for --smoke.
SHAPES: dict[str, dict[str, object]] = {
    "opt-350m": {
        "hidden_size": 1024,
        "num_hidden_layers": 24,
        "num_attention_heads": 16,
        "ffn_dim": 4096,
        "word_embed_proj_dim": 512,
        "do_layer_norm_before": False,
    },
    "opt-1.3b": {
        "hidden_size": 2048,
        "num_hidden_layers": 24,
        "num_attention_heads": 32,
        "ffn_dim": 8192,
        "word_embed_proj_dim": 2048,
    },
    "tiny": {
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "ffn_dim": 64,
        "word_embed_proj_dim": 32,
    },
}
# Packs per optimizer step for ours and examples per step for the baseline (about the same tokens).
BATCH = {"opt-350m": (8, 24), "opt-1.3b": (4, 12), "tiny": (2, 4)}
WARMUP_STEPS = 5
# Seconds to leave between a case's end and the budget's (printing, teardown).
RESERVE_SECONDS = 15.0
# A timed window shorter than this says nothing; the case is skipped instead.
MIN_TIMED_SECONDS = 8.0


@dataclass(frozen=True)
class BenchOptimizer:
    """The fields `optim.build_optimizer` reads (the worker's TrainConfig is pydantic, which the GPU
    machine's image lacks)."""

    learning_rate: float = 1e-5
    weight_decay: float = 0.0
    adam_beta1: float = 0.9
    adam_beta2: float = 0.95
    adam_epsilon: float = 1e-8


def elapsed() -> float:
    return time.monotonic() - STARTED


@dataclass
class Measurement:
    side: str
    shape: str
    steps: int
    seconds: float
    tokens: int
    flops: float
    peak_memory_gib: float | None
    compiled: bool = False

    def row(self, peak: float | None) -> dict[str, object]:
        tps = self.tokens / self.seconds
        return {
            "side": self.side,
            "shape": self.shape,
            "steps": self.steps,
            "timed_seconds": round(self.seconds, 2),
            "tokens_per_second": round(tps, 1),
            "mfu": None if peak is None else round(self.flops / self.seconds / peak, 4),
            "peak_memory_gib": self.peak_memory_gib,
            "compiled": self.compiled,
        }


def build_model(shape: str, device: torch.device, pack_length: int) -> torch.nn.Module:
    from transformers import AutoModelForCausalLM, OPTConfig

    config = OPTConfig(vocab_size=50272, max_position_embeddings=max(2048, pack_length), dropout=0.0, **SHAPES[shape])
    torch.manual_seed(0)
    with device:  # initialised on the GPU: a 1.3B random init on the host takes tens of seconds
        model = AutoModelForCausalLM.from_config(config, attn_implementation="sdpa", dtype=torch.float32)
    return model.to(device).train()


def random_examples(count: int, longest: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(ids, labels) pairs: lengths like chat examples (64..longest/2), the last 20% trained."""
    rng = np.random.default_rng(seed)
    examples = []
    for _ in range(count):
        length = int(rng.integers(min(64, longest // 8), longest // 2))
        ids = rng.integers(4, 50000, size=length).astype(np.int64)
        labels = ids.copy()
        labels[: int(length * 0.8)] = -100
        examples.append((ids, labels))
    return examples


def pack_examples(examples: list[tuple[np.ndarray, np.ndarray]], pack_length: int) -> list[Pack]:
    """Greedy in order, as `pygbox dataset build` packs: consecutive examples up to pack_length."""
    packs, current = [], []
    for example in examples:
        if current and sum(len(e[0]) for e in current) + len(example[0]) > pack_length:
            packs.append(current)
            current = []
        current.append(example)
    packs.append(current)
    result = []
    for members in packs:
        lengths = [len(e[0]) for e in members]
        labels = np.concatenate([e[1] for e in members])
        result.append(
            Pack(
                input_ids=np.concatenate([e[0] for e in members]),
                targets=shifted_targets(labels, lengths),
                position_ids=np.concatenate([np.arange(n) for n in lengths]),
                seq_lens=lengths,
            )
        )
    return result


def measure_ours(
    shape: str,
    device: torch.device,
    dtype: torch.dtype,
    packs: list[Pack],
    pack_length: int,
    seconds: float,
    compile_model: bool,
    deadline: float,
) -> Measurement:
    from pygbox_worker.train.optim import build_optimizer

    model = build_model(shape, device, pack_length)
    n, head = matmul_parameters(model), head_parameters(model)
    layers, hidden = model_shape(model)
    if compile_model:
        model.compile()
    optimizer = build_optimizer(model, BenchOptimizer(), device)  # type: ignore[arg-type]
    settings = StepSettings(attention="sdpa", dtype=dtype, max_grad_norm=1.0)
    single = Processes(rank=0, world_size=1, device=device)
    per_step = BATCH[shape][0]

    def step(i: int) -> tuple[int, float]:
        chosen = [packs[(i * per_step + k) % len(packs)] for k in range(per_step)]
        batch = collate(chosen, pad_id=1, pad_to=pack_length if compile_model else None).to(device)
        result = train_step(model, optimizer, [batch], settings, single)
        return result.tokens, step_flops(
            n, head, layers, hidden, result.tokens, result.head_positions, result.squared_lengths, lora=False
        )

    measured = _timed("pygbox", shape, device, step, seconds, deadline)
    measured.compiled = compile_model
    return measured


def _timed(
    side: str,
    shape: str,
    device: torch.device,
    step: Callable[[int], tuple[int, float]],
    seconds: float,
    deadline: float,
) -> Measurement:
    """Five warm-up steps (compilation, recompilation for dynamic shapes, allocator), then steps
    until `seconds` have passed (or the budget's deadline, after at least two steps)."""
    for i in range(WARMUP_STEPS):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    began, tokens, flops, steps = time.perf_counter(), 0, 0.0, 0
    while steps < 2 or (time.perf_counter() - began < seconds and elapsed() < deadline):
        t, f = step(WARMUP_STEPS + steps)
        tokens, flops, steps = tokens + t, flops + f, steps + 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    took = time.perf_counter() - began
    memory = round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None
    return Measurement(side, shape, steps, took, tokens, flops, memory)


def measure_trainer(
    shape: str,
    device: torch.device,
    dtype: torch.dtype,
    examples: list[tuple[np.ndarray, np.ndarray]],
    seconds: float,
    deadline: float,
) -> Measurement:
    """transformers.Trainer with its defaults (fused AdamW, no compile, no eval, no saving, no
    dataloader workers); the clock runs between step callbacks after the warm-up steps."""
    from transformers import Trainer, TrainerCallback, TrainingArguments

    model = build_model(shape, device, 2048)
    n, head = matmul_parameters(model), head_parameters(model)
    layers, hidden = model_shape(model)
    per_step = BATCH[shape][1]
    consumed: list[tuple[int, int]] = []  # (tokens, squared lengths) per batch, in order

    def pad(rows: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
        width = max(len(r["input_ids"]) for r in rows)
        ids = torch.full((len(rows), width), 1, dtype=torch.long)
        labels = torch.full((len(rows), width), -100, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            k = len(r["input_ids"])
            ids[i, :k], labels[i, :k], mask[i, :k] = r["input_ids"], r["labels"], 1
        consumed.append((int(mask.sum()), sum(len(r["input_ids"]) ** 2 for r in rows)))
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}

    class Clock(TrainerCallback):
        def __init__(self) -> None:
            self.marks: list[float] = []

        def on_step_end(self, args, state, control, **kwargs):  # noqa: ANN001, ANN003, ANN201
            if device.type == "cuda":
                torch.cuda.synchronize()
            self.marks.append(time.perf_counter())
            if len(self.marks) == WARMUP_STEPS and device.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
            timed = len(self.marks) - WARMUP_STEPS
            if timed >= 2 and (self.marks[-1] - self.marks[WARMUP_STEPS - 1] >= seconds or elapsed() >= deadline):
                control.should_training_stop = True
            return control

    rows = [{"input_ids": torch.from_numpy(ids), "labels": torch.from_numpy(labels)} for ids, labels in examples]
    clock = Clock()
    with tempfile.TemporaryDirectory() as scratch:
        arguments = TrainingArguments(
            output_dir=scratch,
            per_device_train_batch_size=per_step,
            max_steps=100_000,
            bf16=dtype == torch.bfloat16,
            use_cpu=device.type == "cpu",
            save_strategy="no",
            report_to="none",
            logging_steps=1_000_000,
            disable_tqdm=True,
            remove_unused_columns=False,
        )
        # The Trainer prints its metrics on stdout; keep stdout for this script's summary.
        with contextlib.redirect_stdout(sys.stderr):
            Trainer(model=model, args=arguments, train_dataset=rows * 50, data_collator=pad, callbacks=[clock]).train()
    steps = len(clock.marks) - WARMUP_STEPS
    timed = consumed[WARMUP_STEPS : WARMUP_STEPS + steps]
    tokens = sum(t for t, _ in timed)
    # The Trainer's head runs at every position of the padded batch, but MFU counts useful work:
    # non-padding tokens only, the head at all of them (the model computes those logits).
    flops = sum(step_flops(n, head, layers, hidden, t, t, sq, lora=False) for t, sq in timed)
    memory = round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None
    return Measurement(
        "hf-trainer", shape, steps, clock.marks[-1] - clock.marks[WARMUP_STEPS - 1], tokens, flops, memory
    )


def _release(device: torch.device, compiled: bool) -> None:
    """Frees what one case left behind (compiled graphs, the model, cached blocks) before the next."""
    if compiled:  # importing torch._dynamo costs seconds: only when it was used
        torch._dynamo.reset()
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def _case_error(shape: str, side: str, error: BaseException) -> dict[str, object]:
    out_of_memory = isinstance(error, torch.OutOfMemoryError)
    return {
        "side": side,
        "shape": shape,
        "error": "out of memory" if out_of_memory else f"{type(error).__name__}: {error}"[:500],
    }


def _report(row: dict[str, object], summary: dict[str, object], out: Path | None) -> None:
    """Prints the case at once (a run stopped from outside keeps what it printed) and rewrites --out."""
    print(json.dumps({"case": row}), flush=True)
    if out is not None:
        out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


# Before a first measurement, what building, compiling and warming up one case is guessed to cost
# on an H100/H200 (seconds): compile dominates ours, the Trainer's setup is small.
SETUP_GUESS = {"pygbox": 150.0, "hf-trainer": 30.0}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny shapes on the CPU, a few seconds")
    parser.add_argument("--shapes", default="opt-1.3b,opt-350m", help="in order of importance: the first runs first")
    parser.add_argument("--seconds", type=float, default=45.0, help="timed seconds per side and shape (after warm-up)")
    parser.add_argument(
        "--budget", type=float, default=540.0, help="wall-clock seconds for the whole script, imports included"
    )
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON summary here (after every case)")
    options = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() and not options.smoke else "cpu")
    dtype = torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    shapes = ["tiny"] if options.smoke else list(dict.fromkeys(options.shapes.split(",")))
    unknown = [shape for shape in shapes if shape not in SHAPES]
    if unknown:
        parser.error(f"unknown --shapes {unknown}; known: {sorted(SHAPES)}")
    pack_length = 128 if options.smoke else 2048
    seconds = 0.5 if options.smoke else options.seconds
    minimum = 0.2 if options.smoke else min(MIN_TIMED_SECONDS, seconds)
    deadline = options.budget - RESERVE_SECONDS
    peak = peak_flops(device, dtype)
    examples = random_examples(64 if options.smoke else 2000, pack_length, seed=1)
    packs = pack_examples(examples, pack_length)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    rows: list[dict[str, object]] = []
    speedups: dict[str, float] = {}
    summary: dict[str, object] = {
        "device": name,
        "dtype": "bf16" if dtype == torch.bfloat16 else "fp32",
        "torch": torch.__version__,
        "pack_length": pack_length,
        "mean_example_tokens": round(float(np.mean([len(e[0]) for e in examples])), 1),
        "mean_pack_tokens": round(float(np.mean([len(p.input_ids) for p in packs])), 1),
        "peak_flops": peak,
        "budget_seconds": options.budget,
        "rows": rows,
        "speedup": speedups,
    }
    print(f"device {name}, {summary['dtype']}, torch {torch.__version__}, started {elapsed():.0f} s in", file=sys.stderr)
    setup_seen: dict[str, float] = {}
    for number, shape in enumerate(shapes):
        compile_model = not options.smoke and not options.no_compile
        # Both sides of this shape and every later shape must share what is left; a shape whose two
        # cases cannot each get `minimum` timed seconds is skipped whole (half a comparison is noise).
        left = deadline - elapsed()
        guess = {side: 0.0 if options.smoke else SETUP_GUESS[side] for side in SETUP_GUESS}
        setup = sum(setup_seen.get(side, guess[side]) for side in ("pygbox", "hf-trainer"))
        later = len(shapes) - number
        window = min(seconds, (left / later - setup) / 2)
        if window < minimum:
            row = {"shape": shape, "skipped": f"{left:.0f} s of the budget left; needs about {setup + 2 * minimum:.0f}"}
            rows.append(row)
            _report(row, summary, options.out)
            continue
        for side in ("pygbox", "hf-trainer"):
            began = elapsed()
            try:
                if side == "pygbox":
                    try:
                        measured = measure_ours(shape, device, dtype, packs, pack_length, window, compile_model, deadline)
                    except torch.OutOfMemoryError:
                        raise
                    except Exception:  # noqa: BLE001 - a compiler failure must not cost the measurement
                        if not compile_model:
                            raise
                        print(f"{shape}: torch.compile failed, measuring eager:\n{traceback.format_exc()}", file=sys.stderr)
                        _release(device, True)
                        measured = measure_ours(shape, device, dtype, packs, pack_length, window, False, deadline)
                else:
                    measured = measure_trainer(shape, device, dtype, examples, window, deadline)
                row = measured.row(peak)
                setup_seen[side] = max(0.0, elapsed() - began - measured.seconds)
            except Exception as failed:  # noqa: BLE001 - out of memory or a crash: report it, run the rest
                print(traceback.format_exc(), file=sys.stderr)
                row = _case_error(shape, side, failed)
            rows.append(row)
            _release(device, compile_model and side == "pygbox")
            ours_and_base = [
                r for r in rows if r.get("shape") == shape and "tokens_per_second" in r
            ]
            if len(ours_and_base) == 2:
                ours, base = sorted(ours_and_base, key=lambda r: r["side"] != "pygbox")
                speedups[shape] = round(float(ours["tokens_per_second"]) / float(base["tokens_per_second"]), 2)
            _report(row, summary, options.out)
    print(json.dumps(summary), flush=True)
    print()
    print(f"GPU: {name}, {summary['dtype']}, torch {torch.__version__}, packs of {pack_length} tokens")
    print()
    print("| shape | side | tokens/s | MFU | peak memory GiB | steps timed | compiled |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        if "tokens_per_second" not in r:
            print(f"| {r['shape']} | {r.get('side', 'both')} | {r.get('error') or r.get('skipped')} | | | | |")
            continue
        mfu = "n/a" if r["mfu"] is None else f"{100 * float(r['mfu']):.1f}%"
        print(
            f"| {r['shape']} | {r['side']} | {float(r['tokens_per_second']):.0f} | {mfu} "
            f"| {r['peak_memory_gib'] or 'n/a'} | {r['steps']} | {r['compiled']} |"
        )
    print()
    print("speed-up of pygbox over the Trainer loop: " + ", ".join(f"{s} {v}x" for s, v in speedups.items()))
    print(f"total {elapsed():.0f} s of a {options.budget:.0f} s budget", file=sys.stderr)
    measured_rows = [r for r in rows if "tokens_per_second" in r]
    return 0 if measured_rows and all(math.isfinite(float(r["tokens_per_second"])) for r in measured_rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
