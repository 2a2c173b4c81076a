#!/usr/bin/env python3
"""Sweep the dispute stage's thresholds on the dev expectations, with one NLI pass.

usage: python scripts/sweep_disputes.py [--expected DIR] [--budget B] [--cache-dir DIR] [--json PATH] [--write]

Runs every ``fixtures/expected/*.json`` pair once through the pipeline with a wide candidate budget
(``--budget``, times the aligned pairs' NLI calls), recording each candidate the dispute stage judged
with its NLI probabilities both ways, in pool order. Then, without more model calls, it re-applies
:func:`checker.dispute.judge_dispute` under each setting of the grid below (and the narrower budgets
the recorded pool order allows) and reports, per setting:

* dispute recall: must_report items of kind contradiction / disputed / attributed_disagreement that a
  finding matches (the other stages' findings from the run, plus the re-judged dispute findings);
* violations: must_not_report items a re-judged dispute finding matches (and how many of them at error);
* unexpected: re-judged dispute findings matching neither list, by severity (what an editor would read
  for nothing);
* NLI calls of the dispute stage.

--write puts the rows at the configured budget, and per budget the best recall reached, into
BENCHMARKS.md (section "dispute-sweep").

The expectations are the dev split (fixtures/README.md); the pac_news_pairs test split is never read.
Matching is :func:`bench_findings.matches`, so an item counts here exactly as it does there.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_findings import ROOT, SEV_RANK, load_spec, matches  # noqa: E402

DISPUTE_KINDS = {"contradiction", "disputed", "attributed_disagreement"}
GRID = {
    "dispute_contradiction": [0.65, 0.75, 0.85],
    "dispute_reverse_contradiction": [0.0, 0.1, 0.2, 0.3, 0.5],
    "dispute_max_entailment": [0.1, 0.2, 0.3],
}


@dataclass
class Recorded:
    """One judged candidate: the pair, its NLI scores both ways, and whether its calls were free (already aligned)."""

    cand: Any
    ab: dict[str, float]
    ba: dict[str, float]
    free: bool


def record(spec: Path, settings: Any) -> dict[str, Any]:
    """Run one pair and keep what the dispute stage judged (in pool order) and the other stages' findings."""
    import checker.dispute as dispute
    from checker.pipeline import compare_paths

    seen: list[tuple[Any, dict, dict, dict]] = []
    free: dict[tuple[str, str], bool] = {}  # pool pair -> its NLI scores were already known (no calls)
    real_judge, real_select = dispute.judge_dispute, dispute.within_budget

    def spy_judge(cand, ab, ba, contents, s):
        seen.append((cand, ab, ba, contents))
        return real_judge(cand, ab, ba, contents, s)

    def spy_select(pool, is_free, budget):
        free.update({(c.x.id, c.y.id): is_free(c) for c in pool})
        return real_select(pool, is_free, budget)

    dispute.judge_dispute, dispute.within_budget = spy_judge, spy_select
    try:
        _, paths, dates, items = load_spec(spec)
        report = compare_paths(paths, dates=dates, settings=settings)
    finally:
        dispute.judge_dispute, dispute.within_budget = real_judge, real_select
    n_aligned = int(report.timings.get("nli_pairs", 0)) // 2
    contents = seen[0][3] if seen else {}
    claims = {c.id: c for d in report.documents for c in d.claims}
    judged = [Recorded(c, ab, ba, free[(c.x.id, c.y.id)]) for c, ab, ba, _ in seen]
    others = [f for f in report.findings if f.check != "dispute"]
    return {
        "name": spec.stem,
        "items": items,
        "claims": claims,
        "contents": contents,
        "judged": judged,
        "others": others,
        "n_aligned": n_aligned,
        "model": report.models.get("nli", "?"),
    }


def settings_grid(base: Any) -> Iterator[tuple[dict[str, float], Any]]:
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        over = dict(zip(keys, values))
        if over["dispute_reverse_contradiction"] > over["dispute_contradiction"]:
            continue
        yield over, base.with_overrides(**over)


def evaluate(runs: list[dict[str, Any]], settings: Any, budget: float) -> dict[str, Any]:
    """Re-judge the recorded candidates under ``settings`` within ``budget``; count what the editor would see."""
    from checker.dispute import call_budget, judge_dispute, within_budget
    from checker.judge import finalize

    found = total = violations = error_violations = calls = 0
    unexpected = {"error": 0, "warning": 0, "info": 0}
    matched_new = 0
    budgeted = settings.with_overrides(dispute_nli_budget=budget)
    for run in runs:
        text = {cid: c.text for cid, c in run["claims"].items()}
        todo, spent = within_budget(run["judged"], lambda rec: rec.free, call_budget(budgeted, run["n_aligned"]))
        drafts = [d for rec in todo if (d := judge_dispute(rec.cand, rec.ab, rec.ba, run["contents"], settings)) is not None]
        new = finalize(drafts, {cid: n for n, cid in enumerate(run["claims"])})
        calls += spent
        for it in run["items"]:
            if it.section == "must_report" and it.kind in DISPUTE_KINDS:
                total += 1
                found += any(matches(it, f, text) for f in [*run["others"], *new])
        for f in new:
            bad = [it for it in run["items"] if it.section == "must_not_report" and matches(it, f, text)]
            good = [it for it in run["items"] if it.section == "must_report" and matches(it, f, text)]
            violations += bool(bad)
            error_violations += bool(bad) and SEV_RANK[f.severity] == 2
            matched_new += bool(good)
            if not bad and not good:
                unexpected[f.severity] += 1
    return {
        "found": found,
        "total": total,
        "violations": violations,
        "error_violations": error_violations,
        "unexpected": unexpected,
        "new_matched": matched_new,
        "calls": calls,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--expected", default=str(ROOT / "fixtures" / "expected"), help="folder of expectation files (dev split)")
    ap.add_argument("--budget", type=float, default=3.0, help="candidate budget to record with (times the aligned NLI calls)")
    ap.add_argument("--cache-dir", default=None, help="NLI / embedding cache (checker/cache.py)")
    ap.add_argument("--json", type=Path, default=None, help="write every row here")
    ap.add_argument("--write", action="store_true", help='write the table into BENCHMARKS.md (section "dispute-sweep")')
    args = ap.parse_args(argv)

    from checker.config import load_settings
    from checker.quiet import quiet_libraries

    quiet_libraries()
    base = load_settings(ROOT)
    wide = base.with_overrides(dispute_nli_budget=args.budget, dispute_contradiction=0.0, dispute_reverse_contradiction=0.0, dispute_max_entailment=1.0)
    if args.cache_dir:
        wide = wide.with_overrides(cache_dir=args.cache_dir)
    runs = []
    for spec in sorted(Path(args.expected).glob("*.json")):
        print(f"[sweep_disputes] {spec.name} ...", file=sys.stderr, flush=True)
        runs.append(record(spec, wide))
    rows = []
    budgets = sorted({base.dispute_nli_budget, 1.0, 2.0, args.budget})
    for budget in budgets:
        for over, s in settings_grid(base):
            rows.append({"budget": budget, **over, **evaluate(runs, s, budget)})
    print(table(rows, base))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if args.write:
        from bench_md import update_section

        update_section("dispute-sweep", summary(rows, base, args, runs[0]["model"] if runs else "?"))
    return 0


def table(rows: list[dict[str, Any]], base: Any) -> str:
    current = {k: getattr(base, k) for k in GRID}
    lines = [
        f"| budget | {' | '.join(GRID)} | dispute recall | violations (error) | unexpected error/warning/info | NLI calls |",
        "|---|" + "---|" * len(GRID) + "---|---|---|---|",
    ]
    for r in rows:
        mark = " (current)" if r["budget"] == base.dispute_nli_budget and all(r[k] == v for k, v in current.items()) else ""
        u = r["unexpected"]
        lines.append(
            f"| {r['budget']:g}{mark} | {' | '.join(f'{r[k]:g}' for k in GRID)} | {r['found']}/{r['total']} | {r['violations']} ({r['error_violations']}) "
            f"| {u['error']}/{u['warning']}/{u['info']} | {r['calls']} |"
        )
    return "\n".join(lines)


def summary(rows: list[dict[str, Any]], base: Any, args: argparse.Namespace, model: str) -> str:
    import datetime

    cmd = f"nice -n 19 .venv/bin/python scripts/sweep_disputes.py --budget {args.budget:g}" + (" --cache-dir DIR" if args.cache_dir else "") + " --write"
    here = [r for r in rows if r["budget"] == base.dispute_nli_budget]
    best = []
    for budget in sorted({r["budget"] for r in rows}):
        at = [r for r in rows if r["budget"] == budget]
        top = max(r["found"] for r in at)
        quiet = min((r for r in at if r["found"] == top), key=lambda r: sum(r["unexpected"].values()))
        best.append(f"budget {budget:g}: at most {top}/{quiet['total']} ({sum(quiet['unexpected'].values())} unexpected findings at best, {quiet['calls']} NLI calls)")
    return (
        f"Command: `{cmd}`\n\nRun {datetime.date.today().isoformat()}; the dev expectations of fixtures/expected/ (18 pairs); "
        f"NLI model `{model}`. Each row re-judges the candidates recorded in one run (no model calls), so rows differ only by the "
        "thresholds and the budget. Dispute recall counts the other stages' findings too (party labels, dispute markers).\n\n"
        + table(here, base)
        + "\n\nBest recall per budget (any thresholds of the grid): "
        + "; ".join(best)
        + "."
    )


if __name__ == "__main__":
    raise SystemExit(main())
