"""Shared fixtures for the worker's tests: a real tokenizer, a real dataset built by the repo's CLI
from the bundled samples, and a tiny OPT folder (random init; no hub access).

The dataset is built once per session: `pygbox dataset tokenizer --variant opt`, then
`pygbox dataset build samples/dataset samples/captures --max-length 128 --pack-length 256` so that
packs hold several examples (what the packing tests need) and 10% of episodes go to eval.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
WORKER = REPO / "trainer-node" / "worker"
if str(WORKER) not in sys.path:
    sys.path.insert(0, str(WORKER))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# The tiny model every training test uses: OPT's real vocabulary size, everything else minimal.
TINY_OPT = {
    "vocab_size": 50272,
    "hidden_size": 32,
    "word_embed_proj_dim": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "ffn_dim": 64,
    "max_position_embeddings": 256,
    # No dropout: the equivalence tests compare runs that draw random numbers in different orders.
    "dropout": 0.0,
    "attention_dropout": 0.0,
}


def _pygbox(*args: str) -> None:
    subprocess.run(
        ["node", str(REPO / "trainer-node" / "bin" / "pygbox.js"), *args], cwd=REPO, check=True, capture_output=True
    )


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dataset")
    _pygbox("dataset", "tokenizer", str(root / "tok"), "--variant", "opt")
    _pygbox(
        "dataset", "build", "samples/dataset", "samples/captures",
        "-o", str(root / "ds"), "--tokenizer", str(root / "tok"),
        "--max-length", "128", "--pack-length", "256", "--eval-fraction", "0.1",
    )  # fmt: skip
    return root / "ds"


@pytest.fixture(scope="session")
def tiny_opt_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import OPTConfig

    folder = tmp_path_factory.mktemp("tiny-opt")
    OPTConfig(**TINY_OPT).save_pretrained(folder)
    return folder
