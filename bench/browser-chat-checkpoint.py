"""An OPT-125m-shaped checkpoint with random weights, shaped like `pygbox train`'s output, for
bench/browser-chat.bench.ts (which exports it with `python -m pygbox_worker.export`).

    .venv/bin/python bench/browser-chat-checkpoint.py <dir> --tokenizer <tokenizer-dir>

OPT-125m's shape: 12 layers, hidden 768, ffn 3072, 12 heads, vocab 50272, 2048 positions, pre-LN.
Random init (seed 0): speed does not depend on the weights' values, and nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch
from transformers import OPTConfig, OPTForCausalLM

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tokenizer", type=Path, required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    config = OPTConfig(
        vocab_size=50272, hidden_size=768, num_hidden_layers=12, ffn_dim=3072, num_attention_heads=12,
        word_embed_proj_dim=768, max_position_embeddings=2048, do_layer_norm_before=True,
        bos_token_id=2, eos_token_id=2, pad_token_id=1,
    )
    model = OPTForCausalLM(config).eval()
    args.folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.folder)
    for name in TOKENIZER_FILES:
        if (args.tokenizer / name).is_file():
            shutil.copyfile(args.tokenizer / name, args.folder / name)
    marker = {
        "format": "pygbox-checkpoint",
        "version": 1,
        "step": 0,
        "epoch": 0.0,
        "run_config": {"model": {"base": "random-opt-125m-shape"}, "dataset": None},
        "prompt_format_version": 1,
        "dataset": None,
        "eval_loss": None,
    }
    (args.folder / "pygbox-checkpoint.json").write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    print(f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters -> {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
