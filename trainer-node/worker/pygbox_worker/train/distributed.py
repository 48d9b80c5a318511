"""torchrun, DDP and FSDP2: process setup, model wrapping and the few collectives the loop needs.

Without torchrun's environment (WORLD_SIZE unset or 1) nothing is initialised and every helper is
the identity, so the single-process path has no distributed code in it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class Processes:
    rank: int
    world_size: int
    device: torch.device

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def init_processes() -> Processes:
    """Reads torchrun's RANK/WORLD_SIZE/LOCAL_RANK; nccl on CUDA, gloo on CPU."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world_size > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo", device_id=device if cuda else None)
    rank = dist.get_rank() if dist.is_initialized() else 0
    return Processes(rank=rank, world_size=world_size, device=device)


def close_processes(processes: Processes) -> None:
    if processes.distributed and dist.is_initialized():
        dist.destroy_process_group()


def all_reduce(
    values: list[float], processes: Processes, op: dist.ReduceOp.RedOpType = dist.ReduceOp.SUM
) -> list[float]:
    """Sums (or maxes) a few numbers over ranks in float64, so token counts stay exact."""
    if not processes.distributed:
        return values
    tensor = torch.tensor(values, dtype=torch.float64, device=processes.device)
    dist.all_reduce(tensor, op=op)
    return tensor.tolist()


def all_gather_objects(value: object, processes: Processes) -> list[object]:
    if not processes.distributed:
        return [value]
    gathered: list[object] = [None] * processes.world_size
    dist.all_gather_object(gathered, value)
    return gathered


def barrier(processes: Processes) -> None:
    if processes.distributed:
        dist.barrier()


def _decoder_layers(model: nn.Module) -> list[nn.Module]:
    """The transformer blocks FSDP shards one by one: the classes the model lists in
    `_no_split_modules` (OPTDecoderLayer, GPT2Block, LlamaDecoderLayer...)."""
    names = set(getattr(model, "_no_split_modules", None) or [])
    return [m for m in model.modules() if type(m).__name__ in names]


def wrap_model(model: nn.Module, strategy: str, processes: Processes, dtype: torch.dtype) -> nn.Module:
    """DDP, or FSDP2 (`fully_shard` per decoder layer, then the root) with bf16 compute and fp32
    gradient reduction. Single process: the model unchanged."""
    if not processes.distributed:
        return model
    if strategy == "fsdp":
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        policy = MixedPrecisionPolicy(param_dtype=dtype, reduce_dtype=torch.float32)
        for layer in _decoder_layers(model):
            fully_shard(layer, mp_policy=policy)
        fully_shard(model, mp_policy=policy)
        return model
    from torch.nn.parallel import DistributedDataParallel

    device_ids = [processes.device.index] if processes.device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=device_ids)


def unwrap(model: nn.Module) -> nn.Module:
    """The Hugging Face (or peft) model inside DDP; FSDP2 keeps the module itself."""
    from torch.nn.parallel import DistributedDataParallel

    return model.module if isinstance(model, DistributedDataParallel) else model


def is_fsdp(model: nn.Module) -> bool:
    from torch.distributed.fsdp import FSDPModule

    return isinstance(model, FSDPModule)


@contextlib.contextmanager
def gradient_sync(model: nn.Module, sync: bool) -> Iterator[None]:
    """Skips the gradient all-reduce on all but the last micro-batch of a step (accumulate locally)."""
    from torch.nn.parallel import DistributedDataParallel

    if isinstance(model, DistributedDataParallel) and not sync:
        with model.no_sync():
            yield
        return
    if is_fsdp(model):
        model.set_requires_gradient_sync(sync)
    yield
