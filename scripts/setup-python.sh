#!/usr/bin/env bash
# Creates .venv/ with the Python worker's pinned requirements, once per requirements change.
# Where pip is configured with a local mirror (extra-index-url), that mirror becomes the only index:
# otherwise pip asks an unreachable default index for every package and waits minutes. On a machine
# with a normal package index nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=trainer-node/worker/requirements.txt
# The tests need pytest on top; it includes requirements.txt, so the stamp covers both files.
dev_requirements=trainer-node/worker/requirements-dev.txt
venv=.venv
stamp="$venv/.requirements.sha256"
python="${PYGBOX_PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "setup: Python 3.10 or newer is needed as '$python' (set PYGBOX_PYTHON to another interpreter)." >&2
  exit 1
fi
wanted="$(cat "$requirements" "$dev_requirements" | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "setup: .venv is up to date with $requirements"
  exit 0
fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"

index_args=()
mirrors="$("$venv/bin/python" -m pip config get global.extra-index-url 2>/dev/null || true)"
if [[ -n "$mirrors" && -z "${PIP_INDEX_URL:-}" ]]; then
  # Only mirrors that exist: a file:// folder that is missing makes pip warn for every package.
  urls=()
  for url in $mirrors; do
    if [[ "$url" != file://* || -d "${url#file://}" ]]; then urls+=("$url"); fi
  done
  if ((${#urls[@]})); then
    index_args+=(--index-url "${urls[0]}")
    for url in "${urls[@]:1}"; do index_args+=(--extra-index-url "$url"); done
  fi
fi
echo "setup: installing $dev_requirements into .venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${index_args[@]}" -r "$dev_requirements" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "$wanted" >"$stamp"
