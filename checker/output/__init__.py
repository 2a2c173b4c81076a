"""Output formats behind a registry, name -> writer (like ruff's emitters).

A writer turns a finished :class:`~checker.types.Report` into text: ``WRITERS["sarif"](report,
options)``. Adding a format is one decorated function here; the command line's ``--output-format``
choices are the registry's names. :func:`emit` writes the chosen format (to the terminal with
colour, to a pipe, or atomically to a file) and the HTML report, and says what it wrote.

Writers import their modules when called, so importing this package stays cheap (``--help``).
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import UsageError
from checker.types import Report


@dataclass(frozen=True)
class WriteOptions:
    """What writers may take into account besides the report."""

    show_info: bool = False  # list info findings (text, github, gitlab)
    quiet: bool = False  # text: findings only
    fail_on: str = "error"  # junit: which findings are failures


Writer = Callable[[Report, WriteOptions], str]
WRITERS: dict[str, Writer] = {}


def writer(name: str) -> Callable[[Writer], Writer]:
    """Register a writer under ``name``."""

    def register(fn: Writer) -> Writer:
        WRITERS[name] = fn
        return fn

    return register


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@writer("text")
def text(report: Report, options: WriteOptions) -> str:
    """The terminal view without colour (it goes to a file or a pipe)."""
    from rich.console import Console

    from checker.output.terminal import render_text

    buffer = io.StringIO()
    render_text(report, Console(file=buffer, color_system=None, width=120), show_info=options.show_info, quiet=options.quiet)
    # Rich pads table cells; trailing blanks are noise in a file or a diff.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


@writer("json")
def json_report(report: Report, options: WriteOptions) -> str:
    from checker.output.json_format import report_to_json

    return _dumps(report_to_json(report))


@writer("json-lines")
def json_lines(report: Report, options: WriteOptions) -> str:
    from checker.output.linters import to_json_lines

    return to_json_lines(report)


@writer("sarif")
def sarif(report: Report, options: WriteOptions) -> str:
    from checker.output.linters import to_sarif

    return _dumps(to_sarif(report))


@writer("github")
def github(report: Report, options: WriteOptions) -> str:
    from checker.output.linters import to_github

    return to_github(report, show_info=options.show_info)


@writer("gitlab")
def gitlab(report: Report, options: WriteOptions) -> str:
    from checker.output.linters import to_gitlab

    return _dumps(to_gitlab(report, show_info=options.show_info))


@writer("junit")
def junit(report: Report, options: WriteOptions) -> str:
    from checker.output.linters import to_junit

    return to_junit(report, fail_on=options.fail_on)


def render(report: Report, fmt: str, options: WriteOptions | None = None) -> str:
    """The report as text in format ``fmt`` (a name in :data:`WRITERS`)."""
    try:
        write = WRITERS[fmt]
    except KeyError:
        raise UsageError(f"unknown output format {fmt!r} (known: {', '.join(WRITERS)})") from None
    return write(report, options or WriteOptions())


def check_targets(inputs: Sequence[Path], *, output_file: Path | None = None, html: Path | None = None) -> None:
    """Fail before any model loads on output files that cannot be written or would overwrite an input."""
    for option, path in (("--output-file", output_file), ("--html", html)):
        if path is None:
            continue
        if any(path.resolve() == p.resolve() for p in inputs):
            raise UsageError(f"{option} {path} is one of the input documents")
        if path.is_dir():
            raise UsageError(f"{option} {path} is a directory")
        if not path.resolve().parent.is_dir():
            raise UsageError(f"{option} {path}: directory {path.parent} does not exist")
    if html is not None and importlib.util.find_spec("checker.output.html_report") is None:
        raise UsageError("--html is not available: checker.output.html_report is not installed")


def emit(report: Report, fmt: str, options: WriteOptions, *, output_file: Path | None = None, html: Path | None = None) -> list[str]:
    """Write ``fmt`` to ``output_file`` (atomically) or stdout (the text view with colour on a terminal),
    and the HTML report to ``html``; returns one note per file written."""
    notes = []
    if output_file is None and fmt == "text":
        from rich.console import Console

        from checker.output.terminal import render_text

        render_text(report, Console(highlight=False), show_info=options.show_info, quiet=options.quiet)
    else:
        body = render(report, fmt, options)
        if output_file is None:
            sys.stdout.write(body)
            sys.stdout.flush()
        else:
            from checker.files import atomic_write_text

            atomic_write_text(output_file, body)
            notes.append(f"wrote {fmt} report to {output_file}")
    if html is not None:
        from checker.output.html_report import write_html

        write_html(report, html)
        notes.append(f"wrote HTML report to {html}")
    return notes


def exit_code(report: Report, fail_on: str) -> int:
    """1 when a finding reaches ``fail_on`` (``none``: never), else 0: the CI contract."""
    from checker.output.linters import fails

    return 1 if any(fails(f, fail_on) for f in report.findings) else 0
