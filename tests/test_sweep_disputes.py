"""scripts/sweep_disputes.py: re-judging recorded dispute candidates under other thresholds and budgets,
counted as bench_findings counts them (on story 107's Title 42 claims, NLI scores given, no model)."""

from __future__ import annotations

import sys

import pytest

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from bench_findings import Item  # noqa: E402
from sweep_disputes import Recorded, evaluate  # noqa: E402

STORY_107 = [FIXTURES / "pac" / "story-107-new-york-post.txt", FIXTURES / "pac" / "story-107-nbc-news.txt"]
ONE_WAY = ({"entailment": 0.05, "neutral": 0.55, "contradiction": 0.40}, {"entailment": 0.01, "neutral": 0.04, "contradiction": 0.95})  # a->b weak, b->a strong


@pytest.fixture(scope="module")
def run():
    from checker.dispute import Candidate, content_of
    from checker.pipeline import analyse, load_documents

    docs = load_documents(STORY_107)
    analyse(docs)
    claims = {c.id: c for d in docs for c in d.claims}
    (x,) = [c for c in claims.values() if "Title 42 is a public health directive" in c.text]
    (y,) = [c for c in claims.values() if "Title 42 has nothing to do with public health" in c.text]
    (z,) = [c for c in claims.values() if "Plans to end Title 42 were first reported" in c.text]
    items = [
        Item.parse("must_report", 0, {"kind": "attributed_disagreement", "a": "public health directive", "b": "nothing to do with public health"}),
        Item.parse("must_not_report", 0, {"kind": "disputed", "alt_kinds": ["contradiction", "attributed_disagreement"], "a": "public health directive", "b": "first reported"}),
    ]
    judged = [
        Recorded(Candidate(x, y, 0.7, 0.3, ("health",), 1.0), *ONE_WAY, free=True),
        Recorded(Candidate(x, z, 0.5, 0.1, ("title",), 0.1), *ONE_WAY, free=False),
    ]
    return {"items": items, "claims": claims, "contents": {c.id: content_of(c) for c in claims.values()}, "judged": judged, "others": [], "n_aligned": 1}


def test_a_lower_reverse_threshold_finds_the_dispute_and_the_trap(run):
    from checker.config import Settings

    strict = evaluate([run], Settings(), budget=1.0)  # reverse 0.40 < 0.50: nothing
    loose = evaluate([run], Settings(dispute_reverse_contradiction=0.3), budget=1.0)
    assert (strict["found"], strict["total"], strict["violations"]) == (0, 1, 0)
    assert (loose["found"], loose["violations"], loose["error_violations"], loose["new_matched"]) == (1, 1, 0, 1)
    assert loose["calls"] == 2  # the aligned pair's calls were already made


def test_the_budget_cuts_the_pool_in_its_recorded_order(run):
    from checker.config import Settings

    s = Settings(dispute_reverse_contradiction=0.3, dispute_min_pairs=0)
    assert evaluate([run], s, budget=0.0)["violations"] == 0  # no budget: only the free aligned pair is judged
    assert evaluate([run], s, budget=0.0)["found"] == 1
    assert evaluate([run], s, budget=1.0)["violations"] == 1
