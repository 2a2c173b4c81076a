"""Split a document's body into sentence claims.

Each body span is a block (see :mod:`checker.documents`); blocks are never joined, so a
headline or subhead without a full stop is a claim of its own. Inside a block:

1. A dateline-only block (``RIYADH``, ``GENEVA, Feb 24 (AFP)``) is dropped, and a dateline
   prefix (``RIYADH (AFP) - ...``) is left out of the first sentence.
2. A short block without final punctuation is one claim with ``is_heading=True``.
3. Otherwise pysbd proposes sentence breaks. It is run on a copy of the block in which double
   quotation marks and line breaks are spaces (same length, so offsets hold): unmasked, pysbd
   never splits inside a quotation, and a quotation that runs over several sentences would be
   one claim. Each break is then placed after the closing quotes that end the sentence, and
   :func:`_keep_break` drops breaks that pysbd gets wrong on news text.

Claim offsets point into ``doc.raw_text``. For txt/md ``claim.text == raw_text[start:end]``;
for HTML the span covers the markup, and ``claim.text`` is what the reader sees there (tags
removed, entities decoded, whitespace collapsed).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

from checker.documents import html_chars
from checker.types import Claim, Document

HEADING_MAX_WORDS = 16
HEADING_MAX_CHARS = 120

_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]»]*$")
_MASK = str.maketrans({'"': " ", "“": " ", "”": " ", "„": " ", "«": " ", "»": " ", "\n": " ", "\r": " "})
_CLOSERS = "\"'”’»)]"
_ONLY_CLOSERS = "”’»)]"  # straight quotes at the start of a piece open a quotation
_QUOTE_OPEN = "“„«"
_QUOTE_CLOSE = "”»"

# A line that is only a dateline: 1-4 upper-case words, optionally ", Feb 24" and "(AFP)".
_DATELINE = r"[A-Z][A-Z.'’\-]{2,}(?:[ /][A-Z][A-Z.'’\-]+){0,3}(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2})?"
_DATELINE_ONLY = re.compile(_DATELINE + r"(?:\s*\([A-Za-z ]{2,20}\))?\s*[—–:-]?")
# A dateline opening a paragraph must end in a dash so that "NATO members said" is kept.
_DATELINE_PREFIX = re.compile(_DATELINE + r"(?:\s*\([A-Za-z ]{2,20}\))?\s*[—–-]{1,2}\s+")

# No sentence break after these when pysbd proposes one (checked on the text left of a break).
_MONTH_ABBR = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$")
_TITLE_ABBR = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Cmdr|Adm|Prof|Rev|St|Pres|Amb|Supt|"
    r"No|Nos|Vol|vs|approx|est|Fig)\.$"
)
_INITIALISM = re.compile(r"(?:\b[A-Z]\.){2,}$")  # U.S. U.N. U.K. E.U.
# A party-state label after a US politician's name: "D-Conn.", "R-N.C.", "I-Vt.", "D-N.Y.".
_PARTY_STATE = re.compile(r"\b[DRI]-(?:[A-Z][a-z]{0,5}\.){1,2}$")
# A piece cannot start with punctuation that ends or continues a clause ("D-Conn.|, said").
_CONTINUATION = ",;:.!?…%)]}" + _ONLY_CLOSERS
# After an initialism, a new sentence usually starts with one of these words; any other
# capitalised word ("U.S. Secretary of State") continues the sentence.
SENTENCE_STARTERS = frozenset(
    "A An The This That These Those It Its He She They We I You His Her Their Our My There Here "
    "But And Or So Yet As After Before When While If Although Though Since Because However "
    "Meanwhile Still Instead Also Then Now Last Next On In At For By With From Under No Some "
    "Many Most Both Officials Critics".split()
)
ORPHAN_MAX_WORDS = 2  # a quoted tail this short stays with the sentence before it


@dataclass
class _Block:
    """A block's visible text and, for HTML, each character's span in the raw text."""

    text: str
    base: int  # txt/md: text == raw_text[base : base + len(text)]
    starts: array | None = None
    ends: array | None = None

    def raw_span(self, i: int, j: int) -> tuple[int, int]:
        """Raw offsets of ``text[i:j]`` (j > i)."""
        if self.starts is None or self.ends is None:
            return self.base + i, self.base + j
        return self.starts[i], self.ends[j - 1]

    def claim_text(self, i: int, j: int) -> str:
        if self.starts is None:
            return self.text[i:j]
        return " ".join(self.text[i:j].split())


def segment(doc: Document) -> list[Claim]:
    """Split ``doc.body_spans`` into sentence claims, store them in ``doc.claims`` and return them."""
    import pysbd  # deferred: importing pysbd compiles many regexes

    splitter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    claims: list[Claim] = []
    for start, end in doc.body_spans:
        block = _block(doc, start, end)
        for i, j, heading in split_block(block.text, splitter):
            s, e = block.raw_span(i, j)
            n = len(claims)
            claims.append(
                Claim(
                    id=f"{doc.id}{n + 1}",
                    doc=doc.id,
                    index=n,
                    start=s,
                    end=e,
                    text=block.claim_text(i, j),
                    is_heading=heading,
                )
            )
    doc.claims = claims
    return claims


def _block(doc: Document, start: int, end: int) -> _Block:
    if doc.format == "html":
        text, starts, ends = html_chars(doc.raw_text, start, end)
        return _Block(text, start, starts, ends)
    return _Block(doc.raw_text[start:end], start)


def split_block(text: str, splitter) -> list[tuple[int, int, bool]]:
    """Sentences of one block as ``(start, end, is_heading)`` offsets into ``text``."""
    lo, hi = _strip(text, 0, len(text))
    if lo == hi or _DATELINE_ONLY.fullmatch(text[lo:hi]):
        return []
    prefix = _DATELINE_PREFIX.match(text, lo)
    if prefix and prefix.end() < hi:
        lo = prefix.end()
    if is_heading(text[lo:hi]):
        return [(lo, hi, True)]
    pieces: list[tuple[int, int]] = []
    cur = lo
    for brk in _candidate_breaks(text, lo, hi, splitter):
        left_end, right_start = _place_break(text, brk, cur, hi)
        if cur < left_end and right_start < hi:
            pieces.append((cur, left_end))
            cur = right_start
    pieces.append((cur, hi))
    return [(i, j, False) for i, j in _merge(text, pieces)]


def is_heading(text: str) -> bool:
    """A headline or subhead: one short line with letters and no final punctuation."""
    text = text.strip()
    return (
        "\n" not in text
        and any(ch.isalpha() for ch in text)
        and not _TERMINAL.search(text)
        and len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
    )


def _strip(text: str, i: int, j: int) -> tuple[int, int]:
    while i < j and text[i].isspace():
        i += 1
    while j > i and text[j - 1].isspace():
        j -= 1
    return i, j


def _candidate_breaks(text: str, lo: int, hi: int, splitter) -> list[int]:
    """Start offsets of pysbd's sentences after the first, run on the quote-masked block."""
    view = text[lo:hi].translate(_MASK)
    return [lo + span.start for span in splitter.segment(view)[1:]]


def _place_break(text: str, brk: int, lo: int, hi: int) -> tuple[int, int]:
    """Move a break to just after the sentence's end punctuation and closing quotes.

    pysbd's break sits after the whitespace that follows a sentence; with quotes masked, that
    whitespace may hold the closing quote of this sentence and the opening quote of the next.
    A quote right after the end punctuation closes; one after a space opens the next sentence.
    """
    end = brk
    while end > lo and (text[end - 1].isspace() or text[end - 1] in '"“”„«»'):
        end -= 1
    while end < hi and text[end] in _CLOSERS:
        end += 1
    start = end
    while start < hi and text[start].isspace():
        start += 1
    return end, start


def _merge(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join each piece to the one before it when the break between them is wrong."""
    merged = [pieces[0]]
    for piece in pieces[1:]:
        if _keep_break(text, merged[-1], piece):
            merged.append(piece)
        else:
            merged[-1] = (merged[-1][0], piece[1])
    return merged


def _keep_break(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    """Is the break between two pieces a real sentence boundary? Each rule is a pysbd miss:

    * the right piece has no letters or digits, or starts with a comma, semicolon, colon, other
      closing punctuation or in lower case (``"Yes." he said``, ``Kiev.'s backers``,
      ``Sen. Chris Murphy, D-Conn., said``);
    * ``Nancy Pelosi, D-Calif. vowed``: a party-state label is not a sentence end unless a
      capitalised word or an opening quotation follows (``..., R-N.C.`` at the end stays an end);
    * ``Feb. 2022``: a month abbreviation followed by a number;
    * ``Gen. Smith``: a title abbreviation;
    * ``U.S. Secretary``: an initialism followed by a capitalised word that rarely starts a sentence;
    * a one-word piece (``3 p.m. Monday.``);
    * an orphan closing-quote fragment: the break falls inside a quotation and the right piece
      holds only a few words before the closing quote (``"No. Never," he said.``).
    """
    left_text, right_text = text[left[0] : left[1]], text[right[0] : right[1]]
    first = right_text[:1]
    first_word = re.match(r"[\w’']+", right_text.lstrip(_CLOSERS + "“„«"))
    if not any(ch.isalnum() for ch in right_text) or first in _CONTINUATION or first.islower():
        return False
    if _PARTY_STATE.search(left_text) and not (first.isupper() or first in "\"'“‘„«"):
        return False
    if _MONTH_ABBR.search(left_text) and first.isdigit():
        return False
    if _TITLE_ABBR.search(left_text):
        return False
    if _INITIALISM.search(left_text) and first_word and first_word.group() not in SENTENCE_STARTERS:
        return False
    if len(right_text.split()) < 2:
        return False
    return not _orphan_quote_tail(text, left[1], right_text)


def _inside_quotation(text: str, pos: int) -> bool:
    """Is ``pos`` inside a double quotation opened earlier in the block?"""
    before = text[:pos]
    curly_open = sum(before.count(q) for q in _QUOTE_OPEN) > sum(before.count(q) for q in _QUOTE_CLOSE)
    return curly_open or before.count('"') % 2 == 1


def _orphan_quote_tail(text: str, pos: int, right_text: str) -> bool:
    """A break inside a quotation whose right piece is a stub of the quote plus its attribution."""
    if not _inside_quotation(text, pos):
        return False
    close = re.search(r'["”»]', right_text)
    if close is None:
        return False
    return len(right_text[: close.start()].split()) <= ORPHAN_MAX_WORDS
