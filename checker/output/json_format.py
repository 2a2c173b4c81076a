"""The machine-readable report (``--output-format json``) and helpers shared by every formatter.

The JSON shape is a public interface, described by ``checker/schema/report.schema.json`` and
``docs/json-schema.md``; ``schema_version`` follows the policy documented there. Claims carry
1-based line/column positions computed from offsets into ``Document.raw_text`` so that editors,
SARIF viewers and GitHub annotations can point at the sentence without re-reading the file.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from checker import __version__
from checker.positions import LineIndex, Position, ReportIndex
from checker.rules import RULES
from checker.types import Claim, Finding, Report

__all__ = ["SCHEMA_PATH", "SCHEMA_VERSION", "LineIndex", "Position", "ReportIndex", "claim_to_json", "jsonable", "report_to_json", "summary"]

SCHEMA_VERSION = "1.2"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "report.schema.json"
TOOL_NAME = "factcheck"
SEVERITIES = ("error", "warning", "info")


def jsonable(value: Any) -> Any:
    """Make pipeline-supplied values (``details``, ``scores``) safe for strict JSON.

    ``details`` is free-form, so it may hold dates, paths, tuples or NaN; ``json.dumps`` would
    either fail or emit ``NaN``, which is not JSON.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if hasattr(value, "item"):  # numpy / torch scalars
        try:
            return jsonable(value.item())
        except (TypeError, ValueError):
            pass
    return str(value)


def claim_to_json(claim: Claim, position: Position) -> dict[str, Any]:
    """The public claim object (a fixed subset of :class:`Claim`, plus positions)."""
    return {
        "id": claim.id,
        "doc": claim.doc,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "line": position.line,
        "column": position.column,
        "end_line": position.end_line,
        "end_column": position.end_column,
        "speaker": claim.speaker,
        "verb": claim.verb,
        "quote": claim.quote,
        "hedges": list(claim.hedges),
        "dispute_markers": list(claim.dispute_markers),
        "times": [
            {
                "text": t.text,
                "start": t.start.isoformat() if t.start else None,
                "end": t.end.isoformat() if t.end else None,
                "granularity": t.granularity,
            }
            for t in claim.times
        ],
        "quantities": [{"text": q.text, "value": jsonable(q.value), "unit": q.unit, "approx": q.approx} for q in claim.quantities],
        "entities": [{"text": e.text, "label": e.label, "canonical": e.canonical} for e in claim.entities],
        "is_heading": claim.is_heading,
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    return jsonable(finding.to_json())


def summary(report: Report) -> dict[str, Any]:
    """Counts that dashboards want without walking the findings: every kind and severity appears."""
    by_kind = Counter(f.kind for f in report.findings)
    by_severity: Counter[str] = Counter(f.severity for f in report.findings)
    out: dict[str, Any] = {
        "findings": len(report.findings),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_kind": dict(sorted(by_kind.items())),
        "by_rule": dict(sorted(Counter(f.rule for f in report.findings).items())),
        "claims": sum(len(d.claims) for d in report.documents),
        "documents": len(report.documents),
    }
    if report.filtered:  # only when suppression comments or a baseline were applied
        out["filtered"] = {k: int(v) for k, v in sorted(report.filtered.items())}
    return out


def report_to_json(report: Report) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (see docs/json-schema.md)."""
    index = ReportIndex(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "models": {str(k): str(v) for k, v in report.models.items()},
        "documents": [jsonable(d.to_json()) for d in report.documents],
        "claims": [claim_to_json(c, index.position(c)) for d in report.documents for c in d.claims],
        "findings": [finding_to_json(f) for f in report.findings],
        "summary": summary(report),
        **({"warnings": list(report.warnings)} if report.warnings else {}),
        **({"consensus": [jsonable(g.to_json()) for g in report.consensus]} if report.consensus else {}),
    }


def rule_to_json(code: str) -> dict[str, Any]:
    """One rule's metadata, as ``factcheck rules --output-format json`` prints it."""
    rule = next(r for r in RULES if r.code == code)
    return {"code": rule.code, "name": rule.name, "kind": rule.kind, "severity": rule.severity, "summary": rule.summary}
