"""The dispute stage (checker/dispute.py, issue 14) on real fixture sentences: who asserts, who denies, and where.

The end-to-end cases run the seed pair (FT 17 Feb / AFP 24 Feb 2025) with the shipped models; the rule's
direction and attribution logic is also pinned on real claims of the Title 42 pair (story 107) with the
NLI scores given, so that what the policy does with a score is tested apart from what a model says.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from checker.config import Settings
from checker.dispute import Candidate, content_of, disputed_proposition, judge_dispute, refutes
from conftest import AFP, FIXTURES, FT

STORY_107 = [FIXTURES / "pac" / "story-107-new-york-post.txt", FIXTURES / "pac" / "story-107-nbc-news.txt"]


@pytest.fixture(scope="module")
def riyadh():
    from checker.pipeline import compare_paths

    return compare_paths([FT, AFP], dates=[date(2025, 2, 17), None])


@pytest.fixture(scope="module")
def title42():
    """Story 107's documents, segmented and analysed (attribution), no model."""
    from checker.pipeline import analyse, load_documents

    docs = load_documents(STORY_107)
    analyse(docs)
    return {c.id: c for d in docs for c in d.claims}


def _claim(claims, fragment):
    found = [c for c in claims.values() if fragment in c.text]
    assert len(found) == 1, fragment
    return found[0]


def _started_the_war(report):
    found = [f for f in report.findings if f.kind == "disputed" and any('the false claim that Ukraine "started" the war' in report.claim(c).text for c in f.claims)]
    assert len(found) == 1
    return found[0]


# -- the seed pair, end to end --------------------------------------------------------------------


def test_started_the_war_is_linked_across_the_two_reports(riyadh):
    """AFP's 'the false claim that Ukraine "started" the war' links Trump's quote (AFP) and the FT's
    reporting of Russia's invasion of Ukraine, which denies the disputed proposition."""
    f = _started_the_war(riyadh)
    assert f.details["proposition"] == "Ukraine started the war."
    denying = {e["claim"]: e for e in f.details["denying"]}
    ft = [riyadh.claim(c) for c in denying if c.startswith("a")]
    assert any("in response to its invasion of Ukraine" in c.text for c in ft)
    assert all(c in f.claims for c in denying)  # the linked claims are the finding's claims (shown and matched)
    asserting = f.details["asserting"]
    assert any(e["speaker"] == "Trump" and "You should have never started it." in riyadh.claim(e["claim"]).text for e in asserting)
    assert "across reports" in f.message and "(the reporter)" in f.message


def test_supposed_responsibility_is_linked_too(riyadh):
    found = [f for f in riyadh.findings if f.kind == "disputed" and any("supposed responsibility" in riyadh.claim(c).text for c in f.claims)]
    assert len(found) == 1 and found[0].details["proposition"] == "Ukraine's responsibility for starting the war."
    assert any(e["doc"] == "a" for e in found[0].details["denying"])


def test_the_tempting_non_conflicts_stay_silent(riyadh):
    """Rubio's 'Ukraine will have to be involved' vs AFP's 'without the involvement of European nations and
    Ukraine' (two officials' views, not a conflict) and the 2014 vs 2022 invasions are no dispute."""
    for a, b in (("Ukraine will have to be involved", "without the involvement of European nations and Ukraine"), ("initial invasion in 2014", "Feb. 2022")):
        linked = [f for f in riyadh.findings if f.check == "dispute" and {a, b} <= {frag for c in f.claims for frag in (a, b) if frag in riyadh.claim(c).text}]
        assert linked == [], [f.message for f in linked]
    assert [f.message for f in riyadh.findings if f.check == "dispute" and f.severity == "error"] == []


def test_the_stage_stays_within_its_nli_budget(riyadh):
    """At most as many added NLI calls as the aligned pairs made (so <= 2x the calls of a run without it)."""
    assert 0 < riyadh.timings["dispute_nli_pairs"] <= riyadh.timings["nli_pairs"]


def test_both_sides_in_the_terminal_json_and_html(riyadh):
    from io import StringIO

    from rich.console import Console

    from checker.output.html_report import render_html
    from checker.output.json_format import report_to_json
    from checker.output.terminal import render_text

    f = _started_the_war(riyadh)
    out = StringIO()
    render_text(riyadh, Console(file=out, width=200, color_system=None), show_info=True)
    text = out.getvalue()
    assert re.search(r"asserts +Trump \(b\d+\): ", text) and re.search(r"denies +the reporter \(a\d+\): ", text), text
    data = report_to_json(riyadh)
    as_json = next(x for x in data["findings"] if x["id"] == f.id)
    assert as_json["details"]["denying"][0]["speaker"] in ("the reporter", "Rubio")
    html = render_html(riyadh, reproducible=True)
    assert "its invasion of Ukraine" in html and json.dumps("denying")[1:-1] in html


# -- the rule, on real claims with given scores --------------------------------------------------------


def test_dispute_markers_name_their_proposition(title42):
    c = _claim(title42, "Title 42 has nothing to do with public health")
    assert refutes(c) and c.speaker == "Noah Gottschalk"
    assert "Title 42 has nothing to do with public health" in content_of(c) and "said Noah Gottschalk" not in content_of(c)
    assert not refutes(_claim(title42, "Title 42 is a public health directive"))


def test_disputed_proposition_from_afp_sentences():
    from checker.pipeline import analyse, load_documents

    (afp,) = load_documents([AFP])
    analyse([afp])
    props = {c.id: disputed_proposition(c) for c in afp.claims if disputed_proposition(c)}
    assert sorted(props.values()) == ["Ukraine started the war.", "Ukraine's responsibility for starting the war."]


def _cand(x, y, similarity=0.65):
    return Candidate(x, y, similarity, 0.3, ("health",), 1.0)


def test_speaker_against_speaker_is_an_attributed_disagreement_with_the_denier_named(title42):
    """Gottschalk's 'nothing to do with public health' (a refutation cue) denies Bedingfield's 'a public
    health directive': the denier is the side with the cue, even though the stronger score runs the other way."""
    x = _claim(title42, "Title 42 is a public health directive")
    y = _claim(title42, "Title 42 has nothing to do with public health")
    contents = {c.id: content_of(c) for c in (x, y)}
    ab = {"entailment": 0.02, "neutral": 0.03, "contradiction": 0.95}
    ba = {"entailment": 0.02, "neutral": 0.06, "contradiction": 0.92}
    draft = judge_dispute(_cand(x, y), ab, ba, contents, Settings())
    assert draft is not None and draft.kind == "attributed_disagreement"
    assert draft.details["denying"][0]["speaker"] == "Noah Gottschalk" and draft.details["asserting"][0]["speaker"] == "Bedingfield"


def test_one_direction_alone_or_an_entailment_stays_silent(title42):
    x = _claim(title42, "Title 42 is a public health directive")
    y = _claim(title42, "Title 42 has nothing to do with public health")
    contents = {c.id: content_of(c) for c in (x, y)}
    s = Settings()
    one_way = judge_dispute(_cand(x, y), {"entailment": 0.02, "neutral": 0.03, "contradiction": 0.95}, {"entailment": 0.1, "neutral": 0.85, "contradiction": 0.05}, contents, s)
    entailed = judge_dispute(_cand(x, y), {"entailment": 0.3, "neutral": 0.0, "contradiction": 0.7}, {"entailment": 0.02, "neutral": 0.0, "contradiction": 0.98}, contents, s)
    assert one_way is None and entailed is None


def test_a_one_sided_reporter_contradiction_is_a_lead_not_an_alert(title42):
    x = _claim(title42, "multiple state and federal court rulings have kept the policy in place")
    y = _claim(title42, "Plans to end Title 42 were first reported by the Wall Street Journal")
    assert not x.attributed and not y.attributed
    contents = {c.id: content_of(c) for c in (x, y)}
    draft = judge_dispute(
        _cand(x, y), {"entailment": 0.01, "neutral": 0.04, "contradiction": 0.95}, {"entailment": 0.05, "neutral": 0.4, "contradiction": 0.55}, contents, Settings()
    )
    assert draft is not None and draft.kind == "contradiction" and draft.severity == "info"
    as_warning = judge_dispute(
        _cand(x, y),
        {"entailment": 0.01, "neutral": 0.04, "contradiction": 0.95},
        {"entailment": 0.05, "neutral": 0.4, "contradiction": 0.55},
        contents,
        Settings(dispute_severity="warning"),
    )
    both_ways = judge_dispute(
        _cand(x, y), {"entailment": 0.01, "neutral": 0.04, "contradiction": 0.95}, {"entailment": 0.01, "neutral": 0.1, "contradiction": 0.89}, contents, Settings()
    )
    assert as_warning.severity == "warning" and both_ways.severity is None  # None: the kind's own, error for FC101
    # the same scores between claims that only share a topic (similarity under nli_min_similarity): still a lead
    # (story 105 with a stronger model: "bans from 16 states have been blocked" vs "16 states have protected access", 0.49)
    topic_only = judge_dispute(
        _cand(x, y, similarity=0.49),
        {"entailment": 0.01, "neutral": 0.04, "contradiction": 0.95},
        {"entailment": 0.01, "neutral": 0.1, "contradiction": 0.89},
        contents,
        Settings(),
    )
    assert topic_only is not None and topic_only.kind == "contradiction" and topic_only.severity == "info"


# -- aligned pairs no pair rule decided are dispute candidates first (story 99) ---------------------------

STORY_99 = [FIXTURES / "pac" / "story-99-cbs-news.txt", FIXTURES / "pac" / "story-99-fox-business.txt"]


@pytest.fixture(scope="module")
def cook_inlet():
    """Story 99's documents, analysed and embedded, with their alignment and contents (no NLI model)."""
    from checker.dispute import content_of
    from checker.embed import load_embedder
    from checker.pipeline import align, analyse, embed, load_documents

    settings = Settings()
    docs = load_documents(STORY_99)
    analyse(docs, settings)
    embedder = load_embedder()
    vectors = embed(docs, embedder)
    claims = {c.id: c for d in docs for c in d.claims}
    contents = {i: content_of(c) for i, c in claims.items()}
    framed = [c for c in claims.values() if contents[c.id] != c.text]
    cvec = dict(vectors)
    cvec.update(zip([c.id for c in framed], embedder.encode([contents[c.id] for c in framed]), strict=True))
    return {"docs": docs, "claims": claims, "contents": contents, "vectors": cvec, "alignment": align(docs, vectors, settings), "settings": settings}


def test_an_aligned_pair_is_a_dispute_candidate_even_below_the_fused_top_k(cook_inlet):
    """Murkowski (CBS, "Alaska's industry does have interest in lease sales in Cook Inlet") against Fox's
    source ("the DOI received no comments indicating specific company interest"): the alignment matches
    them (rank 1), but by fused TF-IDF/content rank neither is among the other's best three, so without the
    aligned pairs the stage never judged them."""
    from checker.dispute import candidates
    from checker.modes import Mode

    murkowski = _claim(cook_inlet["claims"], "Alaska's industry does have interest in lease sales")
    source = _claim(cook_inlet["claims"], "received no comments indicating specific company interest")
    assert any({c.a.id, c.b.id} == {murkowski.id, source.id} for c in cook_inlet["alignment"].candidates)
    args = (cook_inlet["docs"], cook_inlet["contents"], cook_inlet["vectors"], cook_inlet["settings"], Mode())
    without = candidates(*args)
    assert not any({c.x.id, c.y.id} == {murkowski.id, source.id} for c in without)
    aligned = [(c.a, c.b) for c in cook_inlet["alignment"].candidates]
    pool = candidates(*args, aligned)
    is_aligned = [(c.x.id, c.y.id) in {(a.id, b.id) for a, b in aligned} for c in pool]
    assert is_aligned == sorted(is_aligned, reverse=True) and sum(is_aligned) > len(aligned) / 2  # aligned first (those past the similarity floor)
    assert len({frozenset((c.x.id, c.y.id)) for c in pool}) == len(pool)  # no pair twice, in either order
    pair = next(c for c in pool if {c.x.id, c.y.id} == {murkowski.id, source.id})
    # the shipped model's scores on these two contents (0.92 one way, 0.60 the other, entailment <= 0.05)
    ab = {"entailment": 0.016, "neutral": 0.064, "contradiction": 0.919}
    ba = {"entailment": 0.048, "neutral": 0.355, "contradiction": 0.597}
    if pair.x is source:
        ab, ba = ba, ab
    draft = judge_dispute(pair, ab, ba, cook_inlet["contents"], cook_inlet["settings"])
    assert draft is not None and draft.kind == "attributed_disagreement" and draft.severity == "info"
    assert draft.details["asserting"][0]["speaker"] == "A source familiar with the Cook Inlet lease"
    assert draft.details["denying"][0]["speaker"] == "Murkowski"
