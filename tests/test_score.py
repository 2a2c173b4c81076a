"""checker.score: one claim (or summary) against one document, with the check machinery."""

from __future__ import annotations

import pytest

from checker.errors import InputError
from checker.score import Weights, score_claim, score_claims
from conftest import AFP

DOC = AFP.read_text(encoding="utf-8")

COPIED = "U.S. and Russian officials are due to meet in Saudi Arabia's capital on Tuesday."
WRONG_PLACE = "U.S. and Russian officials are due to meet in Istanbul on Tuesday."
WRONG_YEAR = "Moscow invaded Ukraine in February 2019."
NEW_FIGURE = "The talks collapsed after 35 diplomats walked out."
TWO_TRUE = "Delegations from the two sides will meet in Riyadh on Tuesday, a source told AFP. Rubio and Lavrov led the delegations a week ago."


@pytest.fixture(scope="module")
def verdicts(nli):
    claims = [COPIED, WRONG_PLACE, WRONG_YEAR, NEW_FIGURE, TWO_TRUE, f"{TWO_TRUE} {NEW_FIGURE}"]
    return dict(zip(claims, score_claims([(c, DOC) for c in claims])))


def test_a_sentence_copied_from_the_source_is_consistent_and_points_at_it(verdicts):
    v = verdicts[COPIED]
    assert v.consistent and v.score > 0.5
    assert not v.findings and not v.warnings
    ev = v.sentences[0].evidence
    assert COPIED.rstrip(".") in DOC[ev.start : ev.end]
    assert ev.entailment > 0.5


UNSUPPORTED = ("FC302", "unsupported", "warning")
CONTRADICTED = ("FC101", "contradiction", "error")


@pytest.mark.parametrize(
    ("claim", "flag", "finding", "message"),
    [
        # the source says the officials meet in "Saudi Arabia's capital": the model reads Istanbul as contradicted
        (WRONG_PLACE, "name_not_in_source: Istanbul", CONTRADICTED, "contradict each other: 'U.S. and Russian officials are due to meet in Istanbul"),
        (NEW_FIGURE, "number_not_in_source: 35 diplomats", UNSUPPORTED, "number_not_in_source: 35 diplomats"),
        (WRONG_YEAR, "date_not_in_source: February 2019", UNSUPPORTED, "date_not_in_source: February 2019"),
    ],
)
def test_a_name_figure_or_date_the_source_never_mentions_is_flagged_and_the_claim_fails(verdicts, claim, flag, finding, message):
    v = verdicts[claim]
    assert not v.consistent
    assert flag in v.sentences[0].flags
    assert v.score <= Weights().unsupported_cap
    assert [(f.rule, f.kind, f.severity) for f in v.findings] == [finding]
    assert message in v.findings[0].message


def test_a_summary_is_as_consistent_as_its_weakest_sentence(verdicts):
    good, mixed = verdicts[TWO_TRUE], verdicts[f"{TWO_TRUE} {NEW_FIGURE}"]
    assert good.consistent and len(good.sentences) == 2
    assert not mixed.consistent and len(mixed.sentences) == 3
    assert mixed.score == min(s.score for s in mixed.sentences) == mixed.sentences[2].score
    # one false sentence is not averaged away by two true ones
    assert [s.score for s in mixed.sentences[:2]] == [s.score for s in good.sentences]
    assert [f.claims for f in mixed.findings] == [["a3"]]


def test_scores_do_not_depend_on_batching(verdicts):
    alone = score_claim(WRONG_PLACE, DOC)
    assert alone.score == verdicts[WRONG_PLACE].score
    assert [s.evidence for s in alone.sentences] == [s.evidence for s in verdicts[WRONG_PLACE].sentences]


def test_the_threshold_comes_from_settings(verdicts):
    from checker.config import Settings

    v = score_claim(COPIED, DOC, settings=Settings(support_threshold=0.99))
    assert v.threshold == 0.99 and not v.consistent
    assert v.score == verdicts[COPIED].score


def test_a_long_document_sentence_is_read_in_overlapping_pieces_not_cut(nli):
    filler = " ".join(f"item{n}" for n in range(400))
    doc = f"The council approved the budget on Monday. The list read {filler} and the last entry was the harbour bridge."
    v = score_claim("The last entry was the harbour bridge.", doc)
    ev = v.sentences[0].evidence
    assert "harbour bridge" in ev.text and len(ev.text.split()) < 200
    assert not v.warnings


def test_a_claim_sentence_longer_than_the_model_reads_is_warned_about(nli):
    claim = "The council approved " + ", ".join(f"project {n}" for n in range(120)) + "."
    v = score_claim(claim, "The council approved the budget on Monday.")
    assert v.warnings == ["claim sentence 1 is longer than the NLI model reads (128 tokens); its end was cut"]


@pytest.mark.parametrize(("claim", "doc", "message"), [("", DOC, "item 1: the claim is empty"), ("A claim.", "   \n", "item 1: the document is empty")])
def test_empty_inputs_are_refused_with_one_line(claim, doc, message):
    with pytest.raises(InputError, match=f"^{message}$"):
        score_claim(claim, doc)


def test_figures_dates_and_names_the_source_writes_differently_are_not_flagged(nli):
    doc = "Bird flu was not deemed a threat to humans until a 1997 outbreak in Hong Kong. The European Commission said 1,200 birds were culled."
    v = score_claim("Bird flu was not deemed a threat to humans until 1997. The European Union's Commission said 1200 birds were culled.", doc)
    assert [s.flags for s in v.sentences] == [[], []]
    v = score_claim("Bird flu was not deemed a threat to humans until 1998.", doc)
    assert v.sentences[0].flags == ["date_not_in_source: until 1998"]  # the period, named as written
