"""Party-state labels of politicians (checker/analysis/affiliations.py) and the policy rule that compares them
across reports (checker.judge.party_labels), on the labels as the fixture articles write them."""

from __future__ import annotations

import pytest

from checker.analysis.affiliations import affiliations, conflict, state_code
from conftest import FIXTURES

STORY_101 = [FIXTURES / "pac" / "story-101-nbc-news.txt", FIXTURES / "pac" / "story-101-washington-examiner.txt"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sen. Chris Murphy, D-Conn., who led the talks", [("Chris", "Murphy", "D", "CT", "D-Conn.")]),
        ("Chris Murphy (R-CT), looks to incentivize states", [("Chris", "Murphy", "R", "CT", "R-CT")]),
        ("Senator Chris Murphy (D., Conn.) is spearheading the talks", [("Chris", "Murphy", "D", "CT", "D., Conn.")]),
        ("Minority Leader Mitch McConnell (R-KY) voted in favor", [("Mitch", "McConnell", "R", "KY", "R-KY")]),
        ("West Virginia Sen. Joe Manchin (D., W. Va.) came out against", [("Joe", "Manchin", "D", "WV", "D., W. Va.")]),
        ("Sen. John Cornyn, R-Texas, said", [("John", "Cornyn", "R", "TX", "R-Texas")]),
        ("Sen. Kyrsten Sinema (I-Ariz.)", [("Kyrsten", "Sinema", "I", "AZ", "I-Ariz.")]),
        (
            "Reps. Lauren Boebert (R-Colo.) and Marjorie Taylor Greene (R-Ga.)",
            [("Lauren", "Boebert", "R", "CO", "R-Colo."), ("Marjorie", "Greene", "R", "GA", "R-Ga.")],
        ),
        ("Speaker Nancy Pelosi (D-Calif.)", [("Nancy", "Pelosi", "D", "CA", "D-Calif.")]),
        # not labels: a day, a film rating, a word after a comma
        ("Troops landed on D-Day, and R-rated films were banned.", []),
        ("He met Smith, D-Day veteran, in Normandy.", []),
    ],
)
def test_labels_are_read_with_the_person_and_the_state_as_postal_code(text, expected):
    assert [(a.first, a.surname, a.party, a.state, a.label) for a in affiliations(text)] == expected


def test_the_same_label_written_three_ways_is_no_conflict_and_a_different_party_or_state_is():
    (nbc,) = affiliations("Sen. Chris Murphy, D-Conn., said")
    (nr,) = affiliations("Senator Chris Murphy (D., Conn.) said")
    (ex,) = affiliations("Chris Murphy (R-CT) said")
    (elsewhere,) = affiliations("Chris Murphy (D-Fla.) said")
    assert conflict(nbc, nr) is None
    assert conflict(nbc, ex) == "party" and conflict(nbc, elsewhere) == "state"
    assert state_code("W. Va.") == state_code("W.Va.") == state_code("WV") == state_code("West Virginia") == "WV"
    assert state_code("Narnia") is None


def test_a_surname_alone_is_not_the_same_person():
    """Two Murphys sat in the 117th Congress (Chris, D-Conn.; Stephanie, D-Fla.): without a given name on
    both sides, the labels are not compared."""
    (chris,) = affiliations("Sen. Chris Murphy (D-Conn.) said")
    (bare,) = affiliations("Murphy (D-Fla.) said")
    (stephanie,) = affiliations("Rep. Stephanie Murphy (D-Fla.) said")
    assert bare.first is None and not chris.same_person(bare)
    assert not chris.same_person(stephanie)
    assert chris.same_person(affiliations("Chris Murphy (R-CT)")[0])


@pytest.fixture(scope="module")
def story_101():
    from checker.pipeline import analyse, load_documents

    docs = load_documents(STORY_101)
    analyse(docs)
    return docs


def test_story_101_the_examiner_labels_murphy_a_republican(story_101):
    """NBC: "Sen. Chris Murphy, D-Conn."; the Examiner: "Chris Murphy (R-CT)". Schumer (D-N.Y. / D-NY) and
    Cornyn (R-Texas / R-TX) are labelled in both reports too, written differently: no finding for them."""
    from checker.config import Settings
    from checker.judge import party_labels

    claims = {c.id: c for d in story_101 for c in d.claims}
    drafts = party_labels(story_101, {}, Settings())
    assert [(d.kind, d.check, d.details) for d in drafts] == [("entity_mismatch", "entity", {"person": "Chris Murphy", "differs": "party", "a": "D-Conn.", "b": "R-CT"})]
    a, b = (claims[c] for c in drafts[0].claims)
    assert "Chris Murphy, D-Conn." in a.text and "Chris Murphy (R-CT)" in b.text
    assert drafts[0].message == f"Chris Murphy's party differs: 'D-Conn.' in {a.id}, 'R-CT' in {b.id}"


def test_a_party_label_conflict_is_a_name_divergence_in_consensus_not_a_place(story_101):
    """Consensus over 3+ reports names the aspect two claims conflict on: the party-label FC202 is on a
    name; a changed place (the word-level rule's Riyadh -> Istanbul) stays a place."""
    from checker.config import Settings
    from checker.consensus import aspect_of
    from checker.judge import party_labels
    from checker.types import Finding

    (draft,) = party_labels(story_101, {}, Settings())
    label = Finding("F1", draft.kind, "error", "FC202", draft.message, draft.claims, check=draft.check, details=draft.details)
    assert aspect_of(label) == "name"
    place = Finding("F2", "entity_mismatch", "error", "FC202", "", ["a1", "b1"], check="edit", details={"changes": [{"kind": "place"}]})
    person = Finding("F3", "entity_mismatch", "error", "FC202", "", ["a1", "b1"], check="edit", details={"changes": [{"kind": "person"}]})
    where = Finding("F4", "entity_mismatch", "error", "FC202", "", ["a1", "b1"], check="entity", details={"a": "Riyadh", "b": "Istanbul"})
    assert [aspect_of(f) for f in (place, person, where)] == ["place", "name", "place"]
