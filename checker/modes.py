"""Modes of judgement as policy hooks (:class:`checker.policy.Mode`): which pairs are judged, and what a
claim without a counterpart means. The rules of :mod:`checker.judge` are the same in every mode.

* **compare** (:class:`checker.policy.Mode`): reports as peers; every pair of documents is aligned,
  and a claim no other report makes is ``only_in_<doc>`` (FC301, info).
* **check** (:class:`CheckMode`): drafts against sources. Only draft-to-source pairs are aligned
  (sources are not checked against each other, nor two drafts); a draft claim with no counterpart in
  any source is FC302 unsupported (warning); what only a source says is not reported (a draft need
  not repeat it); every finding points at the draft first, then the sources, never another draft.
  Without sources each draft is checked against itself: a claim is aligned with the claims of the
  same document except itself and its immediate neighbours (a sentence and the one elaborating it
  are not two claims about the same thing), and only conflicts are reported (restating the lede is
  not a finding).
* **score** (:mod:`checker.score`): one claim against one source; its own hook, ``support_threshold``,
  decides FC302 through :func:`checker.judge.unsupported`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.align import Alignment, Candidate, align
from checker.judge import unsupported
from checker.policy import Draft, Mode, short
from checker.types import Claim, Document

if TYPE_CHECKING:
    from checker.config import Settings


class CheckMode(Mode):
    """``factcheck check``: documents ``drafts`` (ids) against the others (see the module docstring)."""

    name = "check"

    def __init__(self, docs: list[Document], drafts: int) -> None:
        self.drafts = docs[:drafts]
        self.sources = docs[drafts:]
        self.draft_ids = {d.id for d in self.drafts}
        self.against_sources = bool(self.sources)
        self.doc_of: dict[str, str] = {c.id: d.id for d in docs for c in d.claims}

    def align(self, docs: list[Document], vectors: dict[str, Any], settings: Settings) -> Alignment:
        if self.against_sources:
            return against_sources(self.drafts, self.sources, vectors, settings)
        return within_documents(docs, vectors, top_k=settings.align_top_k, min_similarity=settings.align_min_similarity)

    def unmatched(self, claim: Claim, best: tuple[str, float] | None) -> Draft | None:
        if not self.against_sources or claim.doc not in self.draft_ids:
            return None
        return unsupported(
            claim, short(claim.text), check="alignment", scores={"best_similarity": round(best[1], 4)} if best else {}, details={"best_match": best[0] if best else None}
        )

    def adjust(self, draft: Draft) -> Draft | None:
        drafted = [c for c in draft.claims if self.doc_of.get(c) in self.draft_ids]
        if not drafted:
            return None  # only about the sources
        if draft.kind == "agreement" and not self.against_sources:
            return None  # a draft restating itself is not a finding
        home = self.doc_of[drafted[0]]
        # the draft first; never another draft's claims (a dispute marker may link across documents)
        draft.claims = [c for c in draft.claims if self.doc_of.get(c) == home] + [c for c in draft.claims if self.doc_of.get(c) not in self.draft_ids]
        return draft


def against_sources(drafts: list[Document], sources: list[Document], vectors: dict[str, Any], settings: Settings) -> Alignment:
    """Each draft with the sources only (compare's alignment rule per draft/source pair); ``.a`` is the draft claim."""
    candidates: list[Candidate] = []
    best: dict[str, tuple[str, float]] = {}
    unmatched: list[Claim] = []
    for draft in drafts:
        found = align([draft, *sources], vectors, top_k=settings.align_top_k, min_similarity=settings.align_min_similarity, only_in_below=settings.align_only_in_below)
        candidates += [c for c in found.candidates if c.a.doc == draft.id]
        best.update({c.id: found.best[c.id] for c in draft.claims if c.id in found.best})
        unmatched += [c for c in found.unmatched if c.doc == draft.id]
    return Alignment(candidates, best, unmatched)


def within_documents(docs: list[Document], vectors: dict[str, Any], *, top_k: int, min_similarity: float) -> Alignment:
    """Claims of each document against the same document, skipping a claim's own neighbours."""
    import numpy as np

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
