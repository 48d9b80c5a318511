"""The examples the quantized files are scored on: reply tokens only, as training scores them.

Taken from, in order: --eval-dataset's eval split (its train split when the eval split is empty), the
dataset the checkpoint was trained on (pygbox-checkpoint.json's run_config.dataset) when it is still
on disk, or a short built-in chat rendered in the repository's prompt format (shared/prompt/
prompt-format.ts, version 1) with the checkpoint's own tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transformers import PreTrainedTokenizerBase

from ..dataset_reader import example as dataset_example
from ..dataset_reader import load_split
from .errors import ExportError

MAX_EXAMPLES = 16
MAX_TOKENS = 256

#: Prompt format version 1: persona, scenario, <START>, "You:" turns, "{char}:" turns.
BUILT_IN_CHAT = [
    (
        "Mira's Persona: A patient lighthouse keeper who loves storms and old maps.\n"
        "Scenario: A traveller knocks on the lighthouse door at night.\n<START>\n"
        "You: Hello? Is anyone up there?\nMira:",
        " Come in, come in! The wind will take your hat off. Sit by the stove while I make tea.",
    ),
    (
        "Mira's Persona: A patient lighthouse keeper who loves storms and old maps.\n<START>\n"
        "You: What is that map on the wall?\nMira:",
        " That one shows the coast as it was two hundred years ago, before the harbour silted up.",
    ),
]


@dataclass(frozen=True)
class EvalExample:
    input_ids: list[int]
    #: One flag per token: True where the token is part of a reply (scored).
    trained: list[bool]


@dataclass(frozen=True)
class EvalSet:
    examples: list[EvalExample]
    #: Where they came from, for the model card: the dataset folder's name, never its path (the
    #: card travels with the model; the user's home folder should not).
    source: str


def _from_dataset(folder: Path, vocab_size: int) -> EvalSet:
    try:
        shards = load_split(folder, "eval")
        split = "eval"
        if sum(len(s.offsets) for s in shards) == 0:
            shards, split = load_split(folder, "train"), "train"
    except (OSError, ValueError, KeyError) as error:
        raise ExportError(f"{folder}: cannot read the dataset ({error})", "pass a folder written by pygbox dataset build", field="eval_dataset") from error
    examples: list[EvalExample] = []
    for shard in shards:
        for i in range(len(shard.offsets)):
            ids, labels = dataset_example(shard, i)
            ids, labels = ids[:MAX_TOKENS], labels[:MAX_TOKENS]
            if (labels != -100).sum() == 0:
                continue
            if int(ids.max()) >= vocab_size:
                raise ExportError(
                    f"{folder}: token id {int(ids.max())} is outside the model's vocabulary ({vocab_size})",
                    "the dataset was built with another tokenizer; pass the dataset this model was trained on",
                    field="eval_dataset",
                )
            examples.append(EvalExample(input_ids=ids.tolist(), trained=(labels != -100).tolist()))
            if len(examples) == MAX_EXAMPLES:
                return EvalSet(examples, f"{folder.name} ({split} split, first {len(examples)} examples)")
    if not examples:
        raise ExportError(f"{folder}: no examples with reply tokens", "build the dataset from chats with bot replies", field="eval_dataset")
    return EvalSet(examples, f"{folder.name} ({split} split, {len(examples)} examples)")


def _built_in(tokenizer: PreTrainedTokenizerBase) -> EvalSet:
    examples = []
    for prompt, reply in BUILT_IN_CHAT:
        prompt_ids = tokenizer(prompt)["input_ids"]
        reply_ids = tokenizer(reply, add_special_tokens=False)["input_ids"]
        if tokenizer.eos_token_id is not None:
            reply_ids = [*reply_ids, tokenizer.eos_token_id]
        examples.append(
            EvalExample(input_ids=[*prompt_ids, *reply_ids], trained=[False] * len(prompt_ids) + [True] * len(reply_ids))
        )
    return EvalSet(examples, "built-in sample chat (prompt format 1); pass --eval-dataset for real figures")


def load_eval_set(
    eval_dataset: Path | None, training_dataset: Path | None, tokenizer: PreTrainedTokenizerBase, vocab_size: int
) -> EvalSet:
    if eval_dataset is not None:
        return _from_dataset(eval_dataset, vocab_size)
    if training_dataset is not None and (training_dataset / "index.json").is_file():
        return _from_dataset(training_dataset, vocab_size)
    return _built_in(tokenizer)
