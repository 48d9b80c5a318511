"""Model FLOPs utilisation: MFU = tokens/s x FLOPs per token / peak FLOP/s.

Convention (PaLM appendix B, nanoGPT, llm-foundry), stated because MFU figures differ by it:
- FLOPs per token = 6N (full fine-tuning: forward 2N, backward 4N) or 4N for LoRA (the frozen
  weights get no weight-gradient matmul, so reporting 6N would overstate LoRA's MFU by ~1.5x), plus
  the attention term 12 x L x d x (sum of squared example lengths / tokens): with per-example
  attention in packs the score matrices are per example, not per pack.
- The output head runs only at trained positions (step.py passes `logits_to_keep`), so its share
  of N (H, the head's weight) is counted for the positions it computed, not for every token:
  step FLOPs = k(N - H) x tokens + kH x head positions + 12 L d x sum of squared lengths, k = 6 or 4.
- N counts the matmul parameters: every parameter but the embedding tables, plus the output head
  once (OPT and GPT-2 tie it to the token embeddings, and it is a matmul). Position embeddings are
  never counted. Activation recomputation (gradient checkpointing) is not counted (MFU, not HFU).
- Tokens are non-padding tokens of all ranks; peak is per GPU x world size, dense tensor-core
  figures from the vendors' spec sheets for the compute dtype. An unknown GPU or the CPU: no peak,
  MFU null.
"""

from __future__ import annotations

import torch
from torch import nn

# (name fragment, bf16 dense peak, fp32 peak) per GPU; the first fragment found in the device name wins.
PEAK_FLOPS: list[tuple[str, float, float]] = [
    # The PCIe and NVL boards run lower clocks than SXM: matched first, or their MFU reads ~20% low.
    ("H200 NVL", 836e12, 60e12),
    ("H100 NVL", 835e12, 60e12),
    ("H100 PCIe", 756e12, 51e12),
    ("H200", 989e12, 67e12),
    ("H100", 989e12, 67e12),
    ("A100", 312e12, 19.5e12),
    ("L40S", 362e12, 91.6e12),
    ("RTX 4090", 165e12, 82.6e12),
    ("A10G", 125e12, 31.2e12),
]


def peak_flops(device: torch.device, dtype: torch.dtype) -> float | None:
    """Peak FLOP/s of one device in this dtype, or None when unknown (CPU, GPU not in the table)."""
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    for fragment, bf16, fp32 in PEAK_FLOPS:
        if fragment in name:
            return bf16 if dtype == torch.bfloat16 else fp32
    return None


def matmul_parameters(model: nn.Module) -> int:
    """N: unique parameters minus every embedding table, plus the output head's weight once."""
    seen: set[int] = set()
    total = 0
    for parameter in model.parameters():
        if id(parameter) not in seen:
            seen.add(id(parameter))
            total += parameter.numel()
    embeddings = {id(m.weight): m.weight.numel() for m in model.modules() if isinstance(m, nn.Embedding)}
    head = model.get_output_embeddings()
    # A tied head was subtracted with the embeddings above; an untied one (a Linear) never was.
    tied_head = head is not None and id(head.weight) in embeddings
    return total - sum(embeddings.values()) + (head.weight.numel() if tied_head else 0)


def model_shape(model: nn.Module) -> tuple[int, int]:
    """(layers, hidden size) from the Hugging Face config."""
    config = model.config
    layers = getattr(config, "num_hidden_layers", None) or config.n_layer  # GPT-2 names them n_layer/n_embd
    hidden = getattr(config, "hidden_size", None) or config.n_embd
    return int(layers), int(hidden)


def head_parameters(model: nn.Module) -> int:
    head = model.get_output_embeddings()
    return 0 if head is None else head.weight.numel()


def step_flops(
    n: int, head: int, layers: int, hidden: int, tokens: int, head_positions: int, squared_lengths: int, lora: bool
) -> float:
    """Model FLOPs of one training step over `tokens` tokens (examples' squared lengths summing to
    `squared_lengths`) whose output head computed `head_positions` positions."""
    k = 4 if lora else 6
    return k * (n - head) * tokens + k * head * head_positions + 12 * layers * hidden * squared_lengths
