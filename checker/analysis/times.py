"""Time expressions resolved against the publication date, and "same event?" checks.

Why: two reports that both say "on Tuesday" can mean different Tuesdays (an FT report of Monday
2025-02-17 and an AFP report of Monday 2025-02-24). Aligned claims whose times are clearly
disjoint describe different events, which is not a contradiction.

Every :class:`TimeRef` has inclusive ``start``/``end`` dates (None when the expression needs a
publication date and there is none) and a granularity:

* ``day``: "Tuesday", "today", "yesterday", "tomorrow", "24 February 2025", "Feb. 24", "2025-02-24".
* ``week``: "this week", "last week", "next week" (ISO weeks, Monday-Sunday); "the past week"
  (the 7 days up to publication); "a week ago" / "N weeks ago" (approximate: the ISO week of
  pub - 7N widened to pub - 7N +/- 3 days, so "a week ago" in a Monday report covers the whole
  previous week).
* ``month``: "in February", "earlier in February", "Feb. 2022", "February 2022", "last month".
* ``year``: "in 2014", "this year", "last year", "three years ago".
* ``range``: durations, "(for) three years", "the past two weeks": the span ending at publication;
  "in the next 6 months", "over the coming two weeks": the span starting at publication; an open
  period, "since the spring of 2020" (from then to publication) and "until late June" (from
  publication to then): the sentence speaks of the whole stretch, not of the moment it names, so
  "used since 2020" in a 2022 report is not a different event from a meeting in March 2022.

Weekday rule (documented tense heuristic): a weekday equal to the publication weekday is the
publication day. Otherwise the nearest tense cue in the same sentence decides: future cues
("will", "'ll", "shall", "is/are to", "due to", "expected to", "plans to", "scheduled to",
"set to", "going to"; looking-ahead phrases such as "a chance to", "ahead of", "upcoming"; a
schedule word right before the time, "a vote expected Friday", "scheduled for Friday", "set for
May 23"; a progressive right before it, "is retiring in January") take the next such day; past
or other cues take the most recent past such day, which is also the default for news. A future
cue after "was"/"were" is past ("was due to review the policy on Wednesday"). A past participle
is no past cue after a form of "be" ("will be lifted on May 23", "in hopes of being allowed") or
as an adjective before a noun ("13,000 unaccompanied children"). "next"/"last" before a weekday
override the tense; a possessive weekday ("after Wednesday's vote") names an event already
known, so it is the most recent such day unless "next", "ahead of" or "upcoming" says otherwise.
The nearest cue before the expression wins ("Witkoff told Fox News on Sunday", even after a quote
containing "will"); if there is none before it, the first cue after it counts ("On Tuesday,
officials will meet"). "by" right before a date is a deadline: future, unless the sentence is in
the past perfect ("had"). Month names and day-month dates without a year use the same cues;
with no cue they take the nearest occurrence (a report from February says "March 3" for the
coming one).

Explicit dates are parsed by ``dateparser`` (candidates found by small regexes: its own
``search_dates`` misreads "Feb. 24" and "May" the verb); date arithmetic uses
``dateutil.relativedelta``. Numeric slash dates ("03/04/2025") are skipped: day/month order is
ambiguous in international news.

Out of range: Python dates run from 0001-01-01 to 9999-12-31. An expression whose span falls
outside that ("settled 3000 years ago", "in 10000 years", "5000000 weeks ago", a weekday in a
report dated 0001-01-01) is kept with its text and granularity but unresolved (``start=end=None``),
exactly like a relative expression without a publication date: it is never guessed, clipped or
raised. Counts are digits ("10,000") or number words ("nine thousand", "twenty-five"); a count
that is neither a whole number nor a number-word phrase ("1.5 years ago", "several years ago") is
not read as a time at all.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from checker.analysis.quantities import NUMBER_WORDS_PATTERN, words_to_number
from checker.types import TimeRef

__all__ = ["resolve_times", "same_time", "overlaps", "different_time", "tense_of"]

# ---------------------------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------------------------

_MONTH_NUM = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


Span = tuple[date, date]


def _iso_week(d: date) -> Span:
    """Monday and Sunday of the ISO week containing ``d``."""
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _month_span(year: int, month: int) -> Span:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_span(year: int) -> Span:
    return date(year, 1, 1), date(year, 12, 31)


def _in_calendar(compute: Callable[[], Span]) -> Span | None:
    """``compute()``, or None when the span leaves the calendar Python can represent (years
    1-9999): date arithmetic raises OverflowError there, and ``date()`` ValueError. Such an
    expression is kept as text, unresolved (see the module docstring)."""
    try:
        return compute()
    except (OverflowError, ValueError):
        return None


def _ref(text: str, span: Span | Callable[[], Span] | None, granularity: str) -> TimeRef:
    """A TimeRef; ``span`` may be a function computing it, evaluated by :func:`_in_calendar`."""
    if callable(span):
        span = _in_calendar(span)
    start, end = span if span else (None, None)
    return TimeRef(text=text, start=start, end=end, granularity=granularity)


# ---------------------------------------------------------------------------------------------
# Tense
# ---------------------------------------------------------------------------------------------

#: The part of a period a time may name ("early March", "mid-2024", "late last year").
_PART = "early|mid|late"
#: The words that make the time after them an open period ("since 2020", "until June").
_OPEN_WORDS = "since|until|till"

# A weekday, month name or relative day, as the start of a time expression (for lookaheads).
_TIME_WORD = (
    r"(?-i:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|today|tonight|tomorrow"
)
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|wo\s+n't"
    r"|(?:is|are|am)\s+(?:due|set|scheduled|expected|going|slated|poised|planning)\s+to"
    r"|(?:is|are)\s+to"
    r"|due\s+to(?!\s+(?:the|a|an|his|her|its|their|this|that)\b)"
    r"|expected\s+to|plans?\s+to|planned\s+to|scheduled\s+to|set\s+to|going\s+to|intends?\s+to"
    # looking ahead: "a chance to frame for voters in November", "ahead of Friday's vote"
    r"|(?:chance|opportunity|hopes?|aims?|seeks?|wants?|ready)\s+to|ahead\s+of|upcoming"
    r")\b"
    # a schedule word right before the time: "a vote expected Friday", "set for May 23"
    r"|\b(?:(?:expected|due|scheduled)(?:\s+(?:on|for))?|(?:set|slated|planned)\s+for)"
    rf"(?=\s+(?:(?:next|this)\s+)?(?:{_TIME_WORD}))"
    # a progressive right before the time: "is retiring in January", "are meeting on Friday"
    r"|\b(?:is|are|am)\s+(?!(?:some|no|any|every)thing\b)[a-z]{3,}ing"
    rf"(?=\s+(?:(?:in|on|at|by|from)\s+)?(?:(?:{_PART})[\s-]+)?(?:next\s|this\s|{_TIME_WORD}))"
    r"|'ll\b|’ll\b",
    re.I,
)
_PAST = re.compile(
    r"\b(?:said|told|met|spoke|held|was|were|had|did|went|came|made|gave|took|saw|left|began|got|"
    r"sent|wrote|won|lost|became|brought|thought|knew|found|flew|ran|stood|kept|struck|fell|hit|"
    r"agreed|[a-z]{3,}ed)\b",
    re.I,
)
_NOT_PAST = {"hundred", "united", "indeed", "need", "speed", "seed", "proceed", "exceed", "succeed", "breed", "feed", "sacred", "naked", "wicked", "beloved", "embed"}
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘'(]?[A-Z])|\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = 0
    for m in _SENTENCE_BREAK.finditer(text, 0, start):
        s = m.end()
    m = _SENTENCE_BREAK.search(text, end)
    return s, (m.start() + 1 if m else len(text))


# A past participle is not a past-tense cue after a form of "be" ("will be lifted", "if it is
# lifted", "in hopes of being allowed") or as an adjective before a noun ("13,000 unaccompanied
# children", "the armed men"): neither says that the time expression lies in the past.
_BE_BEFORE = re.compile(r"\b(?:is|are|am|be|being|isn't|aren't)\s+(?:(?:not|also|still|now)\s+)?$", re.I)
_DET_BEFORE = re.compile(r"(?:\b(?:a|an|the|its|their|our|my|your|his|these|those|every|such|no)|\d[\d,.]*)\s+$", re.I)
_FUNCTION_AFTER = re.compile(
    r"\s*(?:$|[^\w\s]|(?:the|a|an|in|on|at|by|to|for|with|from|of|and|or|but|that|this|it|as|into|over|"
    r"after|before|since|until|during|about|him|her|them|us|me|his|their|its|our)\b)",
    re.I,
)
# "was due to review the policy on Wednesday": a plan seen from the past is past.
_WAS_BEFORE = re.compile(r"\b(?:was|were)\s+(?:(?:not|also|still)\s+)?$", re.I)


def _is_past_cue(text: str, m: re.Match[str]) -> bool:
    word = m.group(0).lower()
    if word in _NOT_PAST:
        return False
    if not word.endswith("ed"):
        return True
    before = text[max(0, m.start() - 30) : m.start()]
    if _BE_BEFORE.search(before):
        return False
    return not (_DET_BEFORE.search(before) and not _FUNCTION_AFTER.match(text, m.end()))


def _cues(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, "future"|"past") for every tense cue between lo and hi.

    The patterns run on the whole text (their lookaheads may look past ``hi`` at the time
    expression itself: "expected Friday"); cues must lie within lo..hi."""
    found = [(m.start(), m.end(), "past" if _WAS_BEFORE.search(text[max(0, m.start() - 20) : m.start()]) else "future") for m in _FUTURE.finditer(text, lo) if m.end() <= hi]
    found += [(m.start(), m.end(), "past") for m in _PAST.finditer(text, lo, hi) if _is_past_cue(text, m)]
    return found


def tense_of(text: str, start: int, end: int) -> str | None:
    """ "future" | "past" | None for the time expression at text[start:end].

    "by" right before the expression is a deadline, so future unless the sentence is in the past
    perfect ("by May 23", but "by March 3 the army had withdrawn"). Otherwise the cue that ends
    nearest before the expression wins (future wins ties, so "is expected to" is future although
    "expected" looks past); without one, the first cue after it in the same sentence; None when
    the sentence has no cue at all.
    """
    s, e = _sentence_bounds(text, start, end)
    if re.search(r"\bby\s+$", text[max(0, start - 4) : start], re.I):
        return "past" if re.search(r"\bhad\b", text[s:e], re.I) else "future"
    before = _cues(text, s, start)
    if before:
        return max(before, key=lambda c: (c[1], c[2] == "future"))[2]
    after = _cues(text, end, e)
    return min(after, key=lambda c: (c[0], c[2] != "future"))[2] if after else None


# ---------------------------------------------------------------------------------------------
# Resolution of one expression
# ---------------------------------------------------------------------------------------------


def _weekday_date(pub: date, weekday: int, tense: str | None, modifier: str | None) -> date:
    """The date a weekday name refers to (see the module docstring for the rule)."""
    ahead = (weekday - pub.weekday()) % 7  # 0 = the publication weekday
    if modifier == "next":
        return pub + timedelta(days=ahead or 7)
    if modifier == "last":
        return pub - timedelta(days=(7 - ahead) % 7 or 7)
    if ahead == 0:
        return pub
    if tense == "future":
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=7 - ahead)


def _nearest_year(pub: date, month: int, day: int, tense: str | None) -> int:
    """Year for a month (and day) written without one: the next occurrence for future tense,
    the latest past one for past tense, the nearest one when the sentence has no tense cue."""

    def key(y: int) -> date:
        return date(y, month, min(day, 28))

    here = key(pub.year)
    if (month, day) == (pub.month, pub.day):
        return pub.year
    if tense == "future":
        return pub.year if here > pub else pub.year + 1
    if tense == "past":
        return pub.year if here < pub else pub.year - 1
    years = [y for y in (pub.year - 1, pub.year, pub.year + 1) if date.min.year <= y <= date.max.year]
    return min(years, key=lambda y: abs((key(y) - pub).days))


def _month_year(pub: date, month: int, tense: str | None, modifier: str | None) -> int:
    """Year of a month name without one: the publication month is this year; "last"/"next" and
    "earlier"/"later" fix the direction; otherwise tense, then nearest (see _nearest_year)."""
    if modifier == "last":
        return pub.year if month < pub.month else pub.year - 1
    if modifier == "next":
        return pub.year if month > pub.month else pub.year + 1
    if month == pub.month:
        return pub.year  # "earlier in February" in a February report
    if modifier == "later":
        tense = "future"
    elif modifier == "earlier":
        tense = "past"
    return _nearest_year(pub, month, 1, tense)


class _Unrepresentable(Exception):
    """A date-like expression whose date lies outside the calendar Python represents."""


def _explicit_date(candidate: str, pub: date | None, tense: str | None) -> date | None:
    """Parse "24 February 2025" / "Feb. 24" with dateparser; fix a missing year by tense.

    None when ``candidate`` is not a date; :class:`_Unrepresentable` when it is one that cannot
    be computed (a missing year that would be 0 or 10000, or dateparser failing on a
    publication date at the end of the calendar).

    dateparser is imported here, not at module level: it costs ~0.3 s and most sentences have
    no explicit date."""
    import dateparser

    base = datetime(pub.year, pub.month, pub.day) if pub else datetime(2000, 1, 1)
    try:
        parsed = dateparser.parse(
            candidate,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "current_period", "REQUIRE_PARTS": ["day", "month"], "RETURN_AS_TIMEZONE_AWARE": False},
        )
    except (OverflowError, ValueError) as exc:
        raise _Unrepresentable(candidate) from exc
    if parsed is None:
        return None
    if re.search(r"\d{4}", candidate):
        return parsed.date()
    if pub is None:
        return None
    year = _nearest_year(pub, parsed.month, parsed.day, tense)
    if not date.min.year <= year <= date.max.year:
        raise _Unrepresentable(candidate)
    try:
        return parsed.date().replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return None


def _weeks_ago(pub: date, n: int) -> Span:
    """Approximate "N weeks ago": the ISO week of pub - 7N, widened to pub - 7N +/- 3 days."""
    centre = pub - timedelta(days=7 * n)
    monday, sunday = _iso_week(centre)
    return min(monday, centre - timedelta(days=3)), max(sunday, centre + timedelta(days=3))


#: A count with more digits than this is beyond any date arithmetic (and int() of a very long
#: digit string raises ValueError in Python >= 3.11): it stands for "too large to resolve".
_MAX_COUNT_DIGITS = 12
_TOO_LARGE = 10**_MAX_COUNT_DIGITS


def _count(phrase: str) -> int | None:
    """A whole number from digits ("3000", "10,000") or number words ("nine thousand", "a");
    None when ``phrase`` is not one ("1.5", "several"). Huge counts come back as
    ``_TOO_LARGE``, which every date computation rejects, so they stay unresolved."""
    digits = phrase.replace(",", "")
    if digits.isdigit():
        return int(digits) if len(digits) <= _MAX_COUNT_DIGITS else _TOO_LARGE
    if re.fullmatch(r"[\d.]+", digits):
        return None  # a fraction: "1.5 years ago" is not a whole number of calendar units
    value = words_to_number(phrase)
    if value is None or value <= 0 or value != int(value):
        return None
    return min(int(value), _TOO_LARGE)


# ---------------------------------------------------------------------------------------------
# Rules: (pattern, handler) tried in order; an earlier rule's span blocks later overlapping ones.
# Each pattern has a group "x", the expression as reported (prepositions such as "on" left out).
# ---------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun(?:e|\.)?|"
    r"Jul(?:y|\.)?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
    r"Dec(?:ember|\.)?)(?![A-Za-z])"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# A count: digits (with thousands separators; a decimal is matched whole so that "1.5" is never
# read as "5"), or a phrase of number words ("nine thousand", "twenty-five", "a hundred").
_NUM = (
    rf"(?P<n>(?<![\w.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?![\d,]*\d)"
    rf"|(?:an?\s+)?(?:{NUMBER_WORDS_PATTERN})|an?)"
)
_PRE_MONTH = r"(?i:in|since|by|until|till|from|during|through|throughout|of|before|after|to)"

Handler = Callable[[re.Match[str], str, "date | None"], "TimeRef | None"]


def _month_of(token: str) -> int:
    return _MONTH_NUM[token[:3].lower()]


def _h_iso(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    try:
        d = date.fromisoformat(m.group("x"))
    except ValueError:
        return None
    return _ref(m.group("x"), (d, d), "day")


def _h_explicit(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    x = m.group("x")
    try:
        d = _explicit_date(re.sub(rf"^{_WEEKDAY},?\s+", "", x), pub, tense_of(text, m.start(), m.end()))
    except _Unrepresentable:
        return _ref(x, None, "day")
    if d is None and (re.search(r"\d{4}", x) or pub is not None):
        return None
    return _ref(x, (d, d) if d else None, "day")


def _h_month_year(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    return _ref(m.group("x"), lambda: _month_span(int(m.group("y")), _month_of(m.group("mon"))), "month")


def _h_month(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    mod = (m.group("mod") or "").lower() or None
    mon = m.group("mon")
    if not (m.group("pre") or mod):
        return None  # "March" / "May" alone are too often a noun, verb or name
    if pub is None:
        return _ref(m.group("x"), None, "month")
    month = _month_of(mon)
    year = _month_year(pub, month, tense_of(text, m.start("x"), m.end("x")), mod)
    return _ref(m.group("x"), lambda: _month_span(year, month), "month")


def _h_weekday(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    if re.search(r"\b(?:every|each)\s+$", text[max(0, m.start() - 8) : m.start()], re.I):
        return None  # recurring, not one day
    if pub is None:
        return _ref(m.group("x"), None, "day")
    mod = (m.group("mod") or "").lower() or None
    weekday = _WEEKDAYS.index(m.group("day").lower())
    tense = tense_of(text, m.start("x"), m.end("x"))
    if re.match(r"['’]s\b", text[m.end("x") :]) and mod not in ("next", "this"):
        # "after Wednesday's vote" names an event already known: the most recent such day,
        # unless it is announced as coming ("ahead of Friday's vote", "the upcoming Friday's").
        before = text[max(0, m.start() - 20) : m.start()]
        ahead = re.search(r"\b(?:ahead\s+of|upcoming|coming)\s+(?:the\s+)?$", before, re.I)
        tense = "future" if ahead else "past"
    return _ref(m.group("x"), lambda: _day(_weekday_date(pub, weekday, tense, mod)), "day")


def _day(d: date) -> Span:
    return d, d


def _h_relative_day(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m.group("x").lower()]
    if pub is None:
        return _ref(m.group("x"), None, "day")
    return _ref(m.group("x"), lambda: _day(pub + timedelta(days=offset)), "day")


def _h_past_span(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    """ "the past week", "over the last month": the span ending at publication ("week" for the
    past week, so it compares like the other week expressions; "range" for longer spans)."""
    unit = m.group("u").lower()
    if pub is None:
        return _ref(m.group("x"), None, "range" if unit != "week" else "week")
    delta = {"week": relativedelta(weeks=1), "month": relativedelta(months=1), "year": relativedelta(years=1)}[unit]
    return _ref(m.group("x"), lambda: (pub - delta, pub), "week" if unit == "week" else "range")


def _h_next_span(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    """ "in the next 6 months", "over the coming two weeks": the span starting at publication."""
    n, unit = _count(m.group("n")), m.group("u").lower()
    if n is None:
        return None
    if pub is None:
        return _ref(m.group("x"), None, "range")
    return _ref(m.group("x"), lambda: (pub, pub + _delta(unit, n)), "range")


def _delta(unit: str, n: int) -> relativedelta:
    """N days/weeks/months/years/decades (may raise OverflowError for huge N, see _in_calendar)."""
    return relativedelta(**{unit + "s": n}) if unit != "decade" else relativedelta(years=10 * n)


def _h_named_period(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    """ "this/last/next week|month|year" as calendar periods (ISO weeks)."""
    which, unit = m.group("w").lower(), m.group("u").lower()
    if pub is None:
        return _ref(m.group("x"), None, unit)
    step = {"this": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}[which]

    def span() -> Span:
        if unit == "week":
            return _iso_week(pub + timedelta(weeks=step))
        if unit == "month":
            d = pub + relativedelta(months=step)
            return _month_span(d.year, d.month)
        return _year_span(pub.year + step)

    return _ref(m.group("x"), span, unit)


def _h_ago(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    n, unit = _count(m.group("n")), m.group("u").lower().rstrip("s")
    if n is None:
        return None
    if pub is None:
        return _ref(m.group("x"), None, unit)

    def span() -> Span:
        if unit == "day":
            return _day(pub - timedelta(days=n))
        if unit == "week":
            return _weeks_ago(pub, n)
        if unit == "month":
            d = pub - relativedelta(months=n)
            return _month_span(d.year, d.month)
        return _year_span(pub.year - n)

    return _ref(m.group("x"), span, unit)


def _h_duration(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    """ "three years", "for a year": a range of that length ending at publication; "in/within
    N years" with a future cue ("will be safe in 10000 years") starts at publication instead
    (without one, "the first time in three years" looks back)."""
    n_text = m.group("n").lower()
    pre = (m.group("pre") or "").lower()
    if n_text in ("a", "an") and not pre:
        return None  # "a week after ..." is an offset from another event, not a duration
    n = 1 if n_text in ("a", "an") else _count(n_text)
    if n is None:
        return None
    unit = m.group("u").lower()
    if pub is None:
        return _ref(m.group("x"), None, "range")
    if pre in ("in", "within") and tense_of(text, m.start("x"), m.end("x")) == "future":
        return _ref(m.group("x"), lambda: (pub, pub + _delta(unit, n)), "range")
    return _ref(m.group("x"), lambda: (pub - _delta(unit, n), pub), "range")


def _h_year(m: re.Match[str], text: str, pub: date | None) -> TimeRef | None:
    after = text[m.end("x") : m.end("x") + 2]
    possessive = re.search(r"['’]s\s+$", text[max(0, m.start("x") - 4) : m.start("x")])
    if not (m.group("pre") or possessive or re.match(r"$|[^\w\s-]", after)):
        return None  # "2000 troops" is a count, not a year; "in 2000", "Russia's 2022 war" are years
    return _ref(m.group("x"), _year_span(int(m.group("x"))), "year")


_RULES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(r"\b(?P<x>\d{4}-\d{2}-\d{2})\b"), _h_iso),
    (
        re.compile(
            rf"(?P<x>(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?(?![\d:])(?:,?\s*\d{{4}}(?!\d))?"
            rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:(?i:of)\s+)?{_MONTH}(?:,?\s*\d{{4}}(?!\d))?))"
        ),
        _h_explicit,
    ),
    (re.compile(rf"(?P<x>(?:(?i:{_PART})[\s-]+)?(?P<mon>{_MONTH}),?\s+(?P<y>\d{{4}}))(?!\d)"), _h_month_year),
    (
        re.compile(
            rf"(?:\b(?P<pre>{_PRE_MONTH})\s+)?(?P<x>(?:(?P<mod>(?i:earlier|later|{_PART}|last|next|this))"
            rf"[\s-]+(?:(?i:in|this)\s+)?)?(?P<mon>{_MONTH}))(?![\s,]*\d)"
        ),
        _h_month,
    ),
    (re.compile(rf"\b(?P<x>(?:(?P<mod>(?i:last|next|this|later|earlier))\s+)?(?P<day>{_WEEKDAY}))(?![A-Za-z])"), _h_weekday),
    (re.compile(r"\b(?P<x>today|tonight|yesterday|tomorrow)\b", re.I), _h_relative_day),
    (re.compile(r"\b(?P<x>(?:(?:over|in|during|within)\s+)?the\s+(?:last|past)\s+(?P<u>week|month|year))\b", re.I), _h_past_span),
    (re.compile(rf"\b(?P<x>{_NUM}\s+(?P<u>days?|weeks?|months?|years?)\s+ago)\b", re.I), _h_ago),
    (re.compile(r"\b(?P<x>(?P<w>this|last|previous|next|coming)\s+(?P<u>week|month|year))\b", re.I), _h_named_period),
    (
        re.compile(
            rf"\b(?P<x>(?:(?:over|in|during|within|for)\s+)?(?:the\s+)?(?:next|coming)\s+{_NUM}\s+"
            r"(?P<u>day|week|month|year|decade)s?)\b",
            re.I,
        ),
        _h_next_span,
    ),
    (
        re.compile(
            rf"(?:\b(?P<pre>for|in|within|(?:over\s+)?the\s+(?:past|last))\s+)?\b(?P<x>{_NUM}\s+(?P<u>day|week|month|year|decade)s?)\b"
            r"(?!\s+(?:ago|old|later|earlier|after|before|from|on)\b)(?!-)",
            re.I,
        ),
        _h_duration,
    ),
    (
        re.compile(
            rf"(?:\b(?P<pre>(?i:in|since|by|until|till|from|during|through|throughout|of|before|after|{_PART}|"
            r"the|and|or|to))[\s-]+)?(?<![\w$€£,.-])(?P<x>1[89]\d\d|20\d\d)(?![\d%]|[.,]\d|s\b)"
        ),
        _h_year,
    ),
]


def _overlapping(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def resolve_times(text: str, published: date | None) -> list[TimeRef]:
    """All time expressions in ``text`` resolved against ``published``, in reading order.

    Rules run from the most specific (explicit dates) to the least (bare years); a later rule
    never re-reads text an earlier one claimed. Relative expressions get ``start=end=None``
    when ``published`` is None.
    """
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, TimeRef]] = []
    for pattern, handler in _RULES:
        for m in pattern.finditer(text):
            span = m.span("x")
            if _overlapping(span, taken):
                continue
            ref = handler(m, text, published)
            if ref is not None:
                taken.append(span)
                found.append(_open_period(text, span, ref, published))
    return [ref for _, ref in sorted(found, key=lambda p: p[0])]


# "since" / "until" right before a time, with an optional part of it ("the spring of", "late")
_OPEN_PERIOD = re.compile(
    rf"\b(?P<p>{_OPEN_WORDS})\s+(?:the\s+)?(?:(?:{_PART}|spring|summer|fall|autumn|winter|start|end|beginning|middle)"
    r"(?:\s+of)?[\s-]+(?:the\s+)?)?$",
    re.I,
)


def _open_period(text: str, span: tuple[int, int], ref: TimeRef, published: date | None) -> tuple[int, TimeRef]:
    """(position, ref), the ref widened to an open period when "since" / "until" governs it.

    "since X" runs from the start of X to publication, "until X" from publication to the end of
    X; without a publication date (or when X lies on the wrong side of it) the open end stays
    None, so the period is never compared as if it were known."""
    m = _OPEN_PERIOD.search(text, max(0, span[0] - 40), span[0])
    if m is None:
        return span[0], ref
    phrase = text[m.start() : span[1]]
    if m.group("p").lower() == "since":
        end = published if published is not None and ref.start is not None and ref.start <= published else None
        return m.start(), TimeRef(phrase, ref.start, end, "range")
    start = published if published is not None and ref.end is not None and published <= ref.end else None
    return m.start(), TimeRef(phrase, start, ref.end, "range")


def is_open_period(ref: TimeRef) -> bool:
    """True for a period made by :func:`_open_period` ("since 2020", "until June"): it overlaps
    most dates near it, so only the date it names tells whether two texts mention the same time."""
    return ref.granularity == "range" and re.match(rf"(?:{_OPEN_WORDS})\b", ref.text, re.I) is not None


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

#: Granularities that name *when* something happened. "range" (a duration) says how long, so it
#: is never compared with a point in time.
_POINT = {"day": 0, "week": 1, "month": 2, "year": 3}


def overlaps(a: TimeRef, b: TimeRef) -> bool:
    """True when both refs are resolved and their inclusive intervals share at least one day
    ("a week ago" in a 2025-02-24 report overlaps 2025-02-18)."""
    if None in (a.start, a.end, b.start, b.end):
        return False
    return a.start <= b.end and b.start <= a.end  # type: ignore[operator]


def same_time(a: TimeRef, b: TimeRef) -> bool | None:
    """True: the two refs may denote the same time (their intervals overlap). False: clearly
    disjoint at comparable granularity. None: cannot tell (unresolved, or a duration)."""
    if None in (a.start, a.end, b.start, b.end):
        return None
    if a.granularity not in _POINT or b.granularity not in _POINT:
        return None
    return overlaps(a, b)


def different_time(a_refs: list[TimeRef], b_refs: list[TimeRef]) -> tuple[TimeRef, TimeRef] | None:
    """A pair (one ref from each claim) whose intervals are clearly disjoint, else None.

    Evidence that two aligned claims report different events rather than contradict. When
    several pairs are disjoint, the finest-grained one is returned (day vs day first), since it
    names the events most precisely.
    """
    pairs = sorted(
        ((a, b) for a in a_refs for b in b_refs if same_time(a, b) is False),
        key=lambda p: max(_POINT[p[0].granularity], _POINT[p[1].granularity]),
    )
    return pairs[0] if pairs else None
