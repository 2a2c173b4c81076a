"""Formats other tools ingest: SARIF 2.1.0, GitHub workflow commands, GitLab Code Quality, JUnit XML,
JSON Lines.

These let factcheck run in CI like a linter (ruff, Vale): code-scanning dashboards read SARIF,
GitHub turns workflow commands into annotations on the changed file, GitLab shows Code Quality
reports in merge requests, and test reporters read JUnit. Every format keys findings on the stable
rule code from :mod:`checker.rules`.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from checker import __version__
from checker.output.json_format import TOOL_NAME, claim_to_json, finding_to_json, jsonable
from checker.positions import Position, ReportIndex, display_path, fingerprint, normalise_text

__all__ = ["FINGERPRINT_KEY", "ReportIndex", "display_path", "fails", "fingerprint", "normalise_text", "to_github", "to_gitlab", "to_json_lines", "to_junit", "to_sarif"]
from checker.rules import BY_CODE, RULES
from checker.types import SEVERITY_RANK, Claim, Document, Finding, Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
GITLAB_SEVERITY = {"error": "critical", "warning": "major", "info": "info"}
FINGERPRINT_KEY = "factcheck/v1"


# -- shared helpers ----------------------------------------------------------------------------


def _artifact_uri(path: Path, base: Path | None) -> str:
    shown = display_path(path, base)
    return Path(shown).as_uri() if Path(shown).is_absolute() else shown


def fails(finding: Finding, fail_on: str) -> bool:
    """Whether a finding is at or above ``fail_on`` (``none``: nothing fails)."""
    if fail_on == "none":
        return False
    return SEVERITY_RANK.get(finding.severity, 0) >= SEVERITY_RANK[fail_on]


# -- SARIF -------------------------------------------------------------------------------------


def _sarif_rule(code: str) -> dict[str, Any]:
    rule = BY_CODE[code]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": f"{rule.code} ({rule.name}): {rule.summary} Run `factcheck rule {rule.code}` for details."},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(rule.severity, "note")},
        "properties": {"kind": rule.kind, "tags": ["factcheck", rule.kind]},
    }


def _sarif_location(claim: Claim, pos: Position, doc_index: dict[str, int], docs: dict[str, Document], base: Path | None) -> dict[str, Any]:
    doc = docs[claim.doc]
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _artifact_uri(doc.path, base), "index": doc_index[doc.id]},
            "region": {
                "startLine": pos.line,
                "startColumn": pos.column,
                "endLine": pos.end_line,
                "endColumn": pos.end_column,
                "charOffset": claim.start,
                "charLength": max(0, claim.end - claim.start),
                "snippet": {"text": claim.text},
            },
        },
        "message": {"text": _claim_label(claim)},
    }


def _line_col(pos: Position) -> str:
    return f"{pos.line}:{pos.column}"


def _claim_label(claim: Claim) -> str:
    who = f" ({claim.speaker})" if claim.speaker else ""
    return f"[{claim.doc}]{who} {claim.text}"


def to_sarif(report: Report, *, base: Path | None = None) -> dict[str, Any]:
    """One SARIF run; ``ruleId`` is the rule code, locations point at the claims' sentences."""
    index = ReportIndex(report)
    doc_index = {d.id: i for i, d in enumerate(report.documents)}
    rule_index = {r.code: i for i, r in enumerate(RULES)}
    results = []
    for finding in report.findings:
        claims = index.finding_claims(finding)
        locations = [_sarif_location(c, index.position(c), doc_index, index.documents, base) for c in claims if c.doc in index.documents]
        if not locations and report.documents:  # code scanning needs a location
            doc = report.documents[0]
            locations = [{"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(doc.path, base), "index": 0}, "region": {"startLine": 1, "startColumn": 1}}}]
        related = [dict(loc, id=i) for i, loc in enumerate(locations[1:], start=1)]
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": SARIF_LEVEL.get(finding.severity, "note"),
            "message": {"text": finding.message},
            "locations": locations[:1],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, claims)},
            "properties": jsonable(
                {"findingId": finding.id, "kind": finding.kind, "check": finding.check, "severity": finding.severity, "claims": finding.claims, "scores": finding.scores}
            ),
        }
        if finding.rule in rule_index:
            result["ruleIndex"] = rule_index[finding.rule]
        if related:
            result["relatedLocations"] = related
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(r.code) for r in RULES],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": [{"location": {"uri": _artifact_uri(d.path, base)}, **({"description": {"text": d.title}} if d.title else {})} for d in report.documents],
                "results": results,
                "properties": {"models": jsonable(report.models)},
            }
        ],
    }


# -- GitHub workflow commands ------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(report: Report, *, show_info: bool = False, base: Path | None = None) -> str:
    """``::error file=..,line=..,col=..,endLine=..,endColumn=..,title=FC101::message`` lines.

    Info findings are left out unless ``show_info``: GitHub shows at most a handful of
    annotations per step, and agreements would crowd out the contradictions.
    """
    index = ReportIndex(report)
    lines = []
    for finding in report.findings:
        if finding.severity == "info" and not show_info:
            continue
        claims = index.finding_claims(finding)
        props: list[str] = []
        first = claims[0] if claims else None
        if first is not None and first.doc in index.documents:
            pos = index.position(first)
            props += [
                f"file={_escape_property(display_path(index.documents[first.doc].path, base))}",
                f"line={pos.line}",
                f"col={pos.column}",
                f"endLine={pos.end_line}",
                f"endColumn={pos.end_column}",
            ]
        props.append(f"title={_escape_property(finding.rule)}")
        message = finding.message
        for claim in claims[1:]:
            doc = index.documents.get(claim.doc)
            where = display_path(doc.path, base) if doc else claim.doc
            message += f"\n{where}:{_line_col(index.position(claim))}: {_claim_label(claim)}"
        level = GITHUB_LEVEL.get(finding.severity, "notice")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


# -- GitLab Code Quality -----------------------------------------------------------------------


def to_gitlab(report: Report, *, show_info: bool = False, base: Path | None = None) -> list[dict[str, Any]]:
    """GitLab Code Quality issues (the Code Climate subset GitLab reads).

    ``fingerprint`` is the content fingerprint of SARIF and baselines, so GitLab tracks a finding
    across commits even when lines move; GitLab needs it unique per report, so a repeat (the same
    sentence flagged twice) gets a counter mixed in. Info findings only with ``show_info``, as for
    GitHub: the merge-request widget is for what needs attention.
    """
    index = ReportIndex(report)
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for finding in report.findings:
        if finding.severity == "info" and not show_info:
            continue
        claims = index.finding_claims(finding)
        fp = fingerprint(finding, claims)
        if fp in seen:
            seen[fp] += 1
            fp = hashlib.sha256(f"{fp}:{seen[fp]}".encode()).hexdigest()[:32]
        else:
            seen[fp] = 0
        first = next((c for c in claims if c.doc in index.documents), None)
        if first is not None:
            pos = index.position(first)
            path, lines = display_path(index.documents[first.doc].path, base), {"begin": pos.line, "end": pos.end_line}
        else:
            path = display_path(report.documents[0].path, base) if report.documents else ""
            lines = {"begin": 1, "end": 1}
        description = finding.message
        for claim in claims[1:]:
            doc = index.documents.get(claim.doc)
            where = display_path(doc.path, base) if doc else claim.doc
            description += f" | {where}:{_line_col(index.position(claim))}: {_claim_label(claim)}"
        issues.append(
            {
                "type": "issue",
                "description": f"{finding.rule} {description}",
                "check_name": finding.rule,
                "categories": ["Bug Risk"] if finding.severity == "error" else ["Clarity"],
                "fingerprint": fp,
                "severity": GITLAB_SEVERITY.get(finding.severity, "info"),
                "location": {"path": path, "lines": lines},
            }
        )
    return issues


# -- JUnit XML ---------------------------------------------------------------------------------


def to_junit(report: Report, *, fail_on: str = "error", base: Path | None = None) -> str:
    """ruff-style JUnit: a testsuite per document, a testcase per finding (filed under the
    document of its first claim), a failure for each finding at/above ``fail_on``, and one
    passing testcase for a document with no findings so that every document is visible."""
    index = ReportIndex(report)
    by_doc: dict[str, list[Finding]] = {d.id: [] for d in report.documents}
    orphans: list[Finding] = []
    for finding in report.findings:
        claims = index.finding_claims(finding)
        (by_doc[claims[0].doc] if claims and claims[0].doc in by_doc else orphans).append(finding)

    root = ET.Element("testsuites", name=TOOL_NAME)
    suites: list[tuple[str, str | None, list[Finding]]] = [(display_path(d.path, base), d.id, by_doc[d.id]) for d in report.documents]
    if orphans:
        suites.append(("report", None, orphans))
    total_tests = total_failures = 0
    for name, doc_id, findings in suites:
        suite = ET.SubElement(root, "testsuite", name=name)
        if doc_id is not None:
            ET.SubElement(ET.SubElement(suite, "properties"), "property", name="document", value=doc_id)
        failures = 0
        for finding in findings:
            claims = index.finding_claims(finding)
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{finding.rule} {finding.kind} {finding.id}",
                classname=f"{TOOL_NAME}.{finding.rule}",
            )
            if claims:
                pos = index.position(claims[0])
                case.set("file", name)
                case.set("line", str(pos.line))
            body = "\n".join(f"{c.doc}:{_line_col(index.position(c))}: {_claim_label(c)}" for c in claims)
            if fails(finding, fail_on):
                failures += 1
                failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule)
                failure.text = body
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"{finding.severity}: {finding.message}\n{body}"
        if not findings:
            ET.SubElement(suite, "testcase", name="no findings", classname=TOOL_NAME, file=name)
        tests = max(1, len(findings))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# -- JSON Lines --------------------------------------------------------------------------------


def to_json_lines(report: Report) -> str:
    """One finding per line, its claims inline (with the document path), for grep/jq pipelines."""
    index = ReportIndex(report)
    lines = []
    for finding in report.findings:
        data = finding_to_json(finding)
        inline = []
        for claim in index.finding_claims(finding):
            item = claim_to_json(claim, index.position(claim))
            doc = index.documents.get(claim.doc)
            item["path"] = str(doc.path) if doc else None
            inline.append(item)
        data["claims"] = inline
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=False))
    return "".join(line + "\n" for line in lines)


__all__ = ["to_sarif", "to_github", "to_gitlab", "to_junit", "to_json_lines", "display_path", "fingerprint", "fails"]
