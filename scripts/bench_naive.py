#!/usr/bin/env python3
"""The naive baseline: every sentence of one report against every sentence of the other, both
directions (the SummaC way), versus the aligned pipeline — model calls, time, "contradictions".

usage: python scripts/bench_naive.py [--nli-model default] [--write]
A pair counts as a naive "contradiction" when contradiction is the top label in either direction.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--nli-model", default="default")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    import torch

    from checker.config import Settings
    from checker.nli import load_nli
    from checker.pipeline import compare_documents, load_documents
    from checker.quiet import quiet_libraries

    quiet_libraries()
    settings = Settings(nli_model=args.nli_model)
    docs = load_documents([FT, AFP], [date(2025, 2, 17), None], settings)
    a, b = docs
    nli = load_nli(args.nli_model)
    nli.predict([("warm up", "warm up")])
    pairs = [(x.text, y.text) for x in a.claims for y in b.claims]
    t0 = time.perf_counter()
    probs = nli.predict(pairs + [(q, p) for p, q in pairs])
    naive_s = time.perf_counter() - t0
    n = len(pairs)
    naive_contra = sum(1 for i in range(n) if max(probs[i], key=probs[i].get) == "contradiction" or max(probs[n + i], key=probs[n + i].get) == "contradiction")
    t0 = time.perf_counter()
    report = compare_documents(docs, settings)
    pipe_s = time.perf_counter() - t0
    errors = sum(f.severity == "error" for f in report.findings)
    contradictions = sum(f.kind == "contradiction" for f in report.findings)
    md = "\n".join(
        [
            f"Command: `python scripts/bench_naive.py --write` (NLI model {nli.name}, {torch.get_num_threads()} CPU threads; {len(a.claims)} x {len(b.claims)} claims).",
            "",
            "| approach | NLI model calls | time (s) | contradictions raised | error findings |",
            "|---|---|---|---|---|",
            f"| naive all pairs, both directions (argmax contradiction either way) | {2 * n} | {naive_s:.1f} | {naive_contra} | – |",
            f"| factcheck pipeline (aligned pairs + decision policy), warm models | {int(report.timings['nli_pairs'])} | {pipe_s:.1f} (NLI {report.timings['nli']:.1f}) | {contradictions} | {errors} |",
            "",
            'For reference, DEVELOPERS.md reports the naive pass with the trial MPNet teacher: 1,620 calls, 202 s, 175 "contradictions".',
        ]
    )
    print(md)
    if args.write:
        from bench_md import update_section

        update_section("naive", md)


if __name__ == "__main__":
    main()
