#!/usr/bin/env python3
"""NLI inference in bfloat16 vs float32 on this machine: pairs/s, label agreement, largest change.

usage: python scripts/bench_nli_dtype.py [--model default|PATH ...] [--pairs 256] [--threads 2] [--repeats 3] [--write]

Runs the product's path (checker.nli.load_nli(..., dtype=...)) on the first N MNLI-mismatched pairs
(held-out; ../shared/benchmarks), batch 32, at most 128 tokens per pair, and reports for each model
the median pairs/s over --repeats timed passes per dtype, how many labels bf16 changes, and the
largest probability change. It also says whether this CPU has native BF16
(checker.nli.cpu_has_native_bf16): without it, torch emulates bf16 and it is expected to be slower,
which is why "auto" keeps float32 there. --write puts the table into BENCHMARKS.md ("nli-dtype").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import nli_data  # noqa: E402


def bench(model: str, pairs: list[tuple[str, str]], repeats: int) -> dict:
    from checker.nli import CrossEncoderNLI
    from checker.registry import resolve

    ref = resolve("nli", model)
    out: dict = {"model": ref.name}
    probs = {}
    for dtype in ("float32", "bfloat16"):
        backend = CrossEncoderNLI(ref.location, name=ref.name, device="cpu", max_length=128, local_only=True, dtype=dtype)
        backend.predict(pairs[:32])  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            probs[dtype] = backend.predict(pairs, batch_size=32)
            times.append(time.perf_counter() - t0)
        out[dtype] = round(len(pairs) / statistics.median(times), 1)
    a, b = probs["float32"], probs["bfloat16"]
    out["labels_changed"] = sum(max(x, key=x.get) != max(y, key=y.get) for x, y in zip(a, b))
    out["max_prob_change"] = round(max(abs(x[k] - y[k]) for x, y in zip(a, b) for k in x), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--model", action="append", default=None, help="registry name or model folder (repeatable; default: the shipped default)")
    ap.add_argument("--shared", type=Path, default=nli_data.DEFAULT_SHARED)
    ap.add_argument("--pairs", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()

    import torch

    from checker.nli import cpu_has_native_bf16
    from checker.quiet import quiet_libraries

    quiet_libraries()
    torch.set_num_threads(args.threads)
    pairs = [(p.premise, p.hypothesis) for p in nli_data.mnli_snli_subset(args.shared, "mnli_mismatched")[: args.pairs]]
    native = cpu_has_native_bf16()
    load = os.getloadavg()[0]
    rows = [bench(m, pairs, args.repeats) for m in (args.model or ["default"])]
    lines = [
        f"CPU: native BF16 {'yes' if native else 'no'} (torch capability {torch.backends.cpu.get_cpu_capability()}), "
        f"{args.threads} threads, {len(pairs)} MNLI-mm pairs, batch 32, <=128 tokens, median of {args.repeats}; "
        f"1-min load average at start {load:.1f} (other jobs share the cores)",
        "",
        "| model | fp32 pairs/s | bf16 pairs/s | bf16 / fp32 | labels changed by bf16 | largest probability change |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['model']} | {r['float32']} | {r['bfloat16']} | {r['bfloat16'] / r['float32']:.2f} | {r['labels_changed']} / {len(pairs)} | {r['max_prob_change']} |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        from bench_md import update_section

        update_section("nli-dtype", f"Command: `python scripts/bench_nli_dtype.py {' '.join(sys.argv[1:]).replace('--write', '').strip()}`\n\n{text}")


if __name__ == "__main__":
    main()
