"""Where a claim is in its file, and what identifies a finding across runs.

Shared by the outputs (line/column in every format) and by post-processing (suppression comments
cover lines; baselines match content fingerprints), so it sits below both. Positions are computed
from offsets into ``Document.raw_text``; columns count Unicode code points.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from checker.types import Claim, Document, Finding, Report


@dataclass(frozen=True)
class Position:
    """1-based start and end; ``end_*`` is the position just after the last character
    (exclusive, like SARIF's ``endColumn``). Columns count Unicode code points."""

    line: int
    column: int
    end_line: int
    end_column: int


class LineIndex:
    """Offset -> (line, column) for one text, by binary search over line starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def span(self, start: int, end: int) -> Position:
        end = max(start, end)
        # A span that ends with its newline should end on its own line, not at column 1 of the next.
        if end > start and self.text[end - 1 : end] == "\n":
            end -= 1
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Position(line, column, end_line, end_column)


class ReportIndex:
    """Look-ups every formatter needs: documents and claims by id, and claim positions."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.documents: dict[str, Document] = {d.id: d for d in report.documents}
        self.claims: dict[str, Claim] = {c.id: c for d in report.documents for c in d.claims}
        self._lines: dict[str, LineIndex] = {}

    def position(self, claim: Claim) -> Position:
        doc = self.documents.get(claim.doc)
        if doc is None:
            return Position(1, 1, 1, 1)
        index = self._lines.get(doc.id)
        if index is None:
            index = self._lines[doc.id] = LineIndex(doc.raw_text)
        return index.span(claim.start, claim.end)

    def finding_claims(self, finding: Finding) -> list[Claim]:
        """The finding's claims that exist in the report, in the finding's order."""
        return [self.claims[cid] for cid in finding.claims if cid in self.claims]


def display_path(path: Path, base: Path | None = None) -> str:
    """A POSIX path relative to ``base`` (default: the working directory) when the file is under it.

    GitHub annotations and code scanning need paths relative to the repository root, which is
    the working directory in CI; absolute paths elsewhere are kept as they are.
    """
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to((base or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def normalise_text(text: str) -> str:
    """Case, punctuation and whitespace-insensitive form, so fingerprints survive re-typesetting."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def fingerprint(finding: Finding, claims: list[Claim]) -> str:
    """Stable across runs and claim renumbering: rule + the sorted normalised claim texts."""
    texts = sorted(normalise_text(c.text) for c in claims)
    digest = hashlib.sha256("\x00".join([finding.rule, *texts]).encode("utf-8")).hexdigest()
    return digest[:32]
