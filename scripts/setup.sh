#!/usr/bin/env bash
# Set up a working checkout: a virtual environment with the CPU build of torch, the package and
# its test tools, and the browser the HTML-report tests drive. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
PIP=".venv/bin/pip --disable-pip-version-check -q"
# torch first and pinned: a bare `torch` requirement would pull a multi-GB CUDA build.
.venv/bin/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '2.13.0')" 2>/dev/null || $PIP install "torch==2.13.0"
$PIP install -e ".[dev,ray]"  # ray: the corpus engine-equality test (tests/test_corpus_cli.py) runs on a local Ray
bash scripts/install_extras.sh
