"""Stable rule codes: one per finding kind, like ruff's codes.

Codes never change meaning once released; output formats (JSON, SARIF, GitHub, JUnit) and
baselines key on them. FC0xx: agreement; FC1xx: contradictions and attribution; FC2xx:
symbolic checks (time, numbers, entities); FC3xx: coverage (what only one report says, and what a
draft says that no source supports).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    name: str
    severity: str  # default severity; the decision policy may lower it (see checker/judge.py)
    summary: str


RULES: tuple[Rule, ...] = (
    Rule("FC001", "agreement", "agreement", "info", "Two reports state the same thing (entailment both ways or one way with no conflict)."),
    Rule("FC101", "contradiction", "contradiction", "error", "Two reports contradict each other in their own (reporter) voice."),
    Rule("FC102", "attributed_disagreement", "attributed-disagreement", "warning", "Two quoted sources say incompatible things; the reports themselves do not conflict."),
    Rule("FC103", "disputed", "disputed-assertion", "warning", "An assertion that a report marks as false, or contradicts in the reporter's own voice."),
    Rule("FC104", "quote_mismatch", "quote-mismatch", "warning", "The same quotation is worded differently or credited to a different speaker."),
    Rule("FC201", "numeric_mismatch", "numeric-mismatch", "error", "Aligned claims give different figures for the same quantity beyond tolerance."),
    Rule(
        "FC202",
        "entity_mismatch",
        "entity-mismatch",
        "error",
        "Aligned claims name different places, people or organisations in the same role, or two reports label the same politician with different parties or states.",
    ),
    Rule("FC203", "different_time", "different-time", "info", "Aligned claims are about events at clearly different resolved times: not a contradiction."),
    Rule("FC204", "superseded", "superseded", "info", "A later report updates a figure given by an earlier one."),
    Rule("FC301", "only_in", "only-in-one-report", "info", "A claim with no counterpart in the other report(s)."),
    Rule("FC302", "unsupported", "unsupported", "warning", "A draft claim with no counterpart in any of the sources it is checked against (factcheck check)."),
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BY_KIND: dict[str, Rule] = {r.kind: r for r in RULES}


def rule_for_kind(kind: str) -> Rule:
    """only_in_a / only_in_b / only_in_c ... all map to FC301."""
    return BY_KIND["only_in" if kind.startswith("only_in") else kind]


def find_rule(query: str) -> Rule:
    """A rule by code (``FC101``), name (``contradiction``) or kind, case-insensitively."""
    from checker.errors import UsageError

    q = query.strip()
    rule = BY_CODE.get(q.upper())
    if rule is None:
        rule = next((r for r in RULES if q.lower() in (r.name, r.kind) or q.lower().replace("-", "_") == r.kind), None)
    if rule is None:
        raise UsageError(f"unknown rule {query!r}; run 'factcheck rules' for the list")
    return rule
