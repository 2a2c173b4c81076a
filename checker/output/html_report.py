"""The static HTML discrepancy report (``factcheck compare a b --html report.html``).

One self-contained file: the documents side by side (one column per document), every claim that
takes part in a finding highlighted in the text, and a filterable findings list. Everything is
inline (CSS, JS, data) and a Content-Security-Policy ``<meta>`` forbids loading anything else, so
the file works from ``file://`` offline and cannot phone home.

How it is built:

* the document text is rendered server-side by the Jinja2 template (autoescape on) from
  ``Document.raw_text`` restricted to ``Document.body_spans``; the linked claims become
  ``<span class="hl ...">`` elements (a claim that crosses a paragraph break becomes several
  fragments with the same ``data-claim``);
* the findings go into a ``<script type="application/json">`` block (``<``, ``>``, ``&`` and the
  JS line separators escaped as ``\\uXXXX``, so no ``</script>`` can end it early) and the inline
  JS renders the list from it, incrementally, so 5,000-sentence documents stay fast;
* the CSP allows the inline ``<style>`` and ``<script>`` by their sha256 hashes, which makes the
  output deterministic (same report in, same bytes out) unlike a random nonce.

Reproducible mode (``render_html(report, reproducible=True)``, or ``SOURCE_DATE_EPOCH`` set in the
environment, the reproducible-builds convention): the stage timings, the only part of a report
that differs between two runs on the same input, are left out of the footer and the data block,
so the same input gives byte-identical HTML. Counts (``nli_pairs``) stay; they are not seconds and
are never printed as such.

Bidirectional text: article text may carry explicit bidi controls (U+202A-202E embeddings and
overrides, U+2066-2069 isolates); a right-to-left override turns a crafted "photo_\u202egnp.exe"
into "photo_exe.png" on screen and reverses whatever follows it on the line. So every piece of
article text rendered as HTML (each text run and claim span of the body, the title, the source)
is its own bidi isolate (``<bdi>``, or ``unicode-bidi: isolate`` on ``.hl``): its controls end
where it ends. In plain-text places that cannot be isolated by markup — the page ``<title>``,
finding messages and details, which quote article excerpts inside our own sentences — each
control is shown as a visible ``[U+202E]`` tag instead, and a document whose shown text contains
any gets a notice in its header.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from checker import __version__
from checker.rules import BY_CODE, RULES, rule_for_kind
from checker.types import SEVERITY_RANK, Claim, Document, Finding, Report

__all__ = ["build_context", "render_html", "write_html", "json_for_script", "csp_hash"]

TEMPLATE = "report.html.j2"
CSS_PARTIAL = "report.css"
JS_PARTIAL = "report.js"

#: Explicit bidirectional formatting characters: LRE RLE PDF LRO RLO, LRI RLI FSI PDI.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_FSI, _PDI = "\u2068", "\u2069"


def show_bidi_controls(text: str) -> str:
    """``text`` with each explicit bidi control replaced by a visible tag ("[U+202E]"): for
    plain-text places that markup cannot isolate (see the module docstring)."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)


def isolated_plain(text: str) -> str:
    """A piece of article text for a plain-text context (the page title): its controls made
    visible, the whole wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE so that its
    direction cannot reorder the text around it."""
    return _FSI + show_bidi_controls(text) + _PDI


def reproducible_from_env() -> bool:
    """``SOURCE_DATE_EPOCH`` set (to anything): the reproducible-builds signal to drop run-specific data."""
    return bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())


# --------------------------------------------------------------------------------------------
# template data


@dataclass
class Piece:
    """A run of text inside one paragraph: plain, or (a fragment of) a linked claim."""

    text: str
    claim: str | None = None
    cls: str = ""
    fids: str = ""  # space-separated finding ids
    tip: str = ""  # tooltip: the kinds/rules of the claim's findings
    first: bool = False  # the claim's first fragment (carries the margin marker)


@dataclass
class Paragraph:
    pieces: list[Piece]
    start: int
    end: int
    gap_before: bool = False  # body text was skipped (boilerplate) between this and the previous one


@dataclass
class DocView:
    id: str
    label: str
    title: str | None
    source: str | None
    date: str | None
    path: str
    path_name: str
    format: str
    n_claims: int
    n_findings: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    unrendered: list[str] = field(default_factory=list)  # linked claims with no text to show
    bidi_controls: list[str] = field(default_factory=list)  # "U+202E", ... found in what is shown


@dataclass
class ClaimMark:
    """What the findings say about one claim: drives its span's classes."""

    fids: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    severity: str = "info"

    @property
    def only(self) -> bool:
        return any(k.startswith("only_in") for k in self.kinds)

    @property
    def tone(self) -> str:
        """The colour: severity, except that info-only agreement is green and coverage is grey."""
        if self.severity in ("error", "warning"):
            return self.severity
        if self.kinds and all(k == "agreement" for k in self.kinds):
            return "agree"
        if self.kinds and all(k.startswith("only_in") for k in self.kinds):
            return "only"
        return "info"

    @property
    def css(self) -> str:
        classes = ["hl", f"t-{self.tone}", f"sev-{self.severity}"]
        classes += [f"k-{_css_ident(k)}" for k in dict.fromkeys(self.kinds)]
        if self.only:
            classes.append("only")
        return " ".join(classes)


def _css_ident(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def finding_tone(finding: Finding) -> str:
    if finding.kind == "agreement" and finding.severity == "info":
        return "agree"
    if finding.kind.startswith("only_in") and finding.severity == "info":
        return "only"
    return finding.severity if finding.severity in SEVERITY_RANK else "info"


def kind_label(kind: str, labels: dict[str, str] | None = None) -> str:
    """``only_in_a`` -> ``only in A``; ``numeric_mismatch`` -> ``numeric mismatch``."""
    if kind.startswith("only_in_"):
        doc_id = kind[len("only_in_") :]
        return f"only in {(labels or {}).get(doc_id, doc_id.upper())}"
    return kind.replace("_", " ")


def _severity(value: str) -> str:
    return value if value in SEVERITY_RANK else "info"


def claim_marks(report: Report) -> dict[str, ClaimMark]:
    marks: dict[str, ClaimMark] = {}
    for f in report.findings:
        for cid in dict.fromkeys(f.claims):
            m = marks.setdefault(cid, ClaimMark())
            m.fids.append(f.id)
            m.kinds.append(f.kind)
            m.rules.append(f.rule)
            sev = _severity(f.severity)
            if SEVERITY_RANK[sev] > SEVERITY_RANK[m.severity]:
                m.severity = sev
    return marks


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraph_bounds(text: str, start: int, end: int, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at paragraph separators; trim surrounding whitespace."""
    bounds = []
    pos = start
    for m in sep.finditer(text, start, end):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, end))
    out = []
    for s, e in bounds:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def document_paragraphs(doc: Document, marks: dict[str, ClaimMark], tips: dict[str, str] | None = None) -> tuple[list[Paragraph], list[str]]:
    """The body text of ``doc`` as paragraphs of pieces, linked claims wrapped.

    The shown text is the union of ``body_spans`` and the spans of the linked claims (a finding
    must never point at text that is not on the page). Returns the paragraphs and the ids of
    linked claims that could not be placed (empty or out-of-range offsets, fully overlapped).
    """
    text = doc.raw_text
    n = len(text)
    linked: list[tuple[int, int, Claim]] = []
    unrendered: list[str] = []
    for c in doc.claims:
        if c.id not in marks:
            continue
        s, e = max(0, min(c.start, n)), max(0, min(c.end, n))
        if e <= s:
            unrendered.append(c.id)
            continue
        linked.append((s, e, c))
    linked.sort(key=lambda t: (t[0], -t[1]))
    # overlapping claims: a later one starts where the previous ends
    placed: list[tuple[int, int, Claim]] = []
    last_end = 0
    for s, e, c in linked:
        s = max(s, last_end)
        if e <= s:
            unrendered.append(c.id)
            continue
        placed.append((s, e, c))
        last_end = e

    body = list(doc.body_spans) if doc.body_spans else [(0, n)]
    regions = _merge([(max(0, min(s, n)), max(0, min(e, n))) for s, e in body] + [(s, e) for s, e, _ in placed])
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")

    paragraphs: list[Paragraph] = []
    seen_first: set[str] = set()
    ci = 0  # index into placed (claims sorted by start)
    for ri, (rs, re_) in enumerate(regions):
        # skipped (boilerplate) text between two shown regions gets a marker
        skipped = ri > 0 and bool(text[regions[ri - 1][1] : rs].strip())
        for pi, (ps, pe) in enumerate(_paragraph_bounds(text, rs, re_, sep)):
            gap = skipped and pi == 0
            pieces: list[Piece] = []
            pos = ps
            while ci < len(placed) and placed[ci][1] <= ps:
                ci += 1
            j = ci
            while j < len(placed) and placed[j][0] < pe:
                s, e, c = placed[j]
                s, e = max(s, ps), min(e, pe)
                if s > pos:
                    pieces.append(Piece(text[pos:s]))
                if e > s:
                    m = marks[c.id]
                    pieces.append(
                        Piece(
                            text[s:e],
                            claim=c.id,
                            cls=m.css + ("" if c.id in seen_first else " first"),
                            fids=" ".join(dict.fromkeys(m.fids)),
                            tip=(tips or {}).get(c.id, ""),
                            first=c.id not in seen_first,
                        )
                    )
                    seen_first.add(c.id)
                pos = max(pos, e)
                j += 1
            if pos < pe:
                pieces.append(Piece(text[pos:pe]))
            paragraphs.append(Paragraph(pieces, ps, pe, gap_before=gap))
    unrendered += [c.id for _, _, c in placed if c.id not in seen_first]
    return paragraphs, unrendered


def _jsonable(value: Any) -> Any:
    """Make ``value`` strict-JSON safe: no NaN/Infinity, dates and paths as strings."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "to_json"):
        return _jsonable(value.to_json())
    return str(value)


def json_for_script(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where ``\\u003c`` etc. mean the
    same; so no ``</script>``, ``<!--`` or ``]]>`` can appear. U+2028/2029 are escaped too.
    """
    text = json.dumps(_jsonable(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _bidi_in(doc: Document, paragraphs: list[Paragraph]) -> list[str]:
    """The distinct bidi controls ("U+202E") in a document's shown text, title and source."""
    shown = "".join(p.text for para in paragraphs for p in para.pieces) + (doc.title or "") + (doc.source or "")
    return [f"U+{ord(ch):04X}" for ch in sorted(set(_BIDI.findall(shown)))]


def _plain(value: Any) -> Any:
    """Strings anywhere in ``value`` with their bidi controls made visible (finding details)."""
    if isinstance(value, str):
        return show_bidi_controls(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _readable_sides(details: dict[str, Any]) -> dict[str, Any]:
    """A dispute's two sides (checker/dispute.py) as one line each, "speaker (claim): content", for the detail panel."""
    out = dict(details)
    for side in ("asserting", "denying"):
        entries = out.get(side)
        if isinstance(entries, list) and entries and all(isinstance(e, dict) for e in entries):
            out[side] = " | ".join(f"{e.get('speaker')} ({e.get('claim')}): {e.get('content')}" for e in entries)
    return out


def split_timings(timings: dict[str, Any]) -> tuple[dict[str, float], dict[str, int]]:
    """(durations in seconds, counts): the pipeline keeps both in ``Report.timings`` (stage times
    as floats, ``nli_pairs`` as an int); a count is never printed as seconds."""
    durations: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name, value in timings.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, int):
            counts[name] = value
        elif math.isfinite(value):
            durations[name] = value
    return durations, counts


@dataclass
class GroupMark:
    """One report's marker in a claim-group row: carries the fact, is an odd one out, differs without a majority, or lacks it."""

    label: str
    cls: str  # m-carry | m-odd | m-split | m-absent
    title: str


@dataclass
class GroupView:
    """One row of the consensus view (checker/consensus.py): the fact, one marker per report, the divergences."""

    id: str
    status: str
    support: int
    total: int
    text: str
    marks: list[GroupMark]
    divergences: list[str]


def consensus_view(report: Report, labels: dict[str, str]) -> tuple[list[GroupView], list[tuple[str, int]]]:
    """Rows for the groups carried by two or more reports, and (report label, claims only it makes) per report."""
    texts = {c.id: c.text for d in report.documents for c in d.claims}
    rows = []
    for g in report.consensus:
        if g.status == "single":
            continue
        odd = {v.report: d.aspect for d in g.divergences if d.majority for v in d.odd}
        split = {v.report: d.aspect for d in g.divergences if not d.majority for v in d.odd}
        marks = []
        for doc in report.documents:
            label = labels[doc.id]
            if doc.id in odd:
                marks.append(GroupMark(label, "m-odd", f"{label}: odd one out on a {odd[doc.id]}"))
            elif doc.id in split:
                marks.append(GroupMark(label, "m-split", f"{label}: differs on a {split[doc.id]} (no majority)"))
            elif doc.id in g.reports:
                marks.append(GroupMark(label, "m-carry", f"{label}: carries it"))
            else:
                marks.append(GroupMark(label, "m-absent", f"{label}: does not say it"))
        rows.append(
            GroupView(
                g.id,
                g.status,
                len(g.reports),
                g.total,
                " ".join(texts.get(g.representative, "").split()),
                marks,
                [show_bidi_controls(f"{d.aspect}: {d.message}") for d in g.divergences],
            )
        )
    singles = {d.id: 0 for d in report.documents}
    for g in report.consensus:
        if g.status == "single":
            singles[g.reports[0]] = singles.get(g.reports[0], 0) + 1
    return rows, [(labels[d.id], singles[d.id]) for d in report.documents]


def build_context(report: Report, *, reproducible: bool | None = None) -> dict[str, Any]:
    """Everything the template needs (also what the unit tests inspect).

    ``reproducible`` (default: :func:`reproducible_from_env`) leaves the run's durations out."""
    if reproducible is None:
        reproducible = reproducible_from_env()
    marks = claim_marks(report)
    labels = {d.id: d.id.upper() for d in report.documents}
    claim_doc: dict[str, str] = {}
    for d in report.documents:
        for c in d.claims:
            claim_doc.setdefault(c.id, d.id)

    rule_names = {r.code: r.name for r in RULES}
    tips: dict[str, str] = {}
    for cid, m in marks.items():
        parts = [f"{kind_label(k, labels)} ({r})" for k, r in dict.fromkeys(zip(m.kinds, m.rules))]
        tips[cid] = "; ".join(parts)

    findings_json = []
    doc_findings: dict[str, int] = {d.id: 0 for d in report.documents}
    for f in report.findings:
        docs = list(dict.fromkeys(claim_doc[c] for c in f.claims if c in claim_doc))
        for d in docs:
            doc_findings[d] += 1
        rule = BY_CODE.get(f.rule)
        if rule is None:
            try:
                rule = rule_for_kind(f.kind)
            except KeyError:
                rule = None
        findings_json.append(
            {
                "id": f.id,
                "kind": f.kind,
                "kindLabel": kind_label(f.kind, labels),
                "severity": _severity(f.severity),
                "tone": finding_tone(f),
                "rule": f.rule,
                "ruleName": rule_names.get(f.rule) or (rule.name if rule else ""),
                "message": show_bidi_controls(f.message),
                "claims": list(f.claims),
                "docs": docs,
                "missing": [c for c in f.claims if c not in claim_doc],
                "scores": f.scores,
                "check": f.check,
                "details": _plain(_jsonable(_readable_sides(f.details))),
            }
        )

    docs: list[DocView] = []
    for d in report.documents:
        paragraphs, unrendered = document_paragraphs(d, marks, tips)
        path = str(d.path)
        docs.append(
            DocView(
                id=d.id,
                label=labels[d.id],
                title=d.title,
                source=d.source,
                date=d.date.isoformat() if d.date else None,
                path=path,
                path_name=PurePath(path).name or path,
                format=d.format,
                n_claims=len(d.claims),
                n_findings=doc_findings[d.id],
                paragraphs=paragraphs,
                unrendered=unrendered,
                bidi_controls=_bidi_in(d, paragraphs),
            )
        )

    counts = {s: 0 for s in ("error", "warning", "info")}
    for f in report.findings:
        counts[_severity(f.severity)] += 1
    durations, tallies = split_timings(report.timings)

    data = {
        "version": 1,
        "tool": {"name": "factcheck", "version": __version__},
        "documents": [{**_jsonable(d.to_json()), "label": labels[d.id]} for d in report.documents],
        "findings": findings_json,
        "claimDocs": {cid: claim_doc[cid] for cid in marks if cid in claim_doc},
        "rules": {r.code: {"name": r.name, "kind": r.kind, "summary": r.summary} for r in RULES},
        "models": report.models,
        "timings": dict(tallies) if reproducible else report.timings,
    }
    titles = [d.title or PurePath(str(d.path)).name for d in report.documents]
    groups, singles = consensus_view(report, labels)
    return {
        "groups": groups,
        "singles": singles,
        "page_title": "factcheck: " + " vs ".join(isolated_plain(t) for t in titles if t) if titles else "factcheck report",
        "docs": docs,
        "counts": counts,
        "n_findings": len(report.findings),
        "data": data,
        "data_json": json_for_script(data),
        "marks": marks,
        "models": report.models,
        "durations": {} if reproducible else durations,
        "tallies": tallies,
        "version": __version__,
    }


# --------------------------------------------------------------------------------------------
# rendering


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("checker", "templates"),
        autoescape=True,  # every {{ }} is escaped unless it is Markup we built on purpose
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    env = _env()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    lowered = source.lower()
    if "</style" in lowered or "</script" in lowered or "<!--" in lowered:
        raise ValueError(f"{name} must not contain '</style', '</script' or '<!--'")
    return source


def content_security_policy(css: str, js: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {csp_hash(css)}",
            f"script-src {csp_hash(js)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render_html(report: Report, *, reproducible: bool | None = None) -> str:
    """The report as one self-contained HTML string (``reproducible``: see :func:`build_context`)."""
    css, js = _asset(CSS_PARTIAL), _asset(JS_PARTIAL)
    ctx = build_context(report, reproducible=reproducible)
    ctx.update(css=Markup(css), js=Markup(js), csp=content_security_policy(css, js))
    return _env().get_template(TEMPLATE).render(**ctx)


def write_html(report: Report, path: Path, *, reproducible: bool | None = None) -> None:
    """Write the HTML report to ``path`` atomically (``UsageError`` on an unwritable path)."""
    from checker.output.write import atomic_write_text

    atomic_write_text(Path(path), render_html(report, reproducible=reproducible))
