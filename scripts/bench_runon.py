#!/usr/bin/env python3
"""End-to-end time of `factcheck compare` on a 1 MB run-on line (issue 16, item 3).

The run-on file is the AFP fixture's words (punctuation removed, lower case) repeated on one line
until it is ``--chars`` characters long: real vocabulary, no sentence boundary anywhere. It is
compared with the FT fixture in a fresh process (``--no-cache``, so the models really run); the
script prints the wall time, the run-on document's claim count and longest claim, and the
report's warnings.

usage: python scripts/bench_runon.py [--chars 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"


def runon_text(chars: int) -> str:
    """``chars`` characters of AFP words separated by single spaces, no punctuation, no newline."""
    words = re.findall(r"[A-Za-z]+", AFP.read_text(encoding="utf-8").lower())
    out: list[str] = []
    size = 0
    i = 0
    while size < chars:
        w = words[i % len(words)]
        out.append(w)
        size += len(w) + 1
        i += 1
    return " ".join(out)[:chars].rstrip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, help="write the run-on file here and keep it")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="runon-"))
    folder.mkdir(parents=True, exist_ok=True)
    runon = folder / "runon.txt"
    runon.write_text(runon_text(args.chars) + "\n", encoding="utf-8")
    factcheck = Path(sys.executable).with_name("factcheck")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    cmd = [str(factcheck), "compare", str(runon), str(FT), "-o", "json", "--no-cache", "--exit-zero"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    print(f"run-on line: {runon.stat().st_size:,} bytes; exit {proc.returncode}; wall {wall:.1f} s")
    if proc.returncode != 0:
        print(proc.stderr.strip())
        return
    report = json.loads(proc.stdout)
    claims = [c for c in report["claims"] if c["doc"] == "a"]
    print(f"claims of the run-on document: {len(claims)}; longest {max(len(c['text']) for c in claims):,} characters")
    print(f"findings: {len(report['findings'])}")
    for w in report.get("warnings", []):
        print(f"warning: {w}")
    for line in proc.stderr.splitlines():
        print(f"stderr: {line}")


if __name__ == "__main__":
    main()
