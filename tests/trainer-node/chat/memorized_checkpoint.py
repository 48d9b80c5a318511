"""A tiny checkpoint that has learned one chat by heart, for the `pygbox chat` tests.

The chat tests need replies they can predict, ending in `\\nYou:` or in the end-of-sequence token as
taught, which a random model never writes. This writes the exporter's tiny OPT checkpoint layout
(pygbox_worker.export.tiny_fixture, untrained), trains it on the given token-id sequences until it
repeats them (plain next-token loss, a few hundred Adam steps on a 2-layer model), and saves it
back; the test then runs the real exporter on it.

Usage (PYTHONPATH=trainer-node/worker): python memorized_checkpoint.py <dir> <tokenizer-dir> <sequences.json>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from pygbox_worker.export.tiny_fixture import write_tiny_checkpoint
from transformers import AutoModelForCausalLM

MAX_STEPS = 300
TARGET_LOSS = 0.05


def memorize(folder: Path, sequences: list[list[int]]) -> float:
    """Trains the saved model on the sequences until it repeats them; saves it; returns the loss."""
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(folder)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    batches = [torch.tensor([sequence]) for sequence in sequences]
    loss = torch.tensor(float("inf"))
    steps = 0
    for steps in range(1, MAX_STEPS + 1):
        loss = sum(model(input_ids=ids, labels=ids).loss for ids in batches) / len(batches)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if loss.item() < TARGET_LOSS:
            break
    model.eval()
    model.save_pretrained(folder)
    print(f"{steps} steps")
    return loss.item()


def main(folder: Path, tokenizer_dir: Path, sequences_file: Path) -> None:
    write_tiny_checkpoint(folder, tokenizer_dir, "opt", seed=0, steps=0)
    loss = memorize(folder, json.loads(sequences_file.read_text(encoding="utf-8")))
    print(f"memorized to loss {loss:.4f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
