"""The parity gate every export passes before its folder is written.

fp32 ONNX against PyTorch (the same weights, the same inputs):
  - without the cache: a left-padded batch of two prompts, all real positions;
  - with the cache: the same padded batch, prefill of the first half (past length 0), then cached
    one-token steps through the rest;
  - greedy continuations (batch 1, cached) token for token.
Each quantized file against fp32 ONNX on eval examples (reply tokens only, as training scores them):
perplexity change and top-1 agreement; inf/NaN logits (float16 overflow in q4f16) fail it, and the
file's own cached decode is compared with one pass (reported). Quantized outputs legitimately differ
from fp32; the thresholds say how much is acceptable (flags; see Thresholds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import PreTrainedModel

from .errors import ExportError
from .eval_examples import EvalExample
from .onnx_runner import OnnxRunner


@dataclass(frozen=True)
class Thresholds:
    max_logit_diff: float = 1e-4
    greedy_tokens: int = 16
    #: Allowed perplexity increase over fp32 ONNX, percent, per quantized dtype.
    max_ppl_increase_pct: dict[str, float] = field(default_factory=lambda: {"q8": 5.0, "q4": 25.0, "q4f16": 25.0})
    #: Minimum share of reply positions where the quantized file's top token equals fp32's.
    min_top1_agreement: dict[str, float] = field(default_factory=lambda: {"q8": 0.85, "q4": 0.6, "q4f16": 0.6})


def _torch_logits(model: PreTrainedModel, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    positions = np.cumsum(mask, axis=1) - 1
    positions[mask == 0] = 1
    with torch.no_grad():
        out = model(
            input_ids=torch.from_numpy(ids.astype(np.int64)),
            attention_mask=torch.from_numpy(mask.astype(np.int64)),
            position_ids=torch.from_numpy(positions.astype(np.int64)),
        )
    return out.logits.float().numpy()


def _max_diff(actual: np.ndarray, expected: np.ndarray, real: np.ndarray) -> float:
    """Max |difference| over the real (unpadded) positions; NaN anywhere there counts as infinite."""
    if not real.any():
        return 0.0
    diff = np.abs(actual[real] - expected[real])
    return float("inf") if not np.isfinite(diff).all() else float(diff.max())


def _torch_greedy(model: PreTrainedModel, prompt: list[int], new_tokens: int) -> list[int]:
    """Greedy with full recomputation each step: independent of any cache code on either side."""
    ids = list(prompt)
    for _ in range(new_tokens):
        row = np.asarray([ids], dtype=np.int64)
        logits = _torch_logits(model, row, np.ones_like(row))
        ids.append(int(np.argmax(logits[0, -1])))
    return ids[len(prompt) :]


def fp32_parity(model: PreTrainedModel, runner: OnnxRunner, prompts: list[list[int]], thresholds: Thresholds) -> dict:
    longest = max(len(p) for p in prompts)
    ids = np.zeros((len(prompts), longest), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, prompt in enumerate(prompts):  # left padding, as the chat runtime batches
        ids[row, longest - len(prompt) :] = prompt
        mask[row, longest - len(prompt) :] = 1
    reference = _torch_logits(model, ids, mask)
    exported, _ = runner.forward(ids, mask)
    real = mask.astype(bool)
    no_cache = _max_diff(exported, reference, real)

    # The same left-padded batch through the cache: prefill (past length 0), then one token per
    # step - batch > 1, padding and the cache together, as transformers.js decodes a batch.
    split = max(1, longest // 2)
    logits, cache = runner.forward(ids[:, :split], mask[:, :split])
    with_cache = _max_diff(logits, reference[:, :split], real[:, :split])
    for t in range(split, longest):
        logits, cache = runner.forward(ids[:, t : t + 1], mask[:, : t + 1], cache)
        with_cache = max(with_cache, _max_diff(logits, reference[:, t : t + 1], real[:, t : t + 1]))

    greedy = []
    for prompt in prompts:
        expected = _torch_greedy(model, prompt, thresholds.greedy_tokens)
        actual = runner.greedy(prompt, thresholds.greedy_tokens)
        greedy.append({"prompt_tokens": len(prompt), "torch": expected, "onnx": actual, "identical": expected == actual})

    figures = {
        "max_logit_diff_no_cache": no_cache,
        "max_logit_diff_with_cache": with_cache,
        "greedy_tokens": thresholds.greedy_tokens,
        "greedy_identical": all(g["identical"] for g in greedy),
        "threshold": thresholds.max_logit_diff,
    }
    if no_cache > thresholds.max_logit_diff or with_cache > thresholds.max_logit_diff:
        raise ExportError(
            f"parity gate: fp32 ONNX differs from PyTorch by {max(no_cache, with_cache):.3g} "
            f"(no cache {no_cache:.3g}, with cache {with_cache:.3g}; limit {thresholds.max_logit_diff:g})",
            "the export is wrong for this model; report it with the checkpoint's config.json "
            "(--max-logit-diff raises the limit if you accept the difference)",
            field="parity.fp32",
        )
    if not figures["greedy_identical"]:
        first = next(g for g in greedy if not g["identical"])
        raise ExportError(
            f"parity gate: greedy continuation differs (torch {first['torch']} vs onnx {first['onnx']})",
            "the cached ONNX decode disagrees with PyTorch; report it with the checkpoint's config.json",
            field="parity.greedy",
        )
    return figures


@dataclass
class ReplyScores:
    """Per reply position: the log-probability of the true next token and the top-1 token."""

    log_probs: list[np.ndarray] = field(default_factory=list)
    top1: list[np.ndarray] = field(default_factory=list)

    @property
    def positions(self) -> int:
        return int(sum(len(x) for x in self.log_probs))

    @property
    def perplexity(self) -> float:
        return math.exp(-float(np.concatenate(self.log_probs).mean()))


def reply_scores(runner: OnnxRunner, examples: list[EvalExample], label: str = "fp32") -> ReplyScores:
    scores = ReplyScores()
    for example in examples:
        ids = np.asarray([example.input_ids], dtype=np.int64)
        logits, _ = runner.forward(ids, np.ones_like(ids))
        _require_finite(logits, label)
        logits = logits[0, :-1]  # logits[t] predicts token t + 1
        targets = np.asarray(example.input_ids[1:])
        scored = np.asarray(example.trained[1:], dtype=bool)
        if not scored.any():
            continue
        picked = logits[scored]
        shifted = picked - picked.max(axis=1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        scores.log_probs.append(log_softmax[np.arange(len(picked)), targets[scored]])
        scores.top1.append(picked.argmax(axis=1))
    if scores.positions == 0:
        raise ExportError("parity gate: the eval examples have no reply tokens", "pass --eval-dataset with an eval split", field="eval")
    return scores


def _require_finite(logits: np.ndarray, label: str) -> None:
    if not np.isfinite(logits).all():
        raise ExportError(
            f"parity gate: the {label} file produces inf/NaN logits on the eval examples"
            + (" (float16 overflow)" if label == "q4f16" else ""),
            f"leave {label} out of --dtype" + ("; q4 computes in float32" if label == "q4f16" else ""),
            field=f"parity.{label}",
        )


def cached_vs_uncached(runner: OnnxRunner, example: EvalExample, label: str) -> float:
    """The file decoding token by token through its own KV cache (as the browser does) against one
    pass over the whole example: max |logit difference|. Not held to fp32's 1e-4: q8 quantizes
    activations per call, so the two paths legitimately round differently; but the cached path
    must run and stay finite (the q4f16 cache is float16)."""
    ids = np.asarray([example.input_ids], dtype=np.int64)
    full, _ = runner.forward(ids, np.ones_like(ids))
    split = max(1, ids.shape[1] // 2)
    logits, cache = runner.forward(ids[:, :split], np.ones((1, split), dtype=np.int64))
    steps = [logits[0]]
    for t in range(split, ids.shape[1]):
        logits, cache = runner.forward(ids[:, t : t + 1], np.ones((1, t + 1), dtype=np.int64), cache)
        steps.append(logits[0])
    cached = np.concatenate(steps)
    _require_finite(cached, label)
    return float(np.abs(cached - full[0]).max())


def quantized_parity(dtype: str, onnx_file: Path, reference: ReplyScores, examples: list[EvalExample], thresholds: Thresholds) -> dict:
    runner = OnnxRunner(onnx_file)
    scores = reply_scores(runner, examples, dtype)
    cache_diff = cached_vs_uncached(runner, examples[0], dtype)
    increase = (scores.perplexity / reference.perplexity - 1.0) * 100.0
    agreement = float(np.mean(np.concatenate(scores.top1) == np.concatenate(reference.top1)))
    figures = {
        "dtype": dtype,
        "file": f"onnx/{onnx_file.name}",
        "perplexity": scores.perplexity,
        "fp32_perplexity": reference.perplexity,
        "perplexity_increase_pct": increase,
        "top1_agreement": agreement,
        "positions": scores.positions,
        "max_logit_diff_cache_vs_no_cache": cache_diff,
        "max_perplexity_increase_pct": thresholds.max_ppl_increase_pct[dtype],
        "min_top1_agreement": thresholds.min_top1_agreement[dtype],
    }
    if not math.isfinite(increase) or increase > thresholds.max_ppl_increase_pct[dtype]:
        raise ExportError(
            f"parity gate: {dtype} perplexity is {increase:.2f}% above fp32 (limit {thresholds.max_ppl_increase_pct[dtype]:g}%)",
            f"this model does not survive {dtype} quantization well; leave {dtype} out of --dtype "
            f"or raise --max-ppl-increase {dtype}=<percent>",
            field=f"parity.{dtype}",
        )
    if agreement < thresholds.min_top1_agreement[dtype]:
        raise ExportError(
            f"parity gate: {dtype} agrees with fp32 on the top token at {agreement:.1%} of reply positions "
            f"(minimum {thresholds.min_top1_agreement[dtype]:.0%})",
            f"leave {dtype} out of --dtype or lower --min-top1-agreement {dtype}=<share>",
            field=f"parity.{dtype}",
        )
    return figures
