"""What an edit changed: a typed word-level diff of two near-verbatim sentences.

Why: a draft written from wire copy repeats most source sentences word for word, so its errors
are edits: "met in Riyadh" -> "met in Istanbul", "Feb. 2022" -> "Feb. 2020", a quotation
credited to someone else. NLI reads such a pair as a paraphrase, and the policy's "same words"
shortcut (``judge.word_ratio`` >= 0.90 -> agreement) hides it. With one span changed, though, the
change itself is the claim: this module diffs the two sentences word by word and says what each
changed span is.

Kinds (:data:`EditKind`), each an error or a warning (:data:`SEVERITY`):

* ``place`` / ``person`` / ``organisation`` (``name`` when NER gives no label): a named entity
  replaced by a different one after alias resolution (Kiev = Kyiv, U.S. = United States, a
  surname = the full name, "Saudi Arabia's capital" = Riyadh) -- checker.analysis.entities;
* ``number``: a figure with a different value ("three" = 3, "65-33" = "65 to 33", "1.7 million" =
  "1,700,000" are the same value);
* ``date``: a time expression that resolves to a disjoint interval (weekday, day, month, year,
  week, duration) -- checker.analysis.times; "Feb. 24" = "February 24";
* ``negation``: a span that adds or drops "not", "no longer", "never", ... ;
* ``modality``: a modal of another class ("will" -> "may") or an added / dropped hedge
  ("reportedly");
* ``predicate``: a word replaced by its opposite -- WordNet 3.0 antonyms (checker/data/opposites.tsv,
  widened to their synsets: "rose" -> "fell", "approve" -> "reject") or a negative prefix ("legal" ->
  "illegal"). NLI on the *minimal pair* (the original sentence vs the original with only this span
  replaced) can be switched on for the rest (setting ``edit_predicate_nli_contradiction``); it is off by
  default because the shipped model does not tell synonyms from opposites there (measured by
  scripts/bench_edits.py: "children" -> "kids" 0.96 contradiction, "support" -> "oppose" 0.11);
* ``quotation``: any other change inside quotation marks (a quotation is not paraphrased);
* ``speaker``: the words credited to someone else ("..., he said" (Trump) -> "..., Zelensky said").

Style stays silent (rules as data, ``checker/data/edit_equivalences.toml``): spellings and
abbreviations (U.S./US, Feb./February, defence/defense), numerals and number words of the same
value, titles and honorifics (Mr., President, Sen.), function and padding words, a trimmed
clause, a moved clause, and any other replaced word that is not an opposite (synonyms). Inside
quotation marks only the spelling, number, name, date and title rules apply: anything else
changes the quotation (a quotation shortened with an ellipsis is still faithful).

Entry points:

* :data:`word_edits` -- the policy rule (``checker.policy.PolicyRule``): one line in
  ``checker.judge.PAIR_RULES``, first, puts it in the policy;
* :func:`near_verbatim` -- the gate: two sentences that are one another's copy, by the policy's own
  ``checker.policy.word_ratio`` (called, not copied);
* :func:`classify_edits` -- ``(original, edited)`` claims -> :class:`EditChange` list;
* :func:`edit_findings` -- the same, for a policy pair ``(a, b)``: ``b`` is the original;
* :func:`edit_finding` -- one finding's fields for the pair (kind, severity, message, details);
* :func:`explain` -- every changed span with its verdict, silent ones included (debugging, tests).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from checker.config import Settings
from checker.policy import UPDATE_CUES, Draft, Pair, policy_rule, word_ratio
from checker.types import Claim, Entity, Quantity, TimeRef

if TYPE_CHECKING:
    from checker.nli import NLIBackend
    from checker.types import Document

__all__ = [
    "EditChange",
    "EditFinding",
    "EditSettings",
    "Side",
    "Verdict",
    "classify_edits",
    "edit_finding",
    "edit_findings",
    "explain",
    "load_rules",
    "near_verbatim",
    "word_edits",
]

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "edit_equivalences.toml"
#: Opposite words (WordNet 3.0 antonyms, built by scripts/build_opposites.py): pos, word, opposite.
OPPOSITES_PATH = Path(__file__).resolve().parent.parent / "data" / "opposites.tsv"


EditKind = Literal["place", "person", "organisation", "name", "number", "date", "negation", "modality", "predicate", "quotation", "speaker"]

#: Suggested severity per kind (a change inside a quotation is a quotation change: see RULE_KIND).
SEVERITY: dict[str, str] = {
    "place": "error",
    "person": "error",
    "organisation": "error",
    "name": "warning",
    "number": "error",
    "date": "error",
    "negation": "error",
    "modality": "warning",
    "predicate": "error",
    "quotation": "warning",
    "speaker": "warning",
}
#: Finding kind (checker.rules) per edit kind, for changes outside quotation marks. Any change
#: inside one is ``quote_mismatch`` (FC104). ``date_mismatch`` is a proposed new rule (FC205):
#: until checker.rules has it, a date change is a ``contradiction`` (FC101) -- see _finding_kind.
RULE_KIND: dict[str, str] = {
    "place": "entity_mismatch",
    "person": "entity_mismatch",
    "organisation": "entity_mismatch",
    "name": "entity_mismatch",
    "number": "numeric_mismatch",
    "date": "date_mismatch",
    "negation": "contradiction",
    "modality": "contradiction",
    "predicate": "contradiction",
    "quotation": "quote_mismatch",
    "speaker": "quote_mismatch",
}
#: Which change names a pair's finding when there are several: the first in this order among the
#: most severe ones.
PRIORITY: tuple[str, ...] = ("speaker", "place", "person", "organisation", "name", "number", "date", "negation", "predicate", "modality", "quotation")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_KEEP_SYMBOLS = frozenset("$€£%&")
_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we"})


# --------------------------------------------------------------------------- settings and rules


_DEFAULTS = Settings()


@dataclass(frozen=True)
class EditSettings:
    """The ``edit_*`` settings (checker.config.Settings, docs/settings.md) this module reads, and why each is what it is:

    * ``min_word_ratio`` (0.80): word-sequence match ratio (``policy.word_ratio``) from which a pair is
      one sentence and its edited copy. Lower than the policy's 0.90 "same text" shortcut: one changed
      word in a ten-word sentence is already 0.90, and a draft's errors are often in short sentences.
    * ``min_shared_words`` (5): a shorter pair is a copy too when one contiguous span is all that
      differs and at least this many words around it are the same ("IRS agents are protected ..." ->
      "World Health Organization agents are protected ...": ratio 0.62, one span, seven shared words).
    * ``max_span_words`` (4): ... and when that span, if it replaces words, is at most this many words
      on either side (a headline and a sentence that share a name and an ending are not a copy; a
      trimmed clause may be long).
    * ``predicate_nli_contradiction`` (1.01, off): NLI contradiction of a minimal pair (min of both
      directions) from which a replaced span that no word list explains is a predicate turned into its
      opposite. Off because the shipped model reads nearly any one-word change in a long sentence as a
      contradiction ("children" -> "kids": 0.96, while "support" -> "oppose": 0.11; BENCHMARKS.md,
      planted edits). Set it (0.9) with an NLI model that tells synonyms from opposites.
    * ``synonym_entailment`` (0.50): entailment both ways from which a replaced span is called a
      synonym (a silent verdict's name).
    """

    min_word_ratio: float = _DEFAULTS.edit_min_word_ratio
    min_shared_words: int = _DEFAULTS.edit_min_shared_words
    max_span_words: int = _DEFAULTS.edit_max_span_words
    predicate_nli_contradiction: float = _DEFAULTS.edit_predicate_nli_contradiction
    synonym_entailment: float = _DEFAULTS.edit_synonym_entailment

    @classmethod
    def of(cls, settings: Settings | EditSettings | None = None) -> EditSettings:
        """From the run's Settings (None: the defaults), or an EditSettings as it is."""
        if isinstance(settings, EditSettings):
            return settings
        s = settings or _DEFAULTS
        return cls(s.edit_min_word_ratio, s.edit_min_shared_words, s.edit_max_span_words, s.edit_predicate_nli_contradiction, s.edit_synonym_entailment)


@dataclass(frozen=True)
class EditRules:
    """checker/data/edit_equivalences.toml, read once (see the file for what each list means)."""

    forms: Mapping[str, str]
    titles: frozenset[str]
    function_words: frozenset[str]
    padding: frozenset[str]
    negations: frozenset[str]
    negation_companions: frozenset[str]
    modal_class: Mapping[str, str]
    hedges: frozenset[str]
    number_ignore: frozenset[str]
    scales: Mapping[str, float]
    ordinals: Mapping[str, int]
    ellipses: tuple[str, ...]
    opposites: frozenset[tuple[str, str, str]]
    closed_opposites: frozenset[tuple[str, str]]
    negative_prefixes: tuple[str, ...]
    prefix_min_stem: int
    units: Mapping[str, tuple[str, float]]
    unit_tolerance: float


def _opposites(path: Path) -> frozenset[tuple[str, str, str]]:
    with open(path, encoding="utf-8") as fh:
        return frozenset(tuple(line.rstrip("\n").split("\t")) for line in fh if line.strip() and not line.startswith("#"))  # type: ignore[misc]


@lru_cache(maxsize=4)
def load_rules(path: str | None = None, opposites: str | None = None) -> EditRules:
    """The normalisation rules and the opposites (the packaged files unless paths name others)."""
    with open(path or RULES_PATH, "rb") as fh:
        data = tomllib.load(fh)
    modality = data["modality"]
    modal_class = {w: cls for cls in ("future", "possibility", "obligation") for w in modality[cls]}
    return EditRules(
        forms=dict(data["forms"]),
        titles=frozenset(data["titles"]["words"]),
        function_words=frozenset(data["function_words"]["words"]),
        padding=frozenset(data["padding"]["words"]),
        negations=frozenset(data["negation"]["words"]),
        negation_companions=frozenset(data["negation"]["companions"]),
        modal_class=modal_class,
        hedges=frozenset(modality["hedges"]),
        number_ignore=frozenset(data["numbers"]["ignore_words"]),
        scales={k: float(v) for k, v in data["numbers"]["scales"].items()},
        ordinals={k: int(v) for k, v in data["numbers"]["ordinals"].items()},
        ellipses=tuple(data["quotation"]["ellipses"]),
        opposites=_opposites(Path(opposites) if opposites else OPPOSITES_PATH),
        closed_opposites=frozenset((a, b) for x, y in data["predicate"]["closed_class"] for a, b in ((x, y), (y, x))),
        negative_prefixes=tuple(data["predicate"]["negative_prefixes"]),
        prefix_min_stem=int(data["predicate"]["prefix_min_stem"]),
        units={word: (dim, float(size)) for dim, table in data["units"].items() if isinstance(table, dict) for word, size in table.items()},
        unit_tolerance=float(data["units"]["tolerance"]),
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Side:
    """One side of a change: the exact text, its offsets in the claim's text, and in the document's
    raw text (``None`` where the document maps characters non-linearly and the text was not found)."""

    claim: str
    text: str
    claim_start: int
    claim_end: int
    start: int | None
    end: int | None


@dataclass(frozen=True)
class EditChange:
    """One typed change from the original sentence (``before``) to the edited one (``after``)."""

    kind: str
    severity: str
    before: Side
    after: Side
    message: str
    in_quote: bool = False
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    """What one changed span is: a change (``kind``) or silent (``kind is None``, with a reason)."""

    op: str  # replace | insert | delete
    before: str
    after: str
    kind: str | None
    reason: str
    in_quote: bool = False


@dataclass(frozen=True)
class EditFinding:
    """The fields of the one finding a pair gets (see :func:`edit_finding`)."""

    kind: str
    severity: str
    message: str
    details: dict[str, Any]
    changes: tuple[EditChange, ...]
    check: str = "edit"


# --------------------------------------------------------------------------- tokens and views


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int
    key: str
    pos: str
    tag: str
    dep: str
    lemma: str


@dataclass
class _View:
    """A claim as the diff reads it: word tokens, and where its entities, times, numbers and
    quotations are (offsets into ``claim.text``)."""

    claim: Claim
    tokens: list[_Tok]
    entities: list[tuple[int, int, Entity]]
    times: list[tuple[int, int, TimeRef]]
    quantities: list[tuple[int, int, Quantity]]
    quotes: list[tuple[int, int]]

    @property
    def text(self) -> str:
        return self.claim.text


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _single_number(low: str, rules: EditRules) -> str | None:
    """Comparison key of a one-token number: "1,700" -> "1700", "three" -> "3", "3rd"/"third" -> "ord:3"."""
    from checker.analysis.quantities import words_to_number

    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", low):
        return _fmt(float(low.replace(",", "")))
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", low)
    if m:
        return f"ord:{int(m.group(1))}"
    if low in rules.ordinals:
        return f"ord:{rules.ordinals[low]}"
    if low.isalpha() and low not in ("a", "an", "half", "and"):
        value = words_to_number(low)
        if value is not None and low not in rules.scales:
            return _fmt(value)
    return None


def _key(text: str, rules: EditRules) -> str:
    """The form two tokens are compared in: case, dots, apostrophes, spellings and numbers normalised."""
    low = text.lower().replace("’", "'").replace("‘", "'")
    number = _single_number(low, rules)
    if number is not None:
        return number
    key = low.replace(".", "") if any(ch.isalpha() for ch in low) else low
    return rules.forms.get(key, key)


def _is_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text) or text in _KEEP_SYMBOLS


def _tokens(text: str, rules: EditRules) -> list[_Tok]:
    """Word tokens of the shared spaCy parse (punctuation and quotation marks left out)."""
    from checker.analysis.nlp import parse

    return [_Tok(t.text, t.idx, t.idx + len(t.text), _key(t.text, rules), t.pos_, t.tag_, t.dep_, t.lemma_.lower()) for t in parse([text])[0] if _is_word(t.text)]


def _locate(texts: Sequence[str], sentence: str) -> list[tuple[int, int] | None]:
    """Offsets of each text in reading order (analyses list their spans in order, without offsets)."""
    out: list[tuple[int, int] | None] = []
    pos = 0
    for text in texts:
        i = sentence.find(text, pos) if text else -1
        if i < 0 and text:
            i = sentence.find(text)
        if i < 0:
            out.append(None)
            continue
        out.append((i, i + len(text)))
        pos = i + len(text)
    return out


def _placed(items: Sequence[Any], sentence: str) -> list[tuple[int, int, Any]]:
    spans = _locate([x.text for x in items], sentence)
    return [(s[0], s[1], x) for s, x in zip(spans, items) if s is not None]


def _quote_spans(claim: Claim) -> list[tuple[int, int]]:
    """Quoted character ranges; a sentence of a quotation carried over from the previous one (a
    direct quote without any mark of its own) is quoted throughout."""
    from checker.analysis.attribution import DOUBLE_QUOTES, scan_quotes

    spans = list(scan_quotes(claim.text).spans)
    if not spans and claim.quote == "direct" and not any(ch in DOUBLE_QUOTES for ch in claim.text):
        spans = [(0, len(claim.text))]
    return spans


def _view(claim: Claim, rules: EditRules) -> _View:
    return _View(
        claim, _tokens(claim.text, rules), _placed(claim.entities, claim.text), _placed(claim.times, claim.text), _placed(claim.quantities, claim.text), _quote_spans(claim)
    )


# --------------------------------------------------------------------------- the diff


@dataclass
class _Chunk:
    """One changed span: tokens on each side and their character range (an empty range at the
    insertion point for the side that has no tokens)."""

    op: str
    o: list[_Tok]
    e: list[_Tok]
    o_span: tuple[int, int]
    e_span: tuple[int, int]


def _anchor(tokens: Sequence[_Tok], i: int) -> tuple[int, int]:
    """Empty span where tokens[i] would start: right after the previous word."""
    if i > 0:
        return tokens[i - 1].end, tokens[i - 1].end
    return (tokens[0].start, tokens[0].start) if tokens else (0, 0)


def _span(tokens: Sequence[_Tok], i: int, j: int) -> tuple[int, int]:
    return (tokens[i].start, tokens[j - 1].end) if j > i else _anchor(tokens, i)


def _diff(o: _View, e: _View) -> list[_Chunk]:
    """difflib over the token keys: every non-equal opcode is a chunk."""
    a, b = [t.key for t in o.tokens], [t.key for t in e.tokens]
    chunks = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            chunks.append(_Chunk(op, o.tokens[i1:i2], e.tokens[j1:j2], _span(o.tokens, i1, i2), _span(e.tokens, j1, j2)))
    return chunks


def _content(tokens: Sequence[_Tok], rules: EditRules) -> list[str]:
    return [t.key for t in tokens if t.key not in rules.function_words and t.key not in rules.padding]


def _moved(chunks: Sequence[_Chunk], rules: EditRules) -> set[int]:
    """Chunks that only move words: a deleted span whose content words come back as an inserted one."""
    moved: set[int] = set()
    for i, d in enumerate(chunks):
        words = Counter(_content(d.o, rules))
        if d.op != "delete" or not words:
            continue
        for j, n in enumerate(chunks):
            if n.op == "insert" and j not in moved and Counter(_content(n.e, rules)) == words:
                moved |= {i, j}
                break
    return moved


# --------------------------------------------------------------------------- classification helpers


@dataclass
class _Found:
    """A change found by one classifier; spans may be widened to a whole name, date or figure."""

    kind: str
    o_span: tuple[int, int]
    e_span: tuple[int, int]
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None


@dataclass
class _Silent:
    reason: str
    style: bool = True  # False: a replaced word no rule explains (it may still be a change NLI would see)


def _overlapping(items: Sequence[tuple[int, int, Any]], span: tuple[int, int]) -> list[tuple[int, int, Any]]:
    s, e = span
    if s == e:
        return []
    return [x for x in items if x[0] < e and s < x[1]]


def _widen(span: tuple[int, int], items: Sequence[tuple[int, int, Any]]) -> tuple[int, int]:
    if not items:
        return span
    return min(span[0], *(x[0] for x in items)), max(span[1], *(x[1] for x in items))


def _outside(tokens: Sequence[_Tok], spans: Sequence[tuple[int, int, Any]], rules: EditRules, extra: frozenset[str] = frozenset()) -> list[str]:
    """Content keys of the tokens not covered by ``spans`` (what a same-X verdict must also match)."""
    return [t.key for t in tokens if not any(s <= t.start and t.end <= e for s, e, _ in spans) and t.key not in rules.function_words and t.key not in extra]


def _inside_quote(view: _View, span: tuple[int, int]) -> bool:
    s, e = span
    return s < e and any(qs <= s and e <= qe for qs, qe in view.quotes)


def _in_quote(c: _Chunk, o: _View, e: _View) -> bool:
    return _inside_quote(o, c.o_span) or _inside_quote(e, c.e_span)


# --------------------------------------------------------------------------- classifiers


def _last_word(name: str) -> str:
    from checker.analysis.entities import normalise

    words = normalise(name).split()
    return words[-1] if words else ""


def _same_speaker(x: str, y: str) -> bool:
    from checker.analysis.entities import canonical

    return canonical(x) == canonical(y) or _last_word(x) == _last_word(y)


def _touches_speaker(tokens: Sequence[_Tok], view: _View) -> bool:
    """The chunk holds the speaker's name, or the pronoun that stands for it."""
    from checker.analysis.entities import normalise

    speaker = view.claim.speaker or ""
    names = set(normalise(speaker).split()) - {"the", "a", "of"}
    named_in_text = _last_word(speaker) in {normalise(t.text) for t in view.tokens}
    for t in tokens:
        if normalise(t.text) in names:
            return True
        if t.key in _PRONOUNS and t.dep in ("nsubj", "nsubjpass") and not named_in_text:
            return True
    return False


def _speaker(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | None:
    """The same words credited to someone else: both claims attributed, to different people, and
    the chunk is where the speaker is named ("he" -> "Zelensky", "Rubio" -> "Waltz")."""
    so, se = o.claim.speaker, e.claim.speaker
    if not so or not se or so.lower() in _PRONOUNS or se.lower() in _PRONOUNS or _same_speaker(so, se):
        return None
    if not (_touches_speaker(c.o, o) or _touches_speaker(c.e, e)):
        return None
    return _Found("speaker", c.o_span, c.e_span, {"speaker_before": so, "speaker_after": se})


def _only(tokens: Sequence[_Tok], allowed: frozenset[str], also: frozenset[str]) -> bool:
    """Every token is in ``allowed`` or ``also`` (auxiliaries count as allowed)."""
    return all(t.key in allowed or t.key in also or t.pos == "AUX" for t in tokens)


def _negation(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | None:
    """ "not", "no longer", "never" added or dropped. A pure insertion or deletion counts only when
    it is the negation with its auxiliaries ("did not"); a trimmed clause that held one does not."""
    neg_o = Counter(t.key for t in c.o if t.key in rules.negations)
    neg_e = Counter(t.key for t in c.e if t.key in rules.negations)
    if neg_o == neg_e:
        return None
    if c.op != "replace":
        side = c.o or c.e
        if not _only(side, rules.negations | rules.negation_companions, rules.function_words):
            return None
    return _Found("negation", c.o_span, c.e_span, {"negation_before": sorted(neg_o.elements()), "negation_after": sorted(neg_e.elements())})


def _modal_marks(tokens: Sequence[_Tok], rules: EditRules) -> Counter[str]:
    marks: Counter[str] = Counter()
    for t in tokens:
        if t.tag == "MD" and t.key in rules.modal_class:
            marks[rules.modal_class[t.key]] += 1
        elif t.key in rules.hedges:
            marks["hedge"] += 1
    return marks


def _modality(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | _Silent | None:
    """A modal of another class ("will" -> "may") or a hedge added or dropped ("reportedly");
    "will" -> "would" (same class, reported speech) is style."""
    mo, me = _modal_marks(c.o, rules), _modal_marks(c.e, rules)
    if not mo and not me:
        return None
    allowed = frozenset(rules.modal_class) | rules.hedges
    if mo == me:
        both = [*c.o, *c.e]
        return _Silent("same modality") if _only(both, allowed, rules.function_words) else None
    if c.op != "replace" and not _only(c.o or c.e, allowed | rules.negation_companions, rules.function_words):
        return None
    return _Found("modality", c.o_span, c.e_span, {"modality_before": sorted(mo.elements()), "modality_after": sorted(me.elements())})


def _time_key(ref: TimeRef) -> tuple:
    return (ref.start, ref.end) if ref.start is not None and ref.end is not None else (ref.text.lower().replace(".", ""),)


def _compatible(x: TimeRef, y: TimeRef) -> bool:
    """Same or overlapping resolved intervals; unresolved ones must read the same."""
    from checker.analysis.times import overlaps

    if None in (x.start, x.end, y.start, y.end):
        return _time_key(x) == _time_key(y) or (x.start is None) != (y.start is None)
    if "range" in (x.granularity, y.granularity):  # durations end at publication: "five years" overlaps "six years"
        return (x.start, x.end) == (y.start, y.end)
    return overlaps(x, y)


def _date_kind(ref: TimeRef) -> str:
    if ref.granularity == "day" and re.search(r"day\b", ref.text, re.I) and not re.search(r"\d", ref.text):
        return "weekday"
    return {"range": "interval", "week": "interval"}.get(ref.granularity, ref.granularity)


def _date(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | _Silent | None:
    """A time expression that now names a disjoint interval ("Feb. 2022" -> "Feb. 2020",
    "Tuesday" -> "Wednesday", "three years" -> "two years"); an equal one is style."""
    to, te = _overlapping(o.times, c.o_span), _overlapping(e.times, c.e_span)
    if not to or not te:
        return None
    fits = all(any(_compatible(x[2], y[2]) for y in te) for x in to) and all(any(_compatible(x[2], y[2]) for x in to) for y in te)
    if fits:
        if any(_opposite(x, y, rules) for x in c.o for y in c.e):
            return None  # "earlier in February" -> "later in February": the predicate check decides
        same_rest = _outside(c.o, to, rules) == _outside(c.e, te, rules)
        return _Silent("same date") if same_rest else None
    when = lambda r: (r.start.isoformat() if r.start == r.end else f"{r.start.isoformat()}..{r.end.isoformat()}") if r.start and r.end else None  # noqa: E731
    return _Found("date", _widen(c.o_span, to), _widen(c.e_span, te), {"date_kind": _date_kind(to[0][2]), "date_before": when(to[0][2]), "date_after": when(te[0][2])})


def _token_numbers(tokens: Sequence[_Tok], rules: EditRules) -> list[float]:
    """Values of the numbers in a token run: digits with a scale word ("1.7 million"), number-word
    runs ("twenty five" -> 25, "three million"), vote tallies as two numbers ("65-33")."""
    from checker.analysis.quantities import words_to_number

    values: list[float] = []
    words: list[str] = []

    def flush() -> None:
        if words:
            value = words_to_number(" ".join(words))
            if value is not None:
                values.append(value)
            words.clear()

    for t in tokens:
        low = t.text.lower()
        m = re.fullmatch(r"\$?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(bn|mn|tn|m|k)?", low)
        if m:
            flush()
            values.append(float(m.group(1).replace(",", "")) * rules.scales.get(m.group(2) or "", 1.0))
        elif low in rules.scales and values and not words and len(low) > 1:
            values[-1] *= rules.scales[low]
        elif t.key.startswith("ord:"):
            flush()
            values.append(float(t.key[4:]) + 0.5)  # an ordinal never equals a cardinal
        elif low.isalpha() and low not in ("a", "an", "and") and words_to_number(low) is not None:
            words.append(low)
        else:
            flush()
    flush()
    return values


def _same_values(x: Sequence[float], y: Sequence[float]) -> bool:
    return len(x) == len(y) and all(abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)) for a, b in zip(sorted(x), sorted(y)))


_DIRECTION = {"more_than": 1, "at_least": 1, "less_than": -1, "at_most": -1}


def _number(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | _Silent | None:
    """A figure with another value (or "more than" turned into "fewer than"); the same value in
    other words is style."""
    qo, qe = _overlapping(o.quantities, c.o_span), _overlapping(e.quantities, c.e_span)
    if qo and qe:
        vo, ve = [q[2].value for q in qo], [q[2].value for q in qe]
        po, pe = _widen(c.o_span, qo), _widen(c.e_span, qe)
    else:
        vo, ve = _token_numbers(c.o, rules), _token_numbers(c.e, rules)
        po, pe = c.o_span, c.e_span
    if not vo or not ve:
        return None
    bent = {_DIRECTION.get(q[2].approx or "", 0) for q in qo} != {_DIRECTION.get(q[2].approx or "", 0) for q in qe} if qo and qe else False
    if _same_values(vo, ve) and not bent:
        numeric = lambda ts: [t for t in ts if not _token_numbers([t], rules) and t.key not in rules.number_ignore and t.key not in rules.scales]  # noqa: E731
        return _Silent("same number") if [t.key for t in numeric(c.o)] == [t.key for t in numeric(c.e)] else None
    mo, me = _measure(o.text, po, rules), _measure(e.text, pe, rules)
    if mo and me and mo[0] == me[0] and mo[2] != me[2] and not bent:
        # the same figure in another unit ("12ft" / "3.5-metres") is style; another figure is not
        if abs(mo[1] - me[1]) <= rules.unit_tolerance * max(abs(mo[1]), abs(me[1])):
            return _Silent("unit conversion")
    return _Found("number", po, pe, {"values_before": vo, "values_after": ve})


_MEASURE = re.compile(r"(\d+(?:[.,]\d+)?)\s*-?\s*([A-Za-z]+)")


def _measure(text: str, span: tuple[int, int], rules: EditRules) -> tuple[str, float, str] | None:
    """(dimension, value in the base unit, unit word) of the first figure with a unit of measure
    that starts in ``span`` (the unit may follow just after it: "12ft", "3.5-metres", "5 km")."""
    for m in _MEASURE.finditer(text, span[0], min(len(text), span[1] + 16)):
        if m.start() >= span[1]:
            break
        unit = rules.units.get(m.group(2).lower())
        if unit is not None:
            return unit[0], float(m.group(1).replace(",", "")) * unit[1], m.group(2).lower()
    return None


def _acronym(short: str, long_: str, rules: EditRules) -> bool:
    """ "DOI" for "the Department of the Interior", "EPA" for "Environmental Protection Agency": the
    letters are the initials of the words, function words optional ("of" may count, "the" may not)."""
    letters = short.replace(".", "")
    if not (2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()):
        return False
    words = re.findall(r"[A-Za-z]+", long_)

    @cache
    def fit(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        optional = words[j].lower() in rules.function_words
        takes = i < len(letters) and words[j][0].upper() == letters[i] and fit(i + 1, j + 1)
        return takes or (optional and fit(i, j + 1))

    return len(words) >= 2 and fit(0, 0)


def _same_entity(x: Entity, y: Entity) -> bool:
    """One name after alias resolution; a lone surname is the full name ending with it; an acronym
    is the name it abbreviates."""
    if x.canonical == y.canonical:
        return True
    rules = load_rules()
    if _acronym(x.text, y.text, rules) or _acronym(y.text, x.text, rules):
        return True
    personal = {"PERSON", "ORG"}
    if x.label in personal or y.label in personal:
        xs, ys = x.canonical.split(), y.canonical.split()
        return (len(xs) == 1 and ys[-1:] == xs) or (len(ys) == 1 and xs[-1:] == ys)
    return False


def _entity_kind(label: str) -> str:
    if label == "PERSON":
        return "person"
    if label in _PLACE_LABELS:
        return "place"
    return "organisation" if label == "ORG" else "name"


def _proper(tokens: Sequence[_Tok]) -> bool:
    return any(t.pos == "PROPN" for t in tokens)


def _entity(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | _Silent | None:
    """A name replaced by another one (after aliases and surnames); the same name written
    otherwise is style ("U.S." / "United States", "Zelensky" / "Volodymyr Zelensky")."""
    eo, ee = _overlapping(o.entities, c.o_span), _overlapping(e.entities, c.e_span)
    if not eo and not ee:
        return None
    if eo and ee:
        lost = [x for x in eo if not any(_same_entity(x[2], y[2]) for y in ee)]
        new = [y for y in ee if not any(_same_entity(x[2], y[2]) for x in eo)]
        if not lost and not new:
            same_rest = _outside(c.o, eo, rules, rules.titles) == _outside(c.e, ee, rules, rules.titles)
            return _Silent("same name") if same_rest else None
        if not lost or not new:
            return None
        label = lost[0][2].label if _entity_kind(lost[0][2].label) != "name" else new[0][2].label
        return _Found(
            _entity_kind(label),
            _widen((lost[0][0], lost[0][1]), lost),
            _widen((new[0][0], new[0][1]), new),
            {"entity_before": [x[2].canonical for x in lost], "entity_after": [y[2].canonical for y in new], "label": label},
        )
    # NER tagged one side only: a proper noun on the other side is still a name (NER misses some),
    # unless it is the acronym of the tagged one ("the Department of the Interior" / "DOI")
    tagged, other = (eo, c.e) if eo else (ee, c.o)
    bare = [t.text for t in other if t.key not in rules.function_words]
    if c.op == "replace" and len(bare) == 1 and any(_acronym(bare[0], x[2].text, rules) for x in tagged):
        return _Silent("same name")
    if c.op == "replace" and eo and _proper(c.e):
        return _Found(_entity_kind(eo[0][2].label), _widen(c.o_span, eo), c.e_span, {"entity_before": [x[2].canonical for x in eo], "entity_after": [], "label": eo[0][2].label})
    if c.op == "replace" and ee and _proper(c.o):
        return _Found(_entity_kind(ee[0][2].label), c.o_span, _widen(c.e_span, ee), {"entity_before": [], "entity_after": [y[2].canonical for y in ee], "label": ee[0][2].label})
    return None


_WN_POS = {"NOUN": "n", "PROPN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r", "ADP": "r", "SCONJ": "r"}


def _opposite(x: _Tok, y: _Tok, rules: EditRules) -> bool:
    """Closed-class opposites WordNet does not hold ("before" / "after", "for" / "against"),
    WordNet antonyms (lemma or word form, either token's part of speech), or the same adjective
    or adverb with a negative prefix ("legal" / "illegal", "likely" / "unlikely")."""
    if (x.key, y.key) in rules.closed_opposites:
        return True
    poses = {_WN_POS.get(x.pos), _WN_POS.get(y.pos)} - {None}
    forms = {(a, b) for a in (x.lemma, x.text.lower()) for b in (y.lemma, y.text.lower())}
    if any((p, a, b) in rules.opposites for p in poses for a, b in forms):
        return True
    if not poses & {"a", "r"}:
        return False
    for a, b in forms:
        short, long_ = sorted((a, b), key=len)
        for prefix in rules.negative_prefixes:
            if long_ == prefix + short and len(short) >= rules.prefix_min_stem:
                return True
    return False


def _predicate(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | None:
    """A word replaced by its opposite ("rose" -> "fell", "legal" -> "illegal")."""
    if c.op != "replace":
        return None
    for x in c.o:
        for y in c.e:
            if _opposite(x, y, rules):
                return _Found("predicate", (x.start, x.end), (y.start, y.end), {"opposites": [x.lemma, y.lemma]})
    return None


def _titles(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Silent | None:
    """Only titles and honorifics changed ("Mr." -> "President", "Sen." dropped)."""
    words = [*c.o, *c.e]
    titled = any(t.key in rules.titles and t.key not in rules.function_words for t in words)
    if titled and all(t.key in rules.titles or t.key in rules.function_words for t in words):
        return _Silent("title or honorific")
    return None


def _ellipsis(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Silent | None:
    """Words left out of a quotation where the draft marks the cut ("...")."""
    if c.op != "delete":
        return None
    s = c.e_span[0]
    around = e.text[max(0, s - 2) : s + 6]
    return _Silent("quotation shortened with an ellipsis") if any(mark in around for mark in rules.ellipses) else None


# --------------------------------------------------------------------------- the verdicts


def _deterministic(c: _Chunk, o: _View, e: _View, rules: EditRules) -> _Found | _Silent | None:
    """Everything but NLI, in policy order: the first classifier with an answer decides."""
    for classify in (_speaker, _negation, _modality, _date, _number, _entity, _titles, _predicate):
        found = classify(c, o, e, rules)
        if found is not None:
            return found
    if _in_quote(c, o, e):
        return _ellipsis(c, o, e, rules) or _Found("quotation", c.o_span, c.e_span)
    if all(t.key in rules.function_words or t.key in rules.padding for t in [*c.o, *c.e]):
        return _Silent("function or padding words")
    if c.op == "delete":
        return _Silent("trimmed")
    if c.op == "insert":
        return _Silent("added words")
    if not _content(c.o, rules) or not _content(c.e, rules):
        return _Silent("function or padding words")
    return None  # a replaced content span: NLI decides (predicate or synonym)


def _minimal_pair(c: _Chunk, o: _View, e: _View) -> tuple[str, str]:
    """(original, original with only this span replaced): one change, so NLI judges that change."""
    hybrid = o.text[: c.o_span[0]] + e.text[c.e_span[0] : c.e_span[1]] + o.text[c.o_span[1] :]
    return o.text, hybrid


def _judge_predicates(pending: Sequence[_Chunk], o: _View, e: _View, nli: NLIBackend | None, cfg: EditSettings) -> list[_Found | _Silent]:
    """NLI on each pending chunk's minimal pair, both directions, in one batch (off by default:
    see EditSettings.predicate_nli_contradiction)."""
    if nli is None or not pending or cfg.predicate_nli_contradiction > 1.0:
        return [_Silent("replaced words, no rule (NLI predicate check off)", style=False) for _ in pending]
    pairs: list[tuple[str, str]] = []
    for c in pending:
        p, h = _minimal_pair(c, o, e)
        pairs += [(p, h), (h, p)]
    probs = nli.predict(pairs)
    out: list[_Found | _Silent] = []
    for i, c in enumerate(pending):
        ab, ba = probs[2 * i], probs[2 * i + 1]
        contra = min(ab["contradiction"], ba["contradiction"])
        scores = {
            "contradiction_ab": round(ab["contradiction"], 4),
            "contradiction_ba": round(ba["contradiction"], 4),
            "entailment_ab": round(ab["entailment"], 4),
            "entailment_ba": round(ba["entailment"], 4),
        }
        if contra >= cfg.predicate_nli_contradiction:
            out.append(_Found("predicate", c.o_span, c.e_span, {"nli": scores}, "warning"))
        elif min(ab["entailment"], ba["entailment"]) >= cfg.synonym_entailment:
            out.append(_Silent("synonym (entailment both ways)", style=False))
        else:
            out.append(_Silent("no contradiction (NLI)", style=False))
    return out


def _verdicts(original: Claim, edited: Claim, nli: NLIBackend | None, cfg: EditSettings, rules: EditRules) -> tuple[_View, _View, list[tuple[_Chunk, _Found | _Silent]]]:
    o, e = _view(original, rules), _view(edited, rules)
    chunks = _diff(o, e)
    moved = _moved(chunks, rules)
    verdicts: list[_Found | _Silent | None] = [_Silent("moved") if i in moved else _deterministic(c, o, e, rules) for i, c in enumerate(chunks)]
    pending = [i for i, v in enumerate(verdicts) if v is None]
    for i, v in zip(pending, _judge_predicates([chunks[i] for i in pending], o, e, nli, cfg)):
        verdicts[i] = v
    return o, e, [(c, v) for c, v in zip(chunks, verdicts) if v is not None]


# --------------------------------------------------------------------------- changes and messages


def _raw(claim: Claim, s: int, t: int, docs: Mapping[str, Document] | None) -> tuple[int | None, int | None]:
    """Claim-text offsets -> the document's raw-text offsets.

    txt/md: claim.text is raw_text[claim.start:claim.end], so it is a shift. HTML collapses
    whitespace and drops markup: the span's text is looked up inside the claim's raw range."""
    doc = docs.get(claim.doc) if docs else None
    if doc is None or doc.raw_text[claim.start : claim.end] == claim.text:
        return claim.start + s, claim.start + t
    text = claim.text[s:t]
    i = doc.raw_text.find(text, claim.start, claim.end + 1) if text else -1
    return (i, i + len(text)) if i >= 0 else (None, None)


def _side(claim: Claim, span: tuple[int, int], docs: Mapping[str, Document] | None) -> Side:
    s, t = span
    start, end = _raw(claim, s, t, docs)
    return Side(claim.id, claim.text[s:t], s, t, start, end)


def _context(view: _View, span: tuple[int, int]) -> str:
    """The span with one word either side (so an insertion reads "will not meet", not "not")."""
    before = [t for t in view.tokens if t.end <= span[0]]
    after = [t for t in view.tokens if t.start >= span[1]]
    s = before[-1].start if before else span[0]
    t = after[0].end if after else span[1]
    return " ".join(re.sub(r"[\"“”„«»]", " ", view.text[s:t]).split())


_LABELS = {
    "place": "place",
    "person": "person",
    "organisation": "organisation",
    "name": "name",
    "number": "number",
    "date": "date",
    "negation": "negation",
    "modality": "modality",
    "predicate": "predicate",
    "quotation": "quotation",
    "speaker": "speaker",
}


def _message(kind: str, o: _View, e: _View, found: _Found, in_quote: bool) -> str:
    before = " ".join(o.text[found.o_span[0] : found.o_span[1]].split())
    after = " ".join(e.text[found.e_span[0] : found.e_span[1]].split())
    if kind == "speaker":
        so, se = found.evidence["speaker_before"], found.evidence["speaker_after"]
        before = so if not before or before == so else f"{before} ({so})"
        after = se if not after or after == se else f"{after} ({se})"
    elif not before or not after or kind in ("negation", "modality"):
        before, after = _context(o, found.o_span), _context(e, found.e_span)
    where = " inside the quotation" if in_quote and kind != "quotation" else ""
    return f"{_LABELS[kind]} changed{where}: {before or '∅'} -> {after or '∅'}"


def _change(o: _View, e: _View, c: _Chunk, found: _Found, docs: Mapping[str, Document] | None) -> EditChange:
    in_quote = _in_quote(c, o, e) and found.kind != "speaker"
    # a quotation changed is a quotation mismatch (FC104, a warning), whatever the words were
    severity = "warning" if in_quote else found.severity or SEVERITY[found.kind]
    return EditChange(
        found.kind, severity, _side(o.claim, found.o_span, docs), _side(e.claim, found.e_span, docs), _message(found.kind, o, e, found, in_quote), in_quote, found.evidence
    )


# --------------------------------------------------------------------------- entry points


def _one_span_copy(x: str, y: str, cfg: EditSettings) -> bool:
    """One contiguous changed span of a few words, and enough equal words around it."""
    rules = load_rules()
    a = [t.key for t in _tokens(x, rules)]
    b = [t.key for t in _tokens(y, rules)]
    changed = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(changed) > 1:
        return False
    shared = len(a) - sum(i2 - i1 for _, i1, i2, _, _ in changed)
    # a replaced span must be short; a clause added or trimmed may be long
    small = all(min(i2 - i1, j2 - j1) == 0 or max(i2 - i1, j2 - j1) <= cfg.max_span_words for _, i1, i2, j1, j2 in changed)
    return small and shared >= cfg.min_shared_words


def near_verbatim(a: Claim | str, b: Claim | str, settings: Settings | EditSettings | None = None) -> bool:
    """The gate of the edit rule: the two sentences are one another's copy, give or take an edit.

    Uses the policy's own measure, ``checker.policy.word_ratio`` (difflib over words, case- and
    quote-insensitive), from ``edit_min_word_ratio``; a shorter sentence also passes when one
    span of at most ``edit_max_span_words`` words is all that changed and
    ``edit_min_shared_words`` words around it are the same (:class:`EditSettings`).
    ``settings``: the run's Settings, an EditSettings, or None (the defaults).
    """
    cfg = EditSettings.of(settings)
    x = a.text if isinstance(a, Claim) else a
    y = b.text if isinstance(b, Claim) else b
    return word_ratio(x, y) >= cfg.min_word_ratio or _one_span_copy(x, y, cfg)


def classify_edits(
    original: Claim, edited: Claim, nli: NLIBackend | None = None, settings: Settings | EditSettings | None = None, docs: Mapping[str, Document] | None = None
) -> list[EditChange]:
    """The typed changes from ``original`` to ``edited`` (claims with their analyses, as the
    pipeline builds them), in reading order; style changes are left out.

    ``nli``: any backend with ``predict([(premise, hypothesis)])`` (checker.nli); without one,
    replaced spans that no deterministic rule explains are not judged. ``docs`` (id -> Document)
    maps offsets into each document's raw text; without it claim text is taken to be raw text.
    No gate is applied here: see :func:`near_verbatim`.
    """
    rules = load_rules()
    o, e, verdicts = _verdicts(original, edited, nli, EditSettings.of(settings), rules)
    return [_change(o, e, c, v, docs) for c, v in verdicts if isinstance(v, _Found)]


def explain(original: Claim, edited: Claim, nli: NLIBackend | None = None, settings: Settings | EditSettings | None = None) -> list[Verdict]:
    """Every changed span with its verdict, silent ones with the reason (style, moved, synonym...)."""
    rules = load_rules()
    o, e, verdicts = _verdicts(original, edited, nli, EditSettings.of(settings), rules)
    out = []
    for c, v in verdicts:
        before, after = o.text[c.o_span[0] : c.o_span[1]], e.text[c.e_span[0] : c.e_span[1]]
        kind = v.kind if isinstance(v, _Found) else None
        reason = v.reason if isinstance(v, _Silent) else "changed"
        out.append(Verdict(c.op, before, after, kind, reason, _in_quote(c, o, e)))
    return out


def edit_findings(
    claim_a: Claim, claim_b: Claim, nli: NLIBackend | None, settings: Settings | EditSettings | None = None, docs: Mapping[str, Document] | None = None
) -> list[EditChange]:
    """What ``claim_a`` changed in ``claim_b``, for an aligned pair of the decision policy.

    Orientation: ``claim_b`` is the original ("before"), ``claim_a`` the edited copy ("after"),
    because in ``factcheck check`` every candidate's ``a`` is the draft claim. Returns [] unless
    the pair is :func:`near_verbatim` (settings ``edit_min_word_ratio`` /
    ``edit_min_shared_words``, :class:`EditSettings`).

    How a rule maps the changes to findings (:func:`edit_finding` does exactly this):

    * one finding per pair, as everywhere in the policy: it is named after the most severe change
      (ties: :data:`PRIORITY`), its message joins every change's message ("place changed: Riyadh
      -> Istanbul"), and ``details["changes"]`` lists every change with both sides' text and
      offsets (claim text and document raw text), for JSON, SARIF regions and the HTML report;
    * kind (rule code) per change: a change inside quotation marks, and a speaker change, is
      ``quote_mismatch`` (FC104, warning); otherwise place/person/organisation/name ->
      ``entity_mismatch`` (FC202), number -> ``numeric_mismatch`` (FC201), negation/predicate/
      modality -> ``contradiction`` (FC101; modality as a warning), date -> ``date_mismatch``
      (proposed FC205, error: a copied sentence with its date changed is an error, unlike
      FC203 ``different_time``, which stays for aligned claims about different events written
      differently) -- ``contradiction`` until checker.rules has FC205;
    * severity: the change's own (:data:`SEVERITY`; an opposite found by NLI is a warning), not lowered for
      hedges -- the source's "may" does not make a wrong place in its copy less wrong;
    * a number change on a pair from documents with different dates, where the later one
      carries an update cue ("rose to"), is left to the number rule (FC204 superseded);
    * a pair whose every difference is style (moved clause, same name or figure in other words,
      titles, padding, a trimmed clause), or that has the same words, is ``agreement`` (FC001,
      info): the copy is faithful, and neither NLI (which misreads a moved clause as a
      contradiction) nor the number rule (which pairs "15% ethanol and 85% gasoline" with itself)
      is asked; a replaced word that no rule explains (a synonym, or an opposite no list has)
      makes the rule fall through (None), so the rest of the policy judges the pair.

    Place the rule first in the policy, before the time rule (a near-verbatim pair with its date
    changed would otherwise be FC203 different_time, info), and fall through when it returns None.
    """
    found = _judged(claim_a, claim_b, nli, settings, docs)
    return found[0] if found else []


def _judged(
    claim_a: Claim, claim_b: Claim, nli: NLIBackend | None, settings: Settings | EditSettings | None, docs: Mapping[str, Document] | None
) -> tuple[list[EditChange], list[_Silent]] | None:
    """(changes, silent verdicts) of a near-verbatim pair, None for any other pair."""
    cfg = EditSettings.of(settings)
    if not near_verbatim(claim_a, claim_b, cfg):
        return None
    rules = load_rules()
    o, e, verdicts = _verdicts(claim_b, claim_a, nli, cfg, rules)
    changes = [_change(o, e, c, v, docs) for c, v in verdicts if isinstance(v, _Found)]
    return changes, [v for _, v in verdicts if isinstance(v, _Silent)]


def _finding_kind(change: EditChange) -> str:
    from checker.rules import BY_KIND

    if change.in_quote or change.kind == "speaker":
        return "quote_mismatch"
    kind = RULE_KIND[change.kind]
    return kind if kind in BY_KIND else "contradiction"


def _rank(change: EditChange) -> tuple[int, int]:
    return (0 if change.severity == "error" else 1, PRIORITY.index(change.kind))


def _superseded(change: EditChange, a: Claim, b: Claim, docs: Mapping[str, Document] | None) -> bool:
    """A figure the later report updates ("rose to"): the number rule's FC204, not an edit."""
    if change.kind != "number" or not docs or a.doc not in docs or b.doc not in docs:
        return False
    da, db = docs[a.doc].date, docs[b.doc].date
    if not da or not db or da == db:
        return False
    return bool(UPDATE_CUES.search((a if da > db else b).text))


def _other_moment(a: Claim, b: Claim) -> bool:
    """The two claims' times resolve to clearly disjoint intervals (different publication dates)."""
    from checker.analysis.times import different_time

    return bool(a.times and b.times and different_time(a.times, b.times) is not None)


def edit_finding(
    claim_a: Claim, claim_b: Claim, nli: NLIBackend | None, settings: Settings | EditSettings | None = None, docs: Mapping[str, Document] | None = None
) -> EditFinding | None:
    """The one finding of a near-verbatim pair: its edits, or agreement when they are all style; None
    for any other pair (see :func:`edit_findings` for the mapping). ``kind`` is a finding kind of
    checker.rules; ``details`` is JSON-ready."""
    judged = _judged(claim_a, claim_b, nli, settings, docs)
    if judged is None:
        return None
    found, silent = judged
    ratio = round(word_ratio(claim_a.text, claim_b.text), 4)
    base = {"word_ratio": ratio, "before_claim": claim_b.id, "after_claim": claim_a.id}
    changes = [c for c in found if not _superseded(c, claim_a, claim_b, docs)]
    if not changes:
        if _other_moment(claim_a, claim_b):
            return None  # the same words about different days ("on Tuesday" a week apart): the time rule's
        if found or not all(v.style for v in silent):
            # an updated figure (the number rule's FC204), or replaced words no rule explains: the
            # rest of the policy judges the pair
            return None
        if not silent:  # the same words (after spelling): a copy, never a conflict between its figures
            how = "word for word" if claim_a.text == claim_b.text else "word for word: the differences are spelling"
            return EditFinding("agreement", "info", f"{claim_a.id} copies {claim_b.id} {how}", {**base, "style": []}, ())
        reasons = sorted({v.reason for v in silent})
        return EditFinding("agreement", "info", f"{claim_a.id} copies {claim_b.id}: the differences are style ({', '.join(reasons)})", {**base, "style": reasons}, ())
    lead = min(changes, key=_rank)
    kind = _finding_kind(lead)
    message = "; ".join(c.message for c in sorted(changes, key=_rank)) + f" ({claim_b.id} -> {claim_a.id})"
    details = {**base, **_legacy_details(kind, lead, claim_a, claim_b), "changes": [c.to_json() for c in changes]}
    return EditFinding(kind, lead.severity, message, details, tuple(changes))


def _quotation_at(claim: Claim, pos: int) -> str | None:
    """The quotation at ``pos`` (an insertion point may sit just before its opening mark)."""
    return next((claim.text[s:e] for s, e in _quote_spans(claim) if s - 2 <= pos <= e), None)


def _legacy_details(kind: str, lead: EditChange, a: Claim, b: Claim) -> dict[str, Any]:
    """The keys the other rules' findings of the same kind carry (a/b, quote_a/quote_b,
    speaker_a/speaker_b), so that readers of a finding kind see one shape whichever rule made it."""
    if lead.kind == "speaker":
        return {"speaker_a": a.speaker, "speaker_b": b.speaker}
    if kind == "quote_mismatch":
        return {"quote_a": _quotation_at(a, lead.after.claim_start), "quote_b": _quotation_at(b, lead.before.claim_start)}
    return {"a": lead.after.text, "b": lead.before.text}


@policy_rule(
    "edits",
    decides=("entity_mismatch", "numeric_mismatch", "contradiction", "quote_mismatch", "agreement"),
    when="word ratio >= {edit_min_word_ratio} (or one changed span among >= {edit_min_shared_words} equal words) and the "
    "word-level diff changes a name, figure, date, negation, modality, an opposite, a quotation or the speaker",
    finding="place/person/organisation: FC202 entity_mismatch (error); number: FC201 (error); date: FC101 (error; FC205 "
    "date_mismatch once it exists); negation, opposite: FC101 (error); modality: FC101 (warning); inside quotation "
    "marks or the speaker: FC104 quote_mismatch (warning) -- with the change in the message ('Riyadh -> Istanbul'); "
    "FC001 agreement (info) when every difference is style",
)
def word_edits(pair: Pair) -> Draft | None:
    """A sentence copied with an edit: the edit is the claim. Style (U.S./US, Feb./February, 3/three,
    titles, padding, a trimmed or moved clause, synonyms) stays silent; see :func:`edit_findings`."""
    found = edit_finding(pair.a, pair.b, pair.backend, pair.settings, pair.docs)
    if found is None:
        return None
    return Draft(found.kind, found.message, [pair.a.id, pair.b.id], found.check, pair.scores, found.details, severity=found.severity)
