#!/usr/bin/env bash
# Install what the HTML report's browser tests and benchmark need:
#   - Debian's chromium (apt), only if /usr/bin/chromium is missing
#   - the Python `playwright` package in the project venv (pip)
# Playwright drives the system chromium via executable_path="/usr/bin/chromium";
# we never run `playwright install` (no browser downloads).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version

if ! "$VENV/bin/python" -c "import playwright" 2>/dev/null; then
    "$VENV/bin/pip" install -q "playwright>=1.45"
fi
"$VENV/bin/python" -c "import importlib.metadata as m; print('playwright', m.version('playwright'))"
