"""The one post-processing step between judgement and output, the same for the CLI and the library.

In this order (each step sees what the previous one kept):

1. ``select`` / ``ignore`` (rule codes, prefixes; ruff semantics, :func:`checker.config.rule_enabled`);
2. ``per-file-ignores``: rule codes dropped for findings *located* in matching documents — a
   finding's location is the document of its first claim (the draft in ``check``, document a's or
   b's claim in ``compare``);
3. suppression comments in the documents (``<!-- factcheck: ignore FC101 -->``, :mod:`checker.suppress`);
4. the baseline (:mod:`checker.baseline`): written first when asked (this run's findings become the
   accepted ones), then accepted findings are dropped and entries no longer produced are counted stale;
5. the remaining findings are numbered F1, F2, … in report order, and each document's reading
   warnings join ``Report.warnings`` (prefixed with the document's path).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from checker.config import Settings, per_file_ignored, rule_enabled
from checker.types import Finding, Report

if TYPE_CHECKING:
    from checker.baseline import Entry


def postprocess(report: Report, settings: Settings, *, baseline: Sequence[Entry] | None = None, write_baseline: Path | None = None, baseline_name: Path | None = None) -> Report:
    """See the module docstring. ``baseline_name``: the file named in the stale-entries note."""
    from checker.suppress import apply_suppressions

    report = select(report, settings)
    report = apply_suppressions(report)
    notes = list(report.notes)
    accepted = list(baseline) if baseline is not None else None
    if write_baseline is not None:
        from checker.baseline import entries_for
        from checker.baseline import write_baseline as write

        accepted = entries_for(report, fail_on=settings.fail_on)
        write(write_baseline, accepted)
        notes.append(f"wrote {len(accepted)} accepted finding{'s' * (len(accepted) != 1)} to baseline {write_baseline}")
    if accepted is not None:
        from checker.baseline import apply_baseline

        report, stale = apply_baseline(report, accepted, select=settings.select, ignore=settings.ignore)
        if stale:
            n = len(stale)
            notes.append(
                f"baseline: {n} stale entr{'ies' if n != 1 else 'y'} (no longer found); "
                f"drop {'them' if n != 1 else 'it'} with --write-baseline {baseline_name or write_baseline or 'FILE'}"
            )
    findings = [dataclasses.replace(f, id=f"F{i}") for i, f in enumerate(report.findings, start=1)]
    warnings = _merge([f"{d.path}: {w}" for d in report.documents for w in d.warnings], report.warnings)
    return dataclasses.replace(report, findings=findings, warnings=warnings, notes=notes)


def select(report: Report, settings: Settings) -> Report:
    """Steps 1 and 2: drop findings excluded by select/ignore, or by ``per_file_ignores`` for their location."""
    path_of = {c.id: d.path for d in report.documents for c in d.claims}

    def keep(finding: Finding) -> bool:
        if not rule_enabled(finding.rule, settings.select, settings.ignore):
            return False
        path = path_of.get(finding.claims[0]) if finding.claims else None
        return path is None or not per_file_ignored(finding.rule, path, settings)

    return dataclasses.replace(report, findings=[f for f in report.findings if keep(f)])


def _merge(first: list[str], second: list[str]) -> list[str]:
    """Both lists in order, without repeats (post-processing twice must not double them)."""
    out: list[str] = []
    for line in (*first, *second):
        if line not in out:
            out.append(line)
    return out
