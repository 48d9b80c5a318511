"""The trainer: `python -m pygbox_worker.train --config <run.json> [--resume auto|<checkpoint-dir>]`.

One module per concern: `config` (the validated run config), `data` (packs, micro-batches, the
block-diagonal mask), `model` (loading, LoRA, dtype), `flops` (MFU), `optim` (AdamW groups, cosine
schedule), `step` (one optimizer step: the loss arithmetic), `checkpoint` (save/find/load),
`distributed` (torchrun, DDP, FSDP2), `run` (the loop, events, signals). The wire protocol is
`pygbox_worker.events` and /tmp/coord/contract.md.
"""
