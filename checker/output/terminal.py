"""The human view (``--output-format text``): short, ruff-like, errors first.

Info findings (agreements, claims only one report makes) are numerous and rarely actionable, so
they are counted in the summary but listed only with ``--show-info``. All text from documents
goes through :class:`rich.text.Text`, never markup, so a ``[bracket]`` in an article cannot be
mistaken for a style tag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from checker.positions import ReportIndex
from checker.rules import BY_CODE
from checker.types import SEVERITY_RANK, Claim, Finding, Report

SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
SEVERITY_ORDER = ("error", "warning", "info")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def sort_findings(report: Report, index: ReportIndex) -> list[Finding]:
    """Errors first, then by rule code, then by where the first claim sits in the documents."""

    def key(item: tuple[int, Finding]) -> tuple:
        order, finding = item
        claims = index.finding_claims(finding)
        where = (claims[0].doc, claims[0].start) if claims else ("", 0)
        return (-SEVERITY_RANK.get(finding.severity, 0), finding.rule, where, order)

    return [f for _, f in sorted(enumerate(report.findings), key=key)]


def documents_header(report: Report) -> RenderableType:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_column(style="green", no_wrap=True)
    table.add_column(style="dim", overflow="fold")
    for doc in report.documents:
        title = Text(doc.title or "(untitled)")
        if doc.source:
            title.append(f" ({doc.source})", style="dim")
        table.add_row(doc.id, title, doc.date.isoformat() if doc.date else "no date", str(doc.path))
    return table


def _attribution(claim: Claim) -> Text | None:
    if not claim.attributed:
        return None
    parts = [claim.speaker or ""]
    if claim.verb:
        parts.append(claim.verb)
    if claim.quote != "none":
        parts.append(f"{claim.quote} quote")
    return Text(f"— {', '.join(parts)}", style="italic magenta")


def render_finding(finding: Finding, index: ReportIndex) -> RenderableType:
    """``error[FC101] contradiction: message`` and one indented line per linked claim."""
    rule = BY_CODE.get(finding.rule)
    head = Text()
    head.append(finding.severity, style=SEVERITY_STYLE.get(finding.severity, "bold"))
    head.append("[")
    head.append(finding.rule, style="bold")
    head.append("] ")
    head.append(rule.name if rule else finding.kind, style="bold")
    if finding.kind != (rule.kind if rule else finding.kind):
        head.append(f" ({finding.kind})", style="dim")
    head.append(": ")
    head.append(finding.message)
    if finding.scores:
        scores = "  ".join(f"{k}={v:.2f}" for k, v in finding.scores.items() if isinstance(v, (int, float)))
        head.append(f"  {scores}", style="dim")

    claims = Table.grid(padding=(0, 1))
    claims.add_column(width=2)
    claims.add_column(style="cyan", no_wrap=True)
    claims.add_column(overflow="fold")
    for claim in index.finding_claims(finding):
        pos = index.position(claim)
        text = Text(" ".join(claim.text.split()))
        attribution = _attribution(claim)
        if attribution is not None:
            text.append(" ")
            text.append(attribution)
        claims.add_row("", f"{claim.doc}:{pos.line}:{pos.column}", text)
    missing = [cid for cid in finding.claims if cid not in index.claims]
    if missing:
        claims.add_row("", "?", Text(f"unknown claim ids: {', '.join(missing)}", style="dim"))
    for side, label in (("asserting", "asserts"), ("denying", "denies")):  # a dispute's two sides (checker/dispute.py, issue 14)
        for entry in finding.details.get(side) or []:
            if isinstance(entry, dict):
                claims.add_row("", Text(label, style="bold"), Text(f"{entry.get('speaker')} ({entry.get('claim')}): {entry.get('content')}"))
    return Group(head, claims)


def render_consensus(report: Report, *, show_info: bool = False) -> RenderableType:
    """The claim groups of a run with three or more reports (checker/consensus.py), short: one count
    line, the contested groups with their odd ones out, the shared ones only with ``--show-info``."""
    groups = [g for g in report.consensus if g.status != "single"]
    contested = [g for g in groups if g.status == "contested"]
    singles = Counter(g.reports[0] for g in report.consensus if g.status == "single")
    head = Text()
    head.append("Consensus", style="bold")
    head.append(f" across {_plural(len(report.documents), 'report')}: {_plural(len(groups), 'fact')} in two or more, {len(contested)} contested")
    if singles:
        head.append("; in one report only: " + ", ".join(f"{doc} {n}" for doc, n in sorted(singles.items())))
    head.append(".")
    table = Table.grid(padding=(0, 1))
    table.add_column(width=2)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for g in groups if show_info else contested:
        table.add_row("", g.id, Text(" ".join(g.message.split())))
        for d in g.divergences:
            table.add_row("", "", Text(f"{d.aspect}: {d.message}", style="yellow" if d.majority else "magenta"))
    return Group(head, table)


def summary_line(report: Report, *, shown: int, hidden: int) -> Text:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITY_ORDER}
    claims = sum(len(d.claims) for d in report.documents)
    line = Text()
    total = len(report.findings)
    if total == 0:
        line.append("No findings.", style="bold green")
    else:
        line.append(f"Found {_plural(total, 'finding')}", style="bold")
        parts = [(f"{n} info" if severity == "info" else _plural(n, severity), severity) for severity, n in counts.items() if n]
        line.append(" (")
        for i, (label, severity) in enumerate(parts):
            if i:
                line.append(", ")
            line.append(label, style=SEVERITY_STYLE[severity].replace("bold ", ""))
        line.append(")")
        if hidden:
            line.append(f"; {hidden} info not shown (use --show-info)", style="dim")
        line.append(".")
    line.append(f"  {_plural(len(report.documents), 'document')}, {_plural(claims, 'claim')}.", style="dim")
    return line


def render_text(report: Report, console: Console, *, show_info: bool = False, quiet: bool = False) -> None:
    """Print the report. ``quiet`` prints findings only (no header, no summary), like ruff -q."""
    index = ReportIndex(report)
    findings = sort_findings(report, index)
    visible = [f for f in findings if show_info or f.severity != "info"]
    if not quiet:
        console.print(documents_header(report))
        console.print()
    for finding in visible:
        console.print(render_finding(finding, index))
        console.print()
    if not quiet and report.consensus:
        console.print(render_consensus(report, show_info=show_info))
        console.print()
    if not quiet:
        console.print(summary_line(report, shown=len(visible), hidden=len(findings) - len(visible)))


def render_rules(console: Console) -> None:
    """``factcheck rules``: every rule code with its name, default severity and summary."""
    from checker.rules import RULES

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Code", "Name", "Severity", "Summary"):
        table.add_column(column, overflow="fold", no_wrap=column != "Summary")
    for rule in RULES:
        table.add_row(rule.code, rule.name, Text(rule.severity, style=SEVERITY_STYLE[rule.severity]), rule.summary)
    console.print(table)


def render_rule(code: str, console: Console) -> None:
    """``factcheck rule FC101``: one rule explained."""
    rule = BY_CODE[code]
    out = Text()
    out.append(f"{rule.code} ", style="bold")
    out.append(f"({rule.name})\n\n", style="bold")
    out.append(f"{rule.summary}\n\n")
    out.append("Finding kind: ", style="dim")
    out.append(f"{rule.kind}{'_<doc>' if rule.kind == 'only_in' else ''}\n")
    out.append("Default severity: ", style="dim")
    out.append(rule.severity, style=SEVERITY_STYLE[rule.severity])
    out.append("\n")
    console.print(out)


def show_rules(code: str | None, fmt: str) -> None:
    """``factcheck rules`` (``code`` None: every rule, a table) or ``factcheck rule CODE``, as text or JSON on stdout."""
    import json

    from checker.output.json_format import rule_to_json
    from checker.rules import RULES

    if fmt == "json":
        data = rule_to_json(code) if code else [rule_to_json(r.code) for r in RULES]
        print(json.dumps(data, indent=2))
    elif code:
        render_rule(code, Console())
    else:
        render_rules(Console())


@contextmanager
def progress_callback(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on stderr fed by the pipeline's ``progress(stage, done, total)`` (None when not ``enabled``)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def update(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total if total > 0 else None)

        yield update
