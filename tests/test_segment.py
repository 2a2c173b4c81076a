"""Sentence segmentation on the real fixtures, on HTML, and on the pysbd fixes one by one."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pysbd
import pytest

from checker.documents import load_document
from checker.segment import is_heading, segment, split_block

ROOT = Path(__file__).resolve().parent.parent
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
DATA = Path(__file__).resolve().parent / "data" / "ingest"
NBC_GUNS = ROOT / "fixtures" / "pac" / "story-101-nbc-news.txt"


@pytest.fixture(scope="module")
def afp():
    doc = load_document(AFP, "b")
    segment(doc)
    return doc


@pytest.fixture(scope="module")
def ft():
    doc = load_document(FT, "a")
    segment(doc)
    return doc


@pytest.fixture(scope="module")
def splitter():
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentences(text: str, splitter) -> list[str]:
    return [text[i:j] for i, j, _ in split_block(text, splitter)]


def texts(doc) -> list[str]:
    return [c.text for c in doc.claims]


# --- claim bookkeeping ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["afp", "ft"])
def test_claims_point_into_raw_text(name, request):
    doc = request.getfixturevalue(name)
    for n, claim in enumerate(doc.claims):
        assert claim.id == f"{doc.id}{n + 1}" and claim.index == n and claim.doc == doc.id
        assert doc.raw_text[claim.start : claim.end] == claim.text
        assert claim.text == claim.text.strip() and claim.text
    starts = [c.start for c in doc.claims]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(doc.claims, doc.claims[1:]))


def test_segment_returns_and_stores_claims():
    doc = load_document(FT, "z")
    claims = segment(doc)
    assert claims is doc.claims and claims[0].id == "z1"
    assert texts(doc) == [c.text for c in segment(doc)]  # idempotent


# --- the AFP fixture ------------------------------------------------------------------------


def test_afp_claims(afp):
    claims = afp.claims
    assert len(claims) == 53
    assert claims[0].text.startswith("U.S. and Russian officials are due to meet")  # RIYADH dropped
    assert "RIYADH" not in texts(afp)
    assert not any("date 2025-02-24" in t or "follow-up meeting' in Riyadh" in t for t in texts(afp))
    assert [c.text for c in claims if c.is_heading] == ["Zelensky wants peace 'this year'", "Deal that 'suits' Russia"]
    assert claims[23].text == "Zelensky wants peace 'this year'" and claims[23].id == "b24"


def test_afp_abbreviations_do_not_split(afp):
    assert (
        "The Ukrainian leader also on Monday refreshed his call for security guarantees from Kiev.'s "
        "backers to ensure Russia does not use any ceasefire to rearm and attack again at a later date."
    ) in texts(afp)
    assert ('Putin\'s decision to launch what he called a "special military operation" in Feb. 2022 set off the biggest conflict in Europe since World War II.') in texts(afp)
    assert texts(afp)[4].startswith("A week ago, U.S. and Russian delegations led by U.S. Secretary of State")
    assert texts(afp)[4].endswith("between U.S. and Russian presidents Donald Trump and Vladimir Putin.")
    assert texts(afp)[5].endswith("since Moscow's invasion of Ukraine in Feb. 2022.")


def test_afp_multi_sentence_quotes_are_split_without_orphans(afp):
    t = texts(afp)
    i = t.index('"I will be meeting with President Zelensky.')
    assert t[i + 1 : i + 4] == [
        "In fact, he may come in this week or next week to sign the agreement, which would be nice.",
        "I'd love to meet him.",
        "We'd meet at the Oval Office,\" Trump told reporters as he hosted French President Emanuel Macron at the White House.",
    ]
    i = t.index("\"Today I heard, 'oh, well, we weren't invited.'")
    assert t[i + 3] == 'You could have made a deal."'
    assert not any(re.fullmatch(r"[\"”’'\s]*", x) for x in t)


def test_afp_two_sentence_paragraph(afp):
    t = texts(afp)
    i = t.index("Tens of thousands of soldiers from both sides and Ukrainian civilians have been killed.")
    assert t[i + 1] == "Cities across the country's south and east have been flattened and millions forced to flee their homes."


# --- the FT fixture -------------------------------------------------------------------------


def test_ft_claims(ft):
    t = texts(ft)
    assert len(t) == 19
    assert not any(c.is_heading for c in ft.claims)
    for promo in ("Unlock the White House", "Your guide to what", "Read the full article"):
        assert not any(promo in x for x in t)
    assert t[0] == (
        "Senior US and Russian officials will meet in Riyadh on Tuesday to discuss “restoring all bilateral "
        "relations” and setting up possible talks to end the war in Ukraine, the Kremlin has said."
    )
    assert t[3] == "Rubio will meet Saudi officials on Monday ahead of the Russia talks."
    assert t[-1].endswith("“Nato troops will be deployed on Ukrainian territory”.")
    assert t[14] == ("And the Europeans will have to be involved because they have sanctions on Putin and Russia as well,” he said on CBS.")


# --- party-state labels (fixtures/pac/story-101-nbc-news.txt) ------------------------------


def test_party_state_labels_do_not_split():
    doc = load_document(NBC_GUNS, "n")
    t = [c.text for c in segment(doc)]
    assert not any(x[:1] in ",;:" for x in t), [x for x in t if x[:1] in ",;:"]
    assert (
        "The bipartisan package now goes to the House, where Speaker Nancy Pelosi, D-Calif., vowed in a "
        'statement Thursday that she will bring the "life-saving legislation" to a floor vote Friday and '
        '"send the bill to President Biden" for his signature.'
    ) in t
    assert ("Murphy negotiated the modest collection of policies with Sens. John Cornyn, R-Texas, Kyrsten Sinema, D-Ariz., and Thom Tillis, R-N.C.") in t
    i = next(n for n, x in enumerate(t) if x.startswith("Sen. Chris Murphy"))
    assert t[i] == (
        'Sen. Chris Murphy, D-Conn., said: "Shooting after shooting, murder after murder, suicide after suicide '
        "— for 30 years, Congress stood in its political corners and did nothing."
    )
    assert t[i + 1 : i + 3] == [
        "But not this time.",
        'This will become the most significant piece of anti-gun-violence legislation Congress has passed in three decades."',
    ]
    assert '"If you\'re pro-Second Amendment, you should be for this bill," said Sen. Bill Cassidy, R-La.' in t


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sen. Chris Murphy, D-Conn.; he said it was good.", ["Sen. Chris Murphy, D-Conn.; he said it was good."]),
        ("Sen. Chris Murphy, D-Conn.: he said it was good.", ["Sen. Chris Murphy, D-Conn.: he said it was good."]),
        ("He praised Sen. Pat Toomey, R-Pa., and Sen. Mitt Romney, R-Utah, for their work.", ["He praised Sen. Pat Toomey, R-Pa., and Sen. Mitt Romney, R-Utah, for their work."]),
        # a label that does end the sentence still ends it
        ("The bill was backed by Rep. Nancy Pelosi, D-Calif. She said it was good.", ["The bill was backed by Rep. Nancy Pelosi, D-Calif.", "She said it was good."]),
    ],
)
def test_no_break_before_clause_punctuation(splitter, text, expected):
    assert sentences(text, splitter) == expected


# --- HTML and Markdown ----------------------------------------------------------------------


def visible(raw: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", raw)).split())


def test_html_sentences_with_offsets_into_raw_html():
    doc = load_document(DATA / "article.html", "h")
    claims = segment(doc)
    assert texts(doc) == [
        "Negotiators from both sides met in Geneva on Tuesday, the U.N. said, a week after talks broke down.",
        "“We are cautiously optimistic,” a U.N. spokesperson told reporters.",
        "The talks are expected to last three days.",
        "Prisoner exchange",
        "Both delegations agreed to exchange 120 prisoners, according to a statement from the United Nations.",
        "The previous round in Feb. 2024 ended without an agreement & both sides blamed each other.",
    ]
    assert [c.is_heading for c in claims] == [False, False, False, True, False, False]
    for c in claims:
        assert visible(doc.raw_text[c.start : c.end]) == c.text
    assert doc.raw_text[claims[0].start : claims[0].end] == claims[0].text
    assert doc.raw_text[claims[1].start : claims[1].end] == ("&ldquo;We are cautiously optimistic,&rdquo; a U.N. spokesperson told reporters.")
    assert doc.raw_text[claims[4].start : claims[4].end].endswith('<a href="/un">United Nations</a>.')
    for junk in ("GENEVA", "Home", "menu", "script", "Advertisement", "Sign up", "Copyright"):
        assert not any(junk in t for t in texts(doc))


def test_malformed_html_sentences():
    doc = load_document(DATA / "malformed.html", "m")
    claims = segment(doc)
    assert texts(doc) == [
        "The port of Odesa reopened on Friday after a storm closed it for three days, officials said.",
        "Ships carrying grain began loading again on Saturday morning, the port authority said & traders welcomed the news.",
        "About 40 vessels had been waiting offshore.",
        "Insurers said damage was limited.",
    ]
    assert doc.raw_text[claims[1].start : claims[1].end].startswith("Ships carrying <b>grain")
    assert all(visible(doc.raw_text[c.start : c.end]) == c.text for c in claims)


def test_markdown_sentences():
    doc = load_document(DATA / "article.md", "m")
    segment(doc)
    assert texts(doc) == [
        "Ukraine and Turkey agreed on Monday to extend the Black Sea grain\ncorridor for another 120 days, the Turkish defence ministry said.",
        "What changes",
        "Inspections will move to Istanbul.",
        "Ships will be allowed to carry fertiliser.",
        "Exporters welcomed the decision.",
        '"This is a good day for food security," a U.N. official said.',
    ]
    assert [c.is_heading for c in doc.claims] == [False, True, False, False, False, False]
    assert all(doc.raw_text[c.start : c.end] == c.text for c in doc.claims)


# --- the pysbd fixes, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met U.S. officials. They talked.", ["He met U.S. officials.", "They talked."]),
        ("Talks were held in the U.S. The next day they left.", ["Talks were held in the U.S.", "The next day they left."]),
        ("He spoke to U.S. Secretary of State Marco Rubio on Monday.", ["He spoke to U.S. Secretary of State Marco Rubio on Monday."]),
        ("In Feb. 2022 Russia invaded. It was big.", ["In Feb. 2022 Russia invaded.", "It was big."]),
        ("Guarantees from Kiev.'s backers were sought.", ["Guarantees from Kiev.'s backers were sought."]),
        ("Gen. Valery Gerasimov attended. So did Lt. Col. Ivanov.", ["Gen. Valery Gerasimov attended.", "So did Lt. Col. Ivanov."]),
        ("It was signed at 3 p.m. Monday. It was late.", ["It was signed at 3 p.m. Monday.", "It was late."]),
        ("It rose 3.5 percent. Prices fell by 2.1%.", ["It rose 3.5 percent.", "Prices fell by 2.1%."]),
    ],
)
def test_abbreviations(splitter, text, expected):
    assert sentences(text, splitter) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quotation opened in one sentence and closed two sentences later stays split
        ('"We will win. They will lose. Nobody doubts it," he said. Then he left.', ['"We will win.', "They will lose.", 'Nobody doubts it," he said.', "Then he left."]),
        # but not where the break would leave an orphan closing-quote fragment
        ('"No. Never," he said.', ['"No. Never," he said.']),
        ("“It is over. Truly over,” she said.", ["“It is over. Truly over,” she said."]),
        # closing quotes stay with their sentence, opening quotes go with the next
        ('He said: "We will win." "They will lose." Then he left.', ['He said: "We will win."', '"They will lose."', "Then he left."]),
        ("“We will win.” “They will lose.”", ["“We will win.”", "“They will lose.”"]),
        ('"Yes." he said quietly.', ['"Yes." he said quietly.']),
    ],
)
def test_quotations(splitter, text, expected):
    assert sentences(text, splitter) == expected


def test_datelines_and_headings(splitter):
    assert split_block("RIYADH", splitter) == []
    assert split_block("GENEVA, Feb 24 (AFP)", splitter) == []
    assert sentences("RIYADH (AFP) - Officials met. They agreed.", splitter) == ["Officials met.", "They agreed."]
    assert sentences("NATO members met. Nothing changed.", splitter) == ["NATO members met.", "Nothing changed."]
    assert split_block("Zelensky wants peace 'this year'", splitter) == [(0, 32, True)]
    assert is_heading("Deal that 'suits' Russia")
    assert not is_heading("Russia and the U.S. agreed.")
    assert not is_heading(" ".join(["word"] * 20))  # long unpunctuated text is prose


def test_soft_wrapped_block_is_split_across_the_line_break(splitter):
    assert sentences("The line was\nwrapped here. And here.", splitter) == ["The line was\nwrapped here.", "And here."]
