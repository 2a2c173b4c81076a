"""Corpus input: many articles from one folder or one JSON Lines file, validated record by record.

Why records and not just files: a desk's feed arrives as JSON Lines exported from a collector, with
the outlet, publication date and headline beside the text; a folder of saved articles is the other
common form. Both become :class:`Article` objects, each holding the :class:`~checker.types.Document`
the pipeline will read, built by the same loader rules as ``factcheck compare`` uses for one file
(:func:`checker.documents.load_document` / :func:`checker.documents.document_from_text`).

Why errors are collected, not raised: in a feed of thousands of records one broken line must not
cost the rest. :func:`load_corpus` returns the good articles and one :class:`RecordError` per bad
record (file, line, one-line reason); the caller decides the exit code. Only problems with the
input as a whole (missing path, neither a folder nor a ``.jsonl`` file, unreadable) raise
:class:`~checker.errors.InputError`; a file where every record is bad is returned as all errors.

The record schema is documented in ``docs/corpus.md``; :class:`ArticleRecord` is its definition.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checker.config import Settings
from checker.documents import FORMATS, document_from_text, html_chars, load_document
from checker.errors import InputError
from checker.types import Document

MAX_TEXT_CHARS: int = Settings.model_fields["corpus_max_text_chars"].default  # the setting's default (same order as max_file_mb=10 for one file)
MAX_LINE_BYTES = 4 * MAX_TEXT_CHARS  # a JSON line longer than this is refused unread (escapes inflate text)
MAX_ID_CHARS = 200
JSONL_SUFFIXES = (".jsonl", ".ndjson")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class RecordError:
    """One record that could not be read: where it is and why, in one line."""

    source: str  # the JSON Lines file or the article file
    line: int | None  # 1-based line of a JSON Lines record; None for a file of a folder
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Article:
    """One article of a corpus, ready for story grouping and for the pipeline.

    ``text`` is the visible body text (boilerplate removed, HTML rendered), which is what grouping
    reads; ``document`` is the loaded Document, whose offsets point into the original text.
    ``origin`` says where the article came from (``feed.jsonl:12`` or the file path).
    """

    id: str
    outlet: str | None
    date: datetime.date | None
    title: str | None
    text: str
    origin: str
    url: str | None = None
    document: Document | None = field(default=None, compare=False, repr=False)

    def to_record(self) -> dict[str, Any]:
        """The article's metadata as JSON-ready values (for an index file or a Ray dataset row)."""
        return {
            "id": self.id,
            "outlet": self.outlet,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "url": self.url,
            "origin": self.origin,
        }


@dataclass
class CorpusLoad:
    """What :func:`load_corpus` read: the good articles (input order) and the bad records."""

    articles: list[Article]
    errors: list[RecordError]


class ArticleRecord(BaseModel):
    """One JSON Lines record (see docs/corpus.md). Unknown keys are ignored (collectors add their own)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    outlet: str = Field(min_length=1)
    date: datetime.date
    title: str = Field(min_length=1)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    url: str | None = None
    format: Literal["txt", "md", "html"] = "txt"

    @model_validator(mode="before")
    @classmethod
    def _outlet_or_source(cls, data: Any) -> Any:
        """``source`` is accepted for ``outlet``; both at once must agree."""
        if not isinstance(data, dict) or "source" not in data:
            return data
        data = dict(data)
        source = data.pop("source")
        if "outlet" in data and data["outlet"] != source:
            raise ValueError("has both 'outlet' and 'source' with different values; give one")
        data["outlet"] = source
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        """Integer ids are common in exports; they are kept as their decimal text."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _iso_day(cls, value: Any) -> Any:
        """Only ``YYYY-MM-DD``: pydantic alone would also take numbers (Unix times) and datetimes."""
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
            raise ValueError(f"must be a date written YYYY-MM-DD, got {value!r}")
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value.strip()!r} is not a calendar date") from None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://\S+$", value):
            raise ValueError(f"must be an http(s) address, got {value!r}")
        return value or None


# ---------------------------------------------------------------------------------------------
# Entry point


def load_corpus(path: Path | str, *, max_text_chars: int = MAX_TEXT_CHARS) -> CorpusLoad:
    """Read a folder of article files or a JSON Lines file of records.

    Raises :class:`InputError` only when the input as a whole is unusable (missing, neither a
    folder nor a ``.jsonl``/``.ndjson`` file, unreadable); every bad record is returned instead.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: not found")
    if path.is_dir():
        return load_folder(path, max_text_chars=max_text_chars)
    if path.suffix.lower() in JSONL_SUFFIXES:
        return load_jsonl(path, max_text_chars=max_text_chars)
    raise InputError(f"{path}: a corpus is a folder of article files or a JSON Lines file ({', '.join(JSONL_SUFFIXES)})")


# ---------------------------------------------------------------------------------------------
# JSON Lines


def load_jsonl(path: Path | str, *, max_text_chars: int = MAX_TEXT_CHARS) -> CorpusLoad:
    """Validate each line of a JSON Lines file as an :class:`ArticleRecord`; blank lines are skipped."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    articles: list[Article] = []
    errors: list[RecordError] = []
    first_line: dict[str, int] = {}
    try:
        with path.open("rb") as fh:
            for lineno, data in _lines(fh, MAX_LINE_BYTES):
                try:
                    article = _parse_line(path, lineno, data, max_text_chars)
                except _BadRecord as bad:
                    errors.append(RecordError(str(path), lineno, str(bad)))
                    continue
                if article is None:
                    continue
                if article.id in first_line:
                    errors.append(RecordError(str(path), lineno, f"duplicate id {article.id!r} (first on line {first_line[article.id]})"))
                    continue
                first_line[article.id] = lineno
                articles.append(article)
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    return CorpusLoad(articles, errors)


class _BadRecord(Exception):
    """A record-level problem; its message becomes a RecordError."""


def _lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over ``limit`` bytes, which is skipped unread."""
    lineno = 0
    while True:
        chunk = fh.readline(limit + 1)
        if not chunk:
            return
        lineno += 1
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the oversized line
                chunk = fh.readline(1 << 20)
            yield lineno, None
            continue
        yield lineno, chunk


def _parse_line(path: Path, lineno: int, data: bytes | None, max_text_chars: int) -> Article | None:
    """One line to an Article; None for a blank line; :class:`_BadRecord` for anything wrong."""
    if data is None:
        raise _BadRecord(f"line is longer than {MAX_LINE_BYTES:,} bytes; records are limited to {max_text_chars:,} characters of text")
    if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        line = data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise _BadRecord(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {exc.start + 1})") from None
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadRecord(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise _BadRecord(f"expected a JSON object, got {type(obj).__name__ if obj is not None else 'null'}")
    if isinstance(obj.get("text"), str) and len(obj["text"]) > max_text_chars:
        raise _BadRecord(f"text is {len(obj['text']):,} characters, over the limit of {max_text_chars:,}")
    try:
        record = ArticleRecord.model_validate(obj)
    except ValidationError as exc:
        raise _BadRecord(_describe(exc)) from None
    return record_to_article(record, origin=f"{path}:{lineno}")


def _describe(exc: ValidationError) -> str:
    """pydantic's errors as one line: ``missing field 'title'; field 'date' ...``."""
    parts = []
    for err in exc.errors(include_url=False):
        name = ".".join(str(p) for p in err["loc"])
        kind = err["type"]
        if kind == "missing":
            parts.append(f"missing field {name!r}")
        elif kind == "string_too_short":
            parts.append(f"field {name!r} is empty")
        elif kind == "string_too_long":
            limit = err.get("ctx", {}).get("max_length")
            parts.append(f"field {name!r} is longer than {limit:,} characters" if limit else f"field {name!r} is too long")
        elif kind == "string_type":
            parts.append(f"field {name!r} must be a string, got {type(err['input']).__name__}")
        elif kind == "literal_error":
            parts.append(f"field {name!r} must be one of {err['ctx']['expected']}, got {err['input']!r}")
        else:
            message = err["msg"].removeprefix("Value error, ")
            parts.append(f"field {name!r} {message}" if name else message)
    return "; ".join(parts)


def record_to_article(record: ArticleRecord, *, origin: str) -> Article:
    """Load the record's text as a Document with the loader's rules for its format.

    The Document's ``path`` is the record id (that is how reports name it) and its ``id`` is a
    placeholder; :func:`to_document` gives it the short id a comparison uses.
    """
    try:
        doc = document_from_text(record.text, "_", date=record.date, fmt=record.format, name=record.id)
    except InputError as exc:
        raise _BadRecord(str(exc).removeprefix(f"{record.id}: ")) from None
    doc.title = record.title
    doc.source = record.outlet
    return Article(
        id=record.id,
        outlet=record.outlet,
        date=record.date,
        title=record.title,
        text=body_text(doc),
        origin=origin,
        url=record.url,
        document=doc,
    )


# ---------------------------------------------------------------------------------------------
# Folder


def load_folder(folder: Path | str, *, max_text_chars: int = MAX_TEXT_CHARS) -> CorpusLoad:
    """Every article file under ``folder`` (recursively; suffixes of :data:`checker.documents.FORMATS`).

    Hidden files and folders and other suffixes are not read. An article's id is its path relative
    to ``folder`` (POSIX form), so ids are unique and stable; outlet, date and title come from the
    file's metadata as the loader reads it (``source``/``date``/``title`` front matter, a
    ``date YYYY-MM-DD Title`` line, HTML metadata) and may be missing.
    """
    folder = Path(folder)
    articles: list[Article] = []
    errors: list[RecordError] = []
    for path in article_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            doc = load_document(path, "_", max_bytes=max_text_chars)
        except InputError as exc:
            errors.append(RecordError(str(path), None, str(exc).removeprefix(f"{path}: ")))
            continue
        articles.append(Article(id=rel, outlet=doc.source, date=doc.date, title=doc.title, text=body_text(doc), origin=str(path), document=doc))
    return CorpusLoad(articles, errors)


def article_files(folder: Path) -> list[Path]:
    """Article files under ``folder`` in sorted order, skipping hidden names and unknown suffixes."""
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in FORMATS and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


# ---------------------------------------------------------------------------------------------
# To the pipeline


def body_text(doc: Document) -> str:
    """The article body as a reader sees it: body blocks joined by newlines (HTML rendered)."""
    if doc.format == "html":
        return "\n".join(" ".join(html_chars(doc.raw_text, s, e)[0].split()) for s, e in doc.body_spans)
    return "\n".join(doc.raw_text[s:e] for s, e in doc.body_spans)


def to_document(article: Article, doc_id: str) -> Document:
    """A fresh Document for one comparison, with the short id (``a``, ``b``, ...) it will use there.

    A copy, so that segmenting it for one story never leaves claims on the corpus's article.
    Title, outlet and date of the article fill in what the file's own metadata lacks.
    """
    if article.document is None:  # an Article built by hand (tests, other feeds)
        doc = document_from_text(article.text, doc_id, date=article.date, name=article.id)
    else:
        doc = dataclasses.replace(article.document, id=doc_id, claims=[])
    doc.title = doc.title or article.title
    doc.source = doc.source or article.outlet
    doc.date = doc.date or article.date
    return doc
