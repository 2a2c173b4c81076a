#!/usr/bin/env python3
"""Precision/recall of the checker's findings against editor-written expectations.

usage: python scripts/bench_findings.py [--expected DIR_OR_FILE ...] [--only NAME] [--nli-model NAME]
                                        [--json PATH] [--write] [--show-info] [--check-anchors]

For every ``fixtures/expected/*.json`` (format: fixtures/README.md) the documents are compared with
``checker.pipeline.compare_paths`` in this one process (models load once and are reused), and each
finding is matched against the file's items:

* a finding matches an item when its kind is the item's ``kind`` (or one of its ``alt_kinds``;
  ``only_in`` / ``only_in_a`` match by prefix) and its linked claims include a claim containing each
  given anchor: ``a`` and ``b`` (a string, or a list of alternatives of which one must be present) and
  every string in ``with``. Anchors are looked up in whichever document; whitespace runs and curly
  vs straight quotes are normalised.
* must_report: recall = items matched by at least one finding / items.
* must_not_report: a violation is a finding that matches the item (at or above its optional
  ``min_severity``).
* precision over error/warning findings: matched = the finding matches a must_report item;
  unexpected = it matches neither list (printed with its message for a human to review).
  precision = matched / all error/warning findings.

--check-anchors only loads and segments the documents (no models, seconds) and reports anchors that no
claim contains; use it while writing expectations. --write puts the tables into BENCHMARKS.md (section "findings", via scripts/bench_md.py); --json dumps
every finding, item and verdict. Heavy: run it with ``nice -n 19`` on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SEV_RANK = {"info": 0, "warning": 1, "error": 2}
ALERT = ("error", "warning")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def alternatives(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def kind_group(kind: str) -> str:
    return "only_in" if kind.startswith("only_in") else kind


@dataclass
class Item:
    section: str  # must_report | must_not_report
    index: int
    kind: str
    alt_kinds: list[str]
    anchors: list[list[str]]  # each inner list: alternatives, one of which must be in a linked claim
    why: str
    min_severity: str = "info"
    raw: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)  # "a" | "b" | "with", parallel to anchors

    @classmethod
    def parse(cls, section: str, index: int, raw: dict) -> "Item":
        sides = [("a", alternatives(raw.get("a"))), ("b", alternatives(raw.get("b")))] + [("with", [w]) for w in raw.get("with", [])]
        item = cls(section, index, raw["kind"], list(raw.get("alt_kinds", [])), [alts for _, alts in sides if alts], raw.get("why", ""), raw.get("min_severity", "info"), raw)
        item.sides = [side for side, alts in sides if alts]
        return item

    def kinds(self) -> list[str]:
        return [self.kind, *self.alt_kinds]

    def kind_ok(self, kind: str) -> bool:
        return any(kind.startswith(k) if k.startswith("only_in") else kind == k for k in self.kinds())

    def label(self) -> str:
        def show(v: Any) -> str:
            alts = alternatives(v)
            return "—" if not alts else " | ".join(f"“{a}”" for a in alts)

        extra = "".join(f" + “{w}”" for w in self.raw.get("with", []))
        return f"a: {show(self.raw.get('a'))}; b: {show(self.raw.get('b'))}{extra}"


def matches(item: Item, finding, claim_text: dict[str, str]) -> bool:
    if not item.kind_ok(finding.kind):
        return False
    if SEV_RANK[finding.severity] < SEV_RANK[item.min_severity]:
        return False
    texts = [norm(claim_text[c]) for c in finding.claims if c in claim_text]
    return all(any(norm(alt) in t for alt in alts for t in texts) for alts in item.anchors)


def check_anchors(item: Item, docs) -> None:
    """Record anchors that no claim contains (the item can never match) or that sit in the other document."""
    for side, alts in zip(item.sides, item.anchors):
        hits = {alt: [c for d in docs for c in d.claims if norm(alt) in norm(c.text)] for alt in alts}
        if not any(hits.values()):
            item.problems.append(f"anchor not found in any claim: {' | '.join(alts)}")
            continue
        for alt, claims in hits.items():
            if not claims:
                item.problems.append(f"alternative not found in any claim: {alt!r}")
        if side in ("a", "b") and len(docs) == 2:
            expected_doc = docs["ab".index(side)].id
            if all(c.doc != expected_doc for cs in hits.values() for c in cs):
                item.problems.append(f"'{side}' anchor found only outside document {expected_doc}")


def run_pair(spec_path: Path, settings) -> dict:
    from checker.pipeline import compare_paths

    spec, paths, dates, items = load_spec(spec_path)

    t0 = time.perf_counter()
    report = compare_paths(paths, dates=dates, settings=settings)
    seconds = time.perf_counter() - t0

    claims = {c.id: c for d in report.documents for c in d.claims}
    claim_text = {cid: c.text for cid, c in claims.items()}
    for it in items:
        check_anchors(it, report.documents)

    hits: dict[int, list[str]] = defaultdict(list)  # id(item) -> finding ids
    finding_verdict: dict[str, dict[str, list]] = {}
    for f in report.findings:
        rep = [it for it in items if it.section == "must_report" and matches(it, f, claim_text)]
        bad = [it for it in items if it.section == "must_not_report" and matches(it, f, claim_text)]
        for it in rep + bad:
            hits[id(it)].append(f.id)
        finding_verdict[f.id] = {"must_report": rep, "must_not_report": bad}

    def near(it: Item) -> list:
        """Findings (any kind) that link claims for every anchor: what the checker said instead."""
        return [f for f in report.findings if all(any(norm(a) in norm(claim_text.get(c, "")) for a in alts for c in f.claims) for alts in it.anchors)]

    diag = diagnose(report, items, settings)
    return {
        "name": spec_path.stem,
        "spec": str(spec_path.relative_to(ROOT)),
        "documents": spec["documents"],
        "report": report,
        "claims": claims,
        "items": items,
        "hits": hits,
        "verdict": finding_verdict,
        "near": near,
        "seconds": seconds,
        "diag": diag,
    }


def diagnose(report, items: list[Item], settings) -> dict[int, dict]:
    """For each item with both an 'a' and a 'b' anchor: were the anchored claims aligned, and what did NLI say?

    Re-runs alignment on the claims with the models the pipeline already loaded (lru-cached: no new model
    load, one more embedding pass) so a miss can be told apart: not aligned vs aligned but judged otherwise.
    """
    from checker.align import align
    from checker.embed import load_embedder
    from checker.nli import load_nli
    from checker.pipeline import nli_text

    todo = [it for it in items if "a" in it.sides and "b" in it.sides]
    if not todo:
        return {}
    embedder = load_embedder(getattr(settings, "embedding_model", "default"))
    claims = [c for d in report.documents for c in d.claims]
    matrix = embedder.encode([c.text for c in claims])
    vectors = {c.id: matrix[i] for i, c in enumerate(claims)}
    alignment = align(report.documents, vectors, top_k=getattr(settings, "align_top_k", 3), min_similarity=getattr(settings, "align_min_similarity", 0.55))
    cands = {(c.a.id, c.b.id): c for c in alignment.candidates}
    out: dict[int, dict] = {}
    pairs_to_score = []
    for it in todo:
        xs = [c for c in claims if any(norm(a) in norm(c.text) for a in it.anchors[it.sides.index("a")])]
        ys = [c for c in claims if any(norm(b) in norm(c.text) for b in it.anchors[it.sides.index("b")])]
        best = None
        for x in xs:
            for y in ys:
                if x.doc == y.doc:
                    continue
                key = (x.id, y.id) if (x.id, y.id) in cands or x.doc < y.doc else (y.id, x.id)
                sim = float(vectors[x.id] @ vectors[y.id])
                cand = cands.get(key)
                score = (cand is not None, sim)
                if best is None or score > best[0]:
                    best = (score, key, sim, cand)
        if best is None:
            continue
        _, key, sim, cand = best
        out[id(it)] = {"claims": list(key), "similarity": round(sim, 3), "aligned": cand is not None, "rank": cand.rank if cand else None}
        by_id = {c.id: c for c in claims}
        ta, tb = nli_text(by_id[key[0]]), nli_text(by_id[key[1]])
        pairs_to_score.append((id(it), ta, tb))
    if pairs_to_score:
        nli = load_nli(getattr(settings, "nli_model", "default"))
        probs = nli.predict([p for _, ta, tb in pairs_to_score for p in ((ta, tb), (tb, ta))])
        for i, (iid, _, _) in enumerate(pairs_to_score):
            ab, ba = probs[2 * i], probs[2 * i + 1]
            out[iid]["nli"] = {"entailment": round(max(ab["entailment"], ba["entailment"]), 3), "contradiction": round(min(ab["contradiction"], ba["contradiction"]), 3)}
    return out


def diag_text(r: dict, it: Item) -> str:
    d = r["diag"].get(id(it))
    if not d:
        return ""
    where = f"aligned rank {d['rank']}" if d["aligned"] else "not aligned"
    nli = d.get("nli", {})
    return f" [{'/'.join(d['claims'])}: {where}, sim {d['similarity']:.2f}, NLI e {nli.get('entailment', 0):.2f} c {nli.get('contradiction', 0):.2f}]"


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}% ({num}/{den})" if den else "–"


def claim_line(claims, cid: str, n: int = 160) -> str:
    c = claims.get(cid)
    if c is None:
        return cid
    text = " ".join(c.text.split())
    text = text if len(text) <= n else text[: n - 1] + "…"
    who = f" [{c.speaker}]" if c.speaker else ""
    return f"{cid}{who}: {text}"


def build(results: list[dict], command: str, show_info: bool, cached: bool = False) -> tuple[str, dict]:
    per_kind: dict[str, Counter] = defaultdict(Counter)
    per_pair = []
    misses, violations, unexpected, anchor_problems = [], [], [], []
    for r in results:
        rep = [it for it in r["items"] if it.section == "must_report"]
        bad = [it for it in r["items"] if it.section == "must_not_report"]
        for it in rep:
            k = per_kind[kind_group(it.kind)]
            k["must"] += 1
            if r["hits"][id(it)]:
                k["found"] += 1
            else:
                misses.append((r, it))
        for it in bad:
            k = per_kind[kind_group(it.kind)]
            k["must_not"] += 1
            if r["hits"][id(it)]:
                k["violated"] += 1
                violations.append((r, it))
        for it in r["items"]:
            if it.problems:
                anchor_problems.append((r, it))
        alerts = matched = unexp = 0
        for f in r["report"].findings:
            v = r["verdict"][f.id]
            if f.severity not in ALERT:
                if show_info and not v["must_report"] and not v["must_not_report"]:
                    unexpected.append((r, f))
                continue
            k = per_kind[kind_group(f.kind)]
            k["alerts"] += 1
            alerts += 1
            if v["must_report"]:
                k["matched"] += 1
                matched += 1
            elif not v["must_not_report"]:
                k["unexpected"] += 1
                unexp += 1
                unexpected.append((r, f))
        with_diag = [r["diag"][id(it)] for it in rep if id(it) in r["diag"]]
        sev = Counter(f.severity for f in r["report"].findings)
        per_pair.append(
            {
                "pair": r["name"],
                "findings": f"{sev['error']}/{sev['warning']}/{sev['info']}",
                "recall": pct(sum(1 for it in rep if r["hits"][id(it)]), len(rep)),
                "violations": f"{sum(1 for it in bad if r['hits'][id(it)])}/{len(bad)}",
                "unexpected": unexp,
                "precision": pct(matched, alerts),
                "seconds": f"{r['seconds']:.0f}",
                "aligned": pct(sum(1 for d in with_diag if d["aligned"]), len(with_diag)),
                "error_violations": sum(1 for it in bad for fid in r["hits"][id(it)] if next(x for x in r["report"].findings if x.id == fid).severity == "error"),
                "nli_calls": f"{r['report'].timings.get('nli_pairs', 0):.0f}+{r['report'].timings.get('dispute_nli_pairs', 0):.0f}",
            }
        )

    tot = Counter()
    for k in per_kind.values():
        tot.update(k)
    models = results[0]["report"].models if results else {}
    lines = [
        "Editor-written expectations (`fixtures/expected/*.json`, see `fixtures/README.md`) checked against the findings.",
        "",
        f"Command: `{command}`",
        "",
        f"Run {datetime.date.today().isoformat()}; NLI model `{models.get('nli', '?')}`, embedding model `{models.get('embedding', '?')}`."
        + (" With a cache (`--cache-dir`): findings are the same, but *seconds* counts only what the cache lacked." if cached else ""),
        "recall: must_report items found (any severity); violated: must_not_report items that a finding matched;",
        "precision: error/warning findings that match a must_report item / all error/warning findings;",
        "unexpected: error/warning findings matching neither list (listed below for review).",
        "",
        "| kind | must report | found | recall | must not | violated | error/warning findings | matched | unexpected | precision |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = [
        "contradiction",
        "attributed_disagreement",
        "disputed",
        "quote_mismatch",
        "numeric_mismatch",
        "entity_mismatch",
        "different_time",
        "superseded",
        "agreement",
        "only_in",
    ]
    for kind in sorted(per_kind, key=lambda k: (order.index(k) if k in order else len(order), k)):
        k = per_kind[kind]
        lines.append(
            f"| {kind} | {k['must']} | {k['found']} | {pct(k['found'], k['must'])} | {k['must_not']} | {k['violated']} | "
            f"{k['alerts']} | {k['matched']} | {k['unexpected']} | {pct(k['matched'], k['alerts'])} |"
        )
    lines.append(
        f"| **all** | {tot['must']} | {tot['found']} | **{pct(tot['found'], tot['must'])}** | {tot['must_not']} | **{tot['violated']}** | "
        f"{tot['alerts']} | {tot['matched']} | {tot['unexpected']} | **{pct(tot['matched'], tot['alerts'])}** |"
    )
    lines += [
        "",
        "| pair | findings (error/warning/info) | recall | must_report pairs aligned | violations (of them error) | unexpected error/warning | precision | NLI calls (aligned+dispute) | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in per_pair:
        lines.append(
            f"| {p['pair']} | {p['findings']} | {p['recall']} | {p['aligned']} | {p['violations']} ({p['error_violations']}) | {p['unexpected']} | {p['precision']} | {p['nli_calls']} | {p['seconds']} |"
        )
    disputes = [k for k in ("contradiction", "disputed", "attributed_disagreement") if k in per_kind]
    if disputes:
        dk = Counter()
        for k in disputes:
            dk.update(per_kind[k])
        lines += [
            "",
            f"Disputes (contradiction + disputed + attributed_disagreement): recall **{pct(dk['found'], dk['must'])}**; "
            f"unexpected error/warning findings per pair: **{tot['unexpected'] / max(1, len(results)):.2f}** ({tot['unexpected']} in {len(results)} pairs); "
            f"must_not_report violations: {tot['violated']}, of severity error: **{sum(p['error_violations'] for p in per_pair)}**.",
        ]
    lines += [
        "",
        "Misses and false alarms show `[claims: aligned?, embedding similarity, NLI max entailment / min contradiction over both directions]`,",
        "so an alignment miss can be told from a judgement miss.",
    ]

    def said_instead(r, it) -> str:
        near = r["near"](it)
        return "; ".join(f"{f.id} {f.kind} ({f.severity})" for f in near[:4]) or "nothing links these claims"

    found = [(r, it) for r in results for it in r["items"] if it.section == "must_report" and r["hits"][id(it)]]
    if found:
        lines += ["", "### Found (must_report matched)", ""]
        for r, it in found:
            fs = [next(x for x in r["report"].findings if x.id == fid) for fid in r["hits"][id(it)]]
            lines.append(f"- **{r['name']}** `{it.kind}` — " + "; ".join(f"{f.id} {f.kind} ({f.severity}): {f.message}" for f in fs[:2]))
    if misses:
        lines += ["", "### Misses (must_report not found)", ""]
        for r, it in misses:
            lines.append(f"- **{r['name']}** `{it.kind}` — {it.label()} — checker: {said_instead(r, it)}{diag_text(r, it)}")
    if violations:
        lines += ["", "### False alarms (must_not_report violated)", ""]
        for r, it in violations:
            for fid in r["hits"][id(it)]:
                f = next(x for x in r["report"].findings if x.id == fid)
                lines.append(f"- **{r['name']}** {fid} `{f.kind}` ({f.severity}): {f.message} — expected not: {it.why}{diag_text(r, it)}")
    if unexpected:
        lines += ["", "### Unexpected findings (in neither list; review)", ""]
        for r, f in unexpected:
            linked = " / ".join(claim_line(r["claims"], c, 120) for c in f.claims)
            lines.append(f"- **{r['name']}** {f.id} `{f.kind}` ({f.severity}, {f.rule}): {f.message} — {linked}")
    if anchor_problems:
        lines += ["", "### Anchor problems (fix the expectation or the segmentation)", ""]
        for r, it in anchor_problems:
            lines.append(f"- **{r['name']}** {it.section}[{it.index}] `{it.kind}`: " + "; ".join(it.problems))

    summary = {
        "overall": {
            "recall": tot["found"] / tot["must"] if tot["must"] else None,
            "must_report": tot["must"],
            "found": tot["found"],
            "must_not_report": tot["must_not"],
            "violated": tot["violated"],
            "alerts": tot["alerts"],
            "matched": tot["matched"],
            "unexpected": tot["unexpected"],
            "precision": tot["matched"] / tot["alerts"] if tot["alerts"] else None,
        },
        "per_kind": {k: dict(v) for k, v in per_kind.items()},
        "per_pair": per_pair,
        "models": models,
    }
    return "\n".join(lines) + "\n", summary


def details(results: list[dict], summary: dict) -> dict:
    out = {"summary": summary, "pairs": []}
    for r in results:
        out["pairs"].append(
            {
                "name": r["name"],
                "spec": r["spec"],
                "documents": r["documents"],
                "seconds": round(r["seconds"], 2),
                "items": [
                    {
                        "section": it.section,
                        "index": it.index,
                        **it.raw,
                        "matched_by": r["hits"][id(it)],
                        "problems": it.problems,
                        "checker_said": [f"{f.id} {f.kind} ({f.severity})" for f in r["near"](it)],
                        "diagnosis": r["diag"].get(id(it)),
                    }
                    for it in r["items"]
                ],
                "findings": [
                    {
                        **f.to_json(),
                        "claim_texts": [r["claims"][c].text if c in r["claims"] else None for c in f.claims],
                        "matches_must_report": [it.index for it in r["verdict"][f.id]["must_report"]],
                        "violates_must_not_report": [it.index for it in r["verdict"][f.id]["must_not_report"]],
                    }
                    for f in r["report"].findings
                ],
                "claims": [{"id": c.id, "text": c.text, "speaker": c.speaker, "quote": c.quote} for c in r["claims"].values()],
            }
        )
    return out


def load_spec(spec_path: Path) -> tuple[dict, list[Path], list, list[Item]]:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    paths = [ROOT / p for p in spec["documents"]]
    overrides = {str((ROOT / k).resolve()): datetime.date.fromisoformat(v) for k, v in (spec.get("dates") or {}).items()}
    dates = [overrides.get(str(p.resolve())) for p in paths]
    items = [Item.parse("must_report", i, r) for i, r in enumerate(spec.get("must_report", []))]
    items += [Item.parse("must_not_report", i, r) for i, r in enumerate(spec.get("must_not_report", []))]
    for it in items:
        if not it.anchors:
            it.problems.append("no anchors: the item would match every finding of its kind")
        for k in it.kinds():
            from checker.rules import BY_KIND

            if kind_group(k) not in BY_KIND:
                it.problems.append(f"unknown kind {k!r}")
    return spec, paths, dates, items


def check_only(specs: list[Path], settings) -> int:
    from checker.pipeline import load_documents

    bad = 0
    for s in specs:
        _, paths, dates, items = load_spec(s)
        docs = load_documents(paths, dates, settings)
        for it in items:
            check_anchors(it, docs)
            if it.problems:
                bad += 1
                print(f"{s.name}: {it.section}[{it.index}] {it.kind}: " + "; ".join(it.problems))
        print(f"{s.name}: {len(items)} items, documents dated {', '.join(str(d.date) for d in docs)}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--expected", nargs="*", default=[str(ROOT / "fixtures" / "expected")], help="expectation files or folders")
    ap.add_argument("--only", action="append", default=[], help="run only pairs whose file name contains this (repeatable)")
    ap.add_argument("--nli-model", default=None, help="override the configured NLI model")
    ap.add_argument("--json", type=Path, default=None, help="dump findings, items and verdicts here")
    ap.add_argument("--write", action="store_true", help='write the tables into BENCHMARKS.md (section "findings")')
    ap.add_argument("--show-info", action="store_true", help="also list info findings that match neither list")
    ap.add_argument("--check-anchors", action="store_true", help="only check that every anchor is in some claim (no models)")
    ap.add_argument("--section", default="findings", help='the BENCHMARKS.md section --write replaces (default "findings")')
    ap.add_argument("--cache-dir", default=None, help="cache embeddings and NLI results here (checker/cache.py), so reruns only compute new pairs")
    args = ap.parse_args(argv)

    from checker.config import load_settings
    from checker.quiet import quiet_libraries

    quiet_libraries()
    settings = load_settings(ROOT)
    if args.nli_model:
        settings = settings.with_overrides(nli_model=args.nli_model)
    if args.cache_dir:
        settings = settings.with_overrides(cache_dir=args.cache_dir)

    specs: list[Path] = []
    for e in args.expected:
        p = Path(e)
        specs += sorted(p.glob("*.json")) if p.is_dir() else [p]
    specs = [s.resolve() for s in specs if not args.only or any(o in s.name for o in args.only)]
    if not specs:
        print("no expectation files found", file=sys.stderr)
        return 2

    if args.check_anchors:
        return check_only(specs, settings)

    results = []
    for s in specs:
        print(f"[bench_findings] {s.name} ...", file=sys.stderr, flush=True)
        results.append(run_pair(s, settings))
        print(f"[bench_findings] {s.name}: {len(results[-1]['report'].findings)} findings in {results[-1]['seconds']:.1f}s", file=sys.stderr, flush=True)

    cmd = (
        "nice -n 19 .venv/bin/python scripts/bench_findings.py"
        + (f" --nli-model {args.nli_model}" if args.nli_model else "")
        + "".join(f" --only {o}" for o in args.only)
        + (" --show-info" if args.show_info else "")
        + (f" --section {args.section}" if args.section != "findings" else "")
        + (" --cache-dir DIR" if args.cache_dir else "")
        + " --write"
    )
    markdown, summary = build(results, cmd, args.show_info, cached=bool(args.cache_dir))
    print(markdown)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(details(results, summary), indent=1, ensure_ascii=False), encoding="utf-8")
    if args.write:
        from bench_md import update_section

        title = "## Findings against editor expectations" if args.section == "findings" else f"## Findings against editor expectations: {args.section}"
        update_section(args.section, title + "\n\n" + markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
