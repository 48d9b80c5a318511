"""Packing with per-example attention: a pack's logits and loss equal those of its examples run one
by one through the plain Hugging Face forward (no mask, default positions). Checked for OPT (learned
positions, which must come from position_ids), GPT-2 and Llama (rotary), with SDPA and eager
attention, and for a right-padded micro-batch of two packs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import TINY_OPT
from pygbox_worker.train.data import Pack, PackedSplit, block_causal_mask, collate
from pygbox_worker.train.step import StepSettings, forward_loss_sum


def tiny_model(kind: str, attention: str) -> torch.nn.Module:
    from transformers import AutoModelForCausalLM, GPT2Config, LlamaConfig, OPTConfig

    configs = {
        "opt": lambda: OPTConfig(**TINY_OPT),
        "gpt2": lambda: GPT2Config(
            vocab_size=50272, n_embd=32, n_layer=2, n_head=2, n_positions=256, resid_pdrop=0, embd_pdrop=0, attn_pdrop=0
        ),
        "llama": lambda: LlamaConfig(
            vocab_size=50272,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=1,
            max_position_embeddings=256,
        ),  # fmt: skip
    }
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(configs[kind](), attn_implementation=attention).eval()


def multi_example_packs(dataset: Path) -> list[Pack]:
    split = PackedSplit(dataset, "train")
    packs = [split.pack(i) for i in range(len(split))]
    chosen = [p for p in packs if len(p.seq_lens) >= 2][:2]
    assert len(chosen) == 2 and len(chosen[0].input_ids) != len(chosen[1].input_ids), (
        "the fixture must give packs of several examples"
    )
    return chosen


@pytest.mark.parametrize(
    ("kind", "attention"), [("opt", "sdpa"), ("opt", "eager"), ("gpt2", "sdpa"), ("llama", "sdpa")]
)
@torch.no_grad()
def test_a_pack_equals_its_examples_run_alone(tiny_dataset: Path, kind: str, attention: str) -> None:
    model = tiny_model(kind, attention)
    packs = multi_example_packs(tiny_dataset)
    batch = collate(packs, pad_id=1)  # two packs of different lengths: the shorter is right-padded
    mask = block_causal_mask(batch.segment_ids, attention, torch.float32)
    packed = model(
        input_ids=batch.input_ids, attention_mask=mask, position_ids=batch.position_ids, use_cache=False
    ).logits

    settings = StepSettings(attention=attention, dtype=torch.float32, max_grad_norm=1.0)
    alone_loss = 0.0
    for row, pack in enumerate(packs):
        start = 0
        for length in pack.seq_lens:
            ids = torch.from_numpy(pack.input_ids[start : start + length])[None]
            alone = model(input_ids=ids, use_cache=False).logits[0]
            torch.testing.assert_close(packed[row, start : start + length], alone, atol=2e-5, rtol=1e-5)
            # The loss each example gets alone, through transformers' own label shifting.
            labels = torch.from_numpy(pack.targets[start : start + length - 1])
            trained = int((labels != -100).sum())
            if trained:
                alone_loss += (
                    float(
                        model(
                            input_ids=ids, labels=torch.cat([torch.tensor([-100]), labels])[None], use_cache=False
                        ).loss
                    )
                    * trained
                )
            start += length
    packed_loss = float(forward_loss_sum(model, batch, settings))
    assert packed_loss == pytest.approx(alone_loss, rel=1e-5)


def test_without_the_mask_examples_would_leak_into_each_other(tiny_dataset: Path) -> None:
    """The control: a plain causal mask over the pack changes the second example's logits, so the
    test above would catch a mask that is not passed through."""
    model = tiny_model("opt", "sdpa")
    pack = multi_example_packs(tiny_dataset)[0]
    batch = collate([pack], pad_id=1)
    with torch.no_grad():
        leaky = model(input_ids=batch.input_ids, position_ids=batch.position_ids, use_cache=False).logits
        first = pack.seq_lens[0]
        alone = model(input_ids=batch.input_ids[:, first : first + pack.seq_lens[1]], use_cache=False).logits
    assert not torch.allclose(leaky[:, first : first + pack.seq_lens[1]], alone, atol=1e-3)


def test_targets_never_cross_an_example_boundary(tiny_dataset: Path) -> None:
    pack = multi_example_packs(tiny_dataset)[0]
    ends = torch.tensor(pack.seq_lens).cumsum(0) - 1
    assert all(pack.targets[int(end)] == -100 for end in ends)
    assert list(pack.position_ids[: pack.seq_lens[0] + 2]) == [*range(pack.seq_lens[0]), 0, 1]


def test_a_micro_batch_with_nothing_trained_still_runs_the_head(tiny_dataset: Path) -> None:
    """Packs of prompt-only examples: no trained column. The head must still run at one column (DDP
    waits for every parameter's gradient; a zero-width logits tensor is a compiler edge case), and
    the loss is an exact 0 that contributes nothing."""
    pack = multi_example_packs(tiny_dataset)[0]
    untrained = Pack(pack.input_ids, np.full_like(pack.targets, -100), pack.position_ids, pack.seq_lens)
    batch = collate([untrained], pad_id=1)
    assert batch.trained_tokens == 0 and batch.trained_columns.tolist() == [0]
    model = tiny_model("opt", "sdpa")
    loss = forward_loss_sum(model, batch, StepSettings(attention="sdpa", dtype=torch.float32, max_grad_norm=1.0))
    loss.backward()
    assert float(loss.detach()) == 0.0
    assert model.get_output_embeddings().weight.grad is not None
