"""The alignment rule, on hand-made unit vectors (no model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from checker.align import align
from checker.types import Claim, Document


def _doc(doc_id: str, n: int) -> Document:
    d = Document(doc_id, Path(f"{doc_id}.txt"), "x" * 100, [(0, 100)])
    d.claims = [Claim(f"{doc_id}{i + 1}", doc_id, i, i, i + 1, f"claim {doc_id}{i + 1}") for i in range(n)]
    return d


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_candidates_are_top_k_above_threshold_from_both_sides():
    a, b = _doc("a", 2), _doc("b", 3)
    vectors = {
        "a1": _unit(1, 0, 0),
        "a2": _unit(0, 1, 0),
        "b1": _unit(1, 0.1, 0),
        "b2": _unit(1, 0.6, 0),
        "b3": _unit(0, 0, 1),
    }
    result = align([a, b], vectors, top_k=1, min_similarity=0.55, only_in_below=0.45)
    pairs = {(c.a.id, c.b.id): c for c in result.candidates}
    # a1's best is b1; b2's best (from b's side) is a1 too; a2 matches b2 weakly (0.51 < 0.55): not a candidate
    assert set(pairs) == {("a1", "b1"), ("a1", "b2")}
    assert pairs[("a1", "b1")].rank == 1
    assert [c.id for c in result.unmatched] == ["b3"]
    assert result.best["a2"][0] == "b2"


def test_headings_are_never_only_in():
    a, b = _doc("a", 1), _doc("b", 1)
    b.claims[0].is_heading = True
    vectors = {"a1": _unit(1, 0), "b1": _unit(0, 1)}
    result = align([a, b], vectors)
    assert [c.id for c in result.unmatched] == ["a1"]
    assert result.candidates == []


def test_three_documents_are_aligned_pairwise():
    docs = [_doc("a", 1), _doc("b", 1), _doc("c", 1)]
    v = _unit(1, 0)
    result = align(docs, {"a1": v, "b1": v, "c1": v})
    assert {(c.a.id, c.b.id) for c in result.candidates} == {("a1", "b1"), ("a1", "c1"), ("b1", "c1")}
    assert result.unmatched == []
