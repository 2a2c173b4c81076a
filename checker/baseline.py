"""Baselines: accept today's findings so that CI fails only on new ones.

A newsroom adopting factcheck on an existing archive cannot fix every old finding first. A
baseline file records the accepted findings; later runs drop findings that are in it and report
entries that no longer match anything (stale) so the file can shrink over time.

Entries are keyed by content, never by position: the SARIF ``partialFingerprints`` hash of the rule
code and the normalised texts of the finding's claims (:func:`checker.output.linters.fingerprint`).
Adding a paragraph above a sentence, re-wrapping lines or renumbering claims keeps the fingerprint;
rewording either sentence, or a source changing, makes the finding new again — as it should.

The file is JSON, sorted by fingerprint, one entry per line group, so baseline updates make small,
reviewable diffs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from checker.types import SEVERITY_RANK, Finding, Report

VERSION = 1


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    severity: str
    path: str  # where the finding was first recorded (for people reading the file; not matched)
    message: str
    claims: tuple[str, ...]  # claim texts, for people reading the file

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "claims": list(self.claims)}


def fingerprints(report: Report) -> list[str]:
    """One content fingerprint per finding, in report order (the SARIF partialFingerprints value)."""
    from checker.positions import ReportIndex, fingerprint

    index = ReportIndex(report)
    return [fingerprint(f, index.finding_claims(f)) for f in report.findings]


def recorded(finding: Finding, fail_on: str) -> bool:
    """Which findings a baseline records: everything that could fail the build at ``fail_on``,
    and at least every warning and error (info findings never fail by default and would only
    make the file churn)."""
    floor = min(SEVERITY_RANK["warning"], SEVERITY_RANK.get(fail_on, SEVERITY_RANK["warning"]))
    return SEVERITY_RANK.get(finding.severity, 0) >= floor


def entries_for(report: Report, *, fail_on: str = "error") -> list[Entry]:
    from checker.positions import ReportIndex, display_path

    index = ReportIndex(report)
    out: dict[str, Entry] = {}
    for finding, fp in zip(report.findings, fingerprints(report)):
        if not recorded(finding, fail_on) or fp in out:
            continue
        claims = index.finding_claims(finding)
        doc = index.documents.get(claims[0].doc) if claims else None
        out[fp] = Entry(fp, finding.rule, finding.severity, display_path(doc.path) if doc else "", finding.message, tuple(" ".join(c.text.split()) for c in claims))
    return sorted(out.values(), key=lambda e: e.fingerprint)


def dumps(entries: Iterable[Entry]) -> str:
    data = {"tool": "factcheck", "version": VERSION, "findings": [e.to_json() for e in sorted(entries, key=lambda e: e.fingerprint)]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: Path, entries: Iterable[Entry]) -> None:
    from checker.files import atomic_write_text

    atomic_write_text(Path(path), dumps(entries))


def load_baseline(path: Path) -> list[Entry]:
    """Entries of a baseline file; a missing or malformed file is a usage error (a typo in the
    path must not turn the baseline off silently)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline file not found: {path} (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a factcheck baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("tool") != "factcheck" or not isinstance(data.get("findings"), list):
        raise UsageError(f'{path}: not a factcheck baseline (expected {{"tool": "factcheck", "findings": [...]}})')
    if data.get("version") != VERSION:
        raise UsageError(f"{path}: baseline version {data.get('version')!r} is not supported (expected {VERSION})")
    entries = []
    for item in data["findings"]:
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str) or not isinstance(item.get("rule"), str):
            raise UsageError(f"{path}: baseline entry without fingerprint/rule: {item!r}")
        entries.append(
            Entry(
                item["fingerprint"],
                item["rule"],
                str(item.get("severity", "")),
                str(item.get("path", "")),
                str(item.get("message", "")),
                tuple(str(c) for c in item.get("claims", [])),
            )
        )
    return entries


def apply_baseline(report: Report, entries: Iterable[Entry], *, select: list[str] | None = None, ignore: list[str] | None = None) -> tuple[Report, list[Entry]]:
    """(report without baselined findings, stale entries).

    An entry is stale when no finding of this run has its fingerprint. Entries for rules this run
    does not report (``--select`` / ``--ignore``) are not called stale: the run could not see them.
    """
    from checker.config import rule_enabled

    entries = list(entries)
    accepted = {e.fingerprint for e in entries}
    produced = fingerprints(report)
    kept = [f for f, fp in zip(report.findings, produced) if fp not in accepted]
    seen = set(produced)
    stale = [e for e in entries if e.fingerprint not in seen and rule_enabled(e.rule, select or [], ignore or [])]
    filtered = dict(report.filtered)
    filtered["baselined"] = len(report.findings) - len(kept)
    filtered["stale_baseline"] = len(stale)
    return dataclasses.replace(report, findings=kept, filtered=filtered), stale
