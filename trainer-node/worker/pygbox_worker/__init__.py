"""Pygbox's Python worker: the PyTorch-stack side of the trainer.

Node spawns it (`python -m pygbox_worker.<entry>`) and talks JSON lines: requests on stdin, one
JSON object a line on stdout, human logs on stderr. It never imports anything outside the PyTorch
stack (transformers, tokenizers, torch).
"""
