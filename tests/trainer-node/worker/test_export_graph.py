"""The exporter's graph work on a tiny OPT (real torch export, real onnxruntime): axis names, the
rewrites that make every weight a MatMul with a constant B, and what each quantizer leaves behind.

The files are the session's one full export (test_export_cli.exported_once: a 2-layer OPT whose
embeddings are narrower than its hidden size, so project_in/out exist as in OPT-350m)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from pygbox_worker.export import graph_rewrites, onnx_export, quantize
from pygbox_worker.export.onnx_files import save_onnx
from pygbox_worker.export.onnx_runner import OnnxRunner
from test_export_cli import exported_once

FLOAT_TYPES = (TensorProto.FLOAT, TensorProto.FLOAT16)
#: Float weights above this many elements would mean a matrix escaped quantization.
SMALL = 4096


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, tiny_dataset: Path) -> dict[str, Path]:
    _, model_dir, _ = exported_once(tmp_path_factory, tiny_dataset)
    onnx_dir = model_dir / "onnx"
    folded, _ = graph_rewrites.for_quantization(onnx.load(onnx_dir / "model.onnx"))
    folded_file = tmp_path_factory.mktemp("folded") / "folded.onnx"
    save_onnx(folded, folded_file)
    return {
        "model": onnx_dir / "model.onnx",
        "folded": folded_file,
        **{name: onnx_dir / f"{name}.onnx" for name in ("model_quantized", "model_q4", "model_q4f16")},
    }


def run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> np.ndarray:
    import onnxruntime as ort

    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, feeds)[0]


def ops(path: Path) -> Counter:
    return Counter(node.op_type for node in onnx.load(path).graph.node)


def test_inputs_and_outputs_carry_the_axis_names_transformers_js_fills_in(files) -> None:
    graph = onnx.load(files["model"], load_external_data=False)
    dims = {v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in [*graph.graph.input, *graph.graph.output]}
    assert dims["input_ids"] == ["batch_size", "sequence_length"]
    assert dims["attention_mask"] == ["batch_size", "total_sequence_length"]
    assert dims["position_ids"] == ["batch_size", "sequence_length"]
    assert dims["past_key_values.0.key"] == ["batch_size", 4, "past_sequence_length", 16]
    assert dims["present.1.value"] == ["batch_size", 4, "total_sequence_length", 16]
    assert dims["logits"] == ["batch_size", "sequence_length", 50272]
    assert [v.name for v in graph.graph.input][3:] == onnx_export.past_names(2)
    assert [v.name for v in graph.graph.output][1:] == onnx_export.present_names(2)


def test_gemm_becomes_matmul_with_a_pre_transposed_weight_and_the_same_result() -> None:
    """The dynamo export writes OPT's fc1/fc2 as Gemm(transB=1) + bias, which the 4-bit quantizer skips."""
    rng = np.random.default_rng(0)
    weight, bias = rng.normal(size=(5, 3)).astype(np.float32), rng.normal(size=5).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 5])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=10)
    x = {"x": rng.normal(size=(2, 3)).astype(np.float32)}
    expected = run(model, x)
    assert graph_rewrites.gemm_to_matmul(model) == 1
    graph_rewrites.prune_dead(model)
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add"]
    assert [list(i.dims) for i in model.graph.initializer] == [[5], [3, 5]]
    assert np.allclose(run(model, x), expected, atol=1e-6)


def test_rewrites_leave_no_gemm_and_give_the_tied_head_its_own_matrix_in_the_quantizer_input(files) -> None:
    fp32 = onnx.load(files["model"])
    assert Counter(n.op_type for n in fp32.graph.node)["Gemm"] == 0
    # The shipped fp32 file keeps one vocabulary-sized table: the tied head reads the embedding.
    assert sum(i.dims[0] == 50272 for i in fp32.graph.initializer if len(i.dims) == 2) == 1
    folded = onnx.load(files["folded"])
    inits = {i.name for i in folded.graph.initializer}
    matmuls = [n for n in folded.graph.node if n.op_type == "MatMul"]
    # Attention's two activation products per layer are the only MatMuls without a constant B.
    assert sum(n.input[1] not in inits for n in matmuls) == 4
    head = next(n for n in matmuls if n.output[0] == folded.graph.output[0].name or "lm_head" in n.input[1])
    assert head.input[1] in inits and "lm_head" in head.input[1]
    assert len(folded.graph.value_info) == 0


def test_the_quantizer_input_computes_what_the_fp32_file_computes(files) -> None:
    ids = np.asarray([[2, 100, 2000, 30000, 7, 8], [1, 1, 2, 100, 5, 6]], dtype=np.int64)
    mask = np.asarray([[1] * 6, [0, 0, 1, 1, 1, 1]], dtype=np.int64)  # left padding, batch 2
    expected, _ = OnnxRunner(files["model"]).forward(ids, mask)
    logits, present = OnnxRunner(files["folded"]).forward(ids, mask)
    assert np.abs(logits - expected)[mask.astype(bool)].max() < 1e-5
    assert present[0].shape == (2, 4, 6, 16)


def test_q4_quantizes_every_constant_matmul_and_keeps_to_web_runtime_ops(files) -> None:
    q4 = onnx.load(files["model_q4"])
    counts = Counter(n.op_type for n in q4.graph.node)
    assert counts["MatMulNBits"] == 2 * 6 + 3  # q,k,v,out,fc1,fc2 per layer + project_in/out + head
    assert counts["GatherBlockQuantized"] == 0
    inits = {i.name for i in q4.graph.initializer}
    assert all(n.input[1] not in inits for n in q4.graph.node if n.op_type == "MatMul")
    for node in q4.graph.node:
        if node.op_type == "MatMulNBits":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            assert attrs["bits"] == 4 and attrs["block_size"] == 32
            assert len(node.input) == 3  # symmetric: no zero points
    big_floats = [
        i.name for i in q4.graph.initializer
        if i.data_type in FLOAT_TYPES and np.prod(i.dims) > SMALL and not i.name.endswith(("_scales", "_row_scale"))
    ]  # fmt: skip
    # Only the positions table (130 x 64) may stay float; the token table is int8 rows now.
    assert len(big_floats) == 1 and big_floats[0].endswith("decoder.embed_positions.weight")
    tables = [i for i in q4.graph.initializer if i.name.endswith("_int8")]
    assert [(t.data_type, list(t.dims)) for t in tables] == [(TensorProto.INT8, [50272, 32])]


def test_q4_is_under_half_of_fp32_even_on_a_tiny_model(files) -> None:
    # Here the 50272 x 32 tables dominate (int8 rows, 4-bit head with a scale per 32); on the
    # OPT-350m shape the matrices dominate and q4 is 0.16-0.18x (bench/export-size.py).
    assert files["model_q4"].stat().st_size < 0.5 * files["model"].stat().st_size


def test_q8_uses_integer_matmuls_for_every_weight(files) -> None:
    counts = ops(files["model_quantized"])
    assert counts["MatMulInteger"] == 15 and counts["Gemm"] == 0
    q8 = onnx.load(files["model_quantized"])
    assert not [i.name for i in q8.graph.initializer if i.data_type in FLOAT_TYPES and np.prod(i.dims) > SMALL * 4]


def test_q4f16_has_a_float16_cache_and_scales_and_float32_logits(files) -> None:
    runner = OnnxRunner(files["model_q4f16"])
    assert runner.cache_dtype == np.float16
    types = {o.name: o.type for o in runner.session.get_outputs()}
    assert types["logits"] == "tensor(float)" and types["present.0.key"] == "tensor(float16)"
    model = onnx.load(files["model_q4f16"])
    scales = [i for i in model.graph.initializer if i.name.endswith("_scales")]
    assert scales and all(i.data_type == TensorProto.FLOAT16 for i in scales)
    ids = np.asarray([[2, 100, 2000, 30000]], dtype=np.int64)
    logits, cache = runner.forward(ids, np.ones_like(ids))
    step, _ = runner.forward(ids[:, :1], np.ones((1, 5), dtype=np.int64), cache)
    assert np.isfinite(logits).all() and np.isfinite(step).all()


def test_int8_rows_reconstruct_the_embedding_table() -> None:
    table = np.random.default_rng(0).normal(size=(300, 256)).astype(np.float32)
    ids = np.asarray([[0, 5, 299]], dtype=np.int64)
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "ids"], ["out"], axis=0)],
        "g",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, 3])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 3, 256])],
        [numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=10)
    assert quantize.embeddings_to_int8_rows(model) == 1
    assert [i.name for i in model.graph.initializer] == ["table_int8", "table_row_scale"]
    import onnxruntime as ort

    out = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"ids": ids})[0]
    row_max = np.abs(table[ids[0]]).max(axis=1, keepdims=True)
    assert (np.abs(out[0] - table[ids[0]]) <= row_max / 254 + 1e-6).all()


def test_prune_drops_nodes_and_weights_nothing_reads() -> None:
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["x", "one"], ["used"]),
            helper.make_node("Mul", ["x", "dead_weight"], ["dead"]),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("used", TensorProto.FLOAT, [2])],
        [numpy_helper.from_array(np.ones(2, np.float32), "one"), numpy_helper.from_array(np.ones(2, np.float32), "dead_weight")],
    )
    model = helper.make_model(graph)
    graph_rewrites.prune_dead(model)
    assert [n.op_type for n in model.graph.node] == ["Add"]
    assert [i.name for i in model.graph.initializer] == ["one"]


def test_weights_past_the_protobuf_limit_go_to_the_onnx_data_file_transformers_js_looks_for(
    files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygbox_worker.export import onnx_files

    monkeypatch.setattr(onnx_files, "SINGLE_FILE_LIMIT", 1)  # pretend the tiny model is 2 GB
    model = onnx.load(files["model"])
    target = tmp_path / "model.onnx"
    written = onnx_files.save_onnx(model, target)
    assert written == [target, tmp_path / "model.onnx_data"]
    first = (tmp_path / "model.onnx_data").stat().st_size
    onnx_files.save_onnx(model, target)  # again: onnx appends to an existing data file unless it is deleted
    assert (tmp_path / "model.onnx_data").stat().st_size == first
    ids = np.asarray([[2, 100, 2000]], dtype=np.int64)
    expected, _ = OnnxRunner(files["model"]).forward(ids, np.ones_like(ids))
    actual, _ = OnnxRunner(target).forward(ids, np.ones_like(ids))
    assert np.array_equal(actual, expected)


def test_external_data_is_declared_in_config_json_for_transformers_js(tmp_path: Path) -> None:
    from pygbox_worker.export.onnx_files import declare_external_data

    (tmp_path / "onnx").mkdir()
    (tmp_path / "config.json").write_text('{"model_type": "opt"}')
    assert declare_external_data(tmp_path) == []
    assert "transformers.js_config" not in (tmp_path / "config.json").read_text()
    for name in ("model.onnx", "model.onnx_data", "model_q4.onnx"):
        (tmp_path / "onnx" / name).write_bytes(b"x")
    assert declare_external_data(tmp_path) == ["model.onnx"]
    import json

    config = json.loads((tmp_path / "config.json").read_text())
    assert config["transformers.js_config"] == {"use_external_data_format": {"model.onnx": 1}}
    assert config["model_type"] == "opt"
