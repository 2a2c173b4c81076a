#!/usr/bin/env python3
"""Scale benchmark of the HTML report: two synthetic documents of 5,000 sentences each and about
2,000 findings, rendered by ``write_html`` and opened from file:// in headless Chromium.

Measures: Python render time and file size; page load (navigation start to the ``data-ready``
attribute the report's JS sets once the findings list is rendered, median of --runs); the time to
apply a kind filter, a search and to select a finding (from the input event to the next frame).

usage: python scripts/bench_html.py [--sentences 5000] [--findings 2000] [--runs 5] [--keep PATH]
Needs /usr/bin/chromium and the playwright package (scripts/install_browser.sh). Prints a
markdown table row for BENCHMARKS.md; it does not edit that file.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.output.html_report import render_html, write_html  # noqa: E402
from checker.types import Claim, Document, Finding, Report  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORDS = (
    "officials minister talks Riyadh Moscow Kyiv delegation ceasefire sanctions envoy summit agreed said "
    "spokesman reporters Tuesday Monday week meeting negotiations troops border security guarantees "
    "president adviser foreign state war peace allies European Ukraine Russia US process deal minerals "
    "revenue share signed rejected confirmed denied about more than percent million people killed "
    "wounded city region capital agency statement according to sources familiar with the matter"
).split()
MIX = [  # kind, severity, rule, check, share
    ("agreement", "info", "FC001", "nli", 0.30),
    ("contradiction", "error", "FC101", "nli", 0.15),
    ("disputed", "warning", "FC103", "attribution", 0.10),
    ("numeric_mismatch", "error", "FC201", "number", 0.075),
    ("entity_mismatch", "error", "FC202", "entity", 0.05),
    ("different_time", "info", "FC203", "time", 0.075),
    ("only_in_a", "info", "FC301", "alignment", 0.125),
    ("only_in_b", "info", "FC301", "alignment", 0.125),
]


def synthetic_document(doc_id: str, n: int, rng: random.Random) -> Document:
    parts: list[str] = ["Sign up for our newsletter. Cookies help us deliver our services.\n\n"]
    offsets: list[tuple[int, int]] = []
    pos = len(parts[0])
    body_start = pos
    i = 0
    while i < n:
        sentences = []
        for _ in range(min(rng.randint(3, 6), n - i)):
            words = rng.choices(WORDS, k=rng.randint(8, 26))
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words)), f"{rng.randint(2, 900)}")
            s = " ".join(words)
            sentences.append(s[0].upper() + s[1:] + ".")
            i += 1
        for j, s in enumerate(sentences):
            if j:
                parts.append(" ")
                pos += 1
            offsets.append((pos, pos + len(s)))
            parts.append(s)
            pos += len(s)
        parts.append("\n\n")
        pos += 2
    body_end = pos
    parts.append("Read more: related stories. Copyright the publisher.\n")
    text = "".join(parts)
    doc = Document(
        id=doc_id,
        path=Path(f"/bench/{doc_id}.txt"),
        raw_text=text,
        body_spans=[(body_start, body_end)],
        title=f"Synthetic report {doc_id.upper()}",
        source="Bench Wire",
        date=date(2025, 2, 24),
    )
    doc.claims = [Claim(f"{doc_id}{k}", doc_id, k, s, e, text[s:e]) for k, (s, e) in enumerate(offsets)]
    return doc


def synthetic_report(n_sentences: int = 5000, n_findings: int = 2000, seed: int = 0) -> Report:
    rng = random.Random(seed)
    a, b = synthetic_document("a", n_sentences, rng), synthetic_document("b", n_sentences, rng)
    findings = []
    for kind, sev, rule, check, share in MIX:
        for _ in range(round(n_findings * share)):
            fid = f"f{len(findings) + 1}"
            if kind == "only_in_a":
                claims = [rng.choice(a.claims).id]
            elif kind == "only_in_b":
                claims = [rng.choice(b.claims).id]
            else:
                claims = [rng.choice(a.claims).id, rng.choice(b.claims).id]
            p = round(rng.random(), 3)
            findings.append(
                Finding(
                    fid,
                    kind,
                    sev,
                    rule,
                    f"{kind.replace('_', ' ').capitalize()} between {' and '.join(claims)}: {' '.join(rng.choices(WORDS, k=10))}.",
                    claims,
                    {"contradiction": p, "entailment": round(1 - p, 3)},
                    check,
                    {"pair": claims},
                )
            )
    rng.shuffle(findings)
    return Report([a, b], findings, models={"nli": "bench"}, timings={})


FILTER_JS = """async ([id, value, event]) => {
  const el = document.getElementById(id);
  const t0 = performance.now();
  el.value = value;
  el.dispatchEvent(new Event(event, {bubbles: true}));
  const sync = performance.now() - t0;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return [sync, performance.now() - t0, document.querySelectorAll('#findings li.fi').length];
}"""
SELECT_JS = """async (idx) => {
  const li = document.querySelectorAll('#findings li.fi')[idx];
  const t0 = performance.now();
  li.click();
  const sync = performance.now() - t0;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return [sync, performance.now() - t0, document.querySelectorAll('.hl.active').length];
}"""


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout
        return " ".join(out.split()[:2])
    except Exception:  # noqa: BLE001
        return "chromium"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--findings", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="also write the report here")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} missing: run scripts/install_browser.sh")
    from playwright.sync_api import sync_playwright

    report = synthetic_report(args.sentences, args.findings)
    renders = []
    for _ in range(3):
        t0 = time.perf_counter()
        html = render_html(report)
        renders.append(time.perf_counter() - t0)
    render_s = min(renders)
    tmp = Path(tempfile.mkdtemp(prefix="bench-html-"))
    path = args.keep or tmp / "report.html"
    t0 = time.perf_counter()
    write_html(report, path)
    write_s = time.perf_counter() - t0
    size_mb = path.stat().st_size / 1e6
    n_spans = html.count('data-claim="')
    print(
        f"report: 2 x {args.sentences} sentences, {len(report.findings)} findings, "
        f"{n_spans} claim spans, {size_mb:.2f} MB; render {render_s * 1000:.0f} ms, write_html {write_s * 1000:.0f} ms"
    )

    loads, dcl, filt, filt_paint, search, search_paint, sel = [], [], [], [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        for run in range(args.runs):
            ctx = browser.new_context(viewport={"width": 1400, "height": 900})
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_selector("html[data-ready]", state="attached", timeout=60_000)
            if errors:
                raise SystemExit(f"page errors: {errors}")
            loads.append(float(page.get_attribute("html", "data-ready")))
            dcl.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            for kind in ("contradiction", "", "only_in_a", ""):
                s, p, n = page.evaluate(FILTER_JS, ["f-kind", kind, "change"])
                if kind:
                    filt.append(s)
                    filt_paint.append(p)
            for q in ("minister", ""):
                s, p, n = page.evaluate(FILTER_JS, ["q", q, "input"])
                if q:
                    search.append(s)
                    search_paint.append(p)
            for idx in (3, 40):
                s, p, n = page.evaluate(SELECT_JS, idx)
                sel.append(p)
            print(f"run {run + 1}: ready {loads[-1]:.0f} ms (DOMContentLoaded {dcl[-1]:.0f} ms)", flush=True)
            ctx.close()
        browser.close()

    med = statistics.median
    print(f"load to data-ready: median {med(loads):.0f} ms (min {min(loads):.0f}, max {max(loads):.0f}); DOMContentLoaded median {med(dcl):.0f} ms")
    print(f"kind filter: median {med(filt):.1f} ms handler, {med(filt_paint):.1f} ms to next frame")
    print(f"search: median {med(search):.1f} ms handler, {med(search_paint):.1f} ms to next frame (first search builds the index)")
    print(f"select finding (highlight + scroll): median {med(sel):.1f} ms to next frame")
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores"
    print()
    print("| benchmark | input | size | render (py) | load to ready | kind filter | search | select | browser |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| HTML report (`scripts/bench_html.py`) | 2 × {args.sentences:,} sentences, {len(report.findings):,} findings "
        f"| {size_mb:.1f} MB | {render_s:.2f} s | {med(loads):.0f} ms | {med(filt_paint):.0f} ms | "
        f"{med(search_paint):.0f} ms | {med(sel):.0f} ms | {chromium_version()} headless, {machine} |"
    )


if __name__ == "__main__":
    main()
