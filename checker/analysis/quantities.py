"""Numbers in news sentences: extraction and tolerant comparison.

Why symbolic: an NLI model reads "300 soldiers" and "500 soldiers" as near-paraphrases, so numeric
conflicts are checked here with explicit, documented rules.

Representation (:class:`checker.types.Quantity`):

* ``value`` is normalised: "$14 billion" and "$14bn" are both ``14e9``; "2.5 million people" is
  ``2.5e6``; durations are in days ("a week" -> 7, "three years" -> 3 * 365.25 = 1095.75).
* ``unit``: ``"USD"``/``"EUR"``/``"GBP"`` for money, ``"percent"`` (and ``"percentage point"``),
  ``"day"`` for durations, a normalised measure (``"km"``, ``"tonne"``...) or, for counts, the
  lemma of the counted noun ("300 soldiers" -> ``"soldier"``, "2.5 million people" ->
  ``"person"``). A bare number with no recognisable noun has ``unit=None``.
* ``approx``: ``None`` (exact), ``"about"``, ``"more_than"``, ``"less_than"``, ``"at_least"``,
  ``"at_most"`` or ``"vague"``. Vague magnitudes ("tens of thousands", "dozens", "hundreds") keep
  their lower bound in ``value``; :func:`quantity_interval` recovers the whole interval from
  ``text``.
* ``text`` is the span as written, approximator and counted noun included ("about 300 soldiers").

Skipped on purpose: years ("2022"), dates ("Feb. 24"), ordinals ("3rd", "third"), times of day,
numbers that are part of names ("Covid-19", "F-16", "G7", "Boeing 737"; Roman numerals as in
"World War II" are never read), ages ("45-year-old"), "N weeks ago" (a time, not an amount),
and the lone word "one"/"a" unless a unit, scale or duration follows ("one of them" is not a
count). Number words use a small table
(:func:`words_to_number`): the PyPI converters are either unmaintained (word2number, 2017) or a
compiled dependency for what is twenty lines here, and none knows "two dozen" or "a week".
"""

from __future__ import annotations

import math
import re

from checker.types import Quantity

__all__ = [
    "extract_quantities",
    "compare_quantities",
    "quantity_conflicts",
    "quantity_interval",
    "words_to_number",
    "NUMBER_WORDS_PATTERN",
    "noun_lemma",
    "EXACT_TOLERANCE",
    "ABOUT_TOLERANCE",
]

#: Two exact numbers match when they differ by at most 1% (relative to the larger magnitude).
EXACT_TOLERANCE = 0.01
#: "about X" covers X +/- 10%.
ABOUT_TOLERANCE = 0.10

# ---------------------------------------------------------------------------------------------
# Number words
# ---------------------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ABBREV_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
_NUMBER_WORDS = {**_UNITS, **_TENS, "hundred": 100, "dozen": 12, **_SCALES}
_NW = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

_DURATIONS = {"day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 365.25 / 12, "year": 365.25, "decade": 3652.5}
_DUR = r"(?:days?|weeks?|fortnights?|months?|years?|decades?)"


def words_to_number(phrase: str) -> float | None:
    """Value of an English number-word phrase ("two dozen" -> 24, "three hundred and five" -> 305).

    Accepts hyphens and "and"; "a"/"an" count as one ("a dozen", "a week"); "half a million" is
    500,000. Returns None when a word is not a number word, so callers can reject a phrase.
    """
    raw = [t for t in re.split(r"[\s-]+", phrase.lower().strip()) if t]
    if any(t == "and" and (i == 0 or raw[i - 1] not in ("hundred", *_SCALES)) for i, t in enumerate(raw)):
        return None  # "two and three" is two numbers, not five
    tokens = [t for t in raw if t != "and"]
    total, current, seen = 0.0, 0.0, False
    for i, tok in enumerate(tokens):
        if tok in ("a", "an"):
            if i == 0 or tokens[i - 1] == "half":
                current = current or 1.0
                seen = True
                continue
            return None
        if tok == "half":
            current += 0.5
        elif tok in _UNITS or tok in _TENS:
            current += _NUMBER_WORDS[tok]
        elif tok in ("hundred", "dozen"):
            current = (current or 1.0) * _NUMBER_WORDS[tok]
        elif tok in _SCALES:
            total += (current or 1.0) * _SCALES[tok]
            current = 0.0
        else:
            return None
        seen = True
    value = total + current
    return value if seen and math.isfinite(value) else None  # "hundred hundred ..." overflows to inf: not a number


def _parse_digits(num: str) -> float:
    return float(num.replace(",", ""))


# ---------------------------------------------------------------------------------------------
# Nouns
# ---------------------------------------------------------------------------------------------

_IRREGULAR = {"people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot", "police": "police", "personnel": "personnel", "staff": "staff"}
_MEASURES = {
    "km": "km",
    "kilometre": "km",
    "kilometer": "km",
    "kms": "km",
    "mile": "mile",
    "metre": "m",
    "meter": "m",
    "kg": "kg",
    "kilogram": "kg",
    "kilo": "kg",
    "tonne": "tonne",
    "ton": "tonne",
    "dollar": "USD",
    "euro": "EUR",
}


def noun_lemma(word: str) -> str:
    """A small, predictable lemmatiser for counted nouns ("soldiers" -> "soldier",
    "casualties" -> "casualty", "people" -> "person"); measure words map to one spelling.

    Deliberately tiny: it only has to make two mentions of the same noun compare equal.
    """
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif re.search(r"(?:ss|x|ch|sh|zz)es$", w):
        w = w[:-2]
    elif w.endswith("s") and not re.search(r"(?:ss|us|is)$", w) and len(w) > 2:
        w = w[:-1]
    return _MEASURES.get(w, w)


_STOP = set(
    """a an the of to in on at for from by with and or but as than that this these those which who
    whom whose was were is are be been being have has had will would could should may might must can
    do does did not no nor so if then more most less least per each every all both some any other
    such same only just also still about around over under into onto out up down off again further
    once here there when where why how what its their his her our your my it they them he she we you
    i me him us percent per cent times year years month months week weeks day days ago later earlier
    before after since until while during against between among through across
    said says say told tells died die fled flee left went came come got made took gave saw met
    remain remained remains stay stayed lost won ran fell""".split()
)
_MODIFIERS = {"more", "additional", "other", "new", "extra", "further", "fresh", "further", "armed", "young", "old", "local", "foreign", "civilian", "military"}


def _counted_noun(text: str, pos: int) -> tuple[str | None, int]:
    """The noun a count refers to, right after position ``pos``: "300 soldiers", "thousands of
    soldiers", "300 Ukrainian soldiers", "300 more troops". Returns (lemma or None, end offset).

    Up to two modifiers (a small list, or Capitalised demonyms) may come between; function words,
    common verbs and words that look like verbs or adverbs ("-ed", "-ing", "-ly": "millions forced
    to flee") end the search.
    """
    m = re.match(r"\s+(?:of\s+)?", text[pos:])
    if not m:
        return None, pos
    i = pos + m.end()
    for _ in range(3):
        w = re.match(r"[A-Za-z][A-Za-z'’]*", text[i:])
        if not w:
            return None, pos
        word = w.group(0)
        low = word.lower()
        nxt = re.match(r"\s+(?=[A-Za-z])", text[i + w.end() :])
        if (low in _MODIFIERS or (word[0].isupper() and low not in _STOP)) and nxt:
            i += w.end() + nxt.end()
            continue
        if low in _STOP or low.endswith(("ed", "ly", "ing")) or word[0].isupper():
            return None, pos
        return noun_lemma(low), i + w.end()
    return None, pos


# ---------------------------------------------------------------------------------------------
# Spans that are not quantities
# ---------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun(?:e|\.)?|"
    r"Jul(?:y|\.)?|Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
    r"Dec(?:ember|\.)?)(?![A-Za-z])"
)
_DATE_SPANS = re.compile(
    rf"{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s*\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s*\d{{4}})?"
    rf"|{_MONTH},?\s+\d{{4}}"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\.?(?![A-Za-z])"
)
_APPROX = [
    (r"(?:about|around|approximately|roughly|some|nearly|almost|(?:an\s+)?estimated|close\s+to|circa)", "about"),
    (r"(?:more\s+than|over|above|in\s+excess\s+of|upwards\s+of|just\s+over)", "more_than"),
    (r"(?:at\s+least|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than)", "at_least"),
    (r"(?:fewer\s+than|less\s+than|under|below|just\s+under)", "less_than"),
    (r"(?:up\s+to|at\s+most|no\s+more\s+than|a\s+maximum\s+of)", "at_most"),
]
_APPROX_RE = [(re.compile(rf"(?<![\w-])({p})\s+$", re.I), label) for p, label in _APPROX]
_APPROX_AFTER = [(re.compile(r"\s+or\s+more\b|-plus\b|\+", re.I), "at_least"), (re.compile(r"\s+or\s+so\b|-odd\b", re.I), "about")]
_NAME_OK = {
    "about",
    "around",
    "some",
    "nearly",
    "almost",
    "more",
    "over",
    "only",
    "just",
    "at",
    "up",
    "fewer",
    "less",
    "under",
    "all",
    "roughly",
    "approximately",
    "the",
    "another",
    "by",
    "with",
    "to",
    "for",
    "in",
    "of",
    "and",
    "estimated",
    "and",
    "than",
}
_SENT_END = re.compile(r"(?:[.!?][\"'”’)]*\s+|^)\s*$")


def _approximator(text: str, start: int) -> tuple[str | None, int]:
    """The approximator right before ``start`` ("more than 1,000") and where it begins."""
    head = text[max(0, start - 40) : start]
    for rx, label in _APPROX_RE:
        m = rx.search(head)
        if m:
            return label, start - len(head) + m.start(1)
    return None, start


def _part_of_name(text: str, start: int) -> bool:
    """True for "Boeing 737", "Article 5": a number right after a Capitalised word that is not
    the first word of the sentence (those are usually approximators: "About 300")."""
    m = re.search(r"([A-Z][A-Za-z]*)\s+$", text[max(0, start - 30) : start])
    if not m or m.group(1).lower() in _NAME_OK:
        return False
    before = text[: start - len(m.group(0))]
    return not _SENT_END.search(before)


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------

_VAGUE_BASE = {"dozens": (24, 99), "tens": (10, 99), "hundreds": (200, 999), "thousands": (2000, 9999), "millions": (2e6, 1e7 - 1), "billions": (2e9, 1e10 - 1)}
_VAGUE_RE = re.compile(
    r"(?<![\w-])(?:(?P<several>several|a\s+few)\s+(?P<sscale>hundred|thousand|million|billion|dozen)"
    r"|(?P<head>dozens|tens|hundreds|thousands|millions|billions)"
    r"(?:\s+of\s+(?P<tail>thousands|millions|billions))?)(?![\w-])",
    re.I,
)
_NUMERIC_RE = re.compile(
    r"(?<![\w\-/:.,$€£])(?:(?P<cur>US\$|\$|€|£)\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|hundred)(?![A-Za-z])"
    r"|(?P<abbr>bn|tn|mn|m|k)(?![A-Za-z]))?"
    r"(?P<pct>\s?%|\s?per\s?cent(?![A-Za-z])|\s?percentage\s+points?(?![A-Za-z]))?",
)
_NW_SEQ = rf"(?:{_NW})(?:(?:(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))\s+and\s+|\s+|-)(?:{_NW}))*"
#: A regular expression (no groups) for a phrase of number words, "nine thousand", "twenty-five",
#: "three hundred and five": what :func:`words_to_number` reads. Compile it case-insensitively;
#: also used by :mod:`checker.analysis.times` for counts ("nine thousand years ago").
NUMBER_WORDS_PATTERN = _NW_SEQ
_WORDS_RE = re.compile(
    rf"(?<![\w-])(?:(?:half\s+)?an?(?=\s+(?:hundred|thousand|million|billion|trillion|dozen|{_DUR})(?![A-Za-z]))"
    rf"(?:\s+{_NW_SEQ})?|{_NW_SEQ})(?![A-Za-z])",
    re.I,
)
_CURRENCY_WORD = re.compile(r"\s+(dollars|euros|pounds\s+sterling)\b", re.I)
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "euros": "EUR", "pounds sterling": "GBP"}


def _vague_bounds(text: str) -> tuple[float, float] | None:
    """Interval of a vague magnitude phrase: "tens of thousands" -> (10,000, 99,999),
    "dozens" -> (24, 99), "hundreds" -> (200, 999), "several hundred" -> (300, 999).

    Rule: a plural scale word S means [2S, 10S - 1] ("tens": [10, 99], "dozens": [24, 99]);
    "X of S" scales that interval by S; "several S" is [3S, 10S - 1], "a few S" is [2S, 5S].
    """
    m = _VAGUE_RE.search(text)
    if not m:
        return None
    if m.group("several"):
        s = 12.0 if m.group("sscale").lower() == "dozen" else _NUMBER_WORDS.get(m.group("sscale").lower(), 100)
        if m.group("several").lower() == "several":
            return 3 * s, 10 * s - 1
        return 2 * s, 5 * s
    lo, hi = _VAGUE_BASE[m.group("head").lower()]
    if m.group("tail"):
        s = _SCALES[m.group("tail").lower()[:-1]]
        return lo * s, (hi + 1) * s - 1
    return float(lo), float(hi)


def _unit_after(text: str, end: int, currency: str | None, pct: str | None) -> tuple[str | None, float, int]:
    """Unit after a number ending at ``end``: (unit, factor to multiply the value by, new end).

    A currency or percent sign wins; then a duration (converted to days); then "dollars"/"euros";
    then a counted noun. Ages ("45-year-old") and time references ("a week ago", which
    :mod:`checker.analysis.times` resolves) return unit "skip"."""
    if currency:
        return _CURRENCY[currency], 1.0, end
    if pct:
        return ("percentage point" if "point" in pct.lower() else "percent"), 1.0, end
    m = re.match(rf"(?:\s+|-)({_DUR})(?![A-Za-z])(-old|\s+old\b|\s+ago\b)?", text[end:], re.I)
    if m:
        if m.group(2):
            return "skip", 1.0, end + m.end()
        unit = m.group(1).lower().rstrip("s")
        return "day", _DURATIONS[unit], end + m.end()
    m = re.match(r"\s+(percent|per\s?cent)(?![A-Za-z])", text[end:], re.I)
    if m:
        return "percent", 1.0, end + m.end()
    m = _CURRENCY_WORD.match(text, end)
    if m:
        return _CURRENCY[re.sub(r"\s+", " ", m.group(1).lower())], 1.0, m.end()
    noun, noun_end = _counted_noun(text, end)
    return noun, 1.0, noun_end


def _is_year(num: str, m: re.Match[str], approx: str | None) -> bool:
    """A bare four-digit number 1800-2100 is a year unless it has a currency, a scale, a percent
    sign or an approximator ("about 2000 troops")."""
    if m.group("cur") or m.group("scale") or m.group("abbr") or m.group("pct") or approx:
        return False
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d|2100", num))


def _trailing_approx(text: str, end: int, approx: str | None) -> tuple[str | None, int]:
    """An approximator after the number ("300-odd", "300 or more", "300+"); one before wins."""
    for rx, label in _APPROX_AFTER:
        m = rx.match(text, end)
        if m:
            return approx or label, m.end()
    return approx, end


def _make(text: str, start: int, end: int, value: float, unit: str | None, approx: str | None) -> Quantity:
    return Quantity(text=text[start:end], value=value, unit=unit, approx=approx)


def _representable(value: float) -> bool:
    """A value beyond the float range ("1" followed by 400 digits, "hundred" said 200 times)
    parses as infinity, which no tolerance can compare and strict JSON cannot write: such a
    figure is left as text, not extracted."""
    return math.isfinite(value)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _vague_quantities(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, Quantity]]:
    out = []
    for m in _VAGUE_RE.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        lo, _ = _vague_bounds(m.group(0)) or (0.0, 0.0)
        unit, _, end = _unit_after(text, m.end(), None, None)
        taken.append((m.start(), end))
        out.append((m.start(), _make(text, m.start(), end, float(lo), unit, "vague")))
    return out


def _numeric_quantities(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, Quantity]]:
    out = []
    for m in _NUMERIC_RE.finditer(text):
        span = (m.start("cur") if m.group("cur") else m.start("num"), m.end())
        if _overlaps(span, taken):
            continue
        rest = text[m.end() : m.end() + 2]
        hyphen_unit = re.match(rf"-{_DUR}", text[m.end() :], re.I)  # "10-year"
        if re.match(r"[A-Za-z]|[-–]\d|\.\d|:\d|(?:st|nd|rd|th)\b", rest) and not hyphen_unit:
            continue  # "3D", "2-1", ordinal suffixes, clock times
        approx, qstart = _approximator(text, span[0])
        num = m.group("num")
        if _is_year(num, m, approx) or _part_of_name(text, span[0]):
            continue
        value = _parse_digits(num)
        if m.group("scale"):
            value *= 100 if m.group("scale").lower() == "hundred" else _SCALES[m.group("scale").lower()]
        if m.group("abbr"):
            if m.group("abbr").lower() in ("m", "k") and not m.group("cur"):
                continue  # "5m" may be metres; only "$5m" is unambiguous
            value *= _ABBREV_SCALES[m.group("abbr").lower()]
        approx, end = _trailing_approx(text, m.end(), approx)
        unit, factor, end = _unit_after(text, end, m.group("cur"), m.group("pct"))
        if unit == "skip":
            continue
        approx, end = _trailing_approx(text, end, approx)
        if not _representable(value * factor):
            continue
        taken.append((qstart, end))
        out.append((qstart, _make(text, qstart, end, value * factor, unit, approx)))
    return out


def _word_quantities(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, Quantity]]:
    out = []
    for m in _WORDS_RE.finditer(text):
        phrase = m.group(0).strip()
        if not phrase or _overlaps(m.span(), taken):
            continue
        value = words_to_number(phrase) if re.search(r"[A-Za-z]", phrase) else None
        if value is None:
            continue
        m_scale = re.match(r"\s+(percent|per\s?cent)(?![A-Za-z])", text[m.end() :], re.I)
        unit, factor, end = _unit_after(text, m.end(), None, m_scale.group(1) if m_scale else None)
        if m_scale:
            end = m.end() + m_scale.end()
        if unit == "skip":
            continue
        lone_one = phrase.lower() in ("one", "a", "an", "half")
        if lone_one and not (factor != 1.0 or unit in ("percent", "USD", "EUR", "GBP")):
            continue  # "one of them", "no one": not a count
        approx, qstart = _approximator(text, m.start())
        approx, end = _trailing_approx(text, end, approx)
        if not _representable(value * factor):
            continue
        taken.append((qstart, end))
        out.append((qstart, _make(text, qstart, end, value * factor, unit, approx)))
    return out


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, in reading order (see the module docstring for the
    representation and for what is skipped)."""
    taken: list[tuple[int, int]] = [m.span() for m in _DATE_SPANS.finditer(text)]
    found = _vague_quantities(text, taken)
    found += _numeric_quantities(text, taken)
    found += _word_quantities(text, taken)
    return [q for _, q in sorted(found, key=lambda p: p[0])]


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


def quantity_interval(q: Quantity) -> tuple[float, float]:
    """The set of true values a report of ``q`` is consistent with, before tolerance.

    exact -> [v, v]; about -> [v - 10%, v + 10%]; more_than/at_least -> [v, inf);
    less_than/at_most -> (-inf, v]; vague -> the phrase's interval (see :func:`_vague_bounds`).
    """
    v = q.value
    if q.approx == "about":
        d = abs(v) * ABOUT_TOLERANCE
        return v - d, v + d
    if q.approx in ("more_than", "at_least"):
        return v, math.inf
    if q.approx in ("less_than", "at_most"):
        return -math.inf, v
    if q.approx == "vague":
        return _vague_bounds(q.text) or (v, v)
    return v, v


def compare_quantities(a: Quantity, b: Quantity) -> str:
    """ "match" | "mismatch" | "incomparable".

    Different units are incomparable. Otherwise each side becomes an interval
    (:func:`quantity_interval`); overlapping intervals match, and so do intervals whose gap is
    at most 1% of the larger nearby magnitude (so exact 37.9 vs 38 match, exact 300 vs 310 do
    not). Hence "more than 1,000" matches any value >= 1,000 and "tens of thousands" matches
    any number from 10,000 to 99,999.
    """
    if a.unit != b.unit:
        return "incomparable"
    lo_a, hi_a = quantity_interval(a)
    lo_b, hi_b = quantity_interval(b)
    lo, hi = max(lo_a, lo_b), min(hi_a, hi_b)
    if lo <= hi:
        return "match"
    scale = max(abs(lo), abs(hi))
    return "match" if lo - hi <= EXACT_TOLERANCE * scale else "mismatch"


def quantity_conflicts(a_list: list[Quantity], b_list: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    """Pairs (a, b) that measure the same kind of thing and mismatch.

    Only quantities with the same non-empty unit are paired; for counts the unit is the counted
    noun's lemma, so "300 soldiers" pairs with "500 soldiers" but not with "5 tanks". Bare numbers
    (unit None) are never paired: without a noun there is no evidence they measure the same thing.
    """
    return [(a, b) for a in a_list for b in b_list if a.unit is not None and a.unit == b.unit and compare_quantities(a, b) == "mismatch"]
