"""Loading the model: pretrained or seeded random init, attention kind, LoRA, checkpointing.

Weights stay fp32 and bf16 is the compute dtype (autocast, or FSDP2's MixedPrecisionPolicy): AdamW
steps of lr 1e-5 on bf16 weights would mostly round away (bf16 keeps 8 bits of mantissa), and exact
resume needs the fp32 master weights in the checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .config import RunConfig


class ModelError(ValueError):
    def __init__(self, message: str, hint: str, field: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint
        self.field = field


def compute_dtype(requested: str, device: torch.device) -> torch.dtype:
    """auto: bf16 on a CUDA device that has it, else fp32 (CPU bf16 is slow and gains nothing here)."""
    if requested == "bf16":
        return torch.bfloat16
    if requested == "fp32":
        return torch.float32
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


def _load_base(config: RunConfig, weights_from: str | None) -> nn.Module:
    """The full-precision causal LM. `weights_from` (a checkpoint folder) wins over model.base when
    resuming a full fine-tune: that folder is a complete Hugging Face model."""
    from transformers import AutoConfig, AutoModelForCausalLM

    spec = config.model
    common = {"attn_implementation": spec.attention, "dtype": torch.float32}
    source = weights_from or spec.base
    try:
        if weights_from is None and spec.init == "random":
            hf_config = AutoConfig.from_pretrained(spec.base, **spec.config_overrides)
            torch.manual_seed(config.train.seed)  # the same init on every rank and every resume
            return AutoModelForCausalLM.from_config(hf_config, **common)
        return AutoModelForCausalLM.from_pretrained(source, **common)
    except OSError as missing:
        where = (
            "a folder with config.json (and weights unless model.init is random), or a hub id this machine can download"
        )
        raise ModelError(
            f"cannot load model `{source}`: {missing}", f"model.base must be {where}", "model.base"
        ) from None


def _check_vocabulary(model: nn.Module, vocab_size: int, base: str) -> None:
    rows = model.get_input_embeddings().num_embeddings
    if rows < vocab_size:
        raise ModelError(
            f"model `{base}` has {rows} token embeddings but the dataset's tokenizer has {vocab_size} tokens",
            "build the dataset with this model's tokenizer (`pygbox dataset build --tokenizer <model-dir>`), "
            f"or for a random init set model.config_overrides.vocab_size to at least {vocab_size}",
            "model.base",
        )


def _apply_lora(model: nn.Module, config: RunConfig) -> nn.Module:
    from peft import LoraConfig, get_peft_model

    spec = config.lora
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    unknown = [m for m in spec.target_modules if m not in present]
    if unknown:
        raise ModelError(
            f"lora.target_modules {unknown} are not modules of this model",
            f"pick from the model's linear layers, e.g. {sorted(n for n in present if 'proj' in n or 'fc' in n)[:8]}",
            "lora.target_modules",
        )
    lora = LoraConfig(
        r=spec.r,
        lora_alpha=spec.alpha,
        lora_dropout=spec.dropout,
        target_modules=spec.target_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


@dataclass
class LoadedModel:
    model: nn.Module  # the trainable module (a PeftModel for LoRA), fp32, on the device
    dtype: torch.dtype  # compute dtype
    flop_parameters: int  # N of the MFU formula (see flops.py)
    head_parameters: int  # H: the output head's share of N
    keeps_logits: bool  # the forward takes logits_to_keep (so the head can skip untrained positions)
    parameters: int
    trainable_parameters: int


def load_model(config: RunConfig, vocab_size: int, device: torch.device, resume_from: Path | None) -> LoadedModel:
    import inspect

    from .flops import head_parameters, matmul_parameters

    full_from = str(resume_from) if resume_from is not None and config.method == "full" else None
    model = _load_base(config, full_from)
    _check_vocabulary(model, vocab_size, config.model.base)
    flop_parameters, head = matmul_parameters(model), head_parameters(model)
    keeps_logits = "logits_to_keep" in inspect.signature(model.forward).parameters
    if config.model.gradient_checkpointing:
        # Non-reentrant: works with frozen inputs (LoRA) and with DDP/FSDP without extra hooks.
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if config.method == "lora":
        model = _apply_lora(model, config)
        if resume_from is not None:
            from peft import set_peft_model_state_dict
            from safetensors.torch import load_file

            adapter = resume_from / "adapter" / "adapter_model.safetensors"
            set_peft_model_state_dict(model, load_file(str(adapter)))
    model.to(device)
    model.train()
    parameters = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return LoadedModel(
        model, compute_dtype(config.model.dtype, device), flop_parameters, head, keeps_logits, parameters, trainable
    )
