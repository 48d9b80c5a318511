"""Training speed on a GPU: Pygbox's training step against a plain Hugging Face `Trainer` loop.

    .venv/bin/python bench/train-gpu.py                 # OPT-350m and OPT-1.3b shapes, ~10 minutes on one H100/H200
    .venv/bin/python bench/train-gpu.py --smoke         # tiny shapes on the CPU in seconds (a test runs it)
    .venv/bin/python bench/train-gpu.py --shapes opt-350m --seconds 30 --out bench/train-gpu.json

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

import argparse
import contextlib
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

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


@dataclass
class Measurement:
    side: str
    shape: str
    steps: int
    seconds: float
    tokens: int
    flops: float
    peak_memory_gib: float | None

    def row(self, peak: float | None) -> dict[str, object]:
        tps = self.tokens / self.seconds
        return {
            "side": self.side,
            "shape": self.shape,
            "steps": self.steps,
            "tokens_per_second": round(tps, 1),
            "mfu": None if peak is None else round(self.flops / self.seconds / peak, 4),
            "peak_memory_gib": self.peak_memory_gib,
        }


def build_model(shape: str, device: torch.device, pack_length: int) -> torch.nn.Module:
    from transformers import AutoModelForCausalLM, OPTConfig

    config = OPTConfig(vocab_size=50272, max_position_embeddings=max(2048, pack_length), dropout=0.0, **SHAPES[shape])
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(config, attn_implementation="sdpa", dtype=torch.float32).to(device).train()


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
) -> Measurement:
    from pygbox_worker.train.config import TrainConfig
    from pygbox_worker.train.optim import build_optimizer

    model = build_model(shape, device, pack_length)
    n, head = matmul_parameters(model), head_parameters(model)
    layers, hidden = model_shape(model)
    if compile_model:
        model.compile()
    optimizer = build_optimizer(model, TrainConfig(learning_rate=1e-5), device)
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

    return _timed("pygbox", shape, device, step, seconds)


def _timed(side: str, shape: str, device: torch.device, step, seconds: float) -> Measurement:  # noqa: ANN001
    """Five warm-up steps (compilation, recompilation for dynamic shapes, allocator), then steps
    until `seconds` have passed."""
    for i in range(WARMUP_STEPS):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    began, tokens, flops, steps = time.perf_counter(), 0, 0.0, 0
    while time.perf_counter() - began < seconds or steps < 2:
        t, f = step(WARMUP_STEPS + steps)
        tokens, flops, steps = tokens + t, flops + f, steps + 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - began
    memory = round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None
    return Measurement(side, shape, steps, elapsed, tokens, flops, memory)


def measure_trainer(
    shape: str, device: torch.device, dtype: torch.dtype, examples: list[tuple[np.ndarray, np.ndarray]], seconds: float
) -> Measurement:
    """transformers.Trainer with its defaults; the clock runs between step callbacks after the warm-up steps."""
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
            if len(self.marks) > WARMUP_STEPS and self.marks[-1] - self.marks[WARMUP_STEPS - 1] >= seconds:
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny shapes on the CPU, a few seconds")
    parser.add_argument("--shapes", default="opt-350m,opt-1.3b")
    parser.add_argument("--seconds", type=float, default=45.0, help="timed seconds per side and shape (after warm-up)")
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON summary here")
    options = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() and not options.smoke else "cpu")
    dtype = torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    shapes = ["tiny"] if options.smoke else options.shapes.split(",")
    pack_length = 128 if options.smoke else 2048
    seconds = 0.5 if options.smoke else options.seconds
    peak = peak_flops(device, dtype)
    examples = random_examples(64 if options.smoke else 2000, pack_length, seed=1)
    packs = pack_examples(examples, pack_length)
    rows = []
    for shape in shapes:
        compile_model = not options.smoke and not options.no_compile
        for side in ("pygbox", "hf-trainer"):
            if side == "pygbox":
                measured = measure_ours(shape, device, dtype, packs, pack_length, seconds, compile_model)
            else:
                measured = measure_trainer(shape, device, dtype, examples, seconds)
            rows.append(measured.row(peak))
            if device.type == "cuda":
                torch.cuda.empty_cache()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    speedups = {}
    for shape in shapes:
        ours, base = (
            next(r for r in rows if r["shape"] == shape and r["side"] == side) for side in ("pygbox", "hf-trainer")
        )
        speedups[shape] = round(ours["tokens_per_second"] / base["tokens_per_second"], 2)
    summary = {
        "device": name,
        "dtype": "bf16" if dtype == torch.bfloat16 else "fp32",
        "torch": torch.__version__,
        "pack_length": pack_length,
        "mean_example_tokens": round(float(np.mean([len(e[0]) for e in examples])), 1),
        "peak_flops": peak,
        "rows": rows,
        "speedup": speedups,
    }
    print(json.dumps(summary))
    print()
    print(f"GPU: {name}, {summary['dtype']}, torch {torch.__version__}, packs of {pack_length} tokens")
    print()
    print("| shape | side | tokens/s | MFU | peak memory GiB | steps timed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        mfu = "n/a" if r["mfu"] is None else f"{100 * r['mfu']:.1f}%"
        print(
            f"| {r['shape']} | {r['side']} | {r['tokens_per_second']:.0f} | {mfu} "
            f"| {r['peak_memory_gib'] or 'n/a'} | {r['steps']} |"
        )
    print()
    print("speed-up of pygbox over the Trainer loop: " + ", ".join(f"{s} {v}x" for s, v in speedups.items()))
    if options.out is not None:
        options.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0 if all(math.isfinite(r["tokens_per_second"]) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
