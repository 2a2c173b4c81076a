"""Alignment: which claim in one report talks about the same thing as which claim in another.

The rule (tested in tests/test_align.py):

* Claims are embedded with the sentence-embedding model (cosine similarity of unit vectors).
* For every ordered pair of documents, a claim's *candidates* are its ``top_k`` most similar
  claims in the other document whose similarity is at least ``min_similarity``. Candidates are
  taken from both sides and merged, so a pair is judged if either claim ranks the other in its top k.
  Only candidate pairs reach the NLI model: that is what keeps the model calls at a few per claim
  instead of all pairs (SummaC-style all-pairs scoring makes 1,620 calls on the fixtures).
* A claim whose best similarity to every other document is below ``only_in_below`` has no
  counterpart: it becomes an only_in finding. Headings are aligned but never reported as only_in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.types import Claim, Document


@dataclass(frozen=True)
class Candidate:
    a: Claim
    b: Claim
    similarity: float
    rank: int  # 1 = the best match of at least one of the two claims


@dataclass
class Alignment:
    candidates: list[Candidate]
    best: dict[str, tuple[str, float]]  # claim id -> (best counterpart id in any other doc, similarity)
    unmatched: list[Claim]


def align(docs: list[Document], vectors: dict[str, Any], *, top_k: int = 3, min_similarity: float = 0.45, only_in_below: float = 0.40) -> Alignment:
    """Build candidate pairs across every pair of documents from claim vectors (id -> unit vector)."""
    import numpy as np

    pairs: dict[tuple[str, str], Candidate] = {}
    best: dict[str, tuple[str, float]] = {}
    for i, doc_a in enumerate(docs):
        for doc_b in docs[i + 1 :]:
            if not doc_a.claims or not doc_b.claims:
                continue
            va = np.stack([vectors[c.id] for c in doc_a.claims])
            vb = np.stack([vectors[c.id] for c in doc_b.claims])
            sim = va @ vb.T
            for side, matrix, rows, cols in ((0, sim, doc_a.claims, doc_b.claims), (1, sim.T, doc_b.claims, doc_a.claims)):
                for r, claim in enumerate(rows):
                    order = np.argsort(-matrix[r], kind="stable")
                    top = order[0]
                    if claim.id not in best or matrix[r, top] > best[claim.id][1]:
                        best[claim.id] = (cols[top].id, float(matrix[r, top]))
                    for rank, c in enumerate(order[:top_k], start=1):
                        s = float(matrix[r, c])
                        if s < min_similarity:
                            break
                        a, b = (claim, cols[c]) if side == 0 else (cols[c], claim)
                        key = (a.id, b.id)
                        if key not in pairs or rank < pairs[key].rank:
                            pairs[key] = Candidate(a, b, s, rank)
    unmatched = [c for d in docs for c in d.claims if not c.is_heading and best.get(c.id, ("", -1.0))[1] < only_in_below]
    candidates = sorted(pairs.values(), key=lambda c: (c.a.doc, c.a.index, c.b.doc, c.b.index))
    return Alignment(candidates, best, unmatched)
