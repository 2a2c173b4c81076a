#!/usr/bin/env python3
"""Speed of `factcheck compare` on the fixtures: cold process, warm library call, NLI pairs/s, and
how time grows with document length (1x, 4x, 16x the fixtures).

usage: python scripts/bench_speed.py [--sizes 1,4,16] [--write]
--write puts the table into BENCHMARKS.md (section "speed").
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"
FT_DATE = "2025-02-17"


def scaled(path: Path, n: int, out: Path) -> Path:
    """The article repeated n times (paragraph-separated), keeping its header once."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [lines[0]] if lines[0].strip().startswith("date ") else []
    body = "\n".join(lines[len(header) :])
    target = out / f"{path.stem}-x{n}{path.suffix}"
    target.write_text("\n".join(header + [body] * n) + "\n", encoding="utf-8")
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--sizes", default="1,4,16")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    import torch

    from checker.config import Settings
    from checker.pipeline import compare_paths

    factcheck = Path(sys.executable).with_name("factcheck")
    rows = []
    t0 = time.perf_counter()
    subprocess.run([str(factcheck), "--help"], check=True, capture_output=True)
    help_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    proc = subprocess.run([str(factcheck), "compare", str(FT), str(AFP), "--date", f"{FT}={FT_DATE}", "-o", "json", "--no-cache"], capture_output=True)
    cold_s = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())

    dates = [__import__("datetime").date.fromisoformat(FT_DATE), None]
    compare_paths([FT, AFP], dates=dates)  # load models
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.sizes.split(",")]:
            ft, afp = (FT, AFP) if n == 1 else (scaled(FT, n, Path(tmp)), scaled(AFP, n, Path(tmp)))
            t0 = time.perf_counter()
            report = compare_paths([ft, afp], dates=dates, settings=Settings())
            total = time.perf_counter() - t0
            claims = sum(len(d.claims) for d in report.documents)
            pairs = int(report.timings.get("nli_pairs", 0))
            nli_s = report.timings.get("nli", 0.0)
            rows.append((n, claims, pairs, total, nli_s, pairs / nli_s if nli_s else 0.0, len(report.findings)))
            print(rows[-1], flush=True)

    md = [
        f"Command: `python scripts/bench_speed.py --write` — {platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}, {os.cpu_count()} cores.",
        "",
        f"- `factcheck --help`: {help_s:.2f} s (no torch import)",
        f"- cold `factcheck compare` on the fixtures (new process, models loaded from disk, JSON output): {cold_s:.1f} s",
        "",
        "| size | claims | NLI pairs | warm compare_paths (s) | of which NLI (s) | NLI pairs/s | findings |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, claims, pairs, total, nli_s, pps, nf in rows:
        md.append(f"| {n}x fixtures | {claims} | {pairs} | {total:.1f} | {nli_s:.1f} | {pps:.0f} | {nf} |")
    print("\n".join(md))
    if args.write:
        from bench_md import update_section

        update_section("speed", "\n".join(md))


if __name__ == "__main__":
    main()
