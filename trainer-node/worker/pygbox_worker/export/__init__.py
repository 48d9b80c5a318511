"""`pygbox export`'s worker: a Hugging Face checkpoint folder -> the ONNX model folder transformers.js loads.

    python -m pygbox_worker.export --checkpoint DIR --out DIR --dtype q8,q4,q4f16,fp32 [--eval-dataset DIR]

Stages (each an `export-stage` event): load the checkpoint and check its tokenizer, export fp32 ONNX
with a KV cache (`onnx_export`), rewrite the graph so every weight matrix is a MatMul with a constant
B (`graph_rewrites`), quantize (`quantize`), run the parity gate (`parity`), write the model card and
`pygbox-model.json` (`model_card`), then rename the finished folder into place (`output_folder`).
"""
