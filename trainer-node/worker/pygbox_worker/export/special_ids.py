"""The exported folder declares the TOKENIZER's special ids, whatever the checkpoint's config says.

transformers.js stops generating at config.json / generation_config.json's `eos_token_id`, and
`pygbox chat` stops at those ids too. The trainer keeps the base model's config, so an OPT base
trained on a dataset built with the GPT-2-variant tokenizer hands over `eos_token_id: 2` (OPT's
`</s>`) while the model learned to end replies with `<|endoftext|>` (50256): the browser would never
stop at the real end, and would cut replies at every `#` (GPT-2's id 2). The dataset builder put the
tokenizer's EOS after every reply, so the tokenizer's ids are the ones the model learned; the export
writes those, and fails where no choice can be right (no EOS at all, or a dataset built with another
EOS than the checkpoint's tokenizer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transformers import PreTrainedTokenizerBase

from .errors import ExportError

ID_FIELDS = ("bos_token_id", "eos_token_id", "pad_token_id")


@dataclass(frozen=True)
class SpecialIds:
    eos_token_id: int
    bos_token_id: int | None
    #: None when the tokenizer has no pad token (GPT-2): written as null, never borrowed from the base.
    pad_token_id: int | None

    def as_dict(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in ID_FIELDS}


def tokenizer_special_ids(tokenizer: PreTrainedTokenizerBase, folder: Path, vocab_size: int) -> SpecialIds:
    eos = tokenizer.eos_token_id
    if eos is None:
        raise ExportError(
            f"{folder / 'tokenizer_config.json'}: the tokenizer has no eos_token",
            "a model without an end-of-reply token never stops in the browser; use the tokenizer the dataset was built with",
            field="eos_token",
        )
    ids = SpecialIds(eos_token_id=int(eos), bos_token_id=tokenizer.bos_token_id, pad_token_id=tokenizer.pad_token_id)
    for name, value in ids.as_dict().items():
        if value is not None and not 0 <= value < vocab_size:
            raise ExportError(
                f"{folder / 'tokenizer_config.json'}: {name} {value} is outside the model's vocabulary ({vocab_size})",
                "the tokenizer belongs to another model; use the tokenizer the model was trained with",
                field=name,
            )
    return ids


def check_dataset_eos(dataset: Path | None, ids: SpecialIds) -> None:
    """A dataset records the EOS its replies end with; another EOS than the tokenizer's means the model
    learned to stop at a token the exported folder would not stop at."""
    if dataset is None or not (dataset / "index.json").is_file():
        return
    try:
        recorded = (json.loads((dataset / "index.json").read_text(encoding="utf-8")).get("tokenizer") or {}).get("eosTokenId")
    except (OSError, json.JSONDecodeError, AttributeError):
        return  # the eval-set reader names a damaged index with its own message
    if isinstance(recorded, int) and recorded != ids.eos_token_id:
        raise ExportError(
            f"{dataset / 'index.json'}: the dataset's replies end with token {recorded}, "
            f"but the checkpoint's tokenizer says eos_token_id is {ids.eos_token_id}",
            "the checkpoint's tokenizer files are not the dataset's; copy the dataset's tokenizer/ files into the checkpoint",
            field="tokenizer.eosTokenId",
        )


def _same_eos(declared: Any, eos: int) -> bool:
    return declared == eos or (isinstance(declared, list) and eos in declared)


def align_special_ids(folder: Path, ids: SpecialIds) -> list[str]:
    """Rewrite config.json and generation_config.json (written when missing) in `folder` with the
    tokenizer's ids. A list of stop ids that already holds the tokenizer's EOS is kept (end-of-turn
    ids beside it). Returns one line per value changed, for a warning."""
    changes: list[str] = []
    for name in ("config.json", "generation_config.json"):
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for field, wanted in ids.as_dict().items():
            declared = data.get(field)
            if field == "eos_token_id" and _same_eos(declared, ids.eos_token_id):
                continue
            if declared != wanted and field in data:
                changes.append(f"{name} {field}: {declared} -> {wanted}")
            data[field] = wanted
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return changes
