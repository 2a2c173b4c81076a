"""checker.analysis.edits: what an edit changed between a source sentence and its near-verbatim copy.

Drafts are copies of real fixture articles with edits planted in them: the three errors of issue 17
in the AFP Riyadh report ("met in Riyadh" -> "met in Istanbul", "Feb. 2022" -> "Feb. 2020", Trump's
"I think I have the power to end this war" credited to Zelensky), more errors and style edits in the
AFP report and in two PAC articles (story 101). Each test pins what is found -- kind, exact before and
after text, offsets in both documents -- or that a style edit stays silent. The documents are
loaded and analysed as the pipeline does (spaCy only); the policy tests use the shipped NLI model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import checker.analysis.edits as edits_module
from checker.analysis.edits import (
    EditSettings,
    classify_edits,
    edit_finding,
    edit_findings,
    explain,
    load_rules,
    near_verbatim,
    word_edits,
)
from conftest import AFP, FIXTURES, FT

EXAMINER = FIXTURES / "pac" / "story-101-washington-examiner.txt"
NBC = FIXTURES / "pac" / "story-101-nbc-news.txt"

# (source text, draft text): one edit per sentence, edited sentences apart from one another
AFP_EDITS = [
    ("U.S. and Russian officials are due", "US and Russian officials are due"),  # style: abbreviation
    ("Sergei Lavrov met in Riyadh for", "Sergei Lavrov met in Istanbul for"),  # issue 17: place
    ("invasion of Ukraine in Feb. 2022.", "invasion of Ukraine in Feb. 2020."),  # issue 17: date
    ('he was "much more confident"', 'he was "more confident"'),  # quotation wording
    ("you've been there for three years", "you've been there for 3 years"),  # style: numeral, inside a quote
    ('"I think I have the power to end this war," he said.', '"I think I have the power to end this war," Zelensky said.'),  # issue 17: speaker
    ('what he called a "special military operation" in Feb. 2022', 'what he called a "special military operation" in February 2022'),  # style: month
    ("President Recep Tayyip Erdoğan, who", "Mr. Recep Tayyip Erdoğan, who"),  # style: honorific
    ("has never condemned its invasion", "has condemned its invasion"),  # negation
    ("Chinese President Xi Jinping on Monday backed", "On Monday, Chinese President Xi Jinping backed"),  # style: moved phrase
    ("Putin's spokesman meanwhile accused", "Putin's spokesman accused"),  # style: padding dropped
    ("where he said he will tell the Republican", "where he said he may tell the Republican"),  # modality
    (" the source added without disclosing the names of the representatives from the two sides.", " the source added."),  # style: trimmed
]
EXAMINER_A = [
    ("passed 65-33 and also includes language to strengthen", "passed 65 to 33 and also includes language to weaken"),  # style + opposite
]
EXAMINER_B = [
    ("passed 65-33 and", "passed 64-33 and"),  # number
    ("gun reform bill on Thursday in the wake", "gun reform bill on Wednesday in the wake"),  # weekday
    ("the one that passed the House along party lines", "the one that passed the Senate along party lines"),  # organisation
]
NBC_EDITS = [
    ("passed the most sweeping gun bill", "passed the most broad gun bill"),  # a replaced word no list knows
    ("said Sen. Bill Cassidy, R-La.", "said Bill Cassidy, R-La."),  # style: title dropped
]


def _draft(tmp: Path, source: Path, edits: list[tuple[str, str]], name: str) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _analysed(source: Path, draft: Path):
    from checker.pipeline import analyse, load_documents

    docs = load_documents([source, draft])
    return analyse(docs)


@pytest.fixture(scope="session")
def afp(tmp_path_factory):
    return _analysed(AFP, _draft(tmp_path_factory.mktemp("edits"), AFP, AFP_EDITS, "afp-draft.txt"))


@pytest.fixture(scope="session")
def examiner_a(tmp_path_factory):
    return _analysed(EXAMINER, _draft(tmp_path_factory.mktemp("edits"), EXAMINER, EXAMINER_A, "examiner-a.txt"))


@pytest.fixture(scope="session")
def examiner_b(tmp_path_factory):
    return _analysed(EXAMINER, _draft(tmp_path_factory.mktemp("edits"), EXAMINER, EXAMINER_B, "examiner-b.txt"))


@pytest.fixture(scope="session")
def nbc(tmp_path_factory):
    return _analysed(NBC, _draft(tmp_path_factory.mktemp("edits"), NBC, NBC_EDITS, "nbc-draft.txt"))


def _pair(docs, old: str, new: str):
    """(source claim, draft claim) holding the edit's two sides."""
    src, draft = docs
    o = next(c for c in src.claims if old.strip() in c.text)
    e = next(c for c in draft.claims if new.strip() in c.text and c.index == o.index)
    return o, e


def _changes(docs, edit: tuple[str, str], nli=None):
    o, e = _pair(docs, *edit)
    by_id = {d.id: d for d in docs}
    return edit_findings(e, o, nli, None, by_id), o, e, by_id


# -- the three planted errors of issue 17 --------------------------------------------------------------


def test_place_riyadh_to_istanbul(afp):
    changes, o, e, docs = _changes(afp, AFP_EDITS[1])
    assert len(changes) == 1
    c = changes[0]
    assert (c.kind, c.severity, c.before.text, c.after.text, c.in_quote) == ("place", "error", "Riyadh", "Istanbul", False)
    assert c.message == "place changed: Riyadh -> Istanbul"
    assert docs[o.doc].raw_text[c.before.start : c.before.end] == "Riyadh"
    assert docs[e.doc].raw_text[c.after.start : c.after.end] == "Istanbul"
    assert c.evidence["entity_before"] == ["riyadh"] and c.evidence["entity_after"] == ["istanbul"]


def test_date_feb_2022_to_feb_2020(afp):
    changes, o, e, docs = _changes(afp, AFP_EDITS[2])
    assert len(changes) == 1
    c = changes[0]
    assert (c.kind, c.severity, c.before.text, c.after.text) == ("date", "error", "Feb. 2022", "Feb. 2020")
    assert c.message == "date changed: Feb. 2022 -> Feb. 2020"
    assert (c.evidence["date_kind"], c.evidence["date_before"], c.evidence["date_after"]) == ("month", "2022-02-01..2022-02-28", "2020-02-01..2020-02-29")
    assert docs[e.doc].raw_text[c.after.start : c.after.end] == "Feb. 2020"


def test_trump_quote_credited_to_zelensky(afp):
    changes, o, e, _ = _changes(afp, AFP_EDITS[5])
    assert (o.speaker, e.speaker) == ("Trump", "Zelensky")
    assert len(changes) == 1
    c = changes[0]
    assert (c.kind, c.severity, c.before.text, c.after.text) == ("speaker", "warning", "he", "Zelensky")
    assert c.message == "speaker changed: he (Trump) -> Zelensky"


def test_the_three_become_findings_of_the_right_rule(afp):
    docs = {d.id: d for d in afp}
    expected = {
        1: ("entity_mismatch", "error", "place changed: Riyadh -> Istanbul"),
        2: ("contradiction", "error", "date changed: Feb. 2022 -> Feb. 2020"),  # FC205 date_mismatch once it exists
        5: ("quote_mismatch", "warning", "speaker changed: he (Trump) -> Zelensky"),
    }
    for i, (kind, severity, message) in expected.items():
        o, e = _pair(afp, *AFP_EDITS[i])
        found = edit_finding(e, o, None, None, docs)
        assert found is not None
        assert (found.kind, found.severity, found.check) == (kind, severity, "edit")
        assert found.message == f"{message} ({o.id} -> {e.id})"
        assert [c["before"]["text"] for c in found.details["changes"]] == [found.changes[0].before.text]
        assert found.details["before_claim"] == o.id and found.details["after_claim"] == e.id


def test_policy_with_the_rule_reports_them_and_today_calls_two_agreement(afp, nli):
    """Through checker.judge's policy: today's rules call the Istanbul and 2020 copies agreements (the
    bug of issue 17); with ``word_edits`` first, each pair is its error or warning."""
    from checker.config import Settings
    from checker.judge import PAIR_RULES, judge_pair
    from checker.policy import Pair, PairScores

    docs = {d.id: d for d in afp}
    today = tuple(r for r in PAIR_RULES if r is not word_edits)
    kinds = {}
    for i in (1, 2, 5):
        o, e = _pair(afp, *AFP_EDITS[i])
        ab, ba = nli.predict([(e.text, o.text), (o.text, e.text)])
        pair = Pair(e, o, 0.95, 1, PairScores(ab, ba), docs, Settings(), nli)
        before, after = judge_pair(pair, today), judge_pair(pair, (word_edits, *today))
        kinds[i] = (before.kind if before else None, after.kind, after.severity)
        assert after.claims == [e.id, o.id] and after.details["changes"]
    assert kinds[1][0] == kinds[2][0] == "agreement"
    assert [kinds[i][1:] for i in (1, 2, 5)] == [("entity_mismatch", "error"), ("contradiction", "error"), ("quote_mismatch", "warning")]


# -- more errors -----------------------------------------------------------------------------------


def test_quotation_wording(afp):
    changes, *_ = _changes(afp, AFP_EDITS[3])
    assert [(c.kind, c.severity, c.in_quote, c.before.text, c.after.text) for c in changes] == [("quotation", "warning", True, "much", "")]
    assert changes[0].message == "quotation changed: was much more -> was more"


def test_negation_dropped(afp):
    changes, *_ = _changes(afp, AFP_EDITS[8])
    assert [(c.kind, c.severity, c.before.text) for c in changes] == [("negation", "error", "never")]
    assert changes[0].message == "negation changed: has never condemned -> has condemned"


def test_modality_will_to_may(afp):
    changes, *_ = _changes(afp, AFP_EDITS[11])
    assert [(c.kind, c.severity, c.before.text, c.after.text) for c in changes] == [("modality", "warning", "will", "may")]
    found = edit_finding(*reversed(_pair(afp, *AFP_EDITS[11])), None)
    assert (found.kind, found.severity) == ("contradiction", "warning")


def test_number_vote_tally(examiner_b):
    changes, *_ = _changes(examiner_b, EXAMINER_B[0])
    assert [(c.kind, c.severity, c.before.text, c.after.text) for c in changes] == [("number", "error", "65", "64")]


def test_weekday(examiner_b):
    changes, *_ = _changes(examiner_b, EXAMINER_B[1])
    assert [(c.kind, c.before.text, c.after.text, c.evidence["date_kind"]) for c in changes] == [("date", "Thursday", "Wednesday", "weekday")]


def test_organisation(examiner_b):
    changes, *_ = _changes(examiner_b, EXAMINER_B[2])
    assert [(c.kind, c.severity, c.before.text, c.after.text) for c in changes] == [("organisation", "error", "House", "Senate")]


def test_opposite_beside_a_style_edit_in_the_same_sentence(examiner_a):
    """ "65-33" -> "65 to 33" is style; "strengthen" -> "weaken" is a WordNet antonym pair."""
    changes, *_ = _changes(examiner_a, EXAMINER_A[0])
    assert [(c.kind, c.severity, c.before.text, c.after.text) for c in changes] == [("predicate", "error", "strengthen", "weaken")]
    verdicts = explain(*_pair(examiner_a, *EXAMINER_A[0]))
    assert [(v.before, v.after, v.kind, v.reason) for v in verdicts] == [("", "to", None, "function or padding words"), ("strengthen", "weaken", "predicate", "changed")]


# -- style stays silent ------------------------------------------------------------------------------

# the silent verdicts of each edit's changed spans; [] when both spellings have one comparison key
# ("U.S." = "US", "three" = "3", "Feb." = "February"), so that there is no diff at all
SILENT_AFP = {0: [], 4: [], 6: [], 7: ["title or honorific"], 9: ["moved", "moved"], 10: ["function or padding words"], 12: ["trimmed"]}


@pytest.mark.parametrize("index", sorted(SILENT_AFP))
def test_style_edits_are_silent(afp, index):
    o, e = _pair(afp, *AFP_EDITS[index])
    assert near_verbatim(e, o)
    assert classify_edits(o, e) == []
    assert [v.reason for v in explain(o, e)] == SILENT_AFP[index]


def test_style_only_copy_is_an_agreement(afp):
    o, e = _pair(afp, *AFP_EDITS[9])
    found = edit_finding(e, o, None, None, {d.id: d for d in afp})
    assert (found.kind, found.severity, found.changes) == ("agreement", "info", ())
    assert found.message == f"{e.id} copies {o.id}: the differences are style (moved)"


def test_title_dropped_and_unknown_word_swap_are_silent(nbc):
    o, e = _pair(nbc, *NBC_EDITS[1])
    assert classify_edits(o, e) == [] and [v.reason for v in explain(o, e)] == ["title or honorific"]
    o, e = _pair(nbc, *NBC_EDITS[0])
    assert classify_edits(o, e) == []
    # not an opposite: the rule falls through, so the rest of the policy (NLI) judges the pair
    assert edit_finding(e, o, None) is None


def test_turkiye_and_turkey_in_the_same_report_are_the_same_quotation(afp):
    src = afp[0]
    x, y = [c for c in src.claims if c.text.startswith('"We will stop hostilities')]
    assert "Türkiye" in x.text and "Turkey" in y.text
    assert classify_edits(x, y) == [] and [v.reason for v in explain(x, y)] == ["same name"]


# -- the gate ------------------------------------------------------------------------------------------


def test_only_near_verbatim_pairs_are_diffed():
    from checker.pipeline import analyse, load_documents

    ft, afp = analyse(load_documents([FT, AFP]))
    a = next(c for c in ft.claims if c.text.startswith("Senior US and Russian officials will meet in Riyadh"))
    b = next(c for c in afp.claims if c.text.startswith("Delegations from the two sides"))
    assert not near_verbatim(a, b)
    assert edit_findings(a, b, None) == [] and edit_finding(a, b, None) is None
    # the explicit classifier has no gate: two different sentences are many changes
    assert classify_edits(b, a)


def test_short_sentence_with_one_changed_span_passes_the_gate():
    assert near_verbatim("IRS agents are protected by civil service laws.", "World Health Organization agents are protected by civil service laws.")
    assert not near_verbatim("IRS agents are protected by civil service laws.", "World Health Organization agents are protected by laws.")
    assert not near_verbatim("IRS agents are protected.", "FBI agents are protected.", EditSettings(min_shared_words=5))


def test_rules_are_data_in_the_package():
    rules = load_rules()
    assert rules.forms["feb"] == "february" and "sen" in rules.titles and "never" in rules.negations
    assert ("v", "strengthen", "weaken") in rules.opposites and ("before", "after") in rules.closed_opposites
    assert ("n", "child", "kid") not in rules.opposites


def test_acronym_is_the_name_it_abbreviates():
    """A real pair of the Cook Inlet fixtures: CBS's "the Department of the Interior" is Fox's "DOI"."""
    from checker.pipeline import analyse, load_documents

    cbs, fox = analyse(load_documents([FIXTURES / "pac" / "story-99-cbs-news.txt", FIXTURES / "pac" / "story-99-fox-business.txt"]))
    a = next(c for c in cbs.claims if c.text.startswith("Federal law requires the Department of the Interior"))
    b = next(c for c in fox.claims if c.text.startswith("Federal law requires DOI"))
    assert near_verbatim(a, b)
    assert classify_edits(a, b) == [] and [v.reason for v in explain(a, b)] == ["same name"]
    found = edit_finding(b, a, None)
    assert (found.kind, found.severity) == ("agreement", "info")


def test_word_for_word_copy_is_an_agreement_whatever_its_figures(examiner_b):
    """A copied sentence with two percentages is not a numeric mismatch with itself."""
    src = examiner_b[0]
    o = next(c for c in src.claims if "65-33" in c.text)
    found = edit_finding(o, o, None)
    assert (found.kind, found.message, found.changes) == ("agreement", f"{o.id} copies {o.id} word for word", ())


def test_headline_and_sentence_sharing_words_are_not_a_copy():
    headline = "Ketanji Brown Jackson Refuses to Define Word Woman"
    sentence = "Ketanji Brown Jackson was asked whether she could provide a definition of the word woman."
    assert not near_verbatim(sentence, headline)


def test_finding_details_have_the_shape_of_their_kind(afp):
    docs = {d.id: d for d in afp}
    o, e = _pair(afp, *AFP_EDITS[3])
    quote = edit_finding(e, o, None, None, docs)
    assert (quote.kind, quote.details["quote_a"], quote.details["quote_b"]) == ("quote_mismatch", "more confident", "much more confident")
    o, e = _pair(afp, *AFP_EDITS[5])
    assert edit_finding(e, o, None, None, docs).details["speaker_a"] == "Zelensky"
    o, e = _pair(afp, *AFP_EDITS[1])
    assert {k: edit_finding(e, o, None, None, docs).details[k] for k in ("a", "b")} == {"a": "Istanbul", "b": "Riyadh"}


def test_a_figure_in_another_unit_is_style_and_another_figure_is_not():
    """Two FNC-1 reports of one story (fixtures/fnc1) give the spider crab's size as "more than 12ft"
    and "more than 3.5-metres": the same figure (3.66 m / 3.5 m), so no number change; 12ft -> 30ft is one."""
    from checker.pipeline import analyse, load_documents

    docs = analyse(load_documents([FIXTURES / "fnc1" / "crabzilla-2380.txt", FIXTURES / "fnc1" / "crabzilla-733.txt"]))
    feet = next(c for c in docs[0].claims if "more than 12ft" in c.text)
    metres = next(c for c in docs[1].claims if "more than 3.5-metres" in c.text)
    assert near_verbatim(feet.text, metres.text)
    assert [c.kind for c in edit_findings(metres, feet, None)] == []
    rules = load_rules()
    assert edits_module._measure("can measure more than 12ft.", (22, 26), rules) == ("length", pytest.approx(3.6576), "ft")
    assert edits_module._measure("more than 30ft", (10, 14), rules)[1] > 9
