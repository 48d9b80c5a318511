"""A tiny random checkpoint folder, shaped like pygbox train's output, for tests and demos.

    python -m pygbox_worker.export.tiny_fixture <dir> --tokenizer <tokenizer-dir> [--model-type opt|gpt2|llama]

Seeded random weights from a small config, then a few dozen Adam steps on the exporter's built-in
sample chat (eval_examples.BUILT_IN_CHAT): the logits become peaked like a trained model's, so the
quantized files' top-1 agreement means something (on a purely random model it is a coin toss). The
tokenizer files are copied from <tokenizer-dir> (`pygbox dataset tokenizer <dir> --variant opt`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch
from transformers import PretrainedConfig, PreTrainedModel

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


def tiny_config(model_type: str, vocab_size: int, projected: bool = False) -> PretrainedConfig:
    """`projected`: OPT embeddings narrower than the hidden size, as OPT-350m, so the project_in/out
    matrices exist (the graph tests count them; 40 steps fit that shape less well, so the quantized
    files' agreement on the built-in chat is lower - the default stays unprojected)."""
    from transformers import GPT2Config, LlamaConfig, OPTConfig

    if model_type == "opt":
        return OPTConfig(
            vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2, ffn_dim=128, num_attention_heads=4,
            word_embed_proj_dim=32 if projected else 64, max_position_embeddings=256, bos_token_id=2,
            eos_token_id=2, pad_token_id=1,
        )
    if model_type == "gpt2":
        return GPT2Config(
            vocab_size=vocab_size, n_embd=64, n_layer=2, n_head=4, n_positions=256, bos_token_id=50256,
            eos_token_id=50256,
        )
    if model_type == "llama":
        return LlamaConfig(
            vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=256, bos_token_id=2, eos_token_id=2,
            tie_word_embeddings=True,
        )
    raise ValueError(f"model type {model_type!r}: choose opt, gpt2 or llama")


def _fit_sample_chat(model: PreTrainedModel, tokenizer_dir: Path, steps: int) -> None:
    from transformers import AutoTokenizer

    from .eval_examples import BUILT_IN_CHAT

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    batch = [torch.tensor([tokenizer(prompt + reply)["input_ids"]]) for prompt, reply in BUILT_IN_CHAT]
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for step in range(steps):
        ids = batch[step % len(batch)]
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


def write_tiny_checkpoint(
    folder: Path, tokenizer_dir: Path, model_type: str = "opt", seed: int = 0, steps: int = 40, projected: bool = False
) -> Path:
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    config = tiny_config(model_type, vocab_size=50257 if model_type == "gpt2" else 50272, projected=projected)
    model = AutoModelForCausalLM.from_config(config)
    _fit_sample_chat(model, tokenizer_dir, steps)
    model.save_pretrained(folder)
    for name in TOKENIZER_FILES:
        if (tokenizer_dir / name).is_file():
            shutil.copyfile(tokenizer_dir / name, folder / name)
    marker = {
        "format": "pygbox-checkpoint",
        "version": 1,
        "step": steps,
        "epoch": 1.0,
        "run_config": {"model": {"base": f"tiny-random-{model_type}"}, "dataset": None},
        "prompt_format_version": 1,
        "dataset": None,
        "eval_loss": None,
    }
    (folder / "pygbox-checkpoint.json").write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pygbox_worker.export.tiny_fixture")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tokenizer", type=Path, required=True)
    parser.add_argument("--model-type", default="opt", choices=("opt", "gpt2", "llama"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=40, help="Adam steps on the sample chat (0: purely random)")
    args = parser.parse_args(argv)
    write_tiny_checkpoint(args.folder, args.tokenizer, args.model_type, args.seed, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
