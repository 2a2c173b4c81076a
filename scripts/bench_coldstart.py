#!/usr/bin/env python3
"""Where a cold `factcheck compare` on the seed pair spends its time: imports, model loading, stages.

usage: python scripts/bench_coldstart.py [--repeats 5] [--tree DIR] [--label NAME] [--write]

Each repeat is a new process running the README quick-start command with --no-cache (HTML report to a
temporary file). Inside it the harness times `import torch`, `import transformers`, `import
checker.cli` one after the other, wraps checker.pipeline.judge_documents (compare_documents before issue 13) to read its per-stage
timings (analyse, load_models, embed, align, nli, judge), and notes whether sentence_transformers
was imported. The interpreter start is the wall time seen from outside minus the time inside.
Medians over --repeats; the 1-minute load average is printed because other jobs share the 2 cores,
and so is the process's CPU time (user+sys), which other jobs inflate far less than wall time.

--tree DIR benchmarks another source tree (e.g. the last commit, for a before/after:
`mkdir /tmp/fc-head && git archive HEAD | tar -x -C /tmp/fc-head`, then `--tree /tmp/fc-head --label before`).
Results accumulate in build/coldstart.json; --write puts the table into BENCHMARKS.md ("cold-start").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "build" / "coldstart.json"
FT = "fixtures/riyadh-talks-ft-2025-02-17.txt"
AFP = "fixtures/riyadh-followup-afp-2025-02-24.txt"

CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
marks = {}
def mark(name):
    global t0
    now = time.perf_counter(); marks[name] = now - t0; t0 = now
import torch; mark("import torch")
import transformers; mark("import transformers")
import checker.cli; mark("import checker.cli")
import checker.pipeline as P
stages = {}
def _wrap(orig):
    def wrapped(*a, **k):
        report = orig(*a, **k)
        stages.update({k: v for k, v in report.timings.items() if isinstance(v, float)})
        return report
    return wrapped
for _name in ("judge_documents", "compare_documents"):  # the stage-timing function, then and now
    if hasattr(P, _name):
        setattr(P, _name, _wrap(getattr(P, _name)))
t_run = time.perf_counter()
sys.argv = ["factcheck"] + json.loads(os.environ["COLDSTART_ARGS"])
try:
    checker.cli.main()
except SystemExit:
    pass
marks["run (total)"] = time.perf_counter() - t_run
with open(os.environ["COLDSTART_OUT"], "w") as fh:
    json.dump({"marks": marks, "stages": stages, "sentence_transformers": "sentence_transformers" in sys.modules}, fh)
"""


def one_run(tree: Path, html: Path) -> dict:
    args = ["compare", FT, AFP, "--date", f"{FT}=2025-02-17", "--html", str(html), "--no-cache"]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    env = dict(os.environ, COLDSTART_ARGS=json.dumps(args), COLDSTART_OUT=str(out), PYTHONPATH=str(tree), HF_HUB_OFFLINE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.stat().st_size:
        sys.exit(f"bench_coldstart: the run failed (exit {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
    data = json.loads(out.read_text())
    out.unlink()
    inside = sum(data["marks"].values())
    data["marks"] = {"interpreter start": wall - inside, **data["marks"]}
    data["wall"] = wall
    data["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data["exit"] = proc.returncode
    return data


def summarise(runs: list[dict], label: str, tree: Path, load: float) -> dict:
    med = lambda xs: round(statistics.median(xs), 2)  # noqa: E731
    marks = {k: med([r["marks"][k] for r in runs]) for k in runs[0]["marks"]}
    stages = {k: med([r["stages"].get(k, 0.0) for r in runs]) for k in runs[0]["stages"]}
    return {
        "label": label,
        "tree": str(tree),
        "repeats": len(runs),
        "wall_median": med([r["wall"] for r in runs]),
        "wall_all": [round(r["wall"], 2) for r in runs],
        "cpu_median": med([r["cpu"] for r in runs]),
        "marks": marks,
        "stages": stages,
        "sentence_transformers_imported": any(r["sentence_transformers"] for r in runs),
        "exit": runs[0]["exit"],
        "load_avg": round(load, 1),
    }


def markdown(results: dict) -> str:
    labels = list(results)
    keys: list[str] = []
    for r in results.values():
        for k in list(r["marks"]) + [f"  stage: {s}" for s in r["stages"]]:
            if k not in keys:
                keys.append(k)
    rows = ["| seconds (median) | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for k in keys:
        cells = []
        for r in results.values():
            v = r["stages"].get(k.split(": ", 1)[1]) if k.startswith("  stage: ") else r["marks"].get(k)
            cells.append("-" if v is None else f"{v:.2f}")
        rows.append(f"| {k.strip()} | " + " | ".join(cells) + " |")
    rows.append("| **wall, new process** | " + " | ".join(f"**{r['wall_median']:.2f}** ({', '.join(map(str, r['wall_all']))})" for r in results.values()) + " |")
    rows.append("| **CPU seconds (user+sys) of the process** | " + " | ".join(f"**{r['cpu_median']:.2f}**" for r in results.values()) + " |")
    rows.append("| sentence_transformers imported | " + " | ".join("yes" if r["sentence_transformers_imported"] else "no" for r in results.values()) + " |")
    rows.append("| 1-min load average at start | " + " | ".join(str(r["load_avg"]) for r in results.values()) + " |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tree", type=Path, default=ROOT, help="source tree to run (default: this checkout)")
    ap.add_argument("--label", default=None, help="column name (default: the tree's folder name)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        runs = [one_run(args.tree.resolve(), Path(tmp) / "report.html") for _ in range(args.repeats)]
    result = summarise(runs, args.label or args.tree.resolve().name, args.tree.resolve(), load)
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    allr = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    allr[result["label"]] = result
    RESULTS.write_text(json.dumps(allr, indent=2))
    table = markdown(allr)
    print(table)
    if args.write:
        from bench_md import update_section

        update_section(
            "cold-start", "Command: `python scripts/bench_coldstart.py --repeats 5 [--tree DIR --label NAME] --write` (results accumulate in build/coldstart.json)\n\n" + table
        )


if __name__ == "__main__":
    main()
