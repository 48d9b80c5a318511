#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium at /usr/bin/chromium (never a downloaded browser).
# Installs it with apt when it is missing and this user may; otherwise says what to do.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  echo "setup: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  exit 0
fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's chromium with sudo apt-get"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "setup: /usr/bin/chromium is missing; install Debian's 'chromium' package (the end-to-end tests use it)." >&2
  exit 1
fi
