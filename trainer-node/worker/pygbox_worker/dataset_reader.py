"""Read a dataset folder written by `pygbox dataset build` with numpy.

    python -m pygbox_worker.dataset_reader <dataset-dir> [--split train|eval]

prints one JSON line summarizing the split (what the TypeScript tests compare against). The
trainer imports `load_split` and `iter_packs`.

Layout (see trainer-node/dataset/README.md): per shard, `*.ids.bin` little-endian uint32 token ids
and `*.mask.bin` one uint8 per token (1 = trained), examples back to back; index.json gives each
example's offset, length and prompt length, and the packs.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "pygbox-dataset"
FORMAT_VERSION = 1
IGNORE_INDEX = -100


@dataclass
class Shard:
    ids: np.ndarray  # (tokens,) uint32
    mask: np.ndarray  # (tokens,) uint8
    offsets: np.ndarray  # (examples,) int64
    lengths: np.ndarray  # (examples,) int64
    pack_starts: np.ndarray  # (packs,) int64, index of each pack's first example


def read_index(folder: Path) -> dict:
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    if index.get("format") != FORMAT or index.get("formatVersion") != FORMAT_VERSION:
        raise ValueError(
            f"{folder / 'index.json'}: not a {FORMAT} version {FORMAT_VERSION} index; "
            "build the dataset again with this version of Pygbox"
        )
    return index


def check_shard(index: dict, shard: dict, mask: np.ndarray) -> None:
    """The checks the TypeScript reader's zod schema makes, so a damaged or hand-edited index fails
    here, naming the shard, rather than training on misaligned examples."""
    name = shard["ids"]
    offsets = np.asarray(shard["exampleOffsets"], dtype=np.int64)
    lengths = np.asarray(shard["exampleLengths"], dtype=np.int64)
    prompts = np.asarray(shard["promptLengths"], dtype=np.int64)
    starts = np.asarray(shard["packStarts"], dtype=np.int64)
    n = offsets.shape[0]

    def fail(what: str) -> None:
        raise ValueError(f"index.json, shard {name}: {what}; build the dataset again")

    if lengths.shape[0] != n or prompts.shape[0] != n:
        fail("per-example arrays differ in length")
    if n > 0 and (offsets[0] != 0 or np.any(offsets[1:] != np.cumsum(lengths)[:-1])):
        fail("examples are not back to back")
    if int(lengths.sum()) != shard["tokens"]:
        fail("example lengths do not add up to tokens")
    if np.any(prompts >= lengths) or np.any(prompts < 0):
        fail("an example has no trained span")
    if np.any(lengths > index["maxLength"]):
        fail("an example is longer than maxLength")
    unordered = np.any(np.diff(starts) <= 0) or np.any(starts >= max(n, 1))
    if (n > 0 and (starts.shape[0] == 0 or starts[0] != 0)) or unordered:
        fail("packs must start at example 0 and then at increasing examples")
    bounds = np.append(offsets, shard["tokens"])
    if np.any(bounds[np.append(starts[1:], n)] - bounds[starts] > index["packLength"]):
        fail("a pack is longer than packLength")
    # The mask is what the loss reads: it must be 0 over each prompt and 1 over each reply.
    spans = np.column_stack([prompts, lengths - prompts]).ravel()
    expected = np.repeat(np.tile(np.array([0, 1], dtype=np.uint8), n), spans)
    if not np.array_equal(mask, expected):
        fail("the mask does not match promptLengths")


def load_split(folder: Path, split: str) -> list[Shard]:
    index = read_index(folder)
    shards = []
    for shard in index["splits"][split]["shards"]:
        ids = np.fromfile(folder / shard["ids"], dtype="<u4")
        mask = np.fromfile(folder / shard["mask"], dtype="u1")
        if ids.shape[0] != shard["tokens"] or mask.shape[0] != shard["tokens"]:
            raise ValueError(f"{shard['ids']}: size does not match index.json (damaged?)")
        check_shard(index, shard, mask)
        shards.append(
            Shard(
                ids=ids,
                mask=mask,
                offsets=np.asarray(shard["exampleOffsets"], dtype=np.int64),
                lengths=np.asarray(shard["exampleLengths"], dtype=np.int64),
                pack_starts=np.asarray(shard["packStarts"], dtype=np.int64),
            )
        )
    return shards


def example(shard: Shard, i: int) -> tuple[np.ndarray, np.ndarray]:
    """input_ids (int64) and labels (-100 where masked) of example i."""
    start, end = shard.offsets[i], shard.offsets[i] + shard.lengths[i]
    ids = shard.ids[start:end].astype(np.int64)
    labels = np.where(shard.mask[start:end] == 1, ids, IGNORE_INDEX)
    return ids, labels


def pack_ranges(shard: Shard) -> list[tuple[int, int]]:
    """(first, stop) example indices of each pack: what the trainer keeps instead of copying every
    pack up front (a large dataset stays one memory map of ids)."""
    bounds = [int(b) for b in shard.pack_starts] + [len(shard.offsets)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def read_pack(shard: Shard, first: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """(input_ids, labels, position_ids, seq_lens) of the pack of examples first..stop-1;
    positions restart at 0 for every example."""
    parts = [example(shard, i) for i in range(first, stop)]
    ids = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    positions = np.concatenate([np.arange(len(p[0])) for p in parts])
    return ids, labels, positions, [len(p[0]) for p in parts]


def iter_packs(shard: Shard):
    """Yields (input_ids, labels, position_ids, seq_lens) per pack; positions restart per example."""
    for first, stop in pack_ranges(shard):
        yield read_pack(shard, first, stop)


def summarize(folder: Path, split: str) -> dict:
    shards = load_split(folder, split)
    examples = sum(len(s.offsets) for s in shards)
    trained = int(sum(int(s.mask.sum()) for s in shards))
    tokens = int(sum(s.ids.shape[0] for s in shards))
    first = example(shards[0], 0) if shards and len(shards[0].offsets) > 0 else None
    max_pack = 0
    for shard in shards:
        for ids, _labels, positions, seq_lens in iter_packs(shard):
            max_pack = max(max_pack, len(ids))
            assert positions[0] == 0 and sum(seq_lens) == len(ids)
    return {
        "split": split,
        "examples": examples,
        "tokens": tokens,
        "trained_tokens": trained,
        "packs": int(sum(len(s.pack_starts) for s in shards)),
        "longest_pack": max_pack,
        "first_input_ids": [] if first is None else first[0].tolist(),
        "first_labels": [] if first is None else first[1].tolist(),
    }


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--split"):
        sys.stderr.write("usage: python -m pygbox_worker.dataset_reader <dataset-dir> [--split train|eval]\n")
        return 2
    split = argv[2] if len(argv) == 3 else "train"
    sys.stdout.write(json.dumps(summarize(Path(argv[0]), split)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
