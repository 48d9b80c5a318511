"""The parity gate every export passes before its folder is written.

fp32 ONNX against PyTorch (the same weights, the same inputs):
  - without the cache: a left-padded batch of two prompts, all real positions;
  - with the cache: prefill half of each prompt, then cached one-token steps through the rest;
  - greedy continuations (batch 1, cached) token for token.
Each quantized file against fp32 ONNX on eval examples (reply tokens only, as training scores them):
perplexity change and top-1 agreement. Quantized outputs legitimately differ from fp32; the
thresholds say how much is acceptable (flags; see Thresholds).
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
    no_cache = float(np.abs(reference[real] - exported[real]).max())

    with_cache = 0.0
    for prompt in prompts:
        row = np.asarray([prompt], dtype=np.int64)
        full = _torch_logits(model, row, np.ones_like(row))[0]
        split = max(1, len(prompt) // 2)
        logits, cache = runner.forward(row[:, :split], np.ones((1, split), dtype=np.int64))
        with_cache = max(with_cache, float(np.abs(logits[0] - full[:split]).max()))
        for t in range(split, len(prompt)):
            logits, cache = runner.forward(row[:, t : t + 1], np.ones((1, t + 1), dtype=np.int64), cache)
            with_cache = max(with_cache, float(np.abs(logits[0, -1] - full[t]).max()))

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


def reply_scores(runner: OnnxRunner, examples: list[EvalExample]) -> ReplyScores:
    scores = ReplyScores()
    for example in examples:
        ids = np.asarray([example.input_ids], dtype=np.int64)
        logits, _ = runner.forward(ids, np.ones_like(ids))
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


def quantized_parity(dtype: str, onnx_file: Path, reference: ReplyScores, examples: list[EvalExample], thresholds: Thresholds) -> dict:
    scores = reply_scores(OnnxRunner(onnx_file), examples)
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
