"""The document object every pipeline component reads and extends.

Like a spaCy ``Doc``, one :class:`Document` travels through the pipeline: loading fills its text
and metadata, segmentation adds :class:`Claim` objects with character offsets into the original
file text, analysis components annotate each claim, and judgement produces :class:`Finding`
objects that point back at claim ids. Nothing here imports torch, so the CLI starts fast.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def doc_id(n: int) -> str:
    """The id of the n-th document (from 0): a..z, then aa, ab, ... (claim ids stay unique: a letter never follows a claim number)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = _LETTERS[r] + out
    return out


SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass
class TimeRef:
    """A time expression resolved against the document's publication date."""

    text: str
    start: date | None
    end: date | None
    granularity: str  # day | week | month | year | range


@dataclass
class Quantity:
    text: str
    value: float
    unit: str | None = None
    approx: str | None = None  # about | more_than | less_than | at_least | at_most | vague


@dataclass
class Entity:
    text: str
    label: str  # PERSON | GPE | LOC | ORG | NORP | ...
    canonical: str  # alias-resolved key, e.g. "kyiv" for Kiev/Kyiv


@dataclass
class Claim:
    """One sentence of a document, the unit that is aligned and judged.

    ``start``/``end`` are character offsets into :attr:`Document.raw_text` (the file as decoded),
    so ``doc.raw_text[claim.start:claim.end]`` is the sentence as the reader saw it.
    """

    id: str
    doc: str
    index: int
    start: int
    end: int
    text: str
    is_heading: bool = False
    speaker: str | None = None  # None: the reporter's own voice
    verb: str | None = None
    quote: Literal["direct", "indirect", "none"] = "none"
    hedges: list[str] = field(default_factory=list)
    dispute_markers: list[str] = field(default_factory=list)
    content: str | None = None  # the asserted content without the attribution frame, when separable
    times: list[TimeRef] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def attributed(self) -> bool:
        return self.speaker is not None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for t in data["times"]:
            t["start"] = t["start"].isoformat() if t["start"] else None
            t["end"] = t["end"].isoformat() if t["end"] else None
        return data


@dataclass
class Document:
    id: str  # short id used in claim ids: "a", "b", "c", ...
    path: Path
    raw_text: str  # the file's text exactly as decoded; offsets point here
    body_spans: list[tuple[int, int]]  # spans of raw_text that are article body (boilerplate removed)
    title: str | None = None
    source: str | None = None
    date: date | None = None
    format: str = "txt"  # txt | md | html
    claims: list[Claim] = field(default_factory=list)
    # How this document was read, when the reader must know (e.g. an overlong run-on line was split):
    # one line each, without the path; the run adds them to Report.warnings, prefixed with the path.
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": str(self.path),
            "title": self.title,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "format": self.format,
        }


@dataclass
class Finding:
    id: str
    kind: str  # contradiction | agreement | only_in_a | only_in_b | disputed | different_time | ...
    severity: Severity
    rule: str  # stable rule code, e.g. FC101
    message: str
    claims: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    check: str = "nli"  # which check fired: nli | alignment | time | number | entity | attribution
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Variant:
    """One report's side of a divergence in a claim group: its claims and the value they give."""

    report: str  # document id
    claims: list[str]
    value: str  # the figure, date, place, name, quotation or assertion as that report gives it


@dataclass
class Divergence:
    """Where the reports of one claim group differ on one aspect (checker/consensus.py).

    With a majority (``majority`` non-empty: more than half of the group's reports, no conflict
    among them), ``odd`` are the odd ones out; without one, ``odd`` holds every side."""

    aspect: str  # figure | date | place | name | assertion | quotation
    majority: list[str]  # report ids that do not conflict with each other; empty: no majority
    majority_value: str | None
    odd: list[Variant]
    rules: list[str]  # rule codes of the pair findings behind it
    message: str  # "3 of 4 reports: five inches; report b: 10 inches"


@dataclass
class ClaimGroup:
    """Claims of several reports that state one fact (or a claim only one report makes), with where they differ.

    ``status``: ``shared`` (several reports, no divergence), ``contested`` (several reports, at
    least one divergence) or ``single`` (one report only)."""

    id: str  # G1, G2, ...
    status: str  # shared | contested | single
    claims: list[str]  # claim ids, in document order
    reports: list[str]  # ids of the documents that carry the fact
    total: int  # documents in the run
    representative: str  # the claim that best stands for the group (most links)
    message: str
    divergences: list[Divergence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"support": len(self.reports), **asdict(self)}


@dataclass
class Report:
    documents: list[Document]
    findings: list[Finding]
    models: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    # Findings removed after judgement (inline suppression comments, a baseline): counts by reason,
    # so a report can say what it is not showing. Empty when nothing was applied.
    filtered: dict[str, int] = field(default_factory=dict)
    # Things the reader must know about how the input was read, e.g. sentence pairs longer than the
    # NLI model reads (cut at the end): one line each.
    warnings: list[str] = field(default_factory=list)
    # What the run did besides judging, for people (stderr, never the report files): a baseline
    # written, stale baseline entries.
    notes: list[str] = field(default_factory=list)
    # compare with three or more reports: claims grouped by fact across reports, with the odd ones
    # out (checker/consensus.py); empty otherwise.
    consensus: list[ClaimGroup] = field(default_factory=list)

    def claim(self, claim_id: str) -> Claim:
        for doc in self.documents:
            for c in doc.claims:
                if c.id == claim_id:
                    return c
        raise KeyError(claim_id)
