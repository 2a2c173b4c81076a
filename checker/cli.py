"""The ``factcheck`` command line, modelled on ruff and Vale.

Exit codes are the contract CI relies on: 0 when no finding reaches ``--fail-on``, 1 when one
does, 2 for anything that stopped the check (bad options, unreadable input, a crash). Every
expected error is one line on stderr, ``factcheck: error: ...``, never a traceback.

Nothing heavy is imported at module level: the pipeline (and with it torch) is imported inside
``compare`` and ``check`` so that ``--help``, ``--version`` and ``rules`` answer instantly.

``compare`` (reports as peers) and ``check`` (drafts against sources, :mod:`checker.check`) share
every option and all post-processing through :class:`RunOptions`: select/ignore, suppression
comments (:mod:`checker.suppress`), baselines (:mod:`checker.baseline`), the cache directory
(:mod:`checker.cache`), rendering and the exit code.
"""

from __future__ import annotations

import dataclasses
import filecmp
import glob
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
from typer.core import TyperCommand

try:  # typer >= 0.2x vendors its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions

from checker import __version__
from checker.config import Settings, load_settings, load_settings_file, normalise_codes, per_file_ignored, rule_enabled
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
    gitlab = "gitlab"
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


def check_files(paths: Sequence[Path], settings: Settings) -> None:
    """Fail fast, before any model loads, on inputs that are not readable documents."""
    limit = settings.max_file_mb * 1_000_000  # same unit as the pipeline's loader
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a document")
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: {size / 1_000_000:.1f} MB is over the {settings.max_file_mb:g} MB limit (max_file_mb)")


def check_paths(paths: Sequence[Path], settings: Settings) -> None:
    """Fail fast, before any model loads, on inputs that can never be compared."""
    if len(paths) < 2:
        raise UsageError("compare needs at least two documents")
    check_files(paths, settings)
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
    if fmt is OutputFormat.gitlab:
        return json.dumps(linters.to_gitlab(report, show_info=show_info), indent=2, ensure_ascii=False) + "\n"
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


def filter_findings(report: Report, settings: Settings) -> Report:
    """Drop findings excluded by select/ignore, or by ``per_file_ignores`` for their location.

    A finding's location is the document of its first claim: the draft's claim in ``check``,
    document a's (or b's) in ``compare``. Applied once, in :meth:`RunOptions.finish`, for both.
    """
    path_of = {c.id: d.path for d in report.documents for c in d.claims}

    def keep(finding) -> bool:
        if not rule_enabled(finding.rule, settings.select, settings.ignore):
            return False
        path = path_of.get(finding.claims[0]) if finding.claims else None
        return path is None or not per_file_ignored(finding.rule, path, settings)

    return dataclasses.replace(report, findings=[f for f in report.findings if keep(f)])


def exit_code(report: Report, fail_on: str) -> int:
    from checker.output.linters import fails

    return 1 if any(fails(f, fail_on) for f in report.findings) else 0


# -- commands ----------------------------------------------------------------------------------


@app.callback()
def _root(version: VersionOption = False) -> None:
    """Check news reports against each other: agreements, contradictions, disputed claims.

    [dim]Exit codes: 0 nothing at/above --fail-on, 1 findings, 2 usage or input error.[/dim]
    """


# -- options shared by compare and check ---------------------------------------------------------
# Declared once as Annotated types; each command lists them (Typer reads options from the signature)
# and hands them to RunOptions, where settings, output targets, suppression, baselines, rendering and
# the exit code are handled for both commands in one place.

OutputFormatOpt = Annotated[OutputFormat, typer.Option("--output-format", "-o", case_sensitive=False, help="Output format.")]
OutputFileOpt = Annotated[
    Path | None, typer.Option("--output-file", help="Write the output here (atomically) instead of stdout.", dir_okay=False)
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that exits 1 (default: error, or fail_on from the config)."),
]
ExitZeroOpt = Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")]
SelectOpt = Annotated[
    list[str] | None, typer.Option("--select", help="Only these rule codes/prefixes (comma-separated or repeated; replaces config).")
]
IgnoreOpt = Annotated[list[str] | None, typer.Option("--ignore", help="Never report these rule codes/prefixes (adds to config).")]
DateOpt = Annotated[
    list[str] | None, typer.Option("--date", metavar="FILE=YYYY-MM-DD", help="Publication date of FILE (repeatable).")
]
NliModelOpt = Annotated[str | None, typer.Option("--nli-model", metavar="NAME_OR_PATH", help="NLI model to use.")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Settings file (default: nearest factcheck.toml / pyproject.toml).", dir_okay=False)
]
HtmlOpt = Annotated[Path | None, typer.Option("--html", help="Also write an HTML report to FILE.", dir_okay=False)]
ShowInfoOpt = Annotated[
    bool, typer.Option("--show-info", "--verbose", "-v", help="List info findings (agreements, only-in) in text/github/gitlab output.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, header, summary or notes; findings only.")]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache for embeddings and NLI results (default: $FACTCHECK_CACHE_DIR or ./.factcheck-cache).", file_okay=False),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
BaselineOpt = Annotated[
    Path | None, typer.Option("--baseline", help="Drop findings recorded in this baseline file; note stale entries.", dir_okay=False)
]
WriteBaselineOpt = Annotated[
    Path | None, typer.Option("--write-baseline", help="Record the current findings in FILE as accepted (see docs/ci.md).", dir_okay=False)
]


@dataclasses.dataclass
class RunOptions:
    """What ``compare`` and ``check`` share; field names are the commands' parameter names."""

    output_format: OutputFormat = OutputFormat.text
    output_file: Path | None = None
    fail_on: FailOn | None = None
    exit_zero: bool = False
    select: list[str] | None = None
    ignore: list[str] | None = None
    date_overrides: list[str] | None = None
    nli_model: str | None = None
    config: Path | None = None
    html: Path | None = None
    show_info: bool = False
    quiet: bool = False
    cache_dir: Path | None = None
    no_cache: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None

    @classmethod
    def from_params(cls, params: dict) -> RunOptions:
        """Pick this dataclass's fields out of a command's ``locals()``."""
        return cls(**{f.name: params[f.name] for f in dataclasses.fields(cls)})

    def settings(self) -> Settings:
        """Config file settings with the command line's overrides, validated, and the cache resolved."""
        settings = load_settings_file(self.config) if self.config else load_settings(Path.cwd())
        settings = settings.with_overrides(
            fail_on=self.fail_on.value if self.fail_on else None,
            nli_model=self.nli_model,
            select=normalise_codes(self.select, "--select") if self.select else None,
            ignore=[*settings.ignore, *normalise_codes(self.ignore, "--ignore")] if self.ignore else None,
        ).validate("command line")
        return dataclasses.replace(settings, cache_dir=self._cache_dir(settings))

    def _cache_dir(self, settings: Settings) -> str:
        if self.no_cache:
            return ""
        if self.cache_dir is not None:
            return str(self.cache_dir)
        if settings.cache_dir:
            return settings.cache_dir
        from checker.cache import default_cache_dir

        return str(default_cache_dir())

    def prepare(self, inputs: Sequence[Path]) -> list | None:
        """Check every output target and read the baseline before any model loads.

        Returns the accepted baseline entries (None without ``--baseline``).
        """
        _check_output_target(self.output_file, inputs, "--output-file")
        _check_output_target(self.html, inputs, "--html")
        _check_output_target(self.write_baseline, inputs, "--write-baseline")
        if self.html is not None and importlib.util.find_spec("checker.output.html_report") is None:
            raise UsageError("--html is not available: checker.output.html_report is not installed")
        if self.baseline is None:
            return None
        if any(self.baseline.resolve() == p.resolve() for p in inputs):
            raise UsageError(f"--baseline {self.baseline} is one of the input documents")
        if self.write_baseline is not None and self.write_baseline.resolve() == self.baseline.resolve():
            return None  # being rewritten: the new findings are what gets accepted
        from checker.baseline import load_baseline

        return load_baseline(self.baseline)

    def finish(self, report: Report, settings: Settings, accepted: list | None) -> int:
        """Filter (select/ignore/per-file-ignores, suppression comments, baseline), write every output, return the exit code."""
        from checker.suppress import apply_suppressions

        report = filter_findings(report, settings)
        report = apply_suppressions(report)
        for warning in report.warnings:
            self.note(f"warning: {warning}")
        if self.write_baseline is not None:
            from checker.baseline import entries_for, write_baseline

            accepted = entries_for(report, fail_on=settings.fail_on)
            write_baseline(self.write_baseline, accepted)
            self.note(f"wrote {len(accepted)} accepted finding{'s' * (len(accepted) != 1)} to baseline {self.write_baseline}")
        if accepted is not None:
            from checker.baseline import apply_baseline

            report, stale = apply_baseline(report, accepted, select=settings.select, ignore=settings.ignore)
            if stale:
                where = self.write_baseline or self.baseline
                self.note(f"baseline: {len(stale)} stale entr{'ies' if len(stale) != 1 else 'y'} (no longer found); "
                           f"drop {'them' if len(stale) != 1 else 'it'} with --write-baseline {where}")

        if self.output_file is None and self.output_format is OutputFormat.text:
            from rich.console import Console

            _print_text(report, Console(highlight=False), self.show_info, self.quiet)
        else:
            text = render(report, self.output_format, show_info=self.show_info, quiet=self.quiet, fail_on=settings.fail_on)
            if self.output_file is None:
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                from checker.output.write import atomic_write_text

                atomic_write_text(self.output_file, text)
                self.note(f"wrote {self.output_format.value} report to {self.output_file}")
        if self.html is not None:
            from checker.output.html_report import write_html

            write_html(report, self.html)
            self.note(f"wrote HTML report to {self.html}")
        return 0 if self.exit_zero else exit_code(report, settings.fail_on)

    def note(self, message: str) -> None:
        """One line on stderr (not with --quiet): what was written, skipped or is stale."""
        if not self.quiet:
            sys.stderr.write(f"{PROG}: {message}\n")
            sys.stderr.flush()


def _show_progress(opts: RunOptions) -> bool:
    return not opts.quiet and sys.stderr.isatty()


# -- compare -------------------------------------------------------------------------------------


@app.command()
def compare(
    paths: Annotated[list[Path], typer.Argument(help="Two or more report files (.txt, .md, .html).", show_default=False)],
    output_format: OutputFormatOpt = OutputFormat.text,
    output_file: OutputFileOpt = None,
    fail_on: FailOnOpt = None,
    exit_zero: ExitZeroOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    date_overrides: DateOpt = None,
    nli_model: NliModelOpt = None,
    config: ConfigOpt = None,
    html: HtmlOpt = None,
    show_info: ShowInfoOpt = False,
    quiet: QuietOpt = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    version: VersionOption = False,
) -> None:
    """Compare two or more reports of the same story and list where they agree and disagree."""
    opts = RunOptions.from_params(locals())
    with user_errors():
        settings = opts.settings()
        check_paths(paths, settings)
        dates = parse_dates(opts.date_overrides or [], paths)
        accepted = opts.prepare(paths)

        from checker.pipeline import compare_paths  # heavy: imports torch

        with progress_callback(_show_progress(opts)) as progress:
            report = compare_paths(list(paths), dates=dates, settings=settings, progress=progress)
        code = opts.finish(report, settings, accepted)
    raise typer.Exit(code)


# -- check ---------------------------------------------------------------------------------------


def expand_against(args: Sequence[str]) -> list[str]:
    """``--against a b c`` -> ``--against a --against b --against c``.

    Click options take one value each; this lets ``--against`` take every value up to the next
    option, as in ``factcheck check drafts/*.md --against sources/*``. ``--against=a`` takes exactly
    one value, which is how pre-commit (it appends file names at the end) must pass sources.
    """
    out: list[str] = []
    greedy = taken = False
    for arg in args:
        if greedy and not arg.startswith("-"):
            out += ["--against", arg]
            taken = True
            continue
        if greedy and not taken:
            out.append("--against")  # no value: let click report the missing argument
        greedy = False
        if arg == "--against":
            greedy, taken = True, False
            continue
        out.append(arg)
    if greedy and not taken:
        out.append("--against")
    return out


class _CheckCommand(TyperCommand):
    """The ``check`` command, whose ``--against`` takes several values (see :func:`expand_against`)."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
        return super().parse_args(ctx, expand_against(args))


def expand_patterns(patterns: Sequence[str], what: str) -> list[Path]:
    """File names and glob patterns (``drafts/*.md``, ``sources/**/*.txt``) -> files, without repeats.

    Expanded here rather than by a shell because pre-commit and CI configs pass arguments without
    one. A pattern that matches no file is an error (a typo must not check nothing); a plain name
    is kept as is, so a missing file gets the usual "no such file" error.
    """
    out: dict[Path, Path] = {}
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matches = [Path(m) for m in sorted(glob.glob(pattern, recursive=True)) if not Path(m).is_dir()]
            if not matches:
                raise InputError(f"{what} pattern {pattern!r} matches no files")
        else:
            matches = [Path(pattern)]
        for path in matches:
            out.setdefault(path.resolve(), path)
    return list(out.values())


@app.command(cls=_CheckCommand)
def check(
    drafts: Annotated[list[str], typer.Argument(help="Draft files or glob patterns (drafts/*.md).", show_default=False)],
    against: Annotated[
        list[str] | None,
        typer.Option("--against", metavar="SRC...", help="Sources (files or glob patterns; several may follow one --against). "
                     "Without sources each draft is checked against itself.", show_default=False),
    ] = None,
    output_format: OutputFormatOpt = OutputFormat.text,
    output_file: OutputFileOpt = None,
    fail_on: FailOnOpt = None,
    exit_zero: ExitZeroOpt = False,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    date_overrides: DateOpt = None,
    nli_model: NliModelOpt = None,
    config: ConfigOpt = None,
    html: HtmlOpt = None,
    show_info: ShowInfoOpt = False,
    quiet: QuietOpt = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    version: VersionOption = False,
) -> None:
    """Check drafts against their sources: contradictions, wrong figures, unsupported claims.

    Without --against, look for contradictions inside each draft. Findings point at draft lines.
    """
    opts = RunOptions.from_params(locals())
    with user_errors():
        settings = opts.settings()
        sources = expand_patterns(against or [], "--against")
        source_set = {p.resolve() for p in sources}
        draft_paths = expand_patterns(drafts, "draft")
        skipped = [p for p in draft_paths if p.resolve() in source_set]
        draft_paths = [p for p in draft_paths if p.resolve() not in source_set]
        if skipped:
            opts.note(f"not checking {', '.join(map(str, skipped))}: also given as a source")
        if not draft_paths:  # e.g. pre-commit passing only changed sources
            opts.note("no drafts to check")
            raise typer.Exit(0)
        inputs = [*draft_paths, *sources]
        check_files(inputs, settings)
        dates = parse_dates(opts.date_overrides or [], inputs)
        accepted = opts.prepare(inputs)

        from checker.check import check_drafts  # heavy: imports torch

        with progress_callback(_show_progress(opts)) as progress:
            report = check_drafts(draft_paths, sources, dates=dates, settings=settings, progress=progress)
        code = opts.finish(report, settings, accepted)
    raise typer.Exit(code)


# -- calibrate -----------------------------------------------------------------------------------


@app.command("calibrate")
def calibrate_command(
    labelled: Annotated[Path, typer.Argument(metavar="LABELLED.jsonl", help="Labelled examples, JSON Lines (see docs/calibrate.md).",
                                             show_default=False)],
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file to update (pyproject.toml or factcheck.toml; created if missing). "
                     "Default: the nearest one, else ./factcheck.toml.", dir_okay=False),
    ] = None,
    min_precision: Annotated[
        float, typer.Option("--min-precision", help="Share of the examples at or above contradiction_threshold that must be labelled inconsistent.")
    ] = 0.9,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the change to the settings file; write nothing.")] = False,
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False, help="Output format.")] = RulesFormat.text,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or warnings on stderr.")] = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Fit support_threshold and contradiction_threshold on labelled examples and write them to the config."""
    with user_errors():
        if not 0.0 < min_precision <= 1.0:
            raise UsageError(f"--min-precision must be above 0 and at most 1, got {min_precision:g}")
        from checker import calibrate as cal  # light: the models load inside cal.calibrate

        cfg = cal.read_config(cal.config_target(config, Path.cwd()))
        settings = cal.settings_for(cfg).validate(str(cfg.path))
        runner = RunOptions(cache_dir=cache_dir, no_cache=no_cache)
        settings = dataclasses.replace(settings, cache_dir=runner._cache_dir(settings))
        examples = cal.read_examples(labelled, max_file_mb=settings.max_file_mb)
        cal.check_counts(examples, labelled)

        with progress_callback(not quiet and sys.stderr.isatty()) as progress:
            result = cal.calibrate(examples, settings, min_precision=min_precision, progress=progress)
        new_text = cal.updated_text(cfg, result.values())
        changes = cal.diff(cfg, new_text)
        if not dry_run and changes:
            cal.write_config(cfg, new_text)

        if not quiet:
            for item in result.items:
                for warning in item.warnings:
                    sys.stderr.write(f"{PROG}: warning: {labelled}:{item.example.line}: {_one_line(warning)}\n")
        if output_format is RulesFormat.json:
            data = result.to_json()
            data["config"] = {"path": str(cfg.path), "exists": cfg.exists, "written": not dry_run and bool(changes),
                              "dry_run": dry_run, "diff": changes}
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            typer.echo(_calibration_text(result, labelled))
            action = ("would create" if not cfg.exists else "would update") if dry_run else ("created" if not cfg.exists else "updated")
            if not changes:
                typer.echo(f"{cfg.path} already holds these values")
            else:
                typer.echo(f"{action} {cfg.path}" + (":" if dry_run else ""))
                if dry_run:
                    typer.echo(changes, nl=False)


def _calibration_text(result, labelled: Path) -> str:  # result: checker.calibrate.Calibration
    def num(x: float) -> str:
        return str(round(float(x), 6))

    s_change = f"{num(result.support_current)} -> {num(result.support_fitted)}" if result.support_fitted != result.support_current \
        else f"{num(result.support_current)} (unchanged)"
    lines = [
        f"{labelled}: {len(result.items)} examples ({result.consistent} consistent, {result.inconsistent} inconsistent)",
        f"support_threshold        {s_change}: balanced accuracy {result.accuracy_current:.3f} -> {result.accuracy_fitted:.3f}, "
        f"{result.folds}-fold cross-validated {result.accuracy_cv:.3f}",
    ]
    now = result.flagged(result.contradiction_current)
    at_now = f"at {num(result.contradiction_current)}: {now.flagged} flagged" + (f", precision {now.precision:.2f}" if now.flagged else "")
    if result.contradiction_fitted is None:
        lines.append(f"contradiction_threshold  {num(result.contradiction_current)} (unchanged): no value in 0.50..0.99 flags at least "
                     f"{result.min_items} examples with precision >= {result.min_precision:.2f} ({at_now})")
    else:
        f = result.flagged(result.contradiction_fitted)
        c_change = f"{num(result.contradiction_current)} -> {num(result.contradiction_fitted)}" \
            if result.contradiction_fitted != result.contradiction_current else f"{num(result.contradiction_current)} (unchanged)"
        lines.append(f"contradiction_threshold  {c_change}: {f.flagged} flagged, precision {f.precision:.2f}, "
                     f"recall {f.recall:.2f} ({at_now})")
    return "\n".join(lines)


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
