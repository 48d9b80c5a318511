"""How big is each exported file for an OPT-350m-shaped model? (issue 6: q4 <= 0.25x fp32)

    .venv/bin/python bench/export-size.py [--work /tmp/pygbox-export-size] [--keep]

Random init (seeded) with OPT-350m's shape: 24 layers, hidden 1024, ffn 4096, 16 heads, vocab 50272,
word_embed_proj_dim 512 (project_in/out). Runs the exporter's own stages (export, graph rewrites,
q8, q4, q4f16), checks fp32 ONNX against PyTorch on one prompt, and prints a Markdown table of file
sizes and ratios to fp32. Takes a few minutes and ~3 GB of disk under --work (deleted unless --keep).
Random weights say nothing about quantization quality; the parity gate measures that on real ones.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "trainer-node" / "worker"))

from pygbox_worker.export import graph_rewrites, onnx_export, quantize  # noqa: E402
from pygbox_worker.export.onnx_files import save_onnx  # noqa: E402
from pygbox_worker.export.onnx_runner import OnnxRunner  # noqa: E402


def opt_350m_shape():  # noqa: ANN201
    from transformers import OPTConfig

    return OPTConfig(
        vocab_size=50272, hidden_size=1024, num_hidden_layers=24, ffn_dim=4096, num_attention_heads=16,
        word_embed_proj_dim=512, max_position_embeddings=2048, do_layer_norm_before=False,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/pygbox-export-size"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    from transformers import OPTForCausalLM

    torch.manual_seed(0)
    model = OPTForCausalLM(opt_350m_shape()).eval()
    params = sum(p.numel() for p in model.parameters())
    timings: dict[str, float] = {}

    start = time.monotonic()
    graph = onnx_export.export_fp32(model, args.work / "model.onnx")
    gemms = graph_rewrites.prepare_fp32(graph)
    save_onnx(graph, args.work / quantize.FILE_NAMES["fp32"])
    timings["fp32"] = time.monotonic() - start
    folded, transposes = graph_rewrites.for_quantization(graph)
    rewrites = {"gemm_to_matmul": gemms, "folded_transposes": transposes}
    folded_file = args.work / "quantizer-input.onnx"
    save_onnx(folded, folded_file)

    ids = np.asarray([[2, 31414, 232, 328, 16, 10, 1296, 4]], dtype=np.int64)
    with torch.no_grad():
        reference = model(input_ids=torch.from_numpy(ids)).logits.numpy()
    logits, _ = OnnxRunner(args.work / "model.onnx").forward(ids, np.ones_like(ids))
    diff = float(np.abs(logits - reference).max())

    for dtype in ("q8", "q4", "q4f16"):
        start = time.monotonic()
        target = args.work / quantize.FILE_NAMES[dtype]
        if dtype == "q8":
            quantize.quantize_q8(folded_file, target)
        elif dtype == "q4":
            quantize.quantize_q4(folded, target)
        else:
            quantize.quantize_q4f16(folded, target)
        timings[dtype] = time.monotonic() - start

    sizes = {dtype: (args.work / name).stat().st_size for dtype, name in quantize.FILE_NAMES.items()}
    print(f"Machine: {platform.processor() or platform.machine()}, torch {torch.__version__}. Model: OPT-350m shape, "
          f"{params / 1e6:.1f}M parameters, random init. Rewrites: {rewrites}. fp32 ONNX vs PyTorch max |logit diff| {diff:.2e}.")
    print()
    print("| file | dtype | MB | x fp32 | seconds to write |")
    print("| --- | --- | --- | --- | --- |")
    for dtype, name in quantize.FILE_NAMES.items():
        print(f"| onnx/{name} | {dtype} | {sizes[dtype] / 1e6:.1f} | {sizes[dtype] / sizes['fp32']:.3f} | {timings[dtype]:.1f} |")
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0 if sizes["q4"] <= 0.25 * sizes["fp32"] else 1


if __name__ == "__main__":
    sys.exit(main())
