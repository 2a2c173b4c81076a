#!/usr/bin/env python3
"""Speed of `factcheck check` with a cold and a warm cache (checker/cache.py).

Checks tests/data/check/draft_contradicts.md and draft_consistent.md against the two fixture
articles, in one process (spaCy loaded beforehand, so only what the cache affects is timed):

1. cold cache: empty cache, models not loaded — what a CI job without a cache pays;
2. warm cache: the same check again — an unchanged draft re-checked (expected: no model loaded,
   no model call);
3. cold cache, models already in memory — model inference alone.

Then the same cold/warm pair as two fresh `factcheck check` processes (what CI actually sees:
process start, imports and spaCy are paid every time).

usage: python scripts/bench_cache.py [--write] [--no-cli]
--write puts the result into BENCHMARKS.md (section "cache").
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"
DRAFTS = [ROOT / "tests" / "data" / "check" / "draft_contradicts.md", ROOT / "tests" / "data" / "check" / "draft_consistent.md"]
DATES = [None, None, date(2025, 2, 17), None]  # the drafts carry their date; FT has none in its text


class Counter:
    """Counts model loads, calls and inputs by wrapping checker.nli.load_nli / checker.embed.load_embedder."""

    def __init__(self) -> None:
        from checker import embed, nli

        self.loads = self.calls = self.items = 0
        self.real = {"nli": nli.load_nli, "embed": embed.load_embedder}
        counter = self

        class Wrapped:
            def __init__(self, inner):
                self.inner, self.name = inner, inner.name

            def predict(self, pairs, **kw):
                counter.calls += 1
                counter.items += len(pairs)
                return self.inner.predict(pairs, **kw)

            def encode(self, texts, **kw):
                counter.calls += 1
                counter.items += len(texts)
                return self.inner.encode(texts, **kw)

        seen: set[int] = set()

        def wrap(kind):
            def load(*args, **kwargs):
                model = self.real[kind](*args, **kwargs)  # lru-cached: a real load only the first time
                if id(model) not in seen:
                    seen.add(id(model))
                    counter.loads += 1
                return Wrapped(model)

            return load

        nli.load_nli, embed.load_embedder = wrap("nli"), wrap("embed")

    def snapshot(self) -> tuple[int, int, int]:
        return self.loads, self.calls, self.items


def timed_check(cache_dir: Path, counter: Counter) -> tuple[float, tuple[int, int, int], int]:
    from checker.check import check_drafts
    from checker.config import Settings

    before = counter.snapshot()
    t0 = time.perf_counter()
    report = check_drafts(DRAFTS, [FT, AFP], dates=DATES, settings=Settings(cache_dir=str(cache_dir)))
    elapsed = time.perf_counter() - t0
    after = counter.snapshot()
    return elapsed, tuple(a - b for a, b in zip(after, before)), len(report.findings)  # type: ignore[return-value]


def cli_run(cache_dir: Path) -> float:
    factcheck = Path(sys.executable).with_name("factcheck")
    cmd = [str(factcheck), "check", *map(str, DRAFTS), "--against", str(FT), str(AFP), "--date", f"{FT}=2025-02-17", "-o", "json", "--cache-dir", str(cache_dir), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--no-cli", action="store_true", help="skip the two command-line process runs")
    args = ap.parse_args()

    from checker import embed, nli
    from checker.analysis.nlp import parse

    parse(["Warm up the spaCy pipeline."])  # not cached by design; keep it out of the timings
    nli.load_nli.cache_clear()
    embed.load_embedder.cache_clear()
    counter = Counter()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cold = timed_check(cache, counter)
        warm = timed_check(cache, counter)
        loaded = timed_check(Path(tmp) / "cache2", counter)
        rows += [("cold cache (models load on first use)", *cold), ("warm cache (unchanged drafts and sources)", *warm), ("cold cache, models already in memory", *loaded)]
        cli = None if args.no_cli else (cli_run(Path(tmp) / "cli"), cli_run(Path(tmp) / "cli"))

    import torch

    speedup = cold[0] / warm[0] if warm[0] else float("inf")
    md = [
        f"Command: `python scripts/bench_cache.py --write` — {platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}, {os.cpu_count()} cores.",
        "`factcheck check` of the two drafts in `tests/data/check/` against the two fixtures, in one process (spaCy loaded beforehand).",
        "",
        "| run | time (s) | models loaded | model calls | inputs computed (pairs + sentences) | findings |",
        "|---|---|---|---|---|---|",
    ]
    for name, elapsed, (loads, calls, items), findings in rows:
        md.append(f"| {name} | {elapsed:.2f} | {loads} | {calls} | {items} | {findings} |")
    md += ["", f"Warm vs cold cache: **{speedup:.1f}x** faster in-process ({cold[0]:.1f} s -> {warm[0]:.2f} s, {warm[1][1]} model calls on the re-check)."]
    if cli is not None:
        md.append(
            f"As two fresh `factcheck check` processes: cold cache {cli[0]:.1f} s, warm cache {cli[1]:.1f} s ({cli[0] / cli[1]:.1f}x; process start, imports and spaCy are paid every time)."
        )
    text = "\n".join(md)
    print(text)
    if args.write:
        from bench_md import update_section

        update_section("cache", text)


if __name__ == "__main__":
    main()
