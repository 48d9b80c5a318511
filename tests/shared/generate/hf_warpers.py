"""Hugging Face's own logits processors, for the sampler parity test (hf-sampler-parity.test.ts).

Reads {"cases": [{"logits": [...], "context": [...], "settings": {...}}]} on stdin and writes, for
each case, the logits after transformers' processors in the order `generate` builds them
(repetition penalty, temperature, top-k, top-p, min-p, typical), removed tokens as null. The
repetition penalty gets only the last `repetition_penalty_range` context ids: transformers has no
range, text-generation-webui's range is exactly that slice.
"""

from __future__ import annotations

import json
import math
import sys

import torch
from transformers.generation.logits_process import (
    LogitsProcessorList,
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
    TypicalLogitsWarper,
)


def processors(settings: dict) -> LogitsProcessorList:
    """The list transformers' `_get_logits_processor` builds for these settings."""
    chain = LogitsProcessorList()
    if settings["repetition_penalty"] != 1:
        chain.append(RepetitionPenaltyLogitsProcessor(penalty=settings["repetition_penalty"]))
    if settings["temperature"] != 1:
        chain.append(TemperatureLogitsWarper(settings["temperature"]))
    if settings["top_k"] != 0:
        chain.append(TopKLogitsWarper(top_k=settings["top_k"]))
    if settings["top_p"] < 1:
        chain.append(TopPLogitsWarper(top_p=settings["top_p"]))
    if settings.get("min_p", 0) > 0:
        chain.append(MinPLogitsWarper(min_p=settings["min_p"]))
    if settings["typical_p"] < 1:
        chain.append(TypicalLogitsWarper(mass=settings["typical_p"]))
    return chain


def run(case: dict) -> list[float | None]:
    settings = case["settings"]
    window = settings["repetition_penalty_range"]
    context = case["context"][-window:] if window > 0 else case["context"]
    if not context:  # nothing to penalise; the placeholder id below must not be penalised either
        settings = {**settings, "repetition_penalty": 1}
    scores = torch.tensor([case["logits"]], dtype=torch.float32)
    input_ids = torch.tensor([context or [0]], dtype=torch.long)
    processed = processors(settings)(input_ids, scores)[0].tolist()
    return [None if math.isinf(value) and value < 0 else value for value in processed]


def main() -> None:
    request = json.load(sys.stdin)
    json.dump([run(case) for case in request["cases"]], sys.stdout)


if __name__ == "__main__":
    main()
