#!/usr/bin/env python3
"""Held-out NLI accuracy, contradiction recall, CPU speed and peak memory of an NLI model.

usage: python scripts/eval_nli.py [--model default|PATH|CHECKPOINT_DIR|HUB_NAME] [--limit N] [--sets mnli_m,mnli_mm]
                                 [--threads 2] [--dtype auto|float32|bfloat16] [--write]

A training checkpoint can be measured while the run goes on: pass a checkpoint-N folder, or the
run's --checkpoint-dir (its newest checkpoint is used), e.g.
`nice -n 19 python scripts/eval_nli.py --model /work/ckpt/nli-mpnet --limit 300 --sets mnli_m,mnli_mm`.

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


def checkpoint_model(name: str) -> str:
    """A run's checkpoint folder stands for its newest checkpoint-N; anything else is returned as is."""
    path = Path(name).expanduser()
    if path.is_dir() and not (path / "config.json").is_file():
        done = [d for d in path.glob("checkpoint-*") if (d / "config.json").is_file() and d.name.split("-")[-1].isdigit()]
        if done:
            return str(max(done, key=lambda d: int(d.name.split("-")[-1])))
    return name


def evaluate(model_name: str, shared: Path, limit: int | None, threads: int, sets_wanted: list[str] | None = None, dtype: str | None = None, speed: bool = True) -> dict:
    import torch

    if threads:
        torch.set_num_threads(threads)
    from checker.nli import load_nli
    from checker.quiet import quiet_libraries

    quiet_libraries()
    t0 = time.perf_counter()
    nli = load_nli(checkpoint_model(model_name), dtype=dtype)
    load_s = time.perf_counter() - t0
    sets = nli_data.held_out_sets(shared)
    result: dict = {"model": nli.name, "limit": limit, "threads": torch.get_num_threads(), "load_s": round(load_s, 2), "precision": getattr(nli, "precision", None), "sets": {}}
    for name, pairs in sets.items():
        if sets_wanted and name not in sets_wanted:
            continue
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
    anli = [result["sets"][f"anli_r{r}"]["accuracy"] for r in (1, 2, 3) if f"anli_r{r}" in result["sets"]]
    result["anli_mean"] = round(sum(anli) / len(anli), 1) if anli else None
    result["pairs_per_s"] = None
    if not speed:
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return result
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
        cells = [str(r["sets"][c]["accuracy"]) if c in r["sets"] else "-" for c in COLUMNS]
        recall = r["sets"]["mnli_mm"]["contradiction_recall"] if "mnli_mm" in r["sets"] else "-"
        rows.append(
            f"| {r['model']}{' (limit ' + str(r['limit']) + ')' if r['limit'] else ''} | "
            + " | ".join(cells)
            + f" | {r['anli_mean'] if r['anli_mean'] is not None else '-'} | {recall} | {r['pairs_per_s']} ({r['threads']}) | {r['peak_rss_mb']} |"
        )
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--model", default="default")
    ap.add_argument("--label", default=None, help="row name in the table (default: the model name)")
    ap.add_argument("--shared", type=Path, default=nli_data.DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="first N pairs of each set (quick run)")
    ap.add_argument("--sets", default=None, help="comma-separated subset of: " + ",".join(COLUMNS))
    ap.add_argument("--dtype", default=None, choices=("auto", "float32", "bfloat16"), help="NLI number format (default: auto, as the nli_dtype setting)")
    ap.add_argument("--no-speed", action="store_true", help="skip the pairs/s measurement (e.g. while a training run shares the CPU)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = ap.parse_args()
    wanted = [x.strip() for x in args.sets.split(",")] if args.sets else None
    unknown = sorted(set(wanted or []) - set(COLUMNS))
    if unknown:
        sys.exit(f"eval_nli: error: unknown sets {unknown}; choose from {COLUMNS}")
    r = evaluate(args.model, args.shared, args.limit, args.threads, wanted, args.dtype, speed=not args.no_speed)
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
