"""Packs, micro-batches and the block-diagonal causal mask.

A pack (index.json's `packStarts`) is a run of whole examples. Inside one, every example is its own
sequence: positions restart at 0 and attention stays inside the example. transformers 5.17's OPT
builds its causal mask without looking at position_ids (only Llama-style models detect packing from
them, and only when attention_mask is None), so the mask is passed explicitly as a 4-D tensor, which
every model's mask builder returns as-is: the same path for OPT, GPT-2, GPT-NeoX and Llama.
`tests/trainer-node/worker/test_train_packing.py` proves a pack's loss and logits equal its examples
run one by one.

The order is a permutation of the packs per epoch drawn from (seed, epoch), so the data position is
just the step number and a resumed run reads exactly what an uninterrupted one would.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..dataset_reader import IGNORE_INDEX, Shard, load_split, pack_ranges, read_index, read_pack


@dataclass(frozen=True)
class Pack:
    input_ids: np.ndarray  # (T,) int64
    targets: np.ndarray  # (T,) int64: the next token's label inside the same example, else -100
    position_ids: np.ndarray  # (T,) int64, restarting at 0 per example
    seq_lens: list[int]


@dataclass
class MicroBatch:
    input_ids: torch.Tensor  # (B, T) int64, right-padded
    position_ids: torch.Tensor  # (B, T)
    segment_ids: torch.Tensor  # (B, T): example number inside the row; each padding token its own negative id
    targets: torch.Tensor  # (B, T), already shifted: logits[:, t] predict targets[:, t]
    # Sequence positions trained in at least one row: only these go through the output head
    # (on chat data ~15% of tokens are trained; the 50k-wide head is then mostly skipped).
    trained_columns: torch.Tensor  # (K,) int64
    tokens: int  # non-padding tokens
    trained_tokens: int  # targets that are not -100
    squared_lengths: int  # sum of squared example lengths (the attention FLOPs term)

    def to(self, device: torch.device) -> MicroBatch:
        names = ("input_ids", "position_ids", "segment_ids", "targets", "trained_columns")
        move = {name: getattr(self, name).to(device, non_blocking=True) for name in names}
        return MicroBatch(
            **move, tokens=self.tokens, trained_tokens=self.trained_tokens, squared_lengths=self.squared_lengths
        )

    @property
    def head_positions(self) -> int:
        """Positions the output head computes: rows x trained columns."""
        return self.input_ids.shape[0] * self.trained_columns.shape[0]


def shifted_targets(labels: np.ndarray, seq_lens: list[int]) -> np.ndarray:
    """Shifts labels left by one inside each example: the last token of an example predicts nothing
    (never the next example's first token), exactly as each example run alone would."""
    targets = np.full_like(labels, IGNORE_INDEX)
    start = 0
    for length in seq_lens:
        targets[start : start + length - 1] = labels[start + 1 : start + length]
        start += length
    return targets


class PackedSplit:
    """One split of a dataset folder as a list of packs, read lazily from the shards."""

    def __init__(self, folder: Path, split: str) -> None:
        self.folder = folder
        self.index = read_index(folder)
        self.shards: list[Shard] = load_split(folder, split)
        self.refs: list[tuple[int, int, int]] = [
            (shard_no, first, stop) for shard_no, shard in enumerate(self.shards) for first, stop in pack_ranges(shard)
        ]
        self.tokens = int(sum(shard.ids.shape[0] for shard in self.shards))

    def __len__(self) -> int:
        return len(self.refs)

    def pack(self, i: int) -> Pack:
        shard_no, first, stop = self.refs[i]
        ids, labels, positions, seq_lens = read_pack(self.shards[shard_no], first, stop)
        return Pack(ids, shifted_targets(labels, seq_lens), positions, seq_lens)


def index_sha256(folder: Path) -> str:
    return hashlib.sha256((folder / "index.json").read_bytes()).hexdigest()


def collate(packs: list[Pack], pad_id: int, pad_to: int | None = None) -> MicroBatch:
    """Right-pads packs to the longest (or to `pad_to`: fixed shapes keep torch.compile from
    recompiling per length); padding is its own one-token segment so no row of the mask is empty
    (an all-masked row gives NaN in SDPA)."""
    width = max(max(len(p.input_ids) for p in packs), pad_to or 0)
    rows = len(packs)
    input_ids = torch.full((rows, width), pad_id, dtype=torch.long)
    position_ids = torch.zeros((rows, width), dtype=torch.long)
    targets = torch.full((rows, width), IGNORE_INDEX, dtype=torch.long)
    segment_ids = -1 - torch.arange(width, dtype=torch.long).repeat(rows, 1)
    squared = 0
    for row, pack in enumerate(packs):
        n = len(pack.input_ids)
        input_ids[row, :n] = torch.from_numpy(pack.input_ids)
        position_ids[row, :n] = torch.from_numpy(pack.position_ids)
        targets[row, :n] = torch.from_numpy(pack.targets)
        segment_ids[row, :n] = torch.from_numpy(np.repeat(np.arange(len(pack.seq_lens)), pack.seq_lens))
        squared += sum(length * length for length in pack.seq_lens)
    trained_columns = (targets != IGNORE_INDEX).any(dim=0).nonzero().flatten()
    if trained_columns.numel() == 0:
        # Packs of prompt-only examples: one column, as idle_batch does, so the head still runs
        # (DDP waits for its gradient) and no zero-width logits reach the loss or the compiler.
        trained_columns = torch.zeros(1, dtype=torch.long)
    return MicroBatch(
        input_ids=input_ids,
        position_ids=position_ids,
        segment_ids=segment_ids,
        targets=targets,
        trained_columns=trained_columns,
        tokens=sum(len(p.input_ids) for p in packs),
        trained_tokens=int((targets != IGNORE_INDEX).sum()),
        squared_lengths=squared,
    )


def idle_batch(pack: Pack, pad_id: int, pad_to: int | None = None) -> MicroBatch:
    """A micro-batch that trains nothing, for a rank whose slice of the last global batch is empty:
    DDP/FSDP need every rank to run the same forward/backward passes."""
    batch = collate([pack], pad_id, pad_to)
    batch.targets.fill_(IGNORE_INDEX)
    # One column, not none: every parameter still takes part in the backward pass DDP waits for.
    batch.trained_columns = torch.zeros(1, dtype=torch.long)
    batch.tokens = batch.trained_tokens = batch.squared_lengths = 0
    return batch


def block_causal_mask(segment_ids: torch.Tensor, attention: str, dtype: torch.dtype) -> torch.Tensor:
    """(B, 1, T, T) mask: token i sees token j when j <= i and both are in the same example.
    SDPA takes it as bool (True = attend); eager attention adds it, so it gets 0 / a large negative."""
    width = segment_ids.shape[1]
    causal = torch.ones((width, width), dtype=torch.bool, device=segment_ids.device).tril()
    allowed = (segment_ids[:, :, None] == segment_ids[:, None, :]) & causal
    allowed = allowed[:, None, :, :]  # (B, 1, T, T)
    if attention == "sdpa":
        return allowed
    # bf16's most negative value is also finite in fp32, so adding it never overflows to -inf.
    blocked = torch.finfo(torch.bfloat16).min
    return torch.zeros(allowed.shape, dtype=dtype, device=allowed.device).masked_fill_(~allowed, blocked)


def epoch_order(packs: int, seed: int, epoch: int) -> np.ndarray:
    """The packs' order in one epoch: a function of (seed, epoch) only, so resume needs just the step."""
    return np.random.default_rng([seed, epoch]).permutation(packs)


@dataclass(frozen=True)
class Batching:
    """How one optimizer step's packs are split: G = micro_batch_size x accumulation x world size."""

    packs: int
    micro_batch_size: int
    accumulation: int
    world_size: int
    seed: int

    @property
    def global_batch(self) -> int:
        return self.micro_batch_size * self.accumulation * self.world_size

    @property
    def steps_per_epoch(self) -> int:
        # The last global batch of an epoch may be short; it still makes a full step (the loss is a
        # token-weighted mean, so a short batch is no different from one with short packs).
        return max(1, math.ceil(self.packs / self.global_batch))

    def micro_batches(self, step: int, rank: int) -> list[list[int]]:
        """The pack indices of each of this rank's `accumulation` micro-batches for optimizer step
        `step` (0-based; epoch = step // steps_per_epoch). A list may be empty (short last batch)."""
        epoch, index = divmod(step, self.steps_per_epoch)
        order = epoch_order(self.packs, self.seed, epoch)
        batch = order[index * self.global_batch : (index + 1) * self.global_batch]
        per_rank = self.micro_batch_size * self.accumulation
        mine = batch[rank * per_rank : (rank + 1) * per_rank]
        size = self.micro_batch_size
        return [[int(i) for i in mine[m * size : (m + 1) * size]] for m in range(self.accumulation)]


def step_micro_batches(
    split: PackedSplit, batching: Batching, step: int, rank: int, pad_id: int, pad_to: int | None = None
) -> list[MicroBatch]:
    """This rank's micro-batches for optimizer step `step`, an idle one standing in for each empty slot."""
    batches = []
    for members in batching.micro_batches(step, rank):
        if members:
            batches.append(collate([split.pack(i) for i in members], pad_id, pad_to))
        else:
            batches.append(idle_batch(split.pack(0), pad_id, pad_to))
    return batches
