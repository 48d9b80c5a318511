"""The quantized files transformers.js names by dtype (onnx/model_<suffix>.onnx).

  q8     `quantize_dynamic`, QInt8 weights, as transformers.js' own scripts/quantize.py (the web
         runtime's default dtype on WASM), with reduce_range: 7-bit weights. Without it, x86 CPUs
         without VNNI (onnxruntime-node, the Python worker) saturate int16 sums in the u8 x s8
         product - measured on the tiny test model: max |logit error| 0.44 against fp32 in
         onnxruntime-node while onnxruntime-web (WASM) computed it right, 0.06 with reduce_range.
  q4     `MatMulNBits` (4-bit, block 32, symmetric) on every MatMul with a constant weight - after
         graph_rewrites, that is every projection, both feed-forward layers and the head. The embedding
         tables are NOT given to the 4-bit quantizer: it would emit `GatherBlockQuantized`, which
         onnxruntime-web 1.31 cannot run. They become int8 rows with a per-row scale instead
         (Gather -> Cast -> Mul by the gathered scale), plain ops every runtime has.
  q4f16  the fp32 graph converted to fp16 first (onnxruntime.transformers.float16), then as q4, so the
         MatMulNBits scales are fp16. The KV cache inputs/outputs become fp16 too; transformers.js 4.3
         allocates the first-step cache with the dtype the session declares (`addPastKeyValues` reads
         `session.inputMetadata[].type`), so that loads. `logits` stays fp32 (keep_io_types).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .onnx_files import save_onnx

BLOCK_SIZE = 32
#: Gather tables at least this big (elements) become int8 rows in the 4-bit files.
EMBEDDING_INT8_MIN_ELEMENTS = 1 << 16

FILE_NAMES = {
    "fp32": "model.onnx",
    "q8": "model_quantized.onnx",
    "q4": "model_q4.onnx",
    "q4f16": "model_q4f16.onnx",
}


def _quiet() -> contextlib.AbstractContextManager[object]:
    """ORT's quantizers log at INFO and print; stdout carries only JSON events."""
    logging.getLogger("onnxruntime").setLevel(logging.WARNING)
    return contextlib.redirect_stdout(sys.stderr)


def quantize_q8(fp32_file: Path, out_file: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(
            model_input=fp32_file,
            model_output=out_file,
            weight_type=QuantType.QInt8,
            per_channel=False,
            reduce_range=True,
            use_external_data_format=False,
        )
    # quantize_dynamic saves with a pre-2GB-limit check of its own; re-save to apply our
    # external-data rule (and so a file above 2 GB is named <file>.onnx_data as transformers.js wants).
    if out_file.stat().st_size > 0:
        model = onnx.load(out_file)
        del model.graph.value_info[:]
        save_onnx(model, out_file)


def _matmul_nbits(model: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    config = DefaultWeightOnlyQuantConfig(
        block_size=BLOCK_SIZE,
        is_symmetric=True,
        op_types_to_quantize=("MatMul",),
        quant_axes=(("MatMul", 0),),
        bits=4,
    )
    with _quiet():
        quantizer = MatMulNBitsQuantizer(model, algo_config=config)
        quantizer.process()
    return quantizer.model.model


def embeddings_to_int8_rows(model: onnx.ModelProto) -> int:
    """Gather(table, ids) -> Mul(Cast(Gather(table_int8, ids)), Gather(row_scale, ids)) for every
    large float table. Symmetric per-row int8: error below 0.4% of each row's largest entry."""
    inits = {init.name: init for init in model.graph.initializer}
    float_types = (TensorProto.FLOAT, TensorProto.FLOAT16)
    nodes: list[onnx.NodeProto] = []
    replaced: dict[str, tuple[str, str, int]] = {}
    count = 0
    for node in model.graph.node:
        table = inits.get(node.input[0]) if node.op_type == "Gather" else None
        axis = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 0)
        if (
            table is None
            or axis != 0
            or len(table.dims) != 2
            or table.data_type not in float_types
            or int(np.prod(table.dims)) < EMBEDDING_INT8_MIN_ELEMENTS
        ):
            nodes.append(node)
            continue
        if table.name not in replaced:
            array = numpy_helper.to_array(table).astype(np.float32)
            scale = np.abs(array).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            rows = np.clip(np.rint(array / scale), -127, 127).astype(np.int8)
            scale_type = np.float16 if table.data_type == TensorProto.FLOAT16 else np.float32
            model.graph.initializer.append(numpy_helper.from_array(rows, f"{table.name}_int8"))
            model.graph.initializer.append(numpy_helper.from_array(scale.astype(scale_type), f"{table.name}_row_scale"))
            replaced[table.name] = (f"{table.name}_int8", f"{table.name}_row_scale", table.data_type)
        rows_name, scale_name, data_type = replaced[table.name]
        out = node.output[0]
        ids = node.input[1]
        nodes += [
            helper.make_node("Gather", [rows_name, ids], [f"{out}_int8"], name=f"{node.name}_int8", axis=0),
            helper.make_node("Cast", [f"{out}_int8"], [f"{out}_float"], name=f"{node.name}_cast", to=data_type),
            helper.make_node("Gather", [scale_name, ids], [f"{out}_scale"], name=f"{node.name}_scale", axis=0),
            helper.make_node("Mul", [f"{out}_float", f"{out}_scale"], [out], name=f"{node.name}_dequantize"),
        ]
        count += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    live = {name for node in model.graph.node for name in node.input}
    kept = [init for init in model.graph.initializer if init.name in live]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    return count


def quantize_q4(fp32_model: onnx.ModelProto, out_file: Path) -> None:
    model = onnx.ModelProto()
    model.CopyFrom(fp32_model)
    model = _matmul_nbits(model)
    embeddings_to_int8_rows(model)
    save_onnx(model, out_file)


def to_fp16(fp32_model: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = onnx.ModelProto()
    model.CopyFrom(fp32_model)
    with _quiet():
        converted = convert_float_to_float16(model, keep_io_types=["logits"], disable_shape_infer=True)
    del converted.graph.value_info[:]
    return converted


def quantize_q4f16(fp32_model: onnx.ModelProto, out_file: Path) -> None:
    model = _matmul_nbits(to_fp16(fp32_model))
    embeddings_to_int8_rows(model)
    save_onnx(model, out_file)
