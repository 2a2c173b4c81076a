"""Entities and alias resolution on real sentences of the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.analysis.entities import analyse_entities, canonical, load_aliases, normalise
from checker.types import Claim, Entity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AFP = "riyadh-followup-afp-2025-02-24.txt"
FT = "riyadh-talks-ft-2025-02-17.txt"

LAVROV_TURKIYE = (
    '"We will stop hostilities only when these negotiations produce a firm and sustainable result that suits the '
    'Russian Federation," Foreign Minister Sergei Lavrov said on a visit to Türkiye.'
)
LAVROV_TURKEY = LAVROV_TURKIYE.replace("Türkiye", "Turkey")
SUMMIT_IN_KIEV = 'Zelensky on Monday called for "real, lasting peace" this year as European leaders gathered for a summit in Kiev on the third anniversary of Russia\'s invasion.'
KIEV_SAID = (
    'Kiev said Monday it was in the "final stages" of a deal with Washington to give the United States '
    "preferential access to rare minerals — one of the sources of disagreement that has exploded over the last week."
)


def claims_from(fixture: str, sentences: list[str] | tuple[str, ...], doc: str = "a") -> list[Claim]:
    """Claims for exact sentences of a fixture, in document order, with their real offsets."""
    raw = (FIXTURES / fixture).read_text(encoding="utf-8")
    claims, pos = [], 0
    for i, text in enumerate(sentences):
        start = raw.index(text, pos)
        claims.append(Claim(id=f"{doc}{i}", doc=doc, index=i, start=start, end=start + len(text), text=text))
        pos = start + len(text)
    return claims


def entities(fixture: str, *sentences: str, doc: str = "a", aliases: dict | None = None) -> list[list[Entity]]:
    claims = claims_from(fixture, sentences, doc)
    analyse_entities(claims, aliases)
    return [c.entities for c in claims]


def find(ents: list[Entity], text: str) -> list[Entity]:
    return [e for e in ents if e.text == text]


# --------------------------------------------------------------------------- canonical()


@pytest.mark.parametrize(
    "names",
    [
        ["Kiev", "Kyiv"],
        ["US", "U.S.", "USA", "United States", "the United States"],
        ["Türkiye", "Turkey", "Turkiye"],
        ["Riyadh", "Saudi capital", "the Saudi capital", "Saudi Arabia's capital", "Saudi Arabia’s capital"],
        ["UK", "Britain", "United Kingdom"],
        ["EU", "European Union"],
        ["Nato", "NATO"],
        ["Russia", "Russian Federation", "the Russian Federation", "Kremlin", "the Kremlin"],
    ],
)
def test_aliases_share_a_canonical(names: list[str]):
    table = load_aliases()
    assert len({canonical(n, table) for n in names}) == 1, {n: canonical(n, table) for n in names}


def test_canonical_keys_are_normalised():
    assert canonical("Kiev") == "kyiv"
    assert canonical("U.S.") == "united states"
    assert normalise("Kiev.'s") == "kiev"
    assert canonical("Recep Tayyip Erdoğan") == "recep tayyip erdogan"
    assert canonical("Somewhere Unknown") == "somewhere unknown"


def test_caller_aliases_extend_the_table():
    table = load_aliases({"Bruce": "Tammy Bruce", "Kiyv": "Kyiv", "marco rubio": ["Secretary Rubio"]})
    assert canonical("Bruce", table) == "tammy bruce"
    assert canonical("Kiyv", table) == "kyiv"  # joins the existing key
    assert canonical("Secretary Rubio", table) == "marco rubio"
    assert canonical("Kiev", table) == "kyiv"  # the shipped data is still there
    assert canonical("Bruce") == "bruce"  # and the default table is untouched


# --------------------------------------------------------------------------- analyse_entities()


def test_riyadh_is_gpe_and_saudi_capital_resolves_to_it():
    afp = entities(
        AFP,
        "U.S. and Russian officials are due to meet in Saudi Arabia's capital on Tuesday, a week after foreign ministers from the two nations met there for breakthrough talks.",
        'Delegations from the two sides will "meet in Riyadh on Tuesday," a diplomatic source told AFP on Monday, on condition of anonymity because of the sensitivity of talks.',
    )
    (capital,) = find(afp[0], "Saudi Arabia's capital")
    (riyadh,) = find(afp[1], "Riyadh")
    assert riyadh.label == "GPE"
    assert capital.canonical == riyadh.canonical == "riyadh"
    assert find(afp[0], "U.S.")[0].canonical == "united states"


def test_turkiye_and_turkey_match():
    first, second = entities(AFP, LAVROV_TURKIYE, LAVROV_TURKEY)
    assert find(first, "Türkiye")[0].canonical == find(second, "Turkey")[0].canonical
    assert find(first, "the Russian Federation")[0].canonical == "russia"
    assert find(first, "Sergei Lavrov")[0].label == "PERSON"


def test_us_forms_match_across_documents():
    afp = entities(AFP, KIEV_SAID)[0]
    ft = entities(
        FT,
        "Rubio will meet Saudi officials on Monday ahead of the Russia talks.",
        "The hastily convened talks have alarmed Ukraine and its European allies.",
        "The US did not inform its allies of Trump’s call with Putin in advance and has largely left them "
        "out of the process, though it has said Ukraine may join talks at a later date.",
        doc="b",
    )[2]
    assert find(afp, "the United States")[0].canonical == find(ft, "US")[0].canonical == "united states"


def test_capital_as_place_or_as_government():
    summit, said = entities(AFP, SUMMIT_IN_KIEV, KIEV_SAID)
    assert find(summit, "Kiev")[0].canonical == "kyiv"  # a place
    assert canonical("Kyiv") == find(summit, "Kiev")[0].canonical
    assert find(said, "Kiev")[0].canonical == "ukraine"  # Kiev said ...: the government
    assert find(said, "Washington")[0].canonical == "united states"  # a deal with Washington
    (macron,) = entities(
        AFP,
        'Macron was due in Washington later Monday for a meeting with Trump where he said he will tell the Republican: "You cannot be weak in the face of President Putin."',
    )
    assert find(macron, "Washington")[0].canonical == "washington"  # due in Washington: the city


def test_ner_person_place_confusion_is_fixed():
    (ents,) = entities(
        AFP,
        '"This year should be the year of the beginning of a real, lasting peace," Zelensky told Kiev\'s backers in Kiev.',
    )
    assert [e.label for e in find(ents, "Kiev")] == ["GPE", "GPE"]
    assert [e.canonical for e in find(ents, "Kiev")] == ["ukraine", "kyiv"]  # Kiev's backers / in Kiev


def test_surname_resolves_to_full_name_in_same_document():
    ft = entities(
        FT,
        "US secretary of state Marco Rubio, national security adviser Mike Waltz and special envoy Steve Witkoff "
        "will meet the Russian delegation, US state department spokesperson Tammy Bruce said.",
        "Rubio will meet Saudi officials on Monday ahead of the Russia talks.",
        "“Hopefully, we will make some really good progress with regard to Russia-Ukraine,” Witkoff told Fox News on Sunday, in reference to the Riyadh talks.",
    )
    assert find(ft[1], "Rubio")[0].canonical == "marco rubio"
    assert find(ft[2], "Witkoff")[0].canonical == "steve witkoff"
    assert find(ft[0], "Tammy Bruce")[0].canonical == "tammy bruce"


def test_surname_alone_falls_back_to_other_documents():
    afp = claims_from(
        AFP,
        [
            "Trump said Monday that he will meet with Zelensky as soon as this week to sign a deal "
            "that would see the U.S. receive a share of Ukraine's critical mineral and natural "
            "resource revenues."
        ],
        doc="a",
    )
    ft = claims_from(
        FT,
        [
            "US and western officials have described this week’s meetings as logistical and aimed at "
            "preparing for a possible meeting between President Donald Trump and Putin with an eye "
            "towards ending the war between Russia and Ukraine."
        ],
        doc="b",
    )
    analyse_entities(afp + ft)
    assert find(afp[0].entities, "Trump")[0].canonical == "donald trump"
    assert find(afp[0].entities, "Trump")[0].label == "PERSON"


def test_split_name_is_rejoined_and_only_kept_labels():
    (ents,) = entities(
        AFP,
        "EU Commission chief Ursula von der Leyen also warned that despite opening talks with the United States on how to end the conflict, Putin was not about to back down.",
    )
    assert find(ents, "Ursula von der Leyen")[0].label == "PERSON"
    assert find(ents, "EU Commission")[0].canonical == "european commission"
    assert {e.label for e in ents} <= {"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "EVENT"}


def test_possessive_is_not_part_of_the_name():
    (ents,) = entities(
        FT,
        "Foreign minister Sergei Lavrov and Yuri Ushakov, Vladimir Putin’s foreign policy adviser, will head up the "
        "delegation, Dmitry Peskov, the Russian president’s spokesperson, told reporters on Monday.",
    )
    assert [e.text for e in ents if e.label == "PERSON"] == [
        "Sergei Lavrov",
        "Yuri Ushakov",
        "Vladimir Putin",
        "Dmitry Peskov",
    ]
