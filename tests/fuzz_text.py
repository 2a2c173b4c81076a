"""Hypothesis strategies and profiles for the fuzz suite (tests/test_fuzz_*.py, scripts/fuzz.py).

Generated text is built from what real articles are made of — the words of the two fixture
articles, the expressions checker.analysis.times and .quantities read (counts in digits and words,
units, "ago", weekdays, months, explicit dates with any year), quotation marks, datelines and
Markdown/HTML furniture — mixed with what hostile or broken input adds: arbitrary Unicode,
bidi controls, control characters, huge digit strings and run-on lines. Publication dates cover
the whole calendar Python represents, 0001-01-01 to 9999-12-31.

Profiles: ``ci`` (the default, what the README's test command runs) has fixed example counts and
``derandomize=True``, so CI runs the same cases every time within the suite's time budget;
``fuzz`` (scripts/fuzz.py) draws fresh random cases, ``FACTCHECK_FUZZ_EXAMPLES`` of them per test.
Neither keeps an example database in the working tree.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
FT = FIXTURES / "riyadh-talks-ft-2025-02-17.txt"
AFP = FIXTURES / "riyadh-followup-afp-2025-02-24.txt"

PROFILE_ENV = "FACTCHECK_HYPOTHESIS_PROFILE"
EXAMPLES_ENV = "FACTCHECK_FUZZ_EXAMPLES"  # per property, when fuzzing
COMPARE_EXAMPLES_ENV = "FACTCHECK_FUZZ_COMPARE_EXAMPLES"  # for the whole-compare property (runs the models)
_COMMON = {"deadline": None, "database": None, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]}
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("fuzz", derandomize=False, **_COMMON)
settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


def examples(ci: int, env: str = EXAMPLES_ENV) -> settings:
    """Settings for one property: ``ci`` examples in CI, ``$<env>`` of them when fuzzing."""
    n = int(os.environ.get(env) or 0) if os.environ.get(PROFILE_ENV) == "fuzz" else 0
    return settings(max_examples=n or ci)


def _fixture_sentences() -> list[str]:
    lines = []
    for path in (FT, AFP):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line.split()) >= 6 and not line.startswith("date "):
                lines.append(line)
    return lines


SENTENCES = _fixture_sentences()
WORDS = sorted({w for s in SENTENCES for w in re.findall(r"[\w'’.-]+", s)})

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve twenty thirty ninety hundred thousand million billion trillion dozen half a an and several few"
).split()
UNITS = "day days week weeks fortnight month months year years decade decades".split()
TIME_WORDS = (
    "ago in for the past last next this coming previous earlier later early mid late over within since by "
    "until today tonight yesterday tomorrow every each will was were had said is are expected to due set "
    "scheduled ahead of upcoming 's"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = ("January Feb. February March Mar. April May June Jul. July Aug. August Sept. September Oct. October Nov. November Dec. December").split()
MONEY = (
    "$ US$ € £ % per cent percent percentage points bn m k tn mn million billion soldiers people troops tonnes "
    "km dollars euros -odd -plus + or more about nearly more than at least up to tens of thousands dozens "
    "hundreds millions"
).split()
PUNCT = list(".,;:!?…-–—()[]\"'“”‘’«»/&*#>|_`~") + ["...", " - ", "\n", "\n\n", "\t", "  "]
ODD = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u200b",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\x0b",
    "\x0c",
    "\r",
    "\r\n",
    "\u0301",
    "e\u0301",
    "\U0001f600",
    "\U0001f1fa\U0001f1f8",
    "مرحبا",
    "שלום",
    "東京",
    "İstanbul",
    "ß",
    "ﬁ",
    "<b>",
    "</p>",
    "&amp;",
    "&#x202e;",
    "<!--",
    "-->",
    "---",
    "# ",
    "> ",
    "* ",
    "1. ",
    "RIYADH (AFP) -",
    "GENEVA, Feb 24 (AFP)",
    "U.S.",
    "Mr.",
    "D-Conn.",
    "No.",
    "Covid-19",
    "F-16",
    "45-year-old",
]


def _digits() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**6).map(str),
        st.integers(0, 10**40).map(str),
        st.integers(0, 10**12).map("{:,}".format),
        st.floats(0, 1e12, allow_nan=False).map(lambda f: f"{f:.2f}"),
        st.integers(300, 5000).map(lambda n: "9" * n),  # beyond float range; beyond int("...")'s digit limit
        st.sampled_from(["0", "00", "1e308", "1e400", "9999", "10000", "0001", "1.5", "2,5", "1,000,000,000,000,000"]),
    )


def count() -> st.SearchStrategy[str]:
    """A count as articles write one: digits or number words."""
    words = st.lists(st.sampled_from(NUMBER_WORDS), min_size=1, max_size=4).map(" ".join)
    return st.one_of(
        _digits(), words, st.sampled_from(["nine thousand", "twenty-five", "a hundred", "three hundred and five", "a", "an", "half a million", " ".join(["hundred"] * 200)])
    )


def time_phrase() -> st.SearchStrategy[str]:
    """Expressions checker.analysis.times resolves, with any count and any year."""
    year = st.one_of(st.integers(0, 99999).map(str), st.integers(0, 9999).map("{:04d}".format))
    day = st.integers(0, 40).map(str)
    unit = st.sampled_from(UNITS)
    return st.one_of(
        st.tuples(count(), unit).map(lambda t: f"{t[0]} {t[1]} ago"),
        st.tuples(st.sampled_from(["in", "within", "for", "over the past", "the last", "in the next", "over the coming"]), count(), unit).map(" ".join),
        st.tuples(st.sampled_from(["", "next ", "last ", "this ", "on ", "every ", "by "]), st.sampled_from(WEEKDAYS), st.sampled_from(["", "'s"])).map("".join),
        st.tuples(st.sampled_from(["in ", "since ", "by ", "earlier in ", "later in ", "last ", "next ", ""]), st.sampled_from(MONTHS)).map("".join),
        st.tuples(st.sampled_from(MONTHS), day, year).map(lambda t: f"{t[0]} {t[1]}, {t[2]}"),
        st.tuples(day, st.sampled_from(MONTHS), year).map(" ".join),
        st.tuples(st.sampled_from(MONTHS), day).map(" ".join),
        st.tuples(st.sampled_from(MONTHS), year).map(" ".join),
        st.tuples(year, st.integers(0, 19), st.integers(0, 39)).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
        st.sampled_from(
            [
                "today",
                "tonight",
                "yesterday",
                "tomorrow",
                "this week",
                "last month",
                "next year",
                "the past week",
                "in 2014",
                "since 1999",
                "Russia's 2022 war",
                "Feb. 29",
                "29 February",
            ]
        ),
    )


def quantity_phrase() -> st.SearchStrategy[str]:
    """Figures checker.analysis.quantities reads: currency, scale, percent, counted nouns, approximators."""
    return st.tuples(
        st.sampled_from(["", "about ", "more than ", "at least ", "up to ", "nearly ", "some ", "fewer than "]),
        st.sampled_from(["", "$", "US$", "€", "£"]),
        count(),
        st.sampled_from(["", " million", " billion", "bn", "m", "k", "%", " per cent", " percentage points"]),
        st.sampled_from(["", " soldiers", " people", " Ukrainian troops", " tonnes", " km", " days", "-year", " dollars"]),
        st.sampled_from(["", " or more", "-odd", "+"]),
    ).map("".join)


def token() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(WORDS),
        st.sampled_from(TIME_WORDS + WEEKDAYS + MONTHS + NUMBER_WORDS + UNITS + MONEY),
        _digits(),
        time_phrase(),
        quantity_phrase(),
        st.sampled_from(PUNCT + ODD),
        st.text(max_size=6),
    )


def sentence() -> st.SearchStrategy[str]:
    """One sentence-like string: a fixture sentence, possibly edited, or generated tokens."""
    made = st.tuples(st.lists(token(), min_size=1, max_size=24).map(" ".join), st.sampled_from([".", "!", "?", "", ".”", '"', ":", "…"])).map("".join)
    edited = st.tuples(st.sampled_from(SENTENCES), st.integers(0, 400), st.one_of(time_phrase(), quantity_phrase(), token())).map(
        lambda t: t[0][: t[1]] + " " + t[2] + " " + t[0][t[1] :]
    )
    return st.one_of(st.sampled_from(SENTENCES), edited, made)


def known_date() -> st.SearchStrategy[date]:
    """Publication dates across the representable calendar, extremes included."""
    return st.one_of(st.dates(), st.sampled_from([date.min, date.max, date(1, 1, 7), date(9999, 12, 25), date(2025, 2, 17), date(2024, 2, 29)]))


def pub_date() -> st.SearchStrategy[date | None]:
    """A publication date, or none (relative expressions then stay unresolved)."""
    return st.one_of(st.none(), known_date())


def article() -> st.SearchStrategy[str]:
    """Plain-text article: an optional "date YYYY-MM-DD Title" header line, then sentences and
    paragraphs; sometimes one run-on line of a few thousand characters."""
    body = st.lists(st.tuples(sentence(), st.sampled_from([" ", " ", "\n", "\n\n", "\n\n\n", "  \n"])), min_size=1, max_size=8).map(
        lambda parts: "".join(s + sep for s, sep in parts)
    )
    runon = st.tuples(st.lists(st.sampled_from(WORDS), min_size=300, max_size=1200), st.sampled_from([" ", "  ", "\t"])).map(lambda t: t[1].join(t[0]))
    header = st.one_of(st.just(""), st.tuples(known_date(), st.sampled_from(WORDS)).map(lambda t: f"date {t[0].isoformat()} {t[1]}\n"))
    return st.tuples(header, st.one_of(body, body, body, runon)).map("".join)


def markdown() -> st.SearchStrategy[str]:
    front = st.one_of(
        st.just(""),
        st.tuples(known_date(), st.sampled_from(WORDS + ODD)).map(lambda t: f"---\ndate: {t[0].isoformat()}\ntitle: {t[1]!r}\n---\n"),
        st.sampled_from(["---\n", "---\ndate: 2025-13-45\n---\n", "---\n: : :\n---\n", "---\ndate: [1, 2]\n---\n"]),
    )
    line = st.tuples(st.sampled_from(["", "# ", "## ", "> ", "- ", "* ", "1. ", "```\n", "![x](y.png)\n", "[a]: http://x\n"]), sentence()).map("".join)
    return st.tuples(front, st.lists(line, min_size=1, max_size=8).map("\n\n".join)).map("".join)


def html_page() -> st.SearchStrategy[str]:
    paragraphs = st.lists(sentence(), min_size=1, max_size=6)
    wrapped = st.tuples(st.sampled_from(WORDS + ODD), paragraphs, st.sampled_from(["p", "div", "li", "h2", "blockquote"])).map(
        lambda t: (
            f'<html><head><title>{t[0]}</title><meta property="article:published_time" content="2025-02-24"></head>'
            f"<body><article>" + "".join(f"<{t[2]}>{s}</{t[2]}>" for s in t[1]) + "</article></body></html>"
        )
    )
    broken = st.lists(
        st.one_of(sentence(), st.sampled_from(["<p>", "</p>", "<div", "<script>x()</script>", "<br>", "&nbsp;", "&#0;", "&#x110000;", "<![CDATA[", "<style>", "<!--x"])),
        min_size=1,
        max_size=12,
    ).map("".join)
    return st.one_of(wrapped, wrapped, broken)


def short_article() -> st.SearchStrategy[str]:
    """A short plain-text article for the whole pipeline: a few fixture sentences (so that two
    articles share vocabulary and get aligned and judged), edited with times and figures, under
    an optional "date" header with any publication date; now and then a run-on line."""
    body = st.lists(st.one_of(st.sampled_from(SENTENCES), sentence()), min_size=1, max_size=4).map(" ".join)
    runon = st.lists(st.sampled_from(WORDS), min_size=400, max_size=700).map(" ".join)
    header = st.one_of(st.just(""), known_date().map(lambda d: f"date {d.isoformat()} Report\n"))
    return st.tuples(header, st.one_of(body, body, body, body, body, runon)).map("".join)
