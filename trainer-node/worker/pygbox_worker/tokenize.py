"""Tokenize texts with a model folder's tokenizer, as training will: `AutoTokenizer.from_pretrained`.

    python -m pygbox_worker.tokenize <model-dir>

stdin: JSON lines `{"text": str, "add_special_tokens": bool}` (the flag defaults to true).
stdout: first `{"event": "ready", "eos_token_id", "bos_token_id", "pad_token_id", "vocab_size",
"tokenizer_class"}`, then one `{"ids": [...]}` per request line in order, then
`{"event": "done", "count": n}`. A bad request line gets `{"error": ..., "line": n}` in its place.

The dataset builder tokenizes in TypeScript; this is the reference it is checked against, so the
ids a model trains on are the ids transformers would give the same rendered text.
"""

import json
import os
import sys

# transformers prints a warning when PyTorch is absent; tokenizing does not need it.
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m pygbox_worker.tokenize <model-dir>\n")
        return 2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(argv[0])
    emit(
        {
            "event": "ready",
            "eos_token_id": tokenizer.eos_token_id,
            "bos_token_id": tokenizer.bos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
            "vocab_size": len(tokenizer),
            "tokenizer_class": type(tokenizer).__name__,
        }
    )
    count = 0
    for number, line in enumerate(sys.stdin, start=1):
        if line.strip() == "":
            continue
        try:
            request = json.loads(line)
            text = request["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            add_special = bool(request.get("add_special_tokens", True))
        except (ValueError, KeyError, TypeError) as error:
            emit({"error": f"bad request: {type(error).__name__}", "line": number})
            continue
        ids = tokenizer(text, add_special_tokens=add_special)["input_ids"]
        emit({"ids": list(ids)})
        count += 1
    emit({"event": "done", "count": count})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
