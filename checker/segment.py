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
4. A sentence longer than :data:`MAX_CLAIM_CHARS` (a run-on line without punctuation, a pasted
   table) is cut into near-equal pieces at spaces, each at most that long, and the document gets
   one warning saying so. Unbounded claims cost time everywhere downstream (spaCy parses, tense
   cues, the models read only the start) and cannot be shown usefully; no real news sentence
   comes close (the longest in the fixtures is under 700 characters).

Claim offsets point into ``doc.raw_text``. For txt/md ``claim.text == raw_text[start:end]``;
for HTML the span covers the markup, and ``claim.text`` is what the reader sees there (tags
removed, entities decoded, whitespace collapsed).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass

from checker.config import Settings
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
#: Rule 4's default limit when no settings are given: the ``max_claim_chars`` setting's default.
MAX_CLAIM_CHARS: int = Settings.model_fields["max_claim_chars"].default
# pysbd's cost grows faster than linearly with its input (each abbreviation it meets is another
# pass over the whole string: 20,000 characters of run-on text take 3 s, a megabyte never ends), so
# a longer block is given to it in windows that end at a sentence-end candidate.
PYSBD_WINDOW = 10_000
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]»]*\s+")


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


def segment(doc: Document, max_chars: int | None = None) -> list[Claim]:
    """Split ``doc.body_spans`` into sentence claims, store them in ``doc.claims`` and return them.

    ``max_chars``: rule 4's limit (the ``max_claim_chars`` setting; default :data:`MAX_CLAIM_CHARS`)."""
    import pysbd  # deferred: importing pysbd compiles many regexes

    splitter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    claims: list[Claim] = []
    cut: list[tuple[int, int]] = []  # (length, pieces) of each overlong sentence
    for start, end in doc.body_spans:
        block = _block(doc, start, end)
        for i, j, heading in split_block(block.text, splitter, max_chars=max_chars, cut=cut):
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
    if cut:
        _warn(doc, overlong_warning(cut, max_chars))
    return claims


def overlong_warning(cut: list[tuple[int, int]], limit: int | None = None) -> str:
    """The document warning for sentences split by rule 4 (``cut``: (characters, pieces) of each).

    Without the path: the run prefixes document warnings with it when they join the report's."""
    limit = limit or MAX_CLAIM_CHARS
    pieces = sum(k for _, k in cut)
    if len(cut) == 1:
        return f"a run-on line of {cut[0][0]:,} characters was split into {pieces} pieces of at most {limit:,} characters"
    return f"{len(cut)} run-on lines (the longest {max(n for n, _ in cut):,} characters) were split into {pieces} pieces of at most {limit:,} characters"


def _warn(doc: Document, message: str) -> None:
    if message not in doc.warnings:  # segmenting twice must not repeat it
        doc.warnings.append(message)


def _block(doc: Document, start: int, end: int) -> _Block:
    if doc.format == "html":
        text, starts, ends = html_chars(doc.raw_text, start, end)
        return _Block(text, start, starts, ends)
    return _Block(doc.raw_text[start:end], start)


def split_block(text: str, splitter, *, max_chars: int | None = None, cut: list[tuple[int, int]] | None = None) -> list[tuple[int, int, bool]]:
    """Sentences of one block as ``(start, end, is_heading)`` offsets into ``text``.

    A sentence longer than ``max_chars`` (default :data:`MAX_CLAIM_CHARS`) comes back as several
    pieces (:func:`split_long`); ``cut``, if given, receives (length, pieces) for each one."""
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
    limit = max_chars or MAX_CLAIM_CHARS
    out: list[tuple[int, int, bool]] = []
    for i, j in _merge(text, pieces):
        parts = split_long(text, i, j, limit) if j - i > limit else [(i, j)]
        if len(parts) > 1 and cut is not None:
            cut.append((j - i, len(parts)))
        out += [(a, b, False) for a, b in parts]
    return out


def split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``limit`` characters, cut at whitespace.

    The pieces are near-equal (a 2,100-character sentence becomes two of about 1,050, not 2,000
    and 100): each cut is the last whitespace before the even share, else the first one after it
    within the limit, else (a single "word" longer than the limit) at the limit itself. Pieces
    never start or end with whitespace, so each is ``text[a:b]`` of the original.
    """
    pieces: list[tuple[int, int]] = []
    pos = start
    while end - pos > limit:
        share = -(-(end - pos) // -(-(end - pos) // limit))  # ceil(rest / ceil(rest / limit))
        cut = _space_before(text, pos + 1, pos + share) or _space_after(text, pos + share, pos + limit) or pos + limit
        a, b = _strip(text, pos, cut)
        if b > a:
            pieces.append((a, b))
        pos = cut
        while pos < end and text[pos].isspace():
            pos += 1
    a, b = _strip(text, pos, end)
    if b > a:
        pieces.append((a, b))
    return pieces


def _space_before(text: str, lo: int, hi: int) -> int | None:
    """The last whitespace position in ``text[lo:hi + 1]`` (a cut there keeps pieces <= hi), or None."""
    m = None
    for m in re.finditer(r"\s+", text[lo : hi + 1]):
        pass
    return lo + m.start() if m else None


def _space_after(text: str, lo: int, hi: int) -> int | None:
    """The first whitespace position in ``text[lo:hi + 1]``, or None."""
    m = re.search(r"\s", text[lo : hi + 1])
    return lo + m.start() if m else None


def is_heading(text: str) -> bool:
    """A headline or subhead: one short line with letters and no final punctuation."""
    text = text.strip()
    return "\n" not in text and any(ch.isalpha() for ch in text) and not _TERMINAL.search(text) and len(text) <= HEADING_MAX_CHARS and len(text.split()) <= HEADING_MAX_WORDS


def _strip(text: str, i: int, j: int) -> tuple[int, int]:
    while i < j and text[i].isspace():
        i += 1
    while j > i and text[j - 1].isspace():
        j -= 1
    return i, j


def _candidate_breaks(text: str, lo: int, hi: int, splitter) -> list[int]:
    """Start offsets of pysbd's sentences after the first, run on the quote-masked block.

    A block longer than :data:`PYSBD_WINDOW` is read window by window (:func:`_windows`); each
    window start is a break too (it follows sentence-end punctuation; :func:`_keep_break` still
    judges it), and a window without any sentence-end punctuation is one sentence, unread."""
    view = text[lo:hi].translate(_MASK)
    breaks: list[int] = []
    for a, b, runon in _windows(view, PYSBD_WINDOW):
        if a > 0:
            breaks.append(lo + a)
        if not runon:
            breaks += [lo + a + span.start for span in splitter.segment(view[a:b])[1:]]
    return breaks


def _windows(view: str, size: int) -> list[tuple[int, int, bool]]:
    """``view`` cut into (start, end, run_on) windows of at most ``size`` characters, each ending
    right after sentence-end punctuation and its whitespace. Where no such place lies within
    ``size`` characters, the window runs to the next one and ``run_on`` is True: it holds no
    sentence end, so no sentence break, at all."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    while len(view) - start > size:
        last = None
        for m in _SENTENCE_END.finditer(view, start + 1, start + size):
            last = m.end()
        if last is not None:
            out.append((start, last, False))
            start = last
            continue
        nxt = _SENTENCE_END.search(view, start + 1)  # the first one, which ends beyond the window
        end = nxt.end() if nxt else len(view)
        out.append((start, end, True))
        start = end
    if start < len(view):
        out.append((start, len(view), False))
    return out


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
    quotes = _Quotes(text) if len(pieces) > 1 else None
    for piece in pieces[1:]:
        if _keep_break(text, merged[-1], piece, quotes):
            merged.append(piece)
        else:
            merged[-1] = (merged[-1][0], piece[1])
    return merged


def _keep_break(text: str, left: tuple[int, int], right: tuple[int, int], quotes: _Quotes | None = None) -> bool:
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
    return not _orphan_quote_tail(text, left[1], right_text, quotes or _Quotes(text))


class _Quotes:
    """Where the double quotation marks of a block are, to tell whether a position is inside a
    quotation in logarithmic time (counting them in ``text[:pos]`` for every break is quadratic
    in a long block)."""

    def __init__(self, text: str) -> None:
        self.opening = [m.start() for m in re.finditer(f"[{_QUOTE_OPEN}]", text)]
        self.closing = [m.start() for m in re.finditer(f"[{_QUOTE_CLOSE}]", text)]
        self.straight = [m.start() for m in re.finditer('"', text)]

    def inside(self, pos: int) -> bool:
        """Is ``pos`` inside a double quotation opened earlier in the block?"""
        curly_open = bisect_left(self.opening, pos) > bisect_left(self.closing, pos)
        return curly_open or bisect_left(self.straight, pos) % 2 == 1


def _orphan_quote_tail(text: str, pos: int, right_text: str, quotes: _Quotes) -> bool:
    """A break inside a quotation whose right piece is a stub of the quote plus its attribution."""
    if not quotes.inside(pos):
        return False
    close = re.search(r'["”»]', right_text)
    if close is None:
        return False
    return len(right_text[: close.start()].split()) <= ORPHAN_MAX_WORDS
