#!/usr/bin/env python3
"""Document-level accuracy of the checker on public benchmarks, next to published systems (issue 8).

usage: python scripts/bench_accuracy.py [--datasets NAME,...] [--limit N] [--model default|PATH] [--write]

Each item (a summary, headline or claim against its document) is scored with
:func:`checker.score.score_claims` — the library entry point, i.e. the same segmentation,
alignment, NLI and symbolic checks as ``factcheck check``. Then, per data set:

* ROC AUC of the score on the **test** split (threshold-free);
* balanced accuracy on the test split at the threshold that maximizes balanced accuracy on the
  **dev** split (never tuned on test);
* FNC-1: a 4-way stance decision (unrelated / disagree / agree / discuss) from three thresholds
  tuned on dev (similarity, contradiction, score), reported on test as per-class F1 and the FNC
  score (relative to the maximum).

``--limit N`` keeps at most N items per split (a fixed-seed sample, so reruns score the same
items). Scores are cached per model, data set and scoring rule in ``build/accuracy/`` (one JSON
line per item, written as it goes, so an interrupted run resumes), so a rerun with an unchanged
model is instant; embeddings and NLI outputs are cached as well (``build/accuracy/models``), so
a change to the scoring rule reruns only the rule-based steps. ``--write`` puts the
table into BENCHMARKS.md (section "accuracy") with the command that produced it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import accuracy_data  # noqa: E402
from accuracy_data import Item  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "accuracy"
CHUNK = 32  # items scored per batch (and per cache write)

# Published figures from ../shared/benchmarks/HEADLINE_NUMBERS.md and the sets' SOURCE.md files.
PUBLISHED = {
    "summedits_news": "QAFactEval 74.4; GPT-4 83.3; SummaC-Conv 61.9 (bal. acc.)",
    "summedits_overall": "QAFactEval 65.5; GPT-4 82.1; SummaC-Conv 57.1 (bal. acc., 10 domains)",
    "true_mean": "AlignScore-large 83.8; SummaC-Conv 78.7; plain MNLI 60.4 (ROC AUC, mean of all 11 TRUE sets)",
    "xsumfaith": "SummaC-Conv 66.4; SummaC-ZS 58.4 (bal. acc., test cut)",
    "polytope": "SummaC-Conv 62.7; QuestEval 70.3 (bal. acc., test cut)",
    "wice": "Bespoke-MiniCheck-7B 83.0 (bal. acc., LLM-AggreFact)",
    "true_frank": "SummaC-Conv 81.6 (bal. acc., FRANK *test* split, not this one)",
    "true_summeval": "SummaC-Conv 81.7 (bal. acc., SummaC's cut)",
}
TARGETS = {"summedits_news": ("balanced accuracy", 75.0), "summedits_overall": ("balanced accuracy", 66.0), "true_mean": ("ROC AUC", 82.0), "fnc1_disagree_f1": ("F1", 0.5)}


# -- scoring with a cache ---------------------------------------------------------------------------


def scoring_key(settings) -> str:
    from checker.cache import model_identity
    from checker.score import Weights

    ident = (model_identity("nli", settings.nli_model, settings.nli_dtype)[1], model_identity("embedding", settings.embedding_model)[1], Weights().key())
    return hashlib.sha256(repr(ident).encode()).hexdigest()[:16]


def features(verdict) -> dict:
    s = verdict.sentences
    return {
        "score": verdict.score,
        "similarity": max(x.similarity for x in s),
        "contradiction": max(x.max_contradiction for x in s),
        "pair_contradiction": max(x.pair_contradiction for x in s),
        "entailment": min(x.entailment for x in s),
        "flags": sorted({f.split(":")[0] for x in s for f in x.flags}),
        "pairs": verdict.nli_pairs,
        "warnings": len(verdict.warnings),
    }


def score_items(name: str, items: list[Item], settings, cache_dir: Path, force: bool, lock: Path | None = None) -> dict[str, dict]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from checker.errors import FactcheckError
    from checker.score import score_claims

    path = cache_dir / f"{accuracy_data.SCORES_OF.get(name, name)}.jsonl"
    done: dict[str, dict] = {}
    if path.exists() and not force:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["id"]] = row
    todo = [it for it in items if it.id not in done]
    if not todo:
        return done
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = (TextColumn(f"{name:24s}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar, open(path, "a", encoding="utf-8") as out:
        task = bar.add_task(name, total=len(items), completed=len(items) - len(todo))
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            with _cpu(lock):
                t0 = time.perf_counter()
                try:
                    verdicts = score_claims([(it.claim, it.document) for it in chunk], settings=settings)
                except FactcheckError:
                    verdicts = []
                    for it in chunk:  # one bad item (e.g. an empty summary) must not sink the batch
                        try:
                            verdicts.append(score_claims([(it.claim, it.document)], settings=settings)[0])
                        except FactcheckError:
                            verdicts.append(None)
                per = (time.perf_counter() - t0) / len(chunk)
            for it, v in zip(chunk, verdicts):
                row = {"id": it.id, "skipped": True} if v is None else {"id": it.id, **features(v), "seconds": round(per, 3)}
                done[it.id] = row
                out.write(json.dumps(row) + "\n")
            out.flush()
            bar.advance(task, len(chunk))
    return done


@contextlib.contextmanager
def _cpu(lock: Path | None):
    """Hold an exclusive lock file while scoring one batch, so that timed benchmarks sharing the
    machine (scripts/bench_frontier.py takes the same lock) are not slowed by this run."""
    if lock is None:
        yield
        return
    import fcntl

    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- metrics ----------------------------------------------------------------------------------------


def binary_metrics(items: list[Item], rows: dict[str, dict]) -> dict:
    from sklearn.metrics import roc_auc_score

    from checker.calibrate import balanced_accuracy, fit_support_threshold

    out: dict = {}
    data = {}
    for split in ("dev", "test"):
        kept = [(rows[it.id]["score"], it.label) for it in items if it.split == split and not rows[it.id].get("skipped")]
        data[split] = ([s for s, _ in kept], [bool(y) for _, y in kept])
    dev_s, dev_y = data["dev"]
    test_s, test_y = data["test"]
    t = fit_support_threshold(dev_s, dev_y)  # the same fit as `factcheck calibrate`, on dev only
    out["threshold"] = round(t, 4)
    out["n_test"] = len(test_s)
    out["n_dev"] = len(dev_s)
    out["pos_test"] = sum(test_y)
    out["bacc"] = round(100 * balanced_accuracy(test_s, test_y, t), 1) if test_s else None
    out["auc"] = round(100 * roc_auc_score(test_y, test_s), 1) if len(set(test_y)) == 2 else None
    out["dev_auc"] = round(100 * roc_auc_score(dev_y, dev_s), 1) if len(set(dev_y)) == 2 else None
    out["_scores"] = data  # for the pooled threshold; dropped before the results are written
    return out


# PolyTope's strict label counts omissions, which are not consistency errors: left out of the pool.
POOL_EXCLUDE = {"polytope"}


def pooled_threshold(results: dict) -> float | None:
    """One threshold for every set, fitted on all their dev splits together (what a single shipped
    ``support_threshold`` is), then each set's test balanced accuracy at it."""
    from checker.calibrate import balanced_accuracy, fit_support_threshold

    binary = {n: m for n, m in results.items() if "_scores" in m}
    scores = [s for n, m in binary.items() if n not in POOL_EXCLUDE for s in m["_scores"]["dev"][0]]
    labels = [y for n, m in binary.items() if n not in POOL_EXCLUDE for y in m["_scores"]["dev"][1]]
    if not scores:
        return None
    t = fit_support_threshold(scores, labels)
    for m in binary.values():
        test_s, test_y = m.pop("_scores")["test"]
        m["bacc_pooled"] = round(100 * balanced_accuracy(test_s, test_y, t), 1) if test_s else None
    return round(t, 4)


STANCES = ("agree", "disagree", "discuss", "unrelated")


def fnc_predict(row: dict, t: tuple[float, float, float]) -> str:
    rel, dis, agr = t
    if row["similarity"] < rel:
        return "unrelated"
    if row["contradiction"] >= dis:
        return "disagree"
    if row["score"] >= agr:
        return "agree"
    return "discuss"


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """The official FNC-1 score relative to its maximum (0.25 for related/unrelated, +0.75 for the stance)."""
    score = best = 0.0
    for g, p in zip(gold, pred):
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
        if g != "unrelated" and g == p:
            score += 0.75
    return score / best if best else 0.0


def f1(gold: list[str], pred: list[str], cls: str) -> float:
    tp = sum(g == p == cls for g, p in zip(gold, pred))
    fp = sum(p == cls != g for g, p in zip(gold, pred))
    fn = sum(g == cls != p for g, p in zip(gold, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fnc_metrics(items: list[Item], rows: dict[str, dict]) -> dict:
    import numpy as np

    def split(name):
        kept = [(rows[it.id], it.extra["stance"]) for it in items if it.split == name and not rows[it.id].get("skipped")]
        return [r for r, _ in kept], [g for _, g in kept]

    dev_r, dev_g = split("dev")
    grid = np.round(np.arange(0.05, 1.0, 0.05), 2)
    # 1) related vs unrelated on similarity; 2) disagree / agree / discuss among related, macro F1
    if all(g != "unrelated" for g in dev_g):
        rel = -1.0  # fnc1_related: every pair is related
    else:
        rel = max(grid, key=lambda t: sum((r["similarity"] >= t) == (g != "unrelated") for r, g in zip(dev_r, dev_g)))
    related = [(r, g) for r, g in zip(dev_r, dev_g) if g != "unrelated"]
    best, best_t = -1.0, (rel, 0.5, 0.0)
    for dis in grid:
        for agr in np.round(np.arange(-0.9, 1.0, 0.1), 2):
            pred = [fnc_predict(r, (0.0, dis, agr)) for r, _ in related]
            m = sum(f1([g for _, g in related], pred, c) for c in ("agree", "disagree", "discuss")) / 3
            if m > best:
                best, best_t = m, (float(rel), float(dis), float(agr))
    test_r, test_g = split("test")
    pred = [fnc_predict(r, best_t) for r in test_r]
    return {"thresholds": best_t, "n_test": len(test_r), "fnc_score": round(100 * fnc_score(test_g, pred), 1), **{f"f1_{c}": round(f1(test_g, pred, c), 3) for c in STANCES}}


# -- report -----------------------------------------------------------------------------------------


def markdown(results: dict, command: str, meta: dict, heading: bool = True) -> str:
    lines = [
        *(["## Accuracy on document-level benchmarks (issue 8)", ""] if heading else []),
        f"Command: `{command}`",
        "",
        f"Run {meta['date']}; NLI model `{meta['nli']}`, embedding model `{meta['embedding']}`, scoring rule {meta['rule']}; "
        f"{meta['limit_note']}. Threshold for balanced accuracy chosen on each set's dev split, reported on its test split.",
        "",
        "| data set | test n (consistent) | ROC AUC test | bal. acc. test (own dev threshold) | dev threshold | bal. acc. test (pooled dev threshold) | published (same metric unless noted) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in results.items():
        if name.startswith("fnc1") or "auc" not in m:
            continue
        lines.append(f"| {name} | {m['n_test']} ({m['pos_test']}) | {m['auc']} | {m['bacc']} | {m['threshold']:+.3f} | {m.get('bacc_pooled', '–')} | {PUBLISHED.get(name, '–')} |")
    summary = summarize(results)
    if meta.get("pooled_threshold") is not None:
        lines += [
            "",
            f"Pooled dev threshold: {meta['pooled_threshold']:+.4f}, fitted on the dev splits of every set above except `polytope` "
            "(its strict label counts omissions) together: one threshold for everything, as a shipped `support_threshold` is "
            "(the default is 0.0).",
        ]
    lines += ["", "| summary | ours (own dev threshold) | ours (pooled dev threshold) | target | published |", "|---|---|---|---|---|"]
    for key, label in (
        ("summedits_news", "SummEdits news, bal. acc."),
        ("summedits_overall", "SummEdits overall (mean of the 8 domains here), bal. acc."),
        ("true_mean", "TRUE parts (FRANK, QAGS-C, QAGS-X, SummEval), mean ROC AUC"),
    ):
        target = TARGETS[key][1]

        def cell(value):
            gap = f" (short by {target - value:.1f})" if value is not None and value < target else ""
            return f"{value if value is not None else '–'}{gap}"

        pooled_cell = cell(summary.get(key + "_pooled")) if key != "true_mean" else "– (AUC needs no threshold)"
        lines.append(f"| {label} | {cell(summary.get(key))} | {pooled_cell} | >= {target} | {PUBLISHED[key]} |")
    if "fnc1_related" in results:
        m = results["fnc1_related"]
        gap = f" (short by {0.5 - m['f1_disagree']:.3f})" if m["f1_disagree"] < 0.5 else ""
        lines.append(f"| FNC-1 disagree F1, related pairs (test n {m['n_test']}) | {m['f1_disagree']}{gap} | – | >= 0.5 | not in HEADLINE_NUMBERS.md |")
    for name in ("fnc1_related", "fnc1"):
        if name in results:
            m = results[name]
            lines += [
                "",
                f"{name} test (n {m['n_test']}): FNC score {m['fnc_score']}% of maximum; F1 agree {m['f1_agree']}, disagree {m['f1_disagree']}, "
                f"discuss {m['f1_discuss']}, unrelated {m['f1_unrelated']}; dev thresholds (similarity, contradiction, score) = {tuple(round(x, 2) for x in m['thresholds'])}.",
            ]
    lines += ["", f"Scoring cost: {meta['pairs_per_item']:.1f} NLI pairs and {meta['seconds_per_item']:.2f} s per item on average (2 cores, batches of {CHUNK})."]
    return "\n".join(lines)


def summarize(results: dict) -> dict:
    out = {}
    for suffix, field in (("", "bacc"), ("_pooled", "bacc_pooled")):
        if "summedits_news" in results and results["summedits_news"].get(field) is not None:
            out["summedits_news" + suffix] = results["summedits_news"][field]
        domains = [results[f"summedits_{d}"].get(field) for d in accuracy_data.SUMMEDITS_DOMAINS if f"summedits_{d}" in results]
        if domains and None not in domains:
            out["summedits_overall" + suffix] = round(sum(domains) / len(domains), 1)
    parts = [results[f"true_{p}"]["auc"] for p in accuracy_data.TRUE_PARTS if f"true_{p}" in results]
    if parts:
        out["true_mean"] = round(sum(parts) / len(parts), 1)
    return out


def _limit_note(limit: int | None, limits: dict[str, int | None]) -> str:
    parts = [f"at most {limit} items per split (a fixed-seed sample; a smaller limit's sample is part of a larger one's)" if limit else "every item"]
    parts += [f"{name}: {'every item' if n is None else f'at most {n} per split'}" for name, n in sorted(limits.items())]
    return "; ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--datasets", default=",".join(accuracy_data.DATASETS), help="comma-separated (default: all)")
    ap.add_argument("--limit", type=int, default=None, help="at most N items per split (fixed-seed sample)")
    ap.add_argument("--limit-for", default="", help="per-set limits overriding --limit, e.g. summedits_news=all,fnc1_related=300")
    ap.add_argument("--cpu-lock", type=Path, default=None, help="lock file held while scoring each batch (shared with other timed benchmarks)")
    ap.add_argument("--model", default="default", help="NLI model: registry name, local path or hub name")
    ap.add_argument("--shared", type=Path, default=accuracy_data.DEFAULT_SHARED)
    ap.add_argument("--force", action="store_true", help="rescore even if cached")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache-dir", type=Path, default=CACHE, help="where item scores are cached (default build/accuracy)")
    ap.add_argument("--results", type=Path, default=ROOT / "build" / "accuracy-results.json", help="where the metrics go as JSON")
    ap.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    ap.add_argument("--section", default="accuracy", help="BENCHMARKS.md section to write (another model's run goes beside the default's)")
    args = ap.parse_args()

    import datetime

    import torch

    from checker.config import Settings
    from checker.score import SCORE_VERSION

    torch.set_num_threads(args.threads)
    # Model outputs are cached too (checker.cache, keyed by model weights and input text): after a
    # change to the scoring rule only the cheap rule-based steps run again.
    settings = Settings(nli_model=args.model, cache_dir=str(args.cache_dir / "models"))
    cache_dir = args.cache_dir / scoring_key(settings)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    limits: dict[str, int | None] = {}
    for part in (p.strip() for p in args.limit_for.split(",") if p.strip()):
        name, _, value = part.partition("=")
        if not value or not (value == "all" or value.isdigit()):
            ap.error(f"--limit-for takes NAME=N or NAME=all, got {part!r}")
        limits[name.strip()] = None if value == "all" else int(value)
    unknown = sorted((set(names) | set(limits)) - set(accuracy_data.DATASETS))
    if unknown:
        ap.error(f"unknown data set(s) {', '.join(unknown)}; known: {', '.join(accuracy_data.DATASETS)}")
    results: dict = {}
    all_rows = []
    for name in names:
        items = accuracy_data.sample(accuracy_data.load(name, args.shared), limits.get(name, args.limit))
        rows = score_items(name, items, settings, cache_dir, args.force, args.cpu_lock)
        all_rows += [rows[it.id] for it in items if not rows[it.id].get("skipped")]
        results[name] = fnc_metrics(items, rows) if name.startswith("fnc1") else binary_metrics(items, rows)
        print(name, json.dumps({k: v for k, v in results[name].items() if k != "_scores"}), flush=True)
    pooled = pooled_threshold(results)
    for name in names:
        results[name].pop("_scores", None)
    summary = summarize(results)
    summary["pooled_threshold"] = pooled
    print("summary", json.dumps(summary))
    out = args.results
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"limit": args.limit, "model": args.model, "results": results, "summary": summary}, indent=1))
    if args.write:
        from bench_md import update_section

        from checker.cache import model_identity

        cmd = (
            "python scripts/bench_accuracy.py"
            + (f" --limit {args.limit}" if args.limit else "")
            + (f" --limit-for {args.limit_for}" if limits else "")
            + (f" --model {args.model}" if args.model != "default" else "")
            + (f" --datasets {args.datasets}" if args.datasets != ",".join(accuracy_data.DATASETS) else "")
            + " --write"
        )
        meta = {
            "date": datetime.date.today().isoformat(),
            "nli": model_identity("nli", args.model)[0],
            "embedding": model_identity("embedding", "default")[0],
            "rule": f"v{SCORE_VERSION}",
            "limit_note": _limit_note(args.limit, limits),
            "pooled_threshold": pooled,
            "pairs_per_item": sum(r["pairs"] for r in all_rows) / max(1, len(all_rows)),
            "seconds_per_item": sum(r.get("seconds", 0) for r in all_rows) / max(1, len(all_rows)),
        }
        if args.section != "accuracy":
            cmd = cmd.replace(" --write", f" --section {args.section} --write")
        update_section(args.section, markdown(results, cmd, meta, heading=args.section == "accuracy"))


if __name__ == "__main__":
    main()
