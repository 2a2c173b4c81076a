"""Attribution on real sentences of the fixtures (claims built here, independent of segment.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.analysis.attribution import analyse_attribution, load_lexicon, scan_document, scan_quotes
from checker.types import Claim

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AFP = "riyadh-followup-afp-2025-02-24.txt"
FT = "riyadh-talks-ft-2025-02-17.txt"
NBC_GUNS = "pac/story-101-nbc-news.txt"
GUARDIAN_GUNS = "pac/story-116-the-guardian.txt"
CBS_LEASE = "pac/story-99-cbs-news.txt"

TRUMP_TOLD = "\"I'm very disappointed, I hear that they're upset about not having a seat,\" Trump told reporters on Tuesday."
TODAY_I_HEARD = (
    "\"Today I heard, 'oh, well, we weren't invited.'",
    "Well, you've been there for three years...",
    "You should have never started it.",
    'You could have made a deal."',
)
POWER = '"I think I have the power to end this war," he said.'
SOURCE_TOLD = (
    'Delegations from the two sides will "meet in Riyadh on Tuesday," a diplomatic source told AFP on Monday, on condition of anonymity because of the sensitivity of talks.'
)
SOURCE_ADDED = (
    "The new sit-down will be \"a follow-up meeting to last week's.",
    'It is at a lower level than last week, but it is still a sign of progress," the source added without disclosing the names of the representatives from the two sides.',
)
PARROT = "He has appeared to parrot Russian talking points about Ukraine's supposed responsibility for starting the war."
FALSE_CLAIM = 'His opening of talks with Putin, the false claim that Ukraine "started" the war and verbal attacks on Zelensky have triggered alarm across Europe.'
PESKOV = (
    "Foreign minister Sergei Lavrov and Yuri Ushakov, Vladimir Putin’s foreign policy adviser, will head up the "
    "delegation, Dmitry Peskov, the Russian president’s spokesperson, told reporters on Monday."
)


def claims_from(fixture: str, sentences: list[str] | tuple[str, ...], doc: str = "a") -> list[Claim]:
    """Claims for exact sentences of a fixture, in document order, with their real offsets."""
    raw = (FIXTURES / fixture).read_text(encoding="utf-8")
    claims, pos = [], 0
    for i, text in enumerate(sentences):
        start = raw.index(text, pos)  # fails loudly if the sentence is not in the fixture
        claims.append(Claim(id=f"{doc}{i}", doc=doc, index=i, start=start, end=start + len(text), text=text))
        pos = start + len(text)
    return claims


def annotate(fixture: str, *sentences: str, doc: str = "a") -> list[Claim]:
    claims = claims_from(fixture, sentences, doc)
    analyse_attribution(claims)
    return claims


# --------------------------------------------------------------------------- reporter's voice


def test_reporter_voice_with_hedge_and_dispute_markers():
    _, claim = annotate(
        AFP,
        "Trump sent shock waves across Europe when he declared his readiness to resume "
        "diplomacy with Putin and end the Russia-Ukraine war without the involvement of European "
        "nations and Ukraine.",
        PARROT,
    )
    assert claim.speaker is None and claim.verb is None
    assert claim.quote == "none"
    assert "appeared to" in claim.hedges
    assert "supposed" in claim.dispute_markers
    assert "parrot ... talking points" in claim.dispute_markers


def test_false_claim_and_scare_quotes():
    (claim,) = annotate(AFP, FALSE_CLAIM)
    assert claim.speaker is None
    assert "false claim" in claim.dispute_markers
    assert 'scare quotes: "started"' in claim.dispute_markers


def test_plain_reporter_sentence():
    text = "Tens of thousands of soldiers from both sides and Ukrainian civilians have been killed."
    (claim,) = annotate(AFP, text)
    assert (claim.speaker, claim.verb, claim.quote) == (None, None, "none")
    assert claim.hedges == [] and claim.dispute_markers == []
    assert claim.content == text


def test_quoted_term_is_not_a_scare_quote():
    text = (
        'Russia and the U.S. agreed to establish a "consultation mechanism" to settle disputes and to appoint '
        "negotiators for talks on the war in Ukraine at the end of last week's meeting, the first at that level "
        "between the two powers since Moscow's invasion of Ukraine in Feb. 2022."
    )
    (claim,) = annotate(AFP, text)
    assert claim.speaker is None and claim.quote == "none"
    assert claim.dispute_markers == []


def test_distancing_what_he_called():
    (claim,) = annotate(
        AFP,
        'Putin\'s decision to launch what he called a "special military operation" in Feb. 2022 set off the biggest conflict in Europe since World War II.',
    )
    assert claim.speaker is None
    assert "what ... called" in claim.dispute_markers
    assert 'scare quotes: "special military operation"' in claim.dispute_markers


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        # a quoted noun phrase names a thing
        (NBC_GUNS, "The measure would offer grants to states for “red flag” laws and crisis prevention programs."),
        (GUARDIAN_GUNS, "Nineteen states and the District of Columbia currently have such “red flag laws”."),
        # short quotations of a speaker named in the same sentence
        (
            NBC_GUNS,
            "The bipartisan package now goes to the House, where Speaker Nancy Pelosi, D-Calif., vowed in a "
            'statement Thursday that she will bring the "life-saving legislation" to a floor vote Friday and '
            '"send the bill to President Biden" for his signature.',
        ),
        (
            CBS_LEASE,
            'In a statement shared first with CBS News, the Department of the Interior cited a "lack of industry '
            'interest in leasing in the area" for the decision to "not move forward" with the Cook Inlet lease sale.',
        ),
    ],
)
def test_quoted_terms_and_short_quotations_are_not_scare_quotes(fixture: str, text: str):
    (claim,) = annotate(fixture, text)
    assert claim.speaker is None
    assert not any(m.startswith("scare quotes") for m in claim.dispute_markers), claim.dispute_markers


@pytest.mark.parametrize(
    ("text", "scare"),
    [
        ('He backed the so-called "peace plan" on Monday.', 'scare quotes: "peace plan"'),
        ('The rebels held what they termed a "referendum" in the east.', 'scare quotes: "referendum"'),
        ('The baseless claim that the vote was "rigged" spread online.', 'scare quotes: "rigged"'),
        ('Trump repeated his claim that the vote was "rigged".', None),  # his words, attributed
        ('The "rigged" vote was held on Monday.', None),  # a single adjective, but no dispute cue
        ('The false claim spread about the "ceasefire" deal.', None),  # a noun names a thing
    ],
)
def test_scare_quote_rule(text: str, scare: str | None):
    claim = Claim(id="x0", doc="x", index=0, start=0, end=0, text=text)
    analyse_attribution([claim])
    found = [m for m in claim.dispute_markers if m.startswith("scare quotes")]
    assert found == ([scare] if scare else [])


def test_headline_quote_is_not_a_scare_quote():
    (claim,) = claims_from(AFP, ["Deal that 'suits' Russia"])
    claim.is_heading = True
    analyse_attribution([claim])
    assert claim.dispute_markers == []


# --------------------------------------------------------------------------- attributed speech


def test_diplomatic_source_told():
    (claim,) = annotate(AFP, SOURCE_TOLD)
    assert claim.speaker == "a diplomatic source"
    assert claim.verb == "told"
    assert claim.quote == "direct"
    assert claim.content == "Delegations from the two sides will meet in Riyadh on Tuesday."


def test_the_source_resolves_to_earlier_description_across_split_quote():
    claims = annotate(AFP, SOURCE_TOLD, *SOURCE_ADDED)
    assert [c.speaker for c in claims] == ["a diplomatic source"] * 3
    assert [c.verb for c in claims[1:]] == ["added", "added"]
    assert all(c.quote == "direct" for c in claims)
    assert claims[1].content == "The new sit-down will be a follow-up meeting to last week's."


def test_peskov_told_reporters():
    (claim,) = annotate(FT, PESKOV)
    assert claim.speaker == "Dmitry Peskov"
    assert claim.verb == "told"
    assert claim.quote == "indirect"
    assert claim.content == ("Foreign minister Sergei Lavrov and Yuri Ushakov, Vladimir Putin’s foreign policy adviser, will head up the delegation.")


def test_content_without_frame_at_the_end():
    text = (
        "“Their desire to be part of the Ukraine negotiating process has been satisfied more than once,” Lavrov "
        "said, referring to the failed Minsk process, led by France and Germany, that brokered a fragile ceasefire "
        "following Russia’s initial invasion in 2014."
    )
    (claim,) = annotate(FT, text)
    assert (claim.speaker, claim.verb, claim.quote) == ("Lavrov", "said", "direct")
    assert claim.content == "Their desire to be part of the Ukraine negotiating process has been satisfied more than once."


def test_content_without_frame_at_the_start():
    text = (
        "Trump said Monday that he will meet with Zelensky as soon as this week to sign a deal that would see "
        "the U.S. receive a share of Ukraine's critical mineral and natural resource revenues."
    )
    (claim,) = annotate(AFP, text)
    assert (claim.speaker, claim.verb, claim.quote) == ("Trump", "said", "indirect")
    assert claim.content.startswith("He will meet with Zelensky as soon as this week")


def test_title_is_not_part_of_speaker():
    text = (
        '"The Europeans continue on the path of a sanctions nosedive, on the path of conviction in the need to '
        'continue the war," Kremlin spokesman Dmitry Peskov told reporters, responding to a fresh package of '
        "sanctions levelled by Brussels on Monday."
    )
    (claim,) = annotate(AFP, text)
    assert claim.speaker == "Dmitry Peskov"


def test_reply_with_one_quoted_word_is_direct():
    text = (
        "When asked by the press at his Mar-a-Lago residence in Florida about a possible meeting with Vladimir "
        'Putin before the end of the month, the American president replied: "probably."'
    )
    (claim,) = annotate(AFP, text)
    assert (claim.speaker, claim.verb, claim.quote) == ("the American president", "replied", "direct")
    assert claim.content == "Probably."
    assert "probably" in claim.hedges


def test_partial_quote_inside_reported_speech_is_not_scare_quote():
    text = (
        'Kiev said Monday it was in the "final stages" of a deal with Washington to give the United States '
        "preferential access to rare minerals — one of the sources of disagreement that has exploded over the last week."
    )
    (claim,) = annotate(AFP, text)
    assert (claim.speaker, claim.quote) == ("Kiev", "indirect")
    assert claim.dispute_markers == []


def test_speech_verb_in_subordinate_clause_keeps_reporter_voice():
    text = (
        "Trump sent shock waves across Europe when he declared his readiness to resume diplomacy with Putin and "
        "end the Russia-Ukraine war without the involvement of European nations and Ukraine."
    )
    (claim,) = annotate(AFP, text)
    assert claim.speaker is None


# --------------------------------------------------------------------------- quotations across claims


@pytest.mark.parametrize("split", [True, False], ids=["sentence-per-claim", "paragraph-per-claim"])
def test_multi_sentence_quote_keeps_speaker(split: bool):
    quote = TODAY_I_HEARD if split else (" ".join(TODAY_I_HEARD),)
    claims = annotate(AFP, TRUMP_TOLD, *quote, POWER)
    assert claims[0].speaker == "Trump" and claims[0].verb == "told" and claims[0].quote == "direct"
    for claim in claims[1:-1]:
        assert claim.speaker == "Trump", claim.text
        assert claim.quote == "direct"
    assert claims[-2].content.endswith("You could have made a deal.")
    # "he said" after the quotation: the last named speaker
    assert (claims[-1].speaker, claims[-1].verb, claims[-1].quote) == ("Trump", "said", "direct")
    assert claims[-1].content == "I think I have the power to end this war."


def test_quote_split_by_segmenter_takes_later_attribution():
    claims = annotate(
        FT,
        "“If it’s real negotiations, and we’re not there yet, but if that were to happen, Ukraine will have to be involved, because they’re the ones that were invaded.",
        "And the Europeans will have to be involved because they have sanctions on Putin and Russia as well,” he said on CBS.",
    )
    assert [c.quote for c in claims] == ["direct", "direct"]
    assert claims[0].speaker == claims[1].speaker == "he"  # no antecedent among these claims


def test_pronouns_resolve_to_last_named_speaker():
    claims = annotate(
        FT,
        "Rubio said there was “no process” yet to bring an end to the war, and that the team was exploring ways to create one.",
        "He said he expected to eventually involve Ukraine and Europe in some way.",
    )
    assert [c.speaker for c in claims] == ["Rubio", "Rubio"]
    assert "expected to" in claims[1].hedges
    claims = annotate(
        AFP,
        "EU Commission chief Ursula von der Leyen also warned that despite opening talks with the United States on how to end the conflict, Putin was not about to back down.",
        '"Putin is trying harder than ever to win this war on the ground. His goal remains Ukraine\'s capitulation," she said.',
    )
    assert [c.speaker for c in claims] == ["Ursula von der Leyen"] * 2
    assert claims[0].verb == "warned" and claims[1].quote == "direct"


def test_pronoun_resolves_to_the_subject_of_the_previous_sentence_not_a_name_in_passing():
    # "he" in the previous sentence stands for Cornyn, named as subject of its first clause; Pat
    # Toomey, subject two sentences earlier, is no longer the salient person
    claims = annotate(
        GUARDIAN_GUNS,
        "The sixth, Pat Toomey of Pennsylvania, is retiring in January.",
        "It is also notable that none of the six is seeking the Republican presidential nomination.",
        "While Cornyn has said the talks are serious, he has not joined the chorus of Democrats saying the outlines of a deal could be reached by the end of this week.",
        "He told reporters on Wednesday that he considered having an agreement before Congress begins a recess in late June to be “an aspirational goal”.",
    )
    assert [c.speaker for c in claims[:3]] == [None, None, None]
    assert (claims[3].speaker, claims[3].verb) == ("Cornyn", "told")


def test_documents_are_processed_separately():
    afp = claims_from(AFP, [TRUMP_TOLD], doc="a")
    ft = claims_from(
        FT,
        ["The Russian delegation will “listen” to its US counterparts and “be ready to react”, he added."],
        doc="b",
    )
    analyse_attribution(afp + ft)
    assert afp[0].speaker == "Trump"
    assert ft[0].speaker == "he"  # Trump of the other article is not the antecedent


# --------------------------------------------------------------------------- pieces


def test_scan_quotes_straight_and_curly():
    scan = scan_quotes('He said "yes" and “no”.')
    assert [('He said "yes" and “no”.')[s:e] for s, e in scan.spans] == ["yes", "no"]
    assert not scan.starts_inside and not scan.ends_inside


def test_scan_document_carries_open_quotation():
    scans = scan_document(list(TODAY_I_HEARD))
    assert scans[0].ends_inside and not scans[0].starts_inside
    assert all(s.starts_inside for s in scans[1:])
    assert not scans[-1].ends_inside


def test_lexicon_is_data():
    lex = load_lexicon()
    assert {"say", "tell", "add", "declare", "accuse", "warn", "claim", "reply"} <= set(lex["speech_verbs"])
    assert lex["hedges"] and lex["dispute_markers"]


def test_stray_quote_mark_does_not_swallow_following_claims():
    stray = Claim(id="s", doc="a", index=0, start=0, end=0, text='"Unbalanced quotation')
    claims = [
        stray,
        *claims_from(AFP, ["Tens of thousands of soldiers from both sides and Ukrainian civilians have been killed."]),
    ]
    claims[1].index = 1
    analyse_attribution(claims)
    assert (claims[1].speaker, claims[1].quote) == (None, "none")


def test_complementiser_is_frame_but_quoted_that_is_content():
    claims = [
        Claim(id="x0", doc="x", index=0, start=0, end=0, text='"That is wrong," he said.'),
        Claim(id="x1", doc="x", index=1, start=0, end=0, text="Officials said that the talks were postponed."),
    ]
    analyse_attribution(claims)
    assert [c.content for c in claims] == ["That is wrong.", "The talks were postponed."]
