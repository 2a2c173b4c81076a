"""Inline suppression comments in drafts, like ruff's ``# noqa`` and Vale's comments.

An editor who has checked a flagged sentence and knows it is right (the sources are out of date,
the draft has a newer fact) must be able to say so next to the sentence, where the next editor will
see it, rather than in a central ignore list:

    <!-- factcheck: ignore FC101 -->      Markdown / HTML (and .txt)
    # factcheck: ignore FC101, FC202      plain text
    <!-- factcheck: ignore -->            every rule
    <!-- factcheck: ignore FC302; the minister confirmed by phone -->   a reason after ";"

A comment alone on its line applies to the claims on the next line; a comment after text applies
to the claims on its own line. Codes accept what ``--select`` accepts (FC101, FC1, contradiction).
A code that matches no rule is an input error: a typo must not silently suppress nothing.

Suppression is applied after judgement (:func:`apply_suppressions`), so a suppressed finding still
counts in ``summary.filtered.suppressed``; the comments themselves are removed from the claims
before judgement (:func:`strip_directives`) so they are never aligned or judged as sentences.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from checker.errors import InputError
from checker.types import Document, Report

_HTML = re.compile(r"<!--\s*factcheck:\s*ignore\b(?P<codes>.*?)-->", re.IGNORECASE | re.DOTALL)
_HASH = re.compile(r"(?:^|(?<=\s))#[ \t]*factcheck:[ \t]*ignore\b(?P<codes>[^\n]*)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Directive:
    line: int  # 1-based line of the comment
    applies_to: int  # the line whose claims it covers
    codes: tuple[str, ...] | None  # None: every rule
    start: int
    end: int


def _patterns(doc: Document) -> tuple[re.Pattern[str], ...]:
    # "#" starts a heading in Markdown and means nothing in HTML, so it is a comment only in text.
    return (_HTML, _HASH) if doc.format == "txt" else (_HTML,)


def find_directives(doc: Document) -> list[Directive]:
    """Every suppression comment of ``doc``, with the line its claims are on."""
    from checker.config import normalise_codes
    from checker.errors import UsageError

    text = doc.raw_text
    found: list[Directive] = []
    for pattern in _patterns(doc):
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            alone = not (text[line_start : m.start()] + text[m.end() : line_end]).strip()
            raw = m.group("codes").split(";")[0].strip().strip(":").strip()  # after ";": a free-text reason
            try:
                codes = tuple(normalise_codes([raw.replace(" ", ",")], "")) if raw else None
            except UsageError:
                raise InputError(f"{doc.path}:{line}: unknown rule code in suppression comment {m.group(0).strip()!r}") from None
            found.append(Directive(line, line + 1 if alone else line, codes, m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def strip_directives(doc: Document) -> None:
    """Remove suppression comments from the claims of a freshly segmented document.

    The sentence splitter knows nothing of comments and may cut one in two ("meetings. <!" +
    "-- factcheck: ignore -->"), so this works on character spans: a claim's part that overlaps
    a comment at its start or end is cut off, a claim left with no text is dropped (a
    ``# factcheck: ignore`` line in a .txt file) and the claims are renumbered. HTML needs nothing:
    comments are not part of the visible text the claims are made of.
    """
    directives = find_directives(doc)  # also validates the codes now, before any model loads
    if not directives or doc.format == "html":
        return
    raw = doc.raw_text
    kept = []
    for claim in doc.claims:
        inside = [d for d in directives if d.start < claim.end and d.end > claim.start]
        if not inside:
            kept.append(claim)
            continue
        start, end = claim.start, claim.end
        for d in inside:
            if d.start <= start:
                start = max(start, d.end)
            if d.end >= end:
                end = min(end, d.start)
        while start < end and raw[start].isspace():
            start += 1
        while end > start and raw[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        text = raw[start:end]
        for d in inside:  # a comment in the middle of a sentence: out of the text, the span stays
            if start < d.start and d.end < end:
                text = text.replace(raw[d.start : d.end], "")
        text = re.sub(r"[ \t]{2,}", " ", text).strip()
        if text:
            kept.append(dataclasses.replace(claim, text=text, start=start, end=end))
    for n, claim in enumerate(kept):
        claim.index, claim.id = n, f"{doc.id}{n + 1}"
    doc.claims = kept


def apply_suppressions(report: Report) -> Report:
    """The report without findings that a suppression comment covers.

    A finding is suppressed when one of its claims sits on a line a comment applies to and the
    comment names the finding's rule (or no rule). ``filtered["suppressed"]`` counts them; it is
    set whenever a document has suppression comments, so a report can say so even when none matched.
    """
    from checker.positions import ReportIndex

    index = ReportIndex(report)
    by_doc = {d.id: find_directives(d) for d in report.documents}
    if not any(by_doc.values()):
        return report
    kept = []
    for finding in report.findings:
        if not any(_covers(d, finding.rule, index.position(c)) for c in index.finding_claims(finding) for d in by_doc.get(c.doc, ())):
            kept.append(finding)
    filtered = dict(report.filtered)
    filtered["suppressed"] = filtered.get("suppressed", 0) + len(report.findings) - len(kept)
    return dataclasses.replace(report, findings=kept, filtered=filtered)


def _covers(directive: Directive, rule: str, position) -> bool:
    on_line = position.line <= directive.applies_to <= position.end_line
    return on_line and (directive.codes is None or rule in directive.codes)
