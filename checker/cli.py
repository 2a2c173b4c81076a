"""The ``factcheck`` command line, modelled on ruff and Vale.

Exit codes are the contract CI relies on: 0 when no finding reaches ``--fail-on``, 1 when one
does, 2 for anything that stopped the check (bad options, unreadable input, a crash). Every
expected error is one line on stderr, ``factcheck: error: ...``, never a traceback.

Nothing heavy is imported at module level: the pipeline (and with it torch) is imported inside
``compare`` so that ``--help``, ``--version`` and ``rules`` answer instantly.
"""

from __future__ import annotations

import dataclasses
import filecmp
import importlib.util
import io
import json
import os
import re
import sys
import traceback
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Callable, Iterator, Sequence

import typer

try:  # typer >= 0.2x vendors its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

from checker import __version__
from checker.config import Settings, load_settings, load_settings_file, normalise_codes, rule_enabled
from checker.errors import FactcheckError, InputError, UsageError
from checker.rules import BY_CODE, RULES

if TYPE_CHECKING:
    from rich.console import Console

    from checker.types import Report

PROG = "factcheck"
DEBUG_ENV = "FACTCHECK_DEBUG"


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    none = "none"


class RulesFormat(str, Enum):
    text = "text"
    json = "json"


app = typer.Typer(
    name=PROG,
    help="Check news reports against each other: agreements, contradictions, disputed claims.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# -- errors ------------------------------------------------------------------------------------


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def error_line(message: str) -> None:
    """The single stderr line every failure ends in."""
    sys.stderr.write(f"{PROG}: error: {_one_line(message)}\n")
    sys.stderr.flush()


def _report_unexpected(exc: BaseException) -> None:
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc, file=sys.stderr)
        error_line(f"internal error: {type(exc).__name__}: {exc}")
    else:
        error_line(f"internal error: {type(exc).__name__}: {exc} (rerun with {DEBUG_ENV}=1 for the traceback)")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn FactcheckError and unexpected exceptions into one line and exit code 2.

    Used inside each command (not only in :func:`main`) so that callers embedding the Typer app,
    e.g. ``typer.testing.CliRunner``, see the same behaviour as the console script.
    """
    try:
        yield
    except (typer.Exit, typer.Abort, click_exceptions.ClickException):
        raise
    except FactcheckError as exc:
        if os.environ.get(DEBUG_ENV):
            traceback.print_exception(exc, file=sys.stderr)
        error_line(str(exc))
        raise typer.Exit(getattr(exc, "exit_code", 2)) from None
    except Exception as exc:  # noqa: BLE001 - the point is to catch everything
        _report_unexpected(exc)
        raise typer.Exit(2) from None


# -- option helpers ----------------------------------------------------------------------------


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


VersionOption = Annotated[
    bool,
    typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_dates(values: Sequence[str], paths: Sequence[Path]) -> list[date | None] | None:
    """``FILE=YYYY-MM-DD`` options -> one entry per document (None: use the document's own date)."""
    if not values:
        return None
    by_path = {p.resolve(): i for i, p in enumerate(paths)}
    dates: list[date | None] = [None] * len(paths)
    for value in values:
        name, sep, when = value.rpartition("=")
        if not sep or not name or not _DATE_RE.match(when.strip()):
            raise UsageError(f"--date expects FILE=YYYY-MM-DD, got {value!r}")
        try:
            parsed = date.fromisoformat(when.strip())
        except ValueError:
            raise UsageError(f"--date {value!r}: {when.strip()} is not a valid date") from None
        index = by_path.get(Path(name).resolve())
        if index is None:
            raise UsageError(f"--date names {name}, which is not one of the documents being compared")
        dates[index] = parsed
    return dates


def check_paths(paths: Sequence[Path], settings: Settings) -> None:
    """Fail fast, before any model loads, on inputs that can never be compared."""
    if len(paths) < 2:
        raise UsageError("compare needs at least two documents")
    limit = settings.max_file_mb * 1_000_000  # same unit as the pipeline's loader
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a document")
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: {size / 1_000_000:.1f} MB is over the {settings.max_file_mb:g} MB limit (max_file_mb)")
    seen: dict[Path, Path] = {}
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            raise UsageError(f"{path} was given twice")
        seen[resolved] = path
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            if filecmp.cmp(a, b, shallow=False):
                raise InputError(f"{a} and {b} are identical; compare different reports")


def _check_output_target(path: Path | None, inputs: Sequence[Path], option: str) -> None:
    if path is None:
        return
    if any(path.resolve() == p.resolve() for p in inputs):
        raise UsageError(f"{option} {path} is one of the input documents")
    if path.is_dir():
        raise UsageError(f"{option} {path} is a directory")
    if not path.resolve().parent.is_dir():
        raise UsageError(f"{option} {path}: directory {path.parent} does not exist")


@contextmanager
def progress_callback(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on stderr fed by the pipeline's ``progress(stage, done, total)``."""
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


# -- rendering ---------------------------------------------------------------------------------


def render(report: Report, fmt: OutputFormat, *, show_info: bool, quiet: bool, fail_on: str) -> str:
    """The report as text in ``fmt`` (the text view without colour: it goes to a file or pipe)."""
    from checker.output import json_format, linters

    if fmt is OutputFormat.json:
        return json.dumps(json_format.report_to_json(report), indent=2, ensure_ascii=False) + "\n"
    if fmt is OutputFormat.json_lines:
        return linters.to_json_lines(report)
    if fmt is OutputFormat.sarif:
        return json.dumps(linters.to_sarif(report), indent=2, ensure_ascii=False) + "\n"
    if fmt is OutputFormat.github:
        return linters.to_github(report, show_info=show_info)
    if fmt is OutputFormat.junit:
        return linters.to_junit(report, fail_on=fail_on)
    from rich.console import Console

    buffer = io.StringIO()
    _print_text(report, Console(file=buffer, color_system=None, width=120), show_info, quiet)
    # Rich pads table cells; trailing blanks are noise in a file or a diff.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _print_text(report: Report, console: Console, show_info: bool, quiet: bool) -> None:
    from checker.output.terminal import render_text

    render_text(report, console, show_info=show_info, quiet=quiet)


def exit_code(report: Report, fail_on: str) -> int:
    from checker.output.linters import fails

    return 1 if any(fails(f, fail_on) for f in report.findings) else 0


# -- commands ----------------------------------------------------------------------------------


@app.callback()
def _root(version: VersionOption = False) -> None:
    """Check news reports against each other: agreements, contradictions, disputed claims.

    [dim]Exit codes: 0 nothing at/above --fail-on, 1 findings, 2 usage or input error.[/dim]
    """


@app.command()
def compare(
    paths: Annotated[list[Path], typer.Argument(help="Two or more report files (.txt, .md, .html).", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--output-format", "-o", case_sensitive=False, help="Output format.")
    ] = OutputFormat.text,
    output_file: Annotated[
        Path | None, typer.Option("--output-file", help="Write the output here (atomically) instead of stdout.", dir_okay=False)
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that exits 1 (default: error, or fail_on from the config)."),
    ] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")] = False,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Only these rule codes/prefixes (comma-separated or repeated; replaces config).")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Never report these rule codes/prefixes (adds to config).")
    ] = None,
    date_overrides: Annotated[
        list[str] | None, typer.Option("--date", metavar="FILE=YYYY-MM-DD", help="Publication date of FILE (repeatable).")
    ] = None,
    nli_model: Annotated[str | None, typer.Option("--nli-model", metavar="NAME_OR_PATH", help="NLI model to use.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (default: nearest factcheck.toml / pyproject.toml).", dir_okay=False)
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML report to FILE.", dir_okay=False)] = None,
    show_info: Annotated[
        bool, typer.Option("--show-info", "--verbose", "-v", help="List info findings (agreements, only-in) in text/github output.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, header or summary; findings only.")] = False,
    version: VersionOption = False,
) -> None:
    """Compare two or more reports of the same story and list where they agree and disagree."""
    with user_errors():
        settings = load_settings_file(config) if config else load_settings(Path.cwd())
        settings = settings.with_overrides(
            fail_on=fail_on.value if fail_on else None,
            nli_model=nli_model,
            select=normalise_codes(select, "--select") if select else None,
            ignore=[*settings.ignore, *normalise_codes(ignore, "--ignore")] if ignore else None,
        ).validate("command line")
        check_paths(paths, settings)
        dates = parse_dates(date_overrides or [], paths)
        _check_output_target(output_file, paths, "--output-file")
        _check_output_target(html, paths, "--html")
        if html is not None and importlib.util.find_spec("checker.output.html_report") is None:
            raise UsageError("--html is not available: checker.output.html_report is not installed")

        from checker.pipeline import compare_paths  # heavy: imports torch

        with progress_callback(not quiet and sys.stderr.isatty()) as progress:
            report = compare_paths(list(paths), dates=dates, settings=settings, progress=progress)
        report = dataclasses.replace(
            report, findings=[f for f in report.findings if rule_enabled(f.rule, settings.select, settings.ignore)]
        )

        if output_file is None and output_format is OutputFormat.text:
            from rich.console import Console

            _print_text(report, Console(highlight=False), show_info, quiet)
        else:
            text = render(report, output_format, show_info=show_info, quiet=quiet, fail_on=settings.fail_on)
            if output_file is None:
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                from checker.output.write import atomic_write_text

                atomic_write_text(output_file, text)
                if not quiet:
                    sys.stderr.write(f"{PROG}: wrote {output_format.value} report to {output_file}\n")
        if html is not None:
            from checker.output.html_report import write_html

            write_html(report, html)
            if not quiet:
                sys.stderr.write(f"{PROG}: wrote HTML report to {html}\n")
        code = 0 if exit_zero else exit_code(report, settings.fail_on)
    raise typer.Exit(code)


@app.command("rules")
def rules_command(
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False)] = RulesFormat.text,
) -> None:
    """List every rule code with its kind and default severity."""
    with user_errors():
        if output_format is RulesFormat.json:
            from checker.output.json_format import rule_to_json

            typer.echo(json.dumps([rule_to_json(r.code) for r in RULES], indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        from checker.output.terminal import SEVERITY_STYLE

        table = Table(box=None, header_style="bold", pad_edge=False)
        for column in ("Code", "Name", "Severity", "Summary"):
            table.add_column(column, overflow="fold", no_wrap=column != "Summary")
        for rule in RULES:
            table.add_row(rule.code, rule.name, f"[{SEVERITY_STYLE[rule.severity]}]{rule.severity}[/]", rule.summary)
        Console().print(table)


def find_rule(query: str):  # -> Rule
    """A rule by code (``FC101``), name (``contradiction``) or kind, case-insensitively."""
    q = query.strip()
    rule = BY_CODE.get(q.upper())
    if rule is None:
        rule = next((r for r in RULES if q.lower() in (r.name, r.kind) or q.lower().replace("-", "_") == r.kind), None)
    if rule is None:
        raise UsageError(f"unknown rule {query!r}; run 'factcheck rules' for the list")
    return rule


@app.command("rule")
def rule_command(
    code: Annotated[str, typer.Argument(help="Rule code (FC101) or name (contradiction).", show_default=False)],
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False)] = RulesFormat.text,
) -> None:
    """Explain one rule."""
    with user_errors():
        rule = find_rule(code)
        if output_format is RulesFormat.json:
            from checker.output.json_format import rule_to_json

            typer.echo(json.dumps(rule_to_json(rule.code), indent=2))
            return
        from rich.console import Console
        from rich.text import Text

        from checker.output.terminal import SEVERITY_STYLE

        out = Text()
        out.append(f"{rule.code} ", style="bold")
        out.append(f"({rule.name})\n\n", style="bold")
        out.append(f"{rule.summary}\n\n")
        out.append("Finding kind: ", style="dim")
        out.append(f"{rule.kind}{'_<doc>' if rule.kind == 'only_in' else ''}\n")
        out.append("Default severity: ", style="dim")
        out.append(rule.severity, style=SEVERITY_STYLE[rule.severity])
        out.append("\n")
        Console().print(out)


# -- entry point -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the exit code (the script wrapper calls sys.exit)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=list(argv) if argv is not None else None, prog_name=PROG, standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return 2
    except click_exceptions.ClickException as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) is not None else ""
        # typer >= 0.2x coerces with pydantic, which prefixes "Value error, " to choice errors.
        error_line(exc.format_message().replace("Value error, ", "") + hint)
        return 2
    except typer.Abort:
        error_line("aborted")
        return 130
    except FactcheckError as exc:
        error_line(str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001
        _report_unexpected(exc)
        return 2
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
