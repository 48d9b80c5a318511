"""The run config the worker trains from, validated with pydantic (`extra="forbid"`).

The TypeScript CLI validates the user's YAML with zod, fills defaults and writes the resolved
config as `<output_dir>/run-config.json`; the worker validates it again here so a hand-written or
stale file fails naming the field rather than training on a guess. The defaults below must equal the
zod ones: `python -m pygbox_worker.train.config --defaults` prints them for the TypeScript test.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelConfig(_Strict):
    base: str
    init: Literal["pretrained", "random"] = "pretrained"
    config_overrides: dict[str, Any] = Field(default_factory=dict)
    dtype: Literal["auto", "bf16", "fp32"] = "auto"
    attention: Literal["sdpa", "eager"] = "sdpa"
    gradient_checkpointing: bool = False
    compile: bool = False


class LoraConfig(_Strict):
    r: int = Field(16, gt=0)
    alpha: float = Field(32, gt=0)
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"], min_length=1
    )


class TrainConfig(_Strict):
    epochs: float = Field(1, gt=0)
    max_steps: int | None = Field(None, gt=0)
    micro_batch_size: int = Field(1, gt=0)
    gradient_accumulation_steps: int = Field(8, gt=0)
    learning_rate: float = Field(1.0e-5, gt=0)
    min_learning_rate_ratio: float = Field(0.1, ge=0, le=1)
    # An int is a step count; a float in (0, 1) a fraction of the total steps (transformers 5's
    # convention after it removed warmup_ratio).
    warmup_steps: int | float = 0.03
    weight_decay: float = Field(0.0, ge=0)
    adam_beta1: float = Field(0.9, ge=0, lt=1)
    adam_beta2: float = Field(0.95, ge=0, lt=1)
    adam_epsilon: float = Field(1.0e-8, gt=0)
    max_grad_norm: float = Field(1.0, gt=0)
    seed: int = 42

    @field_validator("warmup_steps")
    @classmethod
    def _warmup(cls, value: int | float) -> int | float:
        if isinstance(value, bool):
            raise ValueError("must be a step count or a fraction in (0, 1)")
        if isinstance(value, int) and value < 0:
            raise ValueError("a step count must be 0 or more")
        if isinstance(value, float) and not 0 < value < 1:
            raise ValueError("a fraction must be in (0, 1); write a whole number for a step count")
        return value


class EvalConfig(_Strict):
    every_steps: int = Field(100, ge=0)
    max_batches: int | None = Field(None, gt=0)


class CheckpointConfig(_Strict):
    every_steps: int = Field(200, ge=0)
    keep_last: int = Field(2, gt=0)


class LogConfig(_Strict):
    every_steps: int = Field(1, gt=0)


class DistributedConfig(_Strict):
    strategy: Literal["ddp", "fsdp"] = "ddp"


class RunConfig(_Strict):
    dataset: str
    output_dir: str
    model: ModelConfig
    method: Literal["full", "lora"] = "full"
    lora: LoraConfig = Field(default_factory=LoraConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
    log: LogConfig = Field(default_factory=LogConfig)
    distributed: DistributedConfig = Field(default_factory=DistributedConfig)


class ConfigError(ValueError):
    """A config problem with the dotted path of the field at fault (`train.learning_rate`)."""

    def __init__(self, message: str, field: str | None, hint: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.hint = hint


def _field_path(loc: tuple[Any, ...]) -> str:
    # pydantic adds the union member tried ("int", "float") to the location; the user's key does not have it.
    def is_union_tag(part: Any) -> bool:
        return isinstance(part, str) and (part in ("int", "float") or "[" in part)

    return ".".join(str(part) for part in loc if not is_union_tag(part))


def parse_run_config(data: Any, source: str) -> RunConfig:
    """Validates a decoded config; the first problem becomes a ConfigError naming its field."""
    try:
        return RunConfig.model_validate(data)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        field = _field_path(first["loc"]) or None
        kind = first["type"]
        if kind == "extra_forbidden":
            message = f"{source}: unknown key `{field}`"
            hint = "remove it or fix its spelling (see the run config reference in the README)"
        elif kind == "missing":
            message = f"{source}: `{field}` is required"
            hint = f"add `{field}` to the config"
        else:
            message = f"{source}: `{field}`: {first['msg']}"
            hint = "fix the value in the config"
        raise ConfigError(message, field, hint) from None


def load_run_config(path: str) -> RunConfig:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such file", None, "pass the run-config.json that `pygbox train` writes"
        ) from None
    except json.JSONDecodeError as bad:
        raise ConfigError(f"{path}: not JSON ({bad.msg} at line {bad.lineno})", None, "fix the JSON") from None
    return parse_run_config(data, path)


def defaults() -> dict[str, Any]:
    """Every default, with the required fields left out (the TypeScript test compares these)."""
    filled = RunConfig(dataset="", output_dir="", model=ModelConfig(base="")).model_dump()
    del filled["dataset"], filled["output_dir"], filled["model"]["base"]
    return filled


def main(argv: list[str]) -> int:
    if argv != ["--defaults"]:
        sys.stderr.write("usage: python -m pygbox_worker.train.config --defaults\n")
        return 2
    sys.stdout.write(json.dumps(defaults()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
