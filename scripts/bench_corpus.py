"""Throughput and memory of ``factcheck corpus`` (checker/corpus/run.py) at a few corpus sizes.

The corpus is built from the PAC dev-split fixture articles (fixtures/pac: 17 stories of 2 articles): copy k of
every article gets its date moved by 10·k days (so copies form new stories, not bigger ones: story size stays
fixed, which is how cost should grow linearly) and one word of its text changed (so no two copies share a text).
No model cache is used, so every story is computed. Each size runs in a fresh process (peak RSS per run).

    python scripts/bench_corpus.py --sizes 34,100 [--engines in-process,ray] [--nli-model NAME] [--write]
    python scripts/bench_corpus.py --runs in-process:34,in-process:100,ray:34 --write

``--write`` puts the table into BENCHMARKS.md (section corpus-throughput).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAC = ROOT / "fixtures" / "pac"


def build_feed(n: int, path: Path) -> None:
    """``n`` records from the PAC fixtures, copies shifted 10 days apart and perturbed by one word."""
    base = []
    for file in sorted(PAC.glob("story-*.txt")):
        head, body = file.read_text(encoding="utf-8").split("\n", 1)
        m = re.fullmatch(r"date (\d{4}-\d\d-\d\d) (.+)", head)
        assert m, file
        base.append((file.stem, datetime.date.fromisoformat(m[1]), m[2], body))
    lines = []
    for i in range(n):
        stem, day, title, body = base[i % len(base)]
        k = i // len(base)
        text = body if k == 0 else body.replace(" the ", f" the (copy {k}) ", 1)
        record = {"id": f"{stem}-{k}", "outlet": stem.split("-", 2)[2], "date": (day + datetime.timedelta(days=10 * k)).isoformat(), "title": title, "text": text}
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def worker(n: int, engine: str, nli_model: str) -> dict:
    """One run in this process: the numbers as JSON."""
    from checker.config import Settings
    from checker.corpus.run import run_corpus

    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        build_feed(n, feed)
        settings = Settings(nli_model=nli_model, cache_dir="")
        if engine == "ray":
            import ray

            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        t0 = time.perf_counter()
        result = run_corpus(feed, Path(tmp) / "out", settings, engine=engine)  # type: ignore[arg-type]
        wall = time.perf_counter() - t0
    return {
        "articles": n,
        "engine": engine,
        "stories": len(result.entries),
        "compared": result.compared,
        "wall_s": round(wall, 1),
        "articles_per_min": round(60 * n / wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stages_s": result.timings,
    }


def matmul_gflops() -> float:
    """bf16 GEMM speed of this machine right now (best of 3). The shared host's speed changes from hour to hour
    (by 2x within one session), so a wall time means little without it."""
    import torch

    a = torch.randn(2048, 2048).bfloat16()
    a @ a
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(5):
            a @ a
        best = max(best, 5 * 2 * 2048**3 / (time.perf_counter() - t0) / 1e9)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="34,100")
    ap.add_argument("--engines", default="in-process")
    ap.add_argument("--runs", default=None, help="ENGINE:N,... instead of every engine at every size (in-process:34,in-process:100,ray:34)")
    ap.add_argument("--nli-model", default="default")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(int(args.worker[0]), args.worker[1], args.nli_model)))
        return
    if args.runs:
        runs = [(e, int(n)) for e, n in (r.rsplit(":", 1) for r in args.runs.split(","))]
        selection = f"--runs {args.runs}"
    else:
        runs = [(e, int(n)) for e in args.engines.split(",") for n in args.sizes.split(",")]
        selection = f"--sizes {args.sizes} --engines {args.engines}"
    rows = []
    for engine, n in runs:
        load = os.getloadavg()[0]  # the 1-minute load before the run: wall times on a busy machine are upper bounds
        gflops = matmul_gflops()
        cmd = [sys.executable, __file__, "--worker", str(n), engine, "--nli-model", args.nli_model]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        rows.append({**json.loads(out.strip().splitlines()[-1]), "load_before": round(load, 2), "bf16_gflops": round(gflops)})
        print(json.dumps(rows[-1]), flush=True)
    table = [
        "| engine | articles | stories | wall (s) | articles/min | peak RSS (MB) | read / group / compare / write (s) | load before | bf16 GEMM GFLOP/s before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        t = r["stages_s"]
        stages = " / ".join(str(t.get(k, "")) for k in ("read", "group", "compare", "write"))
        table.append(
            f"| {r['engine']} | {r['articles']} | {r['stories']} | {r['wall_s']} | {r['articles_per_min']} | {r['peak_rss_mb']} | {stages} | {r['load_before']} | {r['bf16_gflops']} |"
        )
    text = "\n".join(table)
    print(text)
    if args.write:
        from bench_md import update_section

        md = (
            "## Corpus throughput (`factcheck corpus`, issue 15)\n\n"
            f"`python scripts/bench_corpus.py {selection} --nli-model {args.nli_model} --write` "
            f"on {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}); 'load before': the 1-minute load average "
            "when the run started (above ~0.5 the machine was shared, and the wall times are upper bounds); 'bf16 GEMM': a 2048x2048 "
            "bf16 matmul's speed just before the run (the host's speed varies). PAC dev articles "
            "duplicated with dates 10 days apart and one word changed; stories of 2; no model cache.\n\n" + text
        )
        update_section("corpus-throughput", md)


if __name__ == "__main__":
    main()
