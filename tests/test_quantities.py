"""Quantity extraction and tolerant comparison (checker.analysis.quantities)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from checker.analysis.quantities import (
    compare_quantities,
    extract_quantities,
    noun_lemma,
    quantity_conflicts,
    quantity_interval,
    words_to_number,
)
from checker.types import Quantity

AFP = Path(__file__).resolve().parents[1] / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"


def q1(text: str) -> Quantity:
    """The single quantity in ``text``."""
    found = extract_quantities(text)
    assert len(found) == 1, found
    return found[0]


def fields(q: Quantity) -> tuple[str, float, str | None, str | None]:
    return q.text, q.value, q.unit, q.approx


# --- extraction -------------------------------------------------------------------------------


def test_afp_tens_of_thousands_of_soldiers_is_a_vague_interval():
    line = next(l for l in AFP.read_text(encoding="utf-8").splitlines() if l.startswith("Tens of thousands"))
    found = extract_quantities(line)
    assert [fields(q) for q in found] == [
        ("Tens of thousands of soldiers", 10_000.0, "soldier", "vague"),
        ("millions", 2_000_000.0, None, "vague"),
    ]
    assert quantity_interval(found[0]) == (10_000, 99_999)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("about 300 soldiers", ("about 300 soldiers", 300.0, "soldier", "about")),
        ("more than 1,000 civilians", ("more than 1,000 civilians", 1000.0, "civilian", "more_than")),
        ("at least 12 people", ("at least 12 people", 12.0, "person", "at_least")),
        ("fewer than 50 tanks", ("fewer than 50 tanks", 50.0, "tank", "less_than")),
        ("up to 40 drones", ("up to 40 drones", 40.0, "drone", "at_most")),
        ("300-odd soldiers", ("300-odd soldiers", 300.0, "soldier", "about")),
        ("300 soldiers or more", ("300 soldiers or more", 300.0, "soldier", "at_least")),
        ("$14 billion", ("$14 billion", 14e9, "USD", None)),
        ("$14bn", ("$14bn", 14e9, "USD", None)),
        ("€5m", ("€5m", 5e6, "EUR", None)),
        ("14 billion dollars", ("14 billion dollars", 14e9, "USD", None)),
        ("37.9%", ("37.9%", 37.9, "percent", None)),
        ("about 38 percent", ("about 38 percent", 38.0, "percent", "about")),
        ("2.5 million people", ("2.5 million people", 2.5e6, "person", None)),
        ("300 Ukrainian soldiers", ("300 Ukrainian soldiers", 300.0, "soldier", None)),
        ("500 km", ("500 km", 500.0, "km", None)),
        ("a week", ("a week", 7.0, "day", None)),
        ("three years", ("three years", 3 * 365.25, "day", None)),
        ("10 days", ("10 days", 10.0, "day", None)),
        ("three", ("three", 3.0, None, None)),
        ("twelve", ("twelve", 12.0, None, None)),
        ("two dozen tanks", ("two dozen tanks", 24.0, "tank", None)),
        ("a dozen drones", ("a dozen drones", 12.0, "drone", None)),
        ("three hundred and five troops", ("three hundred and five troops", 305.0, "troop", None)),
        ("half a million people", ("half a million people", 500_000.0, "person", None)),
        ("dozens of drones", ("dozens of drones", 24.0, "drone", "vague")),
        ("hundreds of casualties", ("hundreds of casualties", 200.0, "casualty", "vague")),
        ("several hundred troops", ("several hundred troops", 300.0, "troop", "vague")),
    ],
)
def test_extracts(text: str, expected: tuple):
    assert fields(q1(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "since Moscow's invasion of Ukraine in Feb. 2022",  # year and date
        "the talks on Feb. 24 and 24 February",
        "the biggest conflict in Europe since World War II",
        "during Covid-19",
        "F-16 jets and G7 leaders",
        "a Boeing 737 landed",
        "on the third anniversary, 3rd place",  # ordinals
        "at 10:30 and 3 p.m.",
        "a 45-year-old man",
        "A week ago, delegations met",  # a time reference (checker.analysis.times), not an amount
        "one of them said no one came",  # "one" alone is not a count
        "the 2024 US election",
    ],
)
def test_skips_years_dates_names_ordinals(text: str):
    assert extract_quantities(text) == []


def test_reading_order_and_numbers_with_verbs_after_have_no_noun():
    found = extract_quantities("Some 300 were killed and 40 soldiers wounded.")
    assert [fields(q) for q in found] == [("Some 300", 300.0, None, "about"), ("40 soldiers", 40.0, "soldier", None)]


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("three", 3),
        ("twenty-five", 25),
        ("two dozen", 24),
        ("a hundred", 100),
        ("three hundred and forty two", 342),
        ("two million five hundred thousand", 2_500_000),
        ("half a million", 500_000),
        ("two and three", None),
        ("many", None),
    ],
)
def test_words_to_number(phrase: str, value: float | None):
    assert words_to_number(phrase) == value


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("soldiers", "soldier"), ("casualties", "casualty"), ("people", "person"), ("churches", "church"), ("houses", "house"), ("kilometres", "km"), ("tanks", "tank")],
)
def test_noun_lemma(word: str, lemma: str):
    assert noun_lemma(word) == lemma


# --- comparison -------------------------------------------------------------------------------


def Q(value: float, unit: str | None = "soldier", approx: str | None = None, text: str = "") -> Quantity:
    return Quantity(text=text or str(value), value=value, unit=unit, approx=approx)


def test_dollar_billion_spellings_match():
    assert compare_quantities(q1("$14 billion"), q1("$14bn")) == "match"


def test_percent_with_about():
    assert compare_quantities(q1("37.9%"), q1("about 38%")) == "match"
    assert compare_quantities(q1("37.9%"), q1("about 42%")) == "match"  # 42 - 10% = 37.8
    assert compare_quantities(q1("37.9%"), q1("about 43%")) == "mismatch"  # 43 - 10% = 38.7


def test_different_soldier_counts_mismatch():
    assert compare_quantities(q1("300 soldiers"), q1("500 soldiers")) == "mismatch"


def test_exact_tolerance_is_one_percent():
    assert compare_quantities(Q(1000), Q(1010)) == "match"
    assert compare_quantities(Q(1000), Q(1011)) == "mismatch"
    assert compare_quantities(Q(37.9, "percent"), Q(38, "percent")) == "match"  # 0.26%


def test_about_tolerance_is_ten_percent():
    assert compare_quantities(Q(300, approx="about"), Q(330)) == "match"
    assert compare_quantities(Q(300, approx="about"), Q(270)) == "match"
    assert compare_quantities(Q(300, approx="about"), Q(340)) == "mismatch"


def test_bounds():
    assert compare_quantities(q1("more than 1,000 soldiers"), q1("5,000 soldiers")) == "match"
    assert compare_quantities(q1("more than 1,000 soldiers"), q1("1,000 soldiers")) == "match"
    assert compare_quantities(q1("more than 1,000 soldiers"), q1("800 soldiers")) == "mismatch"
    assert compare_quantities(q1("fewer than 50 soldiers"), q1("60 soldiers")) == "mismatch"
    assert compare_quantities(q1("at most 50 soldiers"), q1("more than 40 soldiers")) == "match"
    assert quantity_interval(q1("at least 12 people")) == (12, math.inf)


def test_vague_magnitudes_are_intervals():
    tens = q1("tens of thousands of soldiers")
    assert compare_quantities(tens, q1("45,000 soldiers")) == "match"
    assert compare_quantities(tens, q1("500 soldiers")) == "mismatch"
    assert compare_quantities(tens, q1("more than 50,000 soldiers")) == "match"
    assert quantity_interval(q1("dozens of soldiers")) == (24, 99)
    assert quantity_interval(q1("hundreds of soldiers")) == (200, 999)
    # about 150 covers 135..165, hundreds starts at 200; about 190 covers 171..209
    assert compare_quantities(q1("hundreds of soldiers"), q1("about 150 soldiers")) == "mismatch"
    assert compare_quantities(q1("hundreds of soldiers"), q1("about 190 soldiers")) == "match"


def test_different_units_are_incomparable():
    assert compare_quantities(q1("300 soldiers"), q1("5 tanks")) == "incomparable"
    assert compare_quantities(q1("$14bn"), q1("€14bn")) == "incomparable"
    assert compare_quantities(q1("a week"), q1("three years")) == "mismatch"  # both durations in days
    assert compare_quantities(q1("three years"), q1("36 months")) == "match"


# --- conflicts ----------------------------------------------------------------------------------


def test_quantity_conflicts_pairs_only_the_same_counted_noun():
    a = extract_quantities("About 300 soldiers and 5 tanks were lost, costing $14bn.")
    b = extract_quantities("Some 500 soldiers and 5 tanks were lost, costing $14 billion.")
    conflicts = quantity_conflicts(a, b)
    assert [(x.text, y.text) for x, y in conflicts] == [("About 300 soldiers", "Some 500 soldiers")]


def test_quantity_conflicts_ignores_bare_numbers_and_matches():
    a = extract_quantities("three said 300 soldiers died")
    b = extract_quantities("twelve said tens of thousands of soldiers died")
    assert [(x.text, y.text) for x, y in quantity_conflicts(a, b)] == [("300 soldiers", "tens of thousands of soldiers")]
    assert quantity_conflicts(extract_quantities("300 soldiers"), extract_quantities("5 tanks")) == []
    assert quantity_conflicts(extract_quantities("dozens of soldiers"), extract_quantities("40 soldiers")) == []


def test_number_words_that_overflow_a_float_are_no_number():
    """Found by scripts/fuzz.py: "hundred" repeated 300 times is 1e600, infinity as a float."""
    assert words_to_number(" ".join(["hundred"] * 300)) is None
    assert words_to_number(" ".join(["hundred"] * 3)) == 1e6
