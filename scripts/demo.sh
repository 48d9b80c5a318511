#!/usr/bin/env bash
# The main job on the bundled samples, end to end: captures -> anonymized export zip -> dataset ->
# a tiny model trained on the CPU -> quantized ONNX export -> one reply in the terminal chat.
# Everything it writes goes under out/; it starts each run afresh so it can be run again.
set -euo pipefail
cd "$(dirname "$0")/.."
pygbox() { node trainer-node/bin/pygbox.js "$@"; }
step() { printf '\n== %s\n' "$1"; }

step "1/6 import the sample captures into an anonymized export zip"
pygbox import samples/captures -o out/chats.jsonl --zip out/pygbox-export.zip --format dumper,sillytavern

step "2/6 write an OPT-layout tokenizer (GPT-2's BPE from an npm package; no download)"
pygbox dataset tokenizer out/opt-tokenizer --variant opt --overwrite

step "3/6 build the dataset from the export zip and the other sample kinds"
pygbox dataset build out/pygbox-export.zip samples/dataset -o out/dataset --tokenizer out/opt-tokenizer --overwrite

step "4/6 train a tiny OPT from random weights (samples/train/tiny-opt.yaml; sets up .venv on first use)"
rm -rf out/tiny-opt-run
pygbox train --config samples/train/tiny-opt.yaml

step "5/6 export it to ONNX for transformers.js (fp32, q8, q4, q4f16) with the parity gate"
pygbox export out/tiny-opt-run/final -o out/tiny-opt-model --dtype fp32,q8,q4,q4f16 --overwrite

step "6/6 one reply from the exported model, with a character from a dumped chat"
pygbox chat out/tiny-opt-model --chat samples/captures/neo-session.jsonl --preset greedy --max-new-tokens 24 \
  --message "Hello! Who are you?"

cat <<'DONE'

Done. What went where:
  out/chats.jsonl, out/pygbox-export.zip   anonymized chats and the export zip
  out/opt-tokenizer/                       the tokenizer
  out/dataset/                             token shards, masks, stats.json, preview.txt
  out/tiny-opt-run/                        checkpoints, final/, train-events.jsonl
  out/tiny-opt-model/, out/tiny-opt-model.zip   the ONNX model folder (model card README.md) and its zip

To chat with the model in your browser: npm run build:extension, load dist/extension/ unpacked,
and import out/tiny-opt-model.zip on the extension's Models page (README: "Chat with your model
in the browser").
DONE
