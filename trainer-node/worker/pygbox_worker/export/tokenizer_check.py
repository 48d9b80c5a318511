"""Loud checks of the tokenizer files the model folder ships.

transformers 5 once saved a `tokenizer.json` with an EMPTY vocabulary without any error (measured
while planning); a model folder like that loads and then produces nonsense. So before exporting:
the vocabulary is non-empty, every id fits the model's embedding table, and - when the CLI passes
transformers.js' ids for a sample text - Python's tokenizer gives the same ids.
"""

from __future__ import annotations

import json
from pathlib import Path

from transformers import PreTrainedTokenizerBase

from .errors import ExportError

def check_tokenizer_files(folder: Path, vocab_size: int) -> int:
    """Returns the number of ids the tokenizer can produce (vocabulary plus added tokens)."""
    path = folder / "tokenizer.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ExportError(f"{path}: unreadable ({error})", "copy the tokenizer files of the base model into the checkpoint") from error
    vocab = (data.get("model") or {}).get("vocab")
    if not vocab:
        raise ExportError(
            f"{path}: the tokenizer's vocabulary (model.vocab) is empty",
            "rebuild the tokenizer files (pygbox dataset tokenizer <dir>) and copy them into the checkpoint",
            field="model.vocab",
        )
    ids = list(vocab.values()) if isinstance(vocab, dict) else list(range(len(vocab)))
    ids += [token.get("id", 0) for token in data.get("added_tokens") or []]
    highest = max(ids)
    if highest >= vocab_size:
        raise ExportError(
            f"{path}: token id {highest} does not fit the model's vocab_size {vocab_size} (config.json)",
            "the tokenizer belongs to another model; use the tokenizer the model was trained with",
            field="model.vocab",
        )
    return highest + 1


def check_same_ids(tokenizer: PreTrainedTokenizerBase, text: str, expected: list[int]) -> None:
    actual = tokenizer(text)["input_ids"]
    if list(actual) != list(expected):
        raise ExportError(
            f"tokenizer.json: Python's tokenizer gives {list(actual)[:12]}... but transformers.js gives {expected[:12]}... for the sample text",
            "the browser would tokenize differently from training; rebuild the tokenizer files with pygbox dataset tokenizer",
            field="tokenizer",
        )
