"""Load an article file into a :class:`~checker.types.Document`.

``Document.raw_text`` is the file decoded as UTF-8 (a leading byte-order mark is dropped, nothing
else changes), and every offset the pipeline produces points into it. Loading decides which
parts of that text are article body (``body_spans``) and reads the publication date, title and
source. Each body span is one *block*: a paragraph, a line or a heading. Segmentation splits
blocks into sentences and never joins two blocks, so a headline without a full stop stays on its
own.

Formats, chosen by file extension:

* ``.txt`` / ``.text`` and any unknown extension: plain text. An unsupported extension is read as
  plain text rather than refused, because copies of articles come with all sorts of names.
* ``.md`` / ``.markdown``: Markdown. YAML front matter is read for metadata; heading, quote and
  list markers are left out of the spans; inline markup (``**``, links) stays in the text.
* ``.html`` / ``.htm`` / ``.xhtml``: the body is extracted with trafilatura (which drops
  navigation, ads and scripts) and each extracted paragraph is mapped back onto the raw HTML; see
  :func:`html_chars` for the mapping rule.

Publication date, in priority order: ``date_override``; a leading ``date YYYY-MM-DD title`` line
(txt/md); Markdown front matter (``date`` or ``published``); HTML metadata found by trafilatura.

Every problem with the input file is an :class:`~checker.errors.InputError` whose one-line
message starts with the file path.
"""

from __future__ import annotations

import codecs
import datetime
import html
import re
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.types import Document

FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
"""File extension -> Document.format. Anything else is read as ``txt``."""

# Whole-line boilerplate, matched case-insensitively against a stripped line of at most
# BOILERPLATE_MAX_CHARS characters (a long line is prose, whatever it starts with).
# Each entry: (regular expression, what it removes). Add new site furniture here.
BOILERPLATE_PATTERNS: list[tuple[str, str]] = [
    (r"unlock the .{1,80} newsletter( for free)?\.?", "FT newsletter promo"),
    (r"your guide to what .{1,120} means for .{1,120}", "FT newsletter strapline"),
    (r"read the (full|whole|rest of the|original) (article|story|report).*", "link to the source"),
    (r"(continue|keep) reading.*", "paywall / pagination link"),
    (r"sign (up|in) (for|to|now|here|today)\b.*", "newsletter / login promo"),
    (r"subscribe\b.*", "subscription promo"),
    (r"(to )?click here\b.*", "link prompt"),
    (r"advertisement|advertising|sponsored( content)?|promoted", "ad label"),
    (r"share (this|on|via)\b.*|share", "share buttons"),
    (r"follow us on .*", "social media promo"),
    (r"(related|recommended|most read|more on this story|see also)( (articles|stories|content))?:?", "related-links header"),
    (r"(©|\(c\)|copyright)\s.*|all rights reserved\.?", "copyright line"),
    (r"(this article|this story) (was|has been) (first|originally) published .*", "syndication note"),
]
BOILERPLATE_MAX_CHARS = 160
_BOILERPLATE = [re.compile(p, re.IGNORECASE) for p, _ in BOILERPLATE_PATTERNS]

# A leading header line written by our news collectors: " date 2025-02-24 Title of the piece".
_DATE_HEADER = re.compile(r"\s*date\s+(\d{4}-\d{1,2}-\d{1,2})(?:\s+(.*?))?\s*", re.IGNORECASE)
_FM_BOUNDARY = re.compile(r"-{3,}\s*")  # the delimiter python-frontmatter's YAMLHandler uses

# Markdown line furniture that is not article text.
_MD_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_MD_RULE = re.compile(r"\s{0,3}([-*_])(\s*\1){2,}\s*")
_MD_SKIP = re.compile(r"\s*(!\[[^\]]*\]\([^)]*\)|<!--.*-->|\[[^\]]*\]:\s*\S+.*)\s*")
_MD_HEADING = re.compile(r"\s{0,3}#{1,6}\s+")
_MD_PREFIX = re.compile(r"\s{0,3}(?:>\s?)+|\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")

# Soft-wrapped lines: a line without final punctuation continues on the next one when the next
# starts in lower case or the line ends in a comma, dash or an obvious function word.
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]»]*\s*$")
_CONTINUES = re.compile(
    r"([,;(\-–—]|\b(the|a|an|of|and|or|but|to|in|on|at|for|with|by|from|that|as|its|his|her|their))\s*$",
    re.IGNORECASE,
)

# Publication years accepted (from a file or --date): outside them relative dates cannot be resolved
# safely, and such a date is a typo. setting: publication_years
PUBLICATION_YEARS = (1800, 2200)

MIN_HTML_PARAGRAPH_WORDS = 4  # an "article" whose longest paragraph is shorter is menu residue

BINARY_CONTROL_RATIO = 0.10  # share of C0 control bytes (not tab/newline/CR/FF) that means binary
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x0b\x1b")


@dataclass
class _Meta:
    title: str | None = None
    source: str | None = None
    date: datetime.date | None = None


def load_document(
    path: Path,
    doc_id: str,
    date_override: datetime.date | None = None,
    max_bytes: int = 10_000_000,
) -> Document:
    """Read ``path`` as an article; raise :class:`InputError` with a one-line reason if it is not one."""
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    text = _decode(path, data)
    fmt = FORMATS.get(path.suffix.lower(), "txt")
    if fmt == "html":
        meta, spans = _load_html(path, text)
    else:
        meta, spans = _load_text(path, text, fmt)
    if not spans:
        raise InputError(f"{path}: no article text left after removing headers and boilerplate")
    if date_override is not None:
        check_publication_date(date_override, f"{path}: date")
    elif meta.date is not None:
        check_publication_date(meta.date, str(path))
    return Document(
        id=doc_id,
        path=path,
        raw_text=text,
        body_spans=spans,
        title=meta.title,
        source=meta.source,
        date=date_override or meta.date,
        format=fmt,
    )


def document_from_text(text: str, doc_id: str, *, date: datetime.date | None = None, fmt: str = "txt", name: str = "<text>") -> Document:
    """An article given as a string (library callers, benchmarks): the same body and metadata rules
    as a file of format ``fmt``; ``name`` stands in for the path in messages."""
    if fmt not in ("txt", "md", "html"):
        raise InputError(f"{name}: unknown format {fmt!r} (txt, md or html)")
    path = Path(name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{name}: the text is empty")
    meta, spans = _load_html(path, text) if fmt == "html" else _load_text(path, text, fmt)
    if not spans:
        raise InputError(f"{name}: no article text left after removing headers and boilerplate")
    when = date or meta.date
    if when is not None:
        check_publication_date(when, name)
    return Document(id=doc_id, path=path, raw_text=text, body_spans=spans, title=meta.title, source=meta.source, date=when, format=fmt)


# ---------------------------------------------------------------------------------------------
# Reading and decoding


def check_file(path: Path, max_bytes: int) -> int:
    """The one check that ``path`` can be read as a document: it exists, is a regular file and is not
    over the size limit. Returns its size. (Run again by the loader; the command line runs it first,
    before any model loads.)"""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    if not path.is_file():
        raise InputError(f"{path}: is not a regular file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise InputError(_too_large(path, size, max_bytes))
    return size


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the file, refusing what is not a readable, non-empty, size-bounded regular file."""
    check_file(path, max_bytes)
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew, or stat() lied (a pipe or /proc file)
        raise InputError(_too_large(path, len(data), max_bytes))
    if not data:
        raise InputError(f"{path}: file is empty")
    reason = _binary_reason(data)
    if reason:
        raise InputError(f"{path}: looks like a binary file ({reason}), not article text")
    return data


def _too_large(path: Path, size: int, max_bytes: int) -> str:
    return f"{path}: file is {size:,} bytes, over the {max_bytes / 1_000_000:g} MB limit (max_file_mb)"


def check_publication_date(value: datetime.date, origin: str, error: type[Exception] = InputError) -> datetime.date:
    """A publication date must be a plausible one: relative times ("last year", "in a decade") are
    resolved by offsetting it, which fails near the ends of the calendar (year 1, 9999) — and a date
    that far off is a typo anyway. Raises ``error`` with one line naming ``origin``."""
    low, high = PUBLICATION_YEARS
    if not low <= value.year <= high:
        raise error(f"{origin}: publication date {value.isoformat()} is outside the years {low}..{high}")
    return value


def _binary_reason(data: bytes) -> str | None:
    """Say why ``data`` is binary: NUL bytes (also UTF-16 text) or too many control bytes."""
    sample = data[:65536]
    if b"\x00" in sample:
        return "it contains NUL bytes; if it is UTF-16 text, re-encode it as UTF-8"
    controls = sum(sample.count(b) for b in _CONTROL_BYTES)
    if controls / len(sample) > BINARY_CONTROL_RATIO:
        return f"{controls / len(sample):.0%} of its first bytes are control characters"
    return None


def _decode(path: Path, data: bytes) -> str:
    """Decode strict UTF-8 (a BOM is accepted and dropped); name the first bad byte otherwise."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        raise InputError(f"{path}: not valid UTF-8 (byte 0x{data[offset]:02x} at byte offset {offset}); re-encode the file as UTF-8, e.g. iconv -f windows-1252 -t utf-8") from None
    if not text.strip():
        raise InputError(f"{path}: file contains only whitespace")
    return text


# ---------------------------------------------------------------------------------------------
# Plain text and Markdown


def _line_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text[start:]`` without its line break; \\r\\n is one break."""
    spans = []
    pos = start
    for line in text[start:].splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _load_text(path: Path, text: str, fmt: str) -> tuple[_Meta, list[tuple[int, int]]]:
    """Metadata and body blocks of a plain-text or Markdown article."""
    lines = _line_spans(text)
    meta = _Meta()
    first = 0
    if fmt == "md":
        first, fm_meta = _front_matter(path, text, lines)
        meta = fm_meta
    first = _skip_blank(text, lines, first)
    if first < len(lines):
        header = _date_header(path, text[slice(*lines[first])])
        if header is not None:
            meta.date, title = header
            meta.title = title or meta.title
            first += 1
    blocks = _md_blocks(text, lines[first:]) if fmt == "md" else _txt_blocks(text, lines[first:])
    if fmt == "md" and blocks and _is_h1(text, blocks[0]):
        heading = text[blocks[0][0] : blocks[0][1]]
        if meta.title is None or _squash(meta.title) == _squash(heading):
            blocks.pop(0)  # a leading "# Title" is the title (metadata), not a claim
            meta.title = meta.title or heading
    return meta, [(s, e) for s, e, _ in blocks]


def _is_h1(text: str, block: tuple[int, int, bool]) -> bool:
    """Is this Markdown block a level-1 ``# heading``?"""
    line_start = text.rfind("\n", 0, block[0]) + 1
    return block[2] and re.match(r"\s{0,3}#\s", text[line_start : block[0]]) is not None


def _skip_blank(text: str, lines: list[tuple[int, int]], i: int) -> int:
    while i < len(lines) and not text[slice(*lines[i])].strip():
        i += 1
    return i


def _date_header(path: Path, line: str) -> tuple[datetime.date, str | None] | None:
    """Parse a ``date YYYY-MM-DD optional title`` header line; None if the line is not one."""
    match = _DATE_HEADER.fullmatch(line)
    if not match:
        return None
    iso = match.group(1)
    try:
        day = datetime.date.fromisoformat("-".join(p.zfill(2) for p in iso.split("-")))
    except ValueError:
        raise InputError(f"{path}: header line has an invalid date {iso!r} (expected YYYY-MM-DD)") from None
    return day, (match.group(2) or None)


def _front_matter(path: Path, text: str, lines: list[tuple[int, int]]) -> tuple[int, _Meta]:
    """Read YAML front matter at the top of a Markdown file: (index of first line after it, meta)."""
    if not lines or not _FM_BOUNDARY.fullmatch(text[slice(*lines[0])]):
        return 0, _Meta()
    close = next((i for i in range(1, len(lines)) if _FM_BOUNDARY.fullmatch(text[slice(*lines[i])])), None)
    if close is None:
        return 0, _Meta()  # a lone "---" is a horizontal rule, not front matter
    import frontmatter  # deferred: yaml import is only needed for Markdown

    try:
        data: dict[str, Any] = frontmatter.loads(text[: lines[close][1]]).metadata
    except Exception as exc:  # yaml raises many error types; all mean the same to the user
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: front matter is not valid YAML ({reason})") from None
    meta = _Meta(
        title=_str_or_none(data.get("title")),
        source=_str_or_none(data.get("source") or data.get("outlet")),
        date=_to_date(path, data.get("date", data.get("published"))),
    )
    return close + 1, meta


def _str_or_none(value: Any) -> str | None:
    """Metadata values may be numbers or empty; keep a non-empty string or nothing."""
    if value is None:
        return None
    return str(value).strip() or None


def _to_date(path: Path, value: Any) -> datetime.date | None:
    """A front-matter date: YAML gives date/datetime for ISO values; other strings go to dateparser."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    import dateparser  # deferred: slow import, rarely needed

    parsed = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise InputError(f"{path}: front matter date {text!r} is not a date")
    return parsed.date()


def is_boilerplate(line: str) -> bool:
    """True if a whole line is site furniture listed in :data:`BOILERPLATE_PATTERNS`."""
    line = line.strip()
    if len(line) > BOILERPLATE_MAX_CHARS:
        return False
    return any(p.fullmatch(line) for p in _BOILERPLATE)


def _continues(prev: str, nxt: str) -> bool:
    """Is ``nxt`` a soft-wrapped continuation of ``prev`` rather than a new line of its own?"""
    if _TERMINAL.search(prev):
        return False
    first = nxt.lstrip()[:1]
    return first.islower() or bool(_CONTINUES.search(prev))


def _txt_blocks(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Blocks of a plain-text body: each line, except that soft-wrapped lines are joined."""
    blocks: list[tuple[int, int, bool]] = []
    prev_joinable = False
    for start, end in lines:
        line = text[start:end]
        if not line.strip() or is_boilerplate(line):
            prev_joinable = False
            continue
        start, end = _trim(text, start, end)
        if prev_joinable and _continues(text[blocks[-1][0] : blocks[-1][1]], line):
            blocks[-1] = (blocks[-1][0], end, False)
        else:
            blocks.append((start, end, False))
        prev_joinable = True
    return blocks


def _md_blocks(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Blocks of a Markdown body as (start, end, is_heading); markers are left out of the spans.

    Like plain text, but fenced code, rules, images and link definitions are skipped, a ``#``
    heading is always a block of its own, and quote/list markers are not part of the text.
    """
    blocks: list[tuple[int, int, bool]] = []
    prev_joinable = False
    in_fence = False
    for start, end in lines:
        line = text[start:end]
        if _MD_FENCE.match(line):
            in_fence, prev_joinable = not in_fence, False
            continue
        if in_fence or not line.strip() or _MD_RULE.fullmatch(line) or _MD_SKIP.fullmatch(line):
            prev_joinable = False
            continue
        heading = _MD_HEADING.match(line)
        marker = heading or _MD_PREFIX.match(line)
        if marker:
            start += marker.end()
        if is_boilerplate(text[start:end]) or not text[start:end].strip():
            prev_joinable = False
            continue
        start, end = _trim(text, start, end)
        if heading:
            end = start + len(text[start:end].rstrip("#").rstrip())
        if prev_joinable and not marker and _continues(text[blocks[-1][0] : blocks[-1][1]], line):
            blocks[-1] = (blocks[-1][0], end, False)
        else:
            blocks.append((start, end, bool(heading)))
        prev_joinable = not heading
    return blocks


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# HTML

_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (an unclosed one runs to the end)
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"  # code, to the end of the file if unclosed
    r"|<(title|noscript|template|textarea)\b[^>]*>.*?</\2\s*>"  # not body text (if closed)
    r"|</?[A-Za-z!?][^>]*>"  # any other tag, doctype or processing instruction
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?"  # entity
    r"|[^<&]+|[<&]",  # text (a stray < or & is text)
    re.DOTALL | re.IGNORECASE,
)
_BLOCK_TAG = re.compile(
    r"</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|"
    r"figure|figcaption|dd|dt|dl|hr|pre|aside|nav|main)\b",
    re.IGNORECASE,
)


def html_chars(raw: str, start: int = 0, end: int | None = None, keep_space: bool = True) -> tuple[str, array, array]:
    """Render ``raw[start:end]`` as the reader sees it, with each character's raw span.

    The mapping rule used for HTML offsets: text between tags is taken character by character;
    an entity (``&amp;``, ``&#8220;``) becomes its character(s), all mapped to the whole entity;
    tags, comments and the content of script/style/title/noscript/template/textarea produce no
    text, except that a block-level tag (p, div, br, li, h1..h6, ...) reads as one space. The
    result is ``(text, starts, ends)`` with ``raw[starts[i]:ends[i]]`` the source of ``text[i]``.
    With ``keep_space=False`` whitespace is left out, which is how paragraphs are located.
    """
    end = len(raw) if end is None else end
    out: list[str] = []
    starts, ends = array("q"), array("q")

    def emit(chars: str, s: int, e: int) -> None:
        for ch in chars:
            if keep_space or not ch.isspace():
                out.append(ch)
                starts.append(s)
                ends.append(e)

    for m in _HTML_TOKEN.finditer(raw, start, end):
        tok, s = m.group(), m.start()
        if tok[0] == "<" and len(tok) > 1:
            if _BLOCK_TAG.match(tok):
                emit(" ", s, s)
        elif tok[0] == "&" and len(tok) > 1:
            emit(html.unescape(tok), s, m.end())
        else:
            for i, ch in enumerate(tok):
                if keep_space or not ch.isspace():
                    out.append(ch)
                    starts.append(s + i)
                    ends.append(s + i + 1)
    return "".join(out), starts, ends


def _load_html(path: Path, text: str) -> tuple[_Meta, list[tuple[int, int]]]:
    """Extract the article with trafilatura and map its paragraphs back onto the raw HTML."""
    import logging

    import trafilatura  # deferred: heavy import, only needed for HTML

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    result: Any  # trafilatura's Document (attributes), typed as a union with dict
    try:
        result = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura/lxml failures on broken markup
        raise InputError(f"{path}: cannot parse HTML ({type(exc).__name__}: {exc})") from None
    if result is None or not (result.text or "").strip():
        raise InputError(f"{path}: HTML contains no extractable article text")
    meta = _Meta(
        title=_str_or_none(result.title),
        source=_str_or_none(result.sitename),
        date=_iso_date(result.date),
    )
    paragraphs = [p for p in result.text.splitlines() if p.strip() and not is_boilerplate(p)]
    if paragraphs and meta.title and _squash(paragraphs[0]) == _squash(meta.title):
        paragraphs.pop(0)  # the headline is metadata, as with the txt header line
    spans = _locate_paragraphs(text, paragraphs)
    if not any(len(p.split()) >= MIN_HTML_PARAGRAPH_WORDS for p in paragraphs) or not spans:
        raise InputError(f"{path}: HTML contains no extractable article text")
    return meta, spans


def _iso_date(value: str | None) -> datetime.date | None:
    """trafilatura reports dates as YYYY-MM-DD strings."""
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _squash(text: str) -> str:
    return "".join(text.split())


def _locate_paragraphs(raw: str, paragraphs: list[str]) -> list[tuple[int, int]]:
    """Raw-HTML span of each extracted paragraph, found in order, ignoring whitespace.

    Paragraphs that cannot be found verbatim are anchored by their first and last 24
    characters; ones that still cannot be placed (trafilatura rewrote them) are left out.
    """
    chars, starts, ends = html_chars(raw, keep_space=False)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for para in paragraphs:
        found = _find(chars, _squash(para), cursor)
        if found is None:
            continue
        i, j = found
        spans.append((starts[i], ends[j - 1]))
        cursor = j
    return spans


def _find(chars: str, key: str, cursor: int) -> tuple[int, int] | None:
    """Locate ``key`` in ``chars`` at or after ``cursor``: exactly, else by head and tail anchors."""
    if not key:
        return None
    i = chars.find(key, cursor)
    if i >= 0:
        return i, i + len(key)
    anchor = 24
    if len(key) <= 2 * anchor:
        return None
    i = chars.find(key[:anchor], cursor)
    if i < 0:
        return None
    j = chars.find(key[-anchor:], i + anchor, i + 2 * len(key))
    return (i, j + anchor) if j >= 0 else None
