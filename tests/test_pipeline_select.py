"""select/ignore in the library path use the same rule matching as the CLI (codes and prefixes), plus kinds:
one post-processing step (checker.postprocess) for both."""

from checker.config import Settings
from checker.postprocess import select
from checker.types import Finding, Report


def _findings():
    return [
        Finding("F1", "contradiction", "error", "FC101", "m", ["a1", "b1"]),
        Finding("F2", "agreement", "info", "FC001", "m", ["a2", "b2"]),
        Finding("F3", "numeric_mismatch", "error", "FC201", "m", ["a3", "b3"]),
    ]


def _rules(**kw):
    return [f.rule for f in select(Report([], _findings()), Settings(**kw)).findings]


def test_select_and_ignore_by_code_prefix_and_kind():
    assert _rules() == ["FC101", "FC001", "FC201"]
    assert _rules(select=["FC101"]) == ["FC101"]
    assert _rules(select=["FC1", "FC2"]) == ["FC101", "FC201"]
    assert _rules(select=["contradiction"]) == ["FC101"]
    assert _rules(ignore=["FC0"]) == ["FC101", "FC201"]
    assert _rules(ignore=["numeric_mismatch"]) == ["FC101", "FC001"]
    assert _rules(select=["FC1", "FC2"], ignore=["FC201"]) == ["FC101"]
