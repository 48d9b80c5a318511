"""A tiny checkpoint that has learned one chat by heart, for the `pygbox chat` tests.

The chat tests need replies they can predict, ending in `\\nYou:` or in the end-of-sequence token as
taught, which a random model never writes. This writes the exporter's tiny OPT checkpoint layout
(pygbox_worker.export.tiny_fixture, untrained), trains it on the given token-id sequences until it
repeats them (plain next-token loss, about 40 Adam steps on a 2-layer model), and saves it
back, then runs the real exporter on it (`pygbox_worker.export`'s own entry point, fp32 with its
parity gate) in the same process: one Python start-up and one torch import instead of two. The
q4f16 file is then made by the exporter's own quantize_q4f16, without the quantized files' parity
scoring (the export tests own that): the chat tests need the file for its float16 KV cache, which
the transformers.js adapter must pass back as it came.

Usage (PYTHONPATH=trainer-node/worker):
    python memorized_checkpoint.py <dir> <tokenizer-dir> <sequences.json> <model-out>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import onnx
import torch
from pygbox_worker.export.__main__ import main as export_main
from pygbox_worker.export.quantize import quantize_q4f16
from pygbox_worker.export.tiny_fixture import write_tiny_checkpoint
from transformers import AutoModelForCausalLM, OPTConfig

MAX_STEPS = 300
# Done once every next token is the model's most likely one for this many steps running: what the
# tests rely on (greedy replies), with some margin, and about ten steps sooner than a loss target.
EXACT_STEPS_RUNNING = 3


def chat_model_config(folder: Path) -> OPTConfig:
    """The model taught here: a 2-layer OPT of width 64, without dropout. Its own shape, not the
    exporter fixture's (which changes for the exporter's sake: a narrower embedding once made this
    need hundreds of steps), so the chat tests do not slow down or break when that one changes."""
    return OPTConfig(
        vocab_size=OPTConfig.from_pretrained(folder).vocab_size, hidden_size=64, num_hidden_layers=2, ffn_dim=128,
        num_attention_heads=4, word_embed_proj_dim=64, max_position_embeddings=256, bos_token_id=2, eos_token_id=2,
        pad_token_id=1, dropout=0.0, attention_dropout=0.0,
    )


def memorize(folder: Path, sequences: list[list[int]]) -> float:
    """Trains a fresh model on the sequences until greedy decoding repeats them; saves it over the
    fixture's weights and config (its checkpoint marker and tokenizer files stay)."""
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(chat_model_config(folder))
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    batches = [torch.tensor([sequence]) for sequence in sequences]
    loss = torch.tensor(float("inf"))
    exact_running = 0
    steps = 0
    for steps in range(1, MAX_STEPS + 1):
        outputs = [model(input_ids=ids, labels=ids) for ids in batches]
        loss = sum(output.loss for output in outputs) / len(batches)
        exact = all(
            bool((output.logits[0, :-1].argmax(-1) == ids[0, 1:]).all())
            for output, ids in zip(outputs, batches, strict=True)
        )
        exact_running = exact_running + 1 if exact else 0
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if exact_running >= EXACT_STEPS_RUNNING:
            break
    else:
        raise SystemExit(
            f"the model did not learn the chat in {MAX_STEPS} steps (loss {loss.item():.3f}): "
            "has pygbox_worker.export.tiny_fixture's config changed? raise MAX_STEPS or the learning rate"
        )
    model.eval()
    model.save_pretrained(folder)
    print(f"{steps} steps")
    return loss.item()


def main(folder: Path, tokenizer_dir: Path, sequences_file: Path, model_out: Path) -> int:
    write_tiny_checkpoint(folder, tokenizer_dir, "opt", seed=0, steps=0)
    loss = memorize(folder, json.loads(sequences_file.read_text(encoding="utf-8")))
    print(f"memorized to loss {loss:.4f}")
    exported = export_main(["--checkpoint", str(folder), "--out", str(model_out), "--dtype", "fp32"])
    if exported != 0:
        return exported
    onnx_dir = model_out / "onnx"
    quantize_q4f16(onnx.load(str(onnx_dir / "model.onnx")), onnx_dir / "model_q4f16.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
