"""Rewrite the exported fp32 graph so the 4-bit quantizer sees every weight matrix.

ONNX Runtime's MatMulNBits quantizer only takes `MatMul` nodes whose B input is a constant. The dynamo
export writes OPT's feed-forward layers as `Gemm` (transB=1) and the tied head as
`MatMul(x, Transpose(embed_tokens.weight))`; left alone, a "q4" OPT-350m keeps ~0.8x of its fp32
size. So, before quantizing:
  - Gemm -> MatMul with a pre-transposed weight (+ Add for the bias);
  - MatMul(x, Transpose(W)) with a constant W -> MatMul(x, W^T) as its own initializer (the tied head
    gets its own copy: the embedding Gather keeps the original). Only the quantized files get this:
    in fp32 the copy would add vocab x hidden x 4 bytes (103 MB for OPT-350m) for nothing;
  - clear value_info (quantize_dynamic's shape inference rejects the exporter's stale shapes);
  - drop nodes and initializers nothing reads any more.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _initializers(model: onnx.ModelProto) -> dict[str, onnx.TensorProto]:
    return {init.name: init for init in model.graph.initializer}


def _attribute(node: onnx.NodeProto, name: str, default: float | int) -> float | int:
    for attr in node.attribute:
        if attr.name == name:
            return helper.get_attribute_value(attr)
    return default


def _unique(model: onnx.ModelProto, base: str) -> str:
    taken = {init.name for init in model.graph.initializer} | {o for n in model.graph.node for o in n.output}
    name, n = base, 1
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def gemm_to_matmul(model: onnx.ModelProto) -> int:
    """Replace every Gemm with a constant B (alpha=beta=1, transA=0) by MatMul(+Add). Returns the count."""
    inits = _initializers(model)
    rewritten = 0
    nodes: list[onnx.NodeProto] = []
    for node in model.graph.node:
        simple = (
            node.op_type == "Gemm"
            and node.input[1] in inits
            and _attribute(node, "alpha", 1.0) == 1.0
            and _attribute(node, "beta", 1.0) == 1.0
            and _attribute(node, "transA", 0) == 0
        )
        if not simple:
            nodes.append(node)
            continue
        weight_name = node.input[1]
        if _attribute(node, "transB", 0):
            weight = numpy_helper.to_array(inits[weight_name])
            weight_name = _unique(model, f"{node.input[1]}.T")
            model.graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(weight.T), weight_name))
        has_bias = len(node.input) > 2 and node.input[2] != ""
        product = _unique(model, f"{node.output[0]}_matmul") if has_bias else node.output[0]
        nodes.append(helper.make_node("MatMul", [node.input[0], weight_name], [product], name=f"{node.name}_MatMul"))
        if has_bias:
            nodes.append(helper.make_node("Add", [product, node.input[2]], [node.output[0]], name=f"{node.name}_Add"))
        rewritten += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return rewritten


def fold_transposed_weights(model: onnx.ModelProto) -> int:
    """MatMul(x, Transpose(W)) with W constant and a 2-D transpose -> MatMul(x, W^T). Returns the count."""
    inits = _initializers(model)
    producers = {out: node for node in model.graph.node for out in node.output}
    folded: dict[str, str] = {}
    count = 0
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] in inits:
            continue
        source = producers.get(node.input[1])
        if source is None or source.op_type != "Transpose" or source.input[0] not in inits:
            continue
        weight = inits[source.input[0]]
        perm = list(_attribute(source, "perm", []) or [])
        if len(weight.dims) != 2 or perm not in ([], [1, 0]):
            continue
        if source.output[0] not in folded:
            name = _unique(model, f"{source.input[0]}.T")
            array = numpy_helper.to_array(weight)
            model.graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(array.T), name))
            folded[source.output[0]] = name
        node.input[1] = folded[source.output[0]]
        count += 1
    return count


def prune_dead(model: onnx.ModelProto) -> None:
    """Keep only nodes that lead to a graph output, and initializers some node still reads."""
    needed = {output.name for output in model.graph.output}
    kept: list[onnx.NodeProto] = []
    for node in reversed(model.graph.node):
        if any(out in needed for out in node.output):
            kept.append(node)
            needed.update(name for name in node.input if name)
            for attr in node.attribute:  # subgraphs (If/Loop) read outer names too
                for graph in [attr.g, *attr.graphs] if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) else []:
                    needed.update(name for sub in graph.node for name in sub.input)
    kept.reverse()
    del model.graph.node[:]
    model.graph.node.extend(kept)
    live = [init for init in model.graph.initializer if init.name in needed]
    del model.graph.initializer[:]
    model.graph.initializer.extend(live)


def prepare_fp32(model: onnx.ModelProto) -> int:
    """The rewrites the shipped fp32 file gets, in place (the parity gate checks that file):
    Gemm -> MatMul, no value_info, no dead nodes. Returns the number of Gemms rewritten."""
    gemms = gemm_to_matmul(model)
    del model.graph.value_info[:]
    prune_dead(model)
    return gemms


def for_quantization(fp32_model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """A copy of the prepared fp32 graph with every transposed constant weight folded (the tied head
    included), the input of all the quantizers. Exact: it computes the same logits."""
    model = onnx.ModelProto()
    model.CopyFrom(fp32_model)
    folded = fold_transposed_weights(model)
    prune_dead(model)
    return model, folded
