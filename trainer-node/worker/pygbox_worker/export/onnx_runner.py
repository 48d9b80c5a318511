"""Run an exported file with onnxruntime the way transformers.js does: position ids from the
attention mask (cumsum - 1, padding at 1), an empty cache (past length 0) on the first step, and the
cache dtype the session declares (fp16 for q4f16)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def position_ids(attention_mask: np.ndarray, new_tokens: int) -> np.ndarray:
    positions = np.cumsum(attention_mask, axis=1) - 1
    positions[attention_mask == 0] = 1
    return positions[:, -new_tokens:].astype(np.int64)


class OnnxRunner:
    def __init__(self, onnx_file: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.past = [i for i in self.session.get_inputs() if i.name.startswith("past_key_values.")]
        self.present = [o.name for o in self.session.get_outputs() if o.name.startswith("present.")]
        self.cache_dtype = np.float16 if self.past and self.past[0].type == "tensor(float16)" else np.float32

    def empty_cache(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, i.shape[1], 0, i.shape[3]), dtype=self.cache_dtype) for i in self.past]

    def forward(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, cache: list[np.ndarray] | None = None
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """logits (float32) for input_ids [b, s] given the cache; attention_mask covers past + s."""
        batch, new = input_ids.shape
        feeds: dict[str, np.ndarray] = {
            "input_ids": input_ids.astype(np.int64),
            "attention_mask": attention_mask.astype(np.int64),
            "position_ids": position_ids(attention_mask, new),
        }
        cache = self.empty_cache(batch) if cache is None else cache
        for meta, tensor in zip(self.past, cache, strict=True):
            feeds[meta.name] = tensor
        outputs = self.session.run(["logits", *self.present], feeds)
        return outputs[0].astype(np.float32), outputs[1:]

    def greedy(self, prompt: list[int], new_tokens: int) -> list[int]:
        ids = np.asarray([prompt], dtype=np.int64)
        mask = np.ones_like(ids)
        logits, cache = self.forward(ids, mask)
        out: list[int] = []
        for _ in range(new_tokens):
            token = int(np.argmax(logits[0, -1]))
            out.append(token)
            mask = np.ones((1, mask.shape[1] + 1), dtype=np.int64)
            logits, cache = self.forward(np.asarray([[token]], dtype=np.int64), mask, cache)
        return out
