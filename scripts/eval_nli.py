#!/usr/bin/env python3
"""Held-out NLI accuracy, contradiction recall, CPU speed and peak memory of an NLI model.

usage: python scripts/eval_nli.py [--model default|PATH|HUB_NAME] [--limit N] [--threads 2] [--write]

Sets (never trained on; see scripts/nli_data.py): MNLI-m, MNLI-mm, SNLI-test (TextFooler 1,000-item
subsets, detokenized), SICK TEST rows, ANLI dev R1-R3, and the WANLI and NaN-NLI samples.
Speed: pairs/s through `load_nli(...).predict` on the MNLI-mm pairs, batch 32, <=128 tokens.
--write puts the table into BENCHMARKS.md (section "nli-eval", one row per model).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import nli_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "build" / "nli-eval.json"
COLUMNS = ["mnli_m", "mnli_mm", "snli_test", "sick_test", "anli_r1", "anli_r2", "anli_r3", "wanli_sample", "nan_nli"]


def evaluate(model_name: str, shared: Path, limit: int | None, threads: int) -> dict:
    import torch

    if threads:
        torch.set_num_threads(threads)
    from checker.nli import load_nli
    from checker.quiet import quiet_libraries

    quiet_libraries()
    t0 = time.perf_counter()
    nli = load_nli(model_name)
    load_s = time.perf_counter() - t0
    sets = nli_data.held_out_sets(shared)
    result: dict = {"model": nli.name, "limit": limit, "threads": torch.get_num_threads(), "load_s": round(load_s, 2), "sets": {}}
    for name, pairs in sets.items():
        pairs = pairs[:limit] if limit else pairs
        probs = nli.predict([(p.premise, p.hypothesis) for p in pairs])
        pred = [max(pr, key=pr.get) for pr in probs]
        correct = sum(p.label == y for p, y in zip(pairs, pred))
        contra = [y for p, y in zip(pairs, pred) if p.label == "contradiction"]
        flagged = [p.label for p, y in zip(pairs, pred) if y == "contradiction"]
        result["sets"][name] = {
            "n": len(pairs),
            "accuracy": round(100 * correct / len(pairs), 1),
            "contradiction_recall": round(100 * sum(y == "contradiction" for y in contra) / max(1, len(contra)), 1),
            "contradiction_precision": round(100 * sum(lbl == "contradiction" for lbl in flagged) / max(1, len(flagged)), 1),
        }
        print(f"{name:14s} n={len(pairs):5d} acc={result['sets'][name]['accuracy']:5.1f}", flush=True)
    anli = [result["sets"][f"anli_r{r}"]["accuracy"] for r in (1, 2, 3)]
    result["anli_mean"] = round(sum(anli) / 3, 1)
    # speed: MNLI-mm pairs through the public call, truncated to 128 tokens like the target says
    speed_pairs = [(p.premise, p.hypothesis) for p in sets["mnli_mm"][:512]]
    nli.predict(speed_pairs[:32])  # warm-up
    t0 = time.perf_counter()
    nli.predict(speed_pairs, batch_size=32)
    result["pairs_per_s"] = round(len(speed_pairs) / (time.perf_counter() - t0), 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def markdown(results: dict) -> str:
    head = "| model | " + " | ".join(COLUMNS) + " | ANLI mean | contra recall MNLI-mm | pairs/s (CPU threads) | peak RSS MB |"
    sep = "|" + "---|" * (len(COLUMNS) + 5)
    rows = [head, sep]
    for r in results.values():
        cells = [str(r["sets"][c]["accuracy"]) for c in COLUMNS]
        rows.append(f"| {r['model']}{' (limit ' + str(r['limit']) + ')' if r['limit'] else ''} | " + " | ".join(cells)
                    + f" | {r['anli_mean']} | {r['sets']['mnli_mm']['contradiction_recall']} | {r['pairs_per_s']} ({r['threads']}) | {r['peak_rss_mb']} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--model", default="default")
    ap.add_argument("--label", default=None, help="row name in the table (default: the model name)")
    ap.add_argument("--shared", type=Path, default=nli_data.DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="first N pairs of each set (quick run)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = ap.parse_args()
    r = evaluate(args.model, args.shared, args.limit, args.threads)
    if args.label:
        r["model"] = args.label
    print(json.dumps(r, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    allr = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    allr[r["model"]] = r
    RESULTS.write_text(json.dumps(allr, indent=2))
    print(markdown(allr))
    if args.write:
        from bench_md import update_section

        cmd = "python scripts/eval_nli.py --model MODEL [--label NAME] --write"
        update_section("nli-eval", f"Command: `{cmd}` (results accumulate in build/nli-eval.json)\n\n" + markdown(allr))


if __name__ == "__main__":
    main()
