"""The training run: setup, the step loop, evals, checkpoints, signals and the events it reports.

Every rank runs this; only rank 0 writes events and checkpoint files, and every decision that ends
the loop (a signal, the last step) is agreed by all ranks through a collective, so no rank is left
waiting in an all-reduce the others never reach.
"""

from __future__ import annotations

import math
import signal
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import torch
import torch.distributed

from .. import events
from .checkpoint import (
    CheckpointContent,
    CheckpointError,
    LoadedCheckpoint,
    newest_checkpoint,
    prune,
    read_checkpoint,
    restore_rng,
    rng_state,
    write_checkpoint,
)
from .config import ConfigError, RunConfig
from .data import Batching, MicroBatch, PackedSplit, collate, idle_batch, index_sha256, step_micro_batches
from .distributed import (
    Processes,
    all_gather_objects,
    all_reduce,
    barrier,
    is_fsdp,
    unwrap,
    wrap_model,
)
from .flops import model_shape, peak_flops, step_flops
from .model import ModelError, load_model
from .optim import build_optimizer, learning_rate, set_learning_rate
from .step import StepSettings, evaluate, train_step

INTERRUPTED_EXIT = 130


class StopRequest:
    """SIGINT/SIGTERM set a flag; the loop finishes the current step, saves, and exits 130. The same
    signal a second time falls through to the default handler, for a user who does not want to wait;
    a different one does not (Ctrl-C reaches a torchrun worker as SIGINT, then as torchrun's SIGTERM)."""

    def __init__(self) -> None:
        self.requested = False
        self.first: int | None = None

    def install(self) -> None:
        for kind in (signal.SIGINT, signal.SIGTERM):
            signal.signal(kind, self._handle)

    def _handle(self, number: int, _frame: FrameType | None) -> None:
        if self.requested:
            if number == self.first:
                signal.signal(number, signal.SIG_DFL)
                signal.raise_signal(number)
            return
        self.requested, self.first = True, number
        events.log(f"signal {signal.Signals(number).name}: saving a checkpoint after this step")


@dataclass
class Resume:
    checkpoint: LoadedCheckpoint | None


def find_resume(option: str | None, output_dir: Path) -> Resume:
    if option is None:
        return Resume(None)
    if option == "auto":
        newest = newest_checkpoint(output_dir)
        if newest is None:
            events.warning(f"--resume auto: no complete checkpoint in {output_dir}; starting from step 0")
            return Resume(None)
        return Resume(read_checkpoint(newest))
    return Resume(read_checkpoint(Path(option)))


def _moved(batch: MicroBatch, device: torch.device) -> MicroBatch:
    return batch.to(device) if device.type != "cpu" else batch


class Trainer:
    def __init__(self, config: RunConfig, processes: Processes, resume_option: str | None) -> None:
        self.config = config
        self.processes = processes
        self.dataset = Path(config.dataset).resolve()
        self.output_dir = Path(config.output_dir).resolve()
        try:
            self.train_split = PackedSplit(self.dataset, "train")
            self.eval_split = PackedSplit(self.dataset, "eval")
        except (OSError, ValueError, KeyError) as unreadable:  # the reader's messages name the file
            raise ConfigError(
                f"dataset {self.dataset}: {unreadable}",
                "dataset",
                "point `dataset` at a folder from `pygbox dataset build`",
            ) from None
        if len(self.train_split) == 0:
            raise ConfigError(
                f"dataset {self.dataset}: the train split has no examples",
                "dataset",
                "build the dataset from more chats",
            )
        index = self.train_split.index
        self.pad_id = int(index["tokenizer"]["eosTokenId"])  # any id: padding is masked and never a target
        # Compiled: every micro-batch padded to packLength, one shape, no recompilation per length.
        self.pad_to = int(index["packLength"]) if config.model.compile else None
        self.dataset_sha256 = index_sha256(self.dataset)
        self.resume = find_resume(resume_option, self.output_dir)
        if config.method == "lora" and config.distributed.strategy == "fsdp" and processes.distributed:
            raise ModelError(
                "LoRA with FSDP is not supported",
                "use distributed.strategy: ddp (LoRA models fit each GPU)",
                "distributed.strategy",
            )

        resume_path = self.resume.checkpoint.path if self.resume.checkpoint else None
        loaded = load_model(config, int(index["tokenizer"]["vocabSize"]), processes.device, resume_path)
        self.loaded = loaded
        self.hf_model = loaded.model
        self.model = wrap_model(self.hf_model, config.distributed.strategy, processes, loaded.dtype)
        if config.model.compile:
            # In place (state-dict keys stay the model's), after wrapping: FSDP2 wants fully_shard first.
            unwrap(self.model).compile()
        self.optimizer = build_optimizer(self.model, config.train, processes.device)
        train = config.train
        self.batching = Batching(
            len(self.train_split),
            train.micro_batch_size,
            train.gradient_accumulation_steps,
            processes.world_size,
            train.seed,
        )
        spe = self.batching.steps_per_epoch
        self.total_steps = train.max_steps if train.max_steps is not None else max(1, math.ceil(train.epochs * spe))
        self.settings = StepSettings(
            config.model.attention, loaded.dtype, train.max_grad_norm, keep_logits=loaded.keeps_logits
        )
        self.layers, self.hidden = model_shape(
            unwrap(self.hf_model) if config.method == "full" else self.hf_model.get_base_model()
        )
        self.peak = peak_flops(processes.device, loaded.dtype)
        self.start_step = 0
        self.elapsed_before = 0.0
        self.eval_loss: float | None = None
        if self.resume.checkpoint is not None:
            self._restore(self.resume.checkpoint)
        else:
            torch.manual_seed(train.seed + processes.rank)  # dropout differs per rank, repeatably

    # --- resume -----------------------------------------------------------------------------
    def _restore(self, checkpoint: LoadedCheckpoint) -> None:
        state = checkpoint.state
        if state["global_batch"] != self.batching.global_batch:
            raise CheckpointError(
                f"checkpoint {checkpoint.path}: saved with {state['global_batch']} packs per step, "
                f"this run has {self.batching.global_batch}",
                "resume with the same micro_batch_size x gradient_accumulation_steps x number of processes",
            )
        if checkpoint.meta["dataset"]["sha256"] != self.dataset_sha256:
            events.warning(
                f"checkpoint {checkpoint.path} was trained on a different dataset index; the data order will differ"
            )
        if is_fsdp(self.model):
            from torch.distributed.checkpoint.state_dict import StateDictOptions, set_optimizer_state_dict

            set_optimizer_state_dict(
                self.model, self.optimizer, state["optimizer"], options=StateDictOptions(full_state_dict=True)
            )
        else:
            self.optimizer.load_state_dict(state["optimizer"])
        rngs = state["rng"]
        restore_rng(rngs[self.processes.rank] if len(rngs) == self.processes.world_size else rngs[0])
        self.start_step = int(state["step"])
        self.elapsed_before = float(state["elapsed_seconds"])
        self.eval_loss = checkpoint.meta.get("eval_loss")

    # --- checkpoints --------------------------------------------------------------------------
    def save(self, step: int, folder: Path, reason: str, elapsed: float) -> None:
        """Collective: every rank calls it; rank 0 writes."""
        model_state = optimizer_state = None
        if is_fsdp(self.model):
            from torch.distributed.checkpoint.state_dict import (
                StateDictOptions,
                get_model_state_dict,
                get_optimizer_state_dict,
            )

            options = StateDictOptions(full_state_dict=True, cpu_offload=True)
            model_state = get_model_state_dict(self.model, options=options)
            optimizer_state = get_optimizer_state_dict(self.model, self.optimizer, options=options)
        rngs = all_gather_objects(rng_state(), self.processes)
        if self.processes.main:
            trainer_state = {
                "format": "pygbox-trainer-state",
                "step": step,
                "total_steps": self.total_steps,
                "global_batch": self.batching.global_batch,
                "world_size": self.processes.world_size,
                "data_position": {
                    "epoch": step // self.batching.steps_per_epoch,
                    "step_in_epoch": step % self.batching.steps_per_epoch,
                },
                "optimizer": optimizer_state if optimizer_state is not None else self.optimizer.state_dict(),
                # The schedule is a pure function of the step (optim.learning_rate).
                "scheduler": {"kind": "warmup-cosine", "step": step, "total_steps": self.total_steps},
                "rng": rngs,
                "elapsed_seconds": elapsed,
            }
            content = CheckpointContent(
                step=step,
                epoch=step // self.batching.steps_per_epoch,
                model=unwrap(self.model),
                model_state=model_state,
                trainer_state=trainer_state,
                run_config=self.config.model_dump(mode="json"),
                dataset_folder=self.dataset,
                dataset_sha256=self.dataset_sha256,
                prompt_format_version=int(self.train_split.index["promptFormatVersion"]),
                eval_loss=self.eval_loss,
            )
            write_checkpoint(content, folder, self.train_split.index["tokenizer"]["folder"])
            if folder.name.startswith("checkpoint-"):
                abandoned = prune(self.output_dir, self.config.checkpoint.keep_last, step)
                if abandoned:
                    names = ", ".join(path.name for path in abandoned)
                    events.warning(f"removed checkpoints past step {step} from the run this one resumed over: {names}")
            events.emit("checkpoint", step=step, path=str(folder), reason=reason)
        barrier(self.processes)

    def next_checkpoint(self, step: int) -> int | None:
        every = self.config.checkpoint.every_steps
        if every == 0 or step >= self.total_steps:
            return None
        return min(self.total_steps, (step // every + 1) * every)

    def check_replicas(self) -> None:
        """DDP keeps a full copy of the weights on every rank; they must still be identical at the
        end (a rank that drifted means a step was not all-reduced). FSDP ranks hold different shards."""
        if not self.processes.distributed or is_fsdp(self.model):
            return
        with torch.no_grad():
            checksum = sum(float(p.double().abs().sum()) for p in unwrap(self.model).parameters())
        events.log(f"weights checksum {checksum!r}")
        sums = all_gather_objects(checksum, self.processes)
        if len(set(sums)) != 1:
            events.warning(f"the ranks' weights differ at the end of training (checksums {sums}); report this as a bug")

    # --- eval ---------------------------------------------------------------------------------
    def run_eval(self, step: int) -> None:
        split, size, world = self.eval_split, self.config.train.micro_batch_size, self.processes.world_size
        count = math.ceil(len(split) / size)
        if self.config.eval.max_batches is not None:
            count = min(count, self.config.eval.max_batches)
        if count == 0:
            return
        per_rank = math.ceil(count / world)
        batches: list[MicroBatch | None] = []
        for k in range(per_rank):
            b = k * world + self.processes.rank
            members = list(range(b * size, min((b + 1) * size, len(split)))) if b < count else []
            batches.append(
                _moved(collate([split.pack(i) for i in members], self.pad_id, self.pad_to), self.processes.device)
                if members
                else None
            )
        idle = _moved(idle_batch(self.train_split.pack(0), self.pad_id, self.pad_to), self.processes.device)
        loss, tokens = evaluate(self.model, batches, idle, self.settings, self.processes)
        if loss is None:
            return
        self.eval_loss = loss
        events.emit("eval", step=step, loss=loss, perplexity=math.exp(min(loss, 50.0)), tokens=tokens)

    # --- the loop -----------------------------------------------------------------------------
    def start_event(self) -> None:
        device = self.processes.device
        name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
        mean_pack = self.train_split.tokens / max(1, len(self.train_split))
        checkpoint = self.resume.checkpoint
        events.emit(
            "start",
            protocol=events.PROTOCOL,
            device=device.type,
            device_name=name,
            world_size=self.processes.world_size,
            dtype="bf16" if self.loaded.dtype == torch.bfloat16 else "fp32",
            parameters=self.loaded.parameters,
            trainable_parameters=self.loaded.trainable_parameters,
            total_steps=self.total_steps,
            # A mean: packs differ in length.
            tokens_per_step=round(mean_pack * self.batching.global_batch),
            peak_flops=None if self.peak is None else self.peak * self.processes.world_size,
            resumed_from=None if checkpoint is None else {"step": self.start_step, "path": str(checkpoint.path)},
            checkpoint_every=self.config.checkpoint.every_steps,
            output_dir=str(self.output_dir),
        )

    def micro_batches(self, step: int) -> list[MicroBatch]:
        batches = step_micro_batches(
            self.train_split, self.batching, step, self.processes.rank, self.pad_id, self.pad_to
        )
        return [_moved(batch, self.processes.device) for batch in batches]

    def train(self, stop: StopRequest) -> int:
        config = self.config
        self.start_event()
        began = time.perf_counter()
        recent_losses: deque[float] = deque(maxlen=10)
        window_tokens = window_flops = 0.0
        window_start = time.perf_counter()
        lora = config.method == "lora"
        for step in range(self.start_step, self.total_steps):
            rate = learning_rate(step, config.train, self.total_steps)
            set_learning_rate(self.optimizer, rate)
            result = train_step(self.model, self.optimizer, self.micro_batches(step), self.settings, self.processes)
            done = step + 1
            recent_losses.append(result.loss)
            window_tokens += result.tokens
            window_flops += step_flops(
                self.loaded.flop_parameters, self.loaded.head_parameters, self.layers, self.hidden,
                result.tokens, result.head_positions, result.squared_lengths, lora,
            )  # fmt: skip
            elapsed = self.elapsed_before + time.perf_counter() - began
            if done % config.log.every_steps == 0 or done == self.total_steps:
                seconds = max(time.perf_counter() - window_start, 1e-9)
                mfu = None if self.peak is None else window_flops / seconds / (self.peak * self.processes.world_size)
                events.emit(
                    "step",
                    step=done,
                    total_steps=self.total_steps,
                    epoch=done / self.batching.steps_per_epoch,
                    loss=result.loss,
                    learning_rate=rate,
                    grad_norm=result.grad_norm,
                    tokens=result.tokens,
                    trained_tokens=result.trained_tokens,
                    tokens_per_second=window_tokens / seconds,
                    mfu=mfu,
                    elapsed_seconds=elapsed,
                    next_checkpoint_step=self.next_checkpoint(done),
                )
                window_tokens = window_flops = 0.0
                window_start = time.perf_counter()
            paused = time.perf_counter()  # evals and saves do not count against tokens/s
            every_eval = config.eval.every_steps
            if every_eval and done % every_eval == 0 and done < self.total_steps:
                self.run_eval(done)
            (stopping,) = all_reduce(
                [1.0 if stop.requested else 0.0], self.processes, op=torch.distributed.ReduceOp.MAX
            )
            if stopping and done < self.total_steps:
                folder = self.output_dir / f"checkpoint-{done}"
                self.save(done, folder, "interrupt", elapsed)
                events.emit("interrupted", step=done, checkpoint=str(folder))
                return INTERRUPTED_EXIT
            every_save = config.checkpoint.every_steps
            if every_save and done % every_save == 0 and done < self.total_steps:
                self.save(done, self.output_dir / f"checkpoint-{done}", "interval", elapsed)
            window_start += time.perf_counter() - paused
        self.check_replicas()
        self.run_eval(self.total_steps)
        final = self.output_dir / "final"
        self.save(self.total_steps, final, "final", self.elapsed_before + time.perf_counter() - began)
        train_loss = sum(recent_losses) / len(recent_losses) if recent_losses else None
        events.emit(
            "done", step=self.total_steps, final_path=str(final), train_loss=train_loss, eval_loss=self.eval_loss
        )
        return 0
