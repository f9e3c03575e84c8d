#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment in .venv and installs tkeras into it.
# torch is pinned to 2.13.0 because that CPU wheel lies on the project machines' disk; an unpinned
# `torch` would pull a multi-GB CUDA build. An already-installed torch is kept as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${TKERAS_VENV:-.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip install -q "torch==2.13.0"
fi
"$VENV/bin/python" -m pip install -q -e ".[test]"
