"""The editor-written expectations in fixtures/expected/*.json, held as tests on real article pairs
(the Riyadh pair and four PAC story pairs): nothing listed under must_not_report may be reported,
no error or warning may fall outside the expectations (precision), and what the checker finds today
stays found (a recall floor; scripts/bench_findings.py measures the full recall)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bench_findings  # noqa: E402

SPECS = sorted((ROOT / "fixtures" / "expected").glob("*.json"))

# must_report items found with the shipped models (kind, a-anchor prefix); losing one is a regression.
FOUND_TODAY = {
    "riyadh": [("disputed", 'the false claim that Ukraine "started" the war'), ("disputed", "supposed responsibility"), ("different_time", "will meet in Riyadh on Tuesday")],
    # the party label (checker.judge.party_labels): NBC's "D-Conn." vs the Examiner's "R-CT"
    "story-101-senate-gun-bill": [("contradiction", "Chris Murphy (R-CT)")],
    "story-107-title-42": [("agreement", None), ("attributed_disagreement", "Title 42 has nothing to do with public health")],
    "story-109-guns-and-the-constitution": [("quote_mismatch", "when in God's name will we stand up")],
    # the second one needs the aligned pairs in the dispute pool (checker/dispute.py: candidates)
    "story-99-cook-inlet-lease": [
        ("agreement", None),
        ("attributed_disagreement", "Due to lack of industry interest in leasing"),
        ("attributed_disagreement", "received no comments indicating specific company interest"),
    ],
}


@pytest.fixture(scope="module", params=SPECS, ids=[s.stem for s in SPECS])
def result(request):
    from checker.config import Settings

    return bench_findings.run_pair(request.param, Settings())


def test_anchors_exist(result):
    assert not [it.problems for it in result["items"] if it.problems]


def test_no_must_not_report_item_is_reported(result):
    violated = [(it.kind, it.label()) for it in result["items"] if it.section == "must_not_report" and result["hits"][id(it)]]
    assert violated == []


# The pairs whose expectations were held before issue 14: not one unexpected error or warning. The 13 PAC dev
# stories added with issue 14 are held to that target instead: at most one per pair.
STRICT = {"riyadh", "story-101-senate-gun-bill", "story-107-title-42", "story-116-house-gun-bill", "story-99-cook-inlet-lease"}


def test_every_error_or_warning_is_expected(result):
    unexpected = [f.message for f in result["report"].findings if f.severity in ("error", "warning") and not result["verdict"][f.id]["must_report"]]
    assert len(unexpected) <= (0 if result["name"] in STRICT else 1), unexpected


def test_recall_floor(result):
    found = [(it.kind, it.label()) for it in result["items"] if it.section == "must_report" and result["hits"][id(it)]]
    for kind, anchor in FOUND_TODAY.get(result["name"], []):
        assert any(k == kind and (anchor is None or anchor in label) for k, label in found), (kind, anchor, found)
