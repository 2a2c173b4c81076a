"""``factcheck check``: judge a draft against its sources (or against itself) before it is published.

``compare`` treats its documents as peers; an editor at a desk asks a narrower question — is every
sentence of *my draft* supported by the sources, and does any of it contradict them? So check mode
runs the same machinery as compare (:func:`checker.pipeline.compare_documents`: alignment, NLI in
both directions, time/number/entity/attribution checks) with three differences:

* only draft-to-source pairs are aligned and judged (sources are not checked against each other;
  neither are two drafts);
* a draft claim with no counterpart in any source is ``unsupported`` (FC302, warning) instead of
  ``only_in`` (info), and what only a source says is not reported — a draft need not repeat it;
* every finding points at the draft first (its primary location is a draft line), then the sources.

Without sources, a draft is checked against itself: each claim is aligned with the claims of the
same document except itself and its immediate neighbours (a sentence and the one elaborating it are
not two claims about the same thing), and only conflicts are reported (restating the lede is not a
finding).

Drafts are documents ``a``, ``b``, ... in the order given, then the sources; beyond 26 documents
the ids continue ``aa``, ``ab``, ... so any number of drafts is checked in one run, with each
source loaded and embedded once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.rules import BY_CODE
from checker.types import SEVERITY_RANK, Claim, Document, Finding, Report

if TYPE_CHECKING:
    from checker.align import Alignment
    from checker.config import Settings
    from checker.pipeline import Progress

UNSUPPORTED = BY_CODE["FC302"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def doc_id(n: int) -> str:
    """a..z, then aa, ab, ... (claim ids stay unique: a letter never follows a claim number)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = _LETTERS[r] + out
    return out


def check_draft(draft: Path, sources: Sequence[Path], *, dates: Sequence[date | None] | None = None, settings: Settings | None = None,
                progress: Progress | None = None) -> Report:
    """One draft (document ``a``) against ``sources`` (or against itself when there are none).

    ``dates``: one publication date (or None) per document, the draft first, as in ``compare_paths``.
    """
    return check_drafts([draft], sources, dates=dates, settings=settings, progress=progress)


def check_drafts(drafts: Sequence[Path], sources: Sequence[Path], *, dates: Sequence[date | None] | None = None,
                 settings: Settings | None = None, progress: Progress | None = None) -> Report:
    """Every draft against the same sources, in one run (see the module docstring)."""
    from checker.config import Settings
    from checker.errors import UsageError
    from checker.pipeline import compare_documents

    if not drafts:
        raise UsageError("check needs at least one draft")
    settings = settings or Settings()
    paths = [Path(p) for p in (*drafts, *sources)]
    seen: dict[Path, Path] = {}
    for p in paths:
        if p.resolve() in seen:
            raise UsageError(f"{p} is given twice (as a draft and a source, or twice as either)")
        seen[p.resolve()] = p
    docs = _load(paths, list(dates) if dates else [None] * len(paths), settings)
    drafts_docs, source_docs = docs[: len(drafts)], docs[len(drafts) :]
    aligner = _against_sources(drafts_docs, source_docs) if source_docs else _within_documents
    # select/ignore are applied after only_in findings become unsupported ones, so that
    # ignore = ["FC301"] in a config file does not hide unsupported draft claims.
    judged = compare_documents(docs, dataclasses.replace(settings, select=[], ignore=[]), progress, aligner=aligner)
    return _draft_findings(judged, {d.id for d in drafts_docs}, against_sources=bool(source_docs), settings=settings)


def _load(paths: list[Path], dates: list[date | None], settings: Settings) -> list[Document]:
    from checker.pipeline import load_documents

    docs = []
    for i, (path, when) in enumerate(zip(paths, dates)):
        doc = load_documents([path], [when], settings)[0]
        _relabel(doc, doc_id(i))
        docs.append(doc)
    return docs


def _relabel(doc: Document, new_id: str) -> None:
    doc.id = new_id
    for claim in doc.claims:
        claim.doc, claim.id = new_id, f"{new_id}{claim.index + 1}"


# -- alignment ----------------------------------------------------------------------------------


def _against_sources(drafts: list[Document], sources: list[Document]):
    """An aligner pairing each draft with the sources only (compare's rule per draft/source pair)."""
    from checker.align import Alignment, align

    def aligner(docs: list[Document], vectors: dict[str, Any], *, top_k: int, min_similarity: float) -> Alignment:
        candidates, best, unmatched = [], {}, []
        for draft in drafts:
            # draft first: every candidate's .a is the draft claim
            found = align([draft, *sources], vectors, top_k=top_k, min_similarity=min_similarity)
            candidates += [c for c in found.candidates if c.a.doc == draft.id]
            best.update({c.id: found.best[c.id] for c in draft.claims if c.id in found.best})
            unmatched += [c for c in found.unmatched if c.doc == draft.id]
        return Alignment(candidates, best, unmatched)

    return aligner


def _within_documents(docs: list[Document], vectors: dict[str, Any], *, top_k: int, min_similarity: float) -> Alignment:
    """Claims of each document against the same document, skipping a claim's own neighbours."""
    import numpy as np

    from checker.align import Alignment, Candidate

    pairs: dict[tuple[str, str], Candidate] = {}
    for doc in docs:
        claims = doc.claims
        if len(claims) < 3:
            continue
        v = np.stack([vectors[c.id] for c in claims])
        sim = v @ v.T
        for r, claim in enumerate(claims):
            ranked = [c for c in np.argsort(-sim[r], kind="stable") if abs(int(c) - r) > 1]
            for rank, c in enumerate(ranked[:top_k], start=1):
                s = float(sim[r, c])
                if s < min_similarity:
                    break
                a, b = (claim, claims[c]) if r < c else (claims[c], claim)
                key = (a.id, b.id)
                if key not in pairs or rank < pairs[key].rank:
                    pairs[key] = Candidate(a, b, s, rank)
    candidates = sorted(pairs.values(), key=lambda c: (c.a.doc, c.a.index, c.b.index))
    return Alignment(candidates, {}, [])


# -- findings -----------------------------------------------------------------------------------


def _draft_findings(report: Report, draft_ids: set[str], *, against_sources: bool, settings: Settings) -> Report:
    """compare's findings re-read from the draft's side: see the module docstring."""
    from checker.config import rule_enabled

    claims: dict[str, Claim] = {c.id: c for d in report.documents for c in d.claims}
    order = {cid: n for n, cid in enumerate(claims)}
    out: list[Finding] = []
    for finding in report.findings:
        ids = [c for c in finding.claims if c in claims]
        drafted = [c for c in ids if claims[c].doc in draft_ids]
        if not drafted:
            continue  # only about the sources
        home = claims[drafted[0]].doc
        # the draft first; never another draft's claims (a dispute marker may link across documents)
        linked = [c for c in ids if claims[c].doc == home] + [c for c in ids if claims[c].doc not in draft_ids]
        if finding.kind.startswith("only_in_"):
            if not against_sources:
                continue
            finding = _unsupported(finding, claims[drafted[0]])
        elif finding.kind == "agreement" and not against_sources:
            continue  # a draft restating itself is not a finding
        if rule_enabled(finding.rule, settings.select, settings.ignore):
            out.append(dataclasses.replace(finding, claims=linked))
    out.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, [order.get(c, 0) for c in f.claims]))
    out = [dataclasses.replace(f, id=f"F{i}") for i, f in enumerate(out, start=1)]
    return dataclasses.replace(report, findings=out)


def _unsupported(finding: Finding, claim: Claim) -> Finding:
    text = " ".join(claim.text.split())
    short = text if len(text) <= 90 else text[:89].rstrip() + "…"
    return dataclasses.replace(finding, kind=UNSUPPORTED.kind, rule=UNSUPPORTED.code, severity=UNSUPPORTED.severity,  # type: ignore[arg-type]
                               message=f"no source supports {claim.id}: {short}")
