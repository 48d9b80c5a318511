"""Export a causal LM to one fp32 ONNX file with a KV cache, in the shape transformers.js 4 runs.

Graph I/O (the names optimum and transformers.js use):
  inputs  input_ids [batch_size, sequence_length], attention_mask [batch_size, total_sequence_length],
          position_ids [batch_size, sequence_length],
          past_key_values.{i}.key|value [batch_size, heads, past_sequence_length, head_dim]
  outputs logits [batch_size, sequence_length, vocab],
          present.{i}.key|value [batch_size, heads, total_sequence_length, head_dim]
transformers.js builds the empty first-step cache from these axis names: only `batch_size` is filled
in and any other named axis becomes 0, so an axis named `batch` would break the first step.

transformers 5 models take a `DynamicCache`, not tuples, so a small wrapper maps the flat tensors to a
cache and back. torch.onnx.export(dynamo=True) is the supported exporter in torch 2.13 / transformers 5.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path

import onnx
import torch
from transformers import DynamicCache, PreTrainedModel

from .errors import ExportError

OPSET = 18


@dataclass(frozen=True)
class CacheShape:
    layers: int
    heads: int
    head_dim: int


def past_names(layers: int) -> list[str]:
    return [f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]


def present_names(layers: int) -> list[str]:
    return [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]


def cache_shape(model: PreTrainedModel) -> CacheShape:
    """Read the cache layout from one real forward pass: GPT-2, OPT and Llama-class (grouped KV
    heads) name their head counts differently in config.json, the cache tensors never do."""
    with torch.no_grad():
        out = model(input_ids=torch.zeros((1, 1), dtype=torch.long), use_cache=True)
    layers = out.past_key_values.layers
    keys = layers[0].keys
    return CacheShape(layers=len(layers), heads=int(keys.shape[1]), head_dim=int(keys.shape[3]))


class FlatCacheWrapper(torch.nn.Module):
    """forward(input_ids, attention_mask, position_ids, *past) -> (logits, *present), flat tensors."""

    def __init__(self, model: PreTrainedModel, layers: int) -> None:
        super().__init__()
        self.model = model
        self.layers = layers

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, *past: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        cache = DynamicCache(config=self.model.config)
        for i in range(self.layers):
            cache.update(past[2 * i], past[2 * i + 1], i)
        out = self.model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=position_ids,
            past_key_values=cache,
            use_cache=True,
        )
        present = []
        for layer in out.past_key_values.layers:
            present += [layer.keys, layer.values]
        return (out.logits, *present)


def _name_axes(model: onnx.ModelProto, layers: int) -> None:
    """Give every dynamic axis of the graph's inputs and outputs the name transformers.js expects
    (the exporter writes `past_sequence_length + sequence_length` for the present axis)."""
    wanted = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for name in past_names(layers):
        wanted[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in present_names(layers):
        wanted[name] = {0: "batch_size", 2: "total_sequence_length"}
    for value in [*model.graph.input, *model.graph.output]:
        dims = value.type.tensor_type.shape.dim
        for axis, label in wanted.get(value.name, {}).items():
            dims[axis].Clear()
            dims[axis].dim_param = label


def export_fp32(model: PreTrainedModel, out_file: Path) -> onnx.ModelProto:
    """Export and return the fp32 graph (in memory; weights embedded). Nothing is written to out_file
    here; it names the export in messages only."""
    shape = cache_shape(model)
    batch, seq, past = 2, 3, 4  # distinct sizes, so the exporter cannot tie two axes together
    vocab = int(model.config.vocab_size)
    generator = torch.Generator().manual_seed(0)
    input_ids = torch.randint(0, min(vocab, 1000), (batch, seq), generator=generator)
    attention_mask = torch.ones((batch, past + seq), dtype=torch.long)
    position_ids = torch.arange(past, past + seq).expand(batch, seq).contiguous()
    past_tensors = tuple(
        torch.randn(batch, shape.heads, past, shape.head_dim, generator=generator) for _ in range(2 * shape.layers)
    )
    dims = torch.export.Dim
    b, s, p, t = dims("batch_size"), dims("sequence_length"), dims("past_sequence_length"), dims("total_sequence_length")
    dynamic_shapes = (
        {0: b, 1: s},
        {0: b, 1: t},
        {0: b, 1: s},
        tuple({0: b, 2: p} for _ in range(2 * shape.layers)),
    )
    wrapper = FlatCacheWrapper(model, shape.layers).eval()
    try:
        # The exporter prints progress with print(); stdout carries only JSON events.
        with contextlib.redirect_stdout(sys.stderr), torch.no_grad():
            program = torch.onnx.export(
                wrapper,
                (input_ids, attention_mask, position_ids, *past_tensors),
                dynamic_shapes=dynamic_shapes,
                input_names=["input_ids", "attention_mask", "position_ids", *past_names(shape.layers)],
                output_names=["logits", *present_names(shape.layers)],
                opset_version=OPSET,
                dynamo=True,
                external_data=False,
                verbose=False,
            )
    except Exception as error:  # the exporter raises many types; all mean the same to the user
        raise ExportError(
            f"{out_file}: torch.onnx.export failed for model_type {model.config.model_type!r}: {str(error).splitlines()[0]}",
            "OPT, GPT-2 and Llama-class models are supported; the full trace is on stderr",
        ) from error
    onnx_model = program.model_proto
    _name_axes(onnx_model, shape.layers)
    return onnx_model
