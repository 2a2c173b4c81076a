"""The ``factcheck`` command line, modelled on ruff and Vale: argument parsing, file expansion and error printing.

Everything else is the library's: :func:`checker.pipeline.run` judges and post-processes (select/ignore,
per-file-ignores, suppression comments, baselines), :mod:`checker.output` writes the formats,
:func:`checker.pipeline.command_line_settings` reads the config with the options' overrides.

Exit codes are the contract CI relies on: 0 when no finding reaches ``--fail-on``, 1 when one does,
2 for bad options or input, 3 for an internal error (a bug). Every error is one line on stderr,
``factcheck: error: ...``, never a traceback (unless ``FACTCHECK_DEBUG=1``).

Nothing heavy is imported at module level: the pipeline (and with it torch) is imported inside the
commands, so that ``--help``, ``--version`` and ``rules`` answer instantly.
"""

from __future__ import annotations

import glob
import inspect
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from typer.core import TyperCommand

try:  # typer >= 0.2x vendors its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

from checker import __version__
from checker.errors import INTERNAL_ERROR_EXIT, FactcheckError, InputError
from checker.output import WRITERS, WriteOptions
from checker.output.terminal import progress_callback

PROG = "factcheck"
DEBUG_ENV = "FACTCHECK_DEBUG"

OutputFormat = Enum("OutputFormat", {name.replace("-", "_"): name for name in WRITERS}, type=str)  # type: ignore[misc]
FailOn = Enum("FailOn", {name: name for name in ("error", "warning", "info", "none")}, type=str)  # type: ignore[misc]
RulesFormat = Enum("RulesFormat", {"text": "text", "json": "json"}, type=str)  # type: ignore[misc]

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


def error_line(message: str) -> None:
    """The single stderr line every failure ends in."""
    sys.stderr.write(f"{PROG}: error: {' '.join(str(message).split())}\n")
    sys.stderr.flush()


def note(message: str, quiet: bool = False) -> None:
    """One line on stderr (not with --quiet): what was written, skipped or is stale."""
    if not quiet:
        sys.stderr.write(f"{PROG}: {message}\n")
        sys.stderr.flush()


def _internal_error(exc: BaseException) -> int:
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc, file=sys.stderr)
        error_line(f"internal error: {type(exc).__name__}: {exc}")
    else:
        error_line(f"internal error (a bug, please report it): {type(exc).__name__}: {exc} (rerun with {DEBUG_ENV}=1 for the traceback)")
    return INTERNAL_ERROR_EXIT


@contextmanager
def user_errors() -> Iterator[None]:
    """FactcheckError -> one line and exit 2; anything else -> one "internal error" line and exit 3.

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
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:  # noqa: BLE001 - the point is to catch everything
        raise typer.Exit(_internal_error(exc)) from None


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


VersionOpt = Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")]


@app.callback()
def _root(version: VersionOpt = False) -> None:
    """Check news reports against each other: agreements, contradictions, disputed claims.

    [dim]Exit codes: 0 nothing at/above --fail-on, 1 findings, 2 usage or input error, 3 internal error.[/dim]
    """


# -- options shared by compare and check ---------------------------------------------------------

CacheDirOpt = Annotated[Path | None, typer.Option("--cache-dir", file_okay=False, help="Model results cache (default: $FACTCHECK_CACHE_DIR or ./.factcheck-cache).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
# name -> (type with its option, default): declared once, added to both commands' signatures by run_options
RUN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "output_format": (Annotated[OutputFormat, typer.Option("--output-format", "-o", case_sensitive=False, help="Output format.")], OutputFormat("text")),
    "output_file": (Annotated[Path | None, typer.Option("--output-file", help="Write the output here (atomically) instead of stdout.", dir_okay=False)], None),
    "fail_on": (Annotated[FailOn | None, typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that exits 1 (default: error, or fail_on from the config).")], None),
    "exit_zero": (Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")], False),
    "select": (Annotated[list[str] | None, typer.Option("--select", help="Only these rule codes/prefixes (comma-separated or repeated; replaces config).")], None),
    "ignore": (Annotated[list[str] | None, typer.Option("--ignore", help="Never report these rule codes/prefixes (adds to config).")], None),
    "date_overrides": (Annotated[list[str] | None, typer.Option("--date", metavar="FILE=YYYY-MM-DD", help="Publication date of FILE (repeatable).")], None),
    "nli_model": (Annotated[str | None, typer.Option("--nli-model", metavar="NAME_OR_PATH", help="NLI model to use.")], None),
    "config": (Annotated[Path | None, typer.Option("--config", help="Settings file (default: nearest factcheck.toml / pyproject.toml).", dir_okay=False)], None),
    "html": (Annotated[Path | None, typer.Option("--html", help="Also write an HTML report to FILE.", dir_okay=False)], None),
    "show_info": (Annotated[bool, typer.Option("--show-info", "--verbose", "-v", help="List info findings (agreements, only-in) in text/github/gitlab output.")], False),
    "quiet": (Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, header, summary or notes; findings only.")], False),
    "cache_dir": (CacheDirOpt, None),
    "no_cache": (NoCacheOpt, False),
    "baseline": (Annotated[Path | None, typer.Option("--baseline", help="Drop findings recorded in this baseline file; note stale entries.", dir_okay=False)], None),
    "write_baseline": (Annotated[Path | None, typer.Option("--write-baseline", help="Record the current findings in FILE as accepted (see docs/ci.md).", dir_okay=False)], None),
    "version": (VersionOpt, False),
}


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command(own params..., **opts)`` the options of :data:`RUN_OPTIONS` (Typer reads options from the signature)."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.kind is not p.VAR_KEYWORD]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind) for name, (kind, default) in RUN_OPTIONS.items()]
    command.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
    command.__annotations__ = {**{p.name: p.annotation for p in own + shared}, "return": None}
    return command


def _run(opts: dict[str, Any], paths: Sequence[Path], against: Sequence[Path] | None = None) -> int:
    """``compare`` / ``check`` (``against`` given): settings, dates and output targets first (before any
    model loads), then the run, the notes, the outputs and the exit code."""
    from checker.output import check_targets, emit, exit_code
    from checker.pipeline import command_line_settings, parse_date_options, run

    fail_on = opts["fail_on"].value if opts["fail_on"] else None
    settings = command_line_settings(opts["config"], fail_on=fail_on, **{k: opts[k] for k in ("nli_model", "select", "ignore", "cache_dir", "no_cache")})
    inputs = [*paths, *(against or [])]
    dates = parse_date_options(opts["date_overrides"] or [], inputs)
    check_targets(inputs, output_file=opts["output_file"], html=opts["html"])
    mode: Literal["compare", "check"] = "compare" if against is None else "check"
    with progress_callback(not opts["quiet"] and sys.stderr.isatty()) as progress:
        report = run(paths, settings, mode=mode, against=against or (), dates=dates, progress=progress, **{k: opts[k] for k in ("baseline", "write_baseline")})
    for line in [*(f"warning: {w}" for w in report.warnings), *report.notes]:
        note(line, opts["quiet"])
    options = WriteOptions(show_info=opts["show_info"], quiet=opts["quiet"], fail_on=settings.fail_on)
    for line in emit(report, opts["output_format"].value, options, output_file=opts["output_file"], html=opts["html"]):
        note(line, opts["quiet"])
    return 0 if opts["exit_zero"] else exit_code(report, settings.fail_on)


# -- compare and check -----------------------------------------------------------------------------


@app.command()
@run_options
def compare(paths: Annotated[list[Path], typer.Argument(help="Two or more report files (.txt, .md, .html).", show_default=False)], **opts: Any) -> None:
    """Compare two or more reports of the same story and list where they agree and disagree."""
    with user_errors():
        code = _run(opts, paths)
    raise typer.Exit(code)


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

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
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


AGAINST_HELP = "Sources (files or glob patterns; several may follow one --against). Without sources each draft is checked against itself."


@app.command(cls=_CheckCommand)
@run_options
def check(
    drafts: Annotated[list[str], typer.Argument(help="Draft files or glob patterns (drafts/*.md).", show_default=False)],
    against: Annotated[list[str] | None, typer.Option("--against", metavar="SRC...", show_default=False, help=AGAINST_HELP)] = None,
    **opts: Any,
) -> None:
    """Check drafts against their sources: contradictions, wrong figures, unsupported claims.

    Without --against, look for contradictions inside each draft. Findings point at draft lines.
    """
    quiet = opts["quiet"]
    with user_errors():
        sources = expand_patterns(against or [], "--against")
        source_set = {p.resolve() for p in sources}
        draft_paths = expand_patterns(drafts, "draft")
        skipped = [p for p in draft_paths if p.resolve() in source_set]
        draft_paths = [p for p in draft_paths if p.resolve() not in source_set]
        if skipped:
            note(f"not checking {', '.join(map(str, skipped))}: also given as a source", quiet)
        if not draft_paths:  # e.g. pre-commit passing only changed sources
            note("no drafts to check", quiet)
            raise typer.Exit(0)
        code = _run(opts, draft_paths, sources)
    raise typer.Exit(code)


# -- corpus ------------------------------------------------------------------------------------------

CorpusEngine = Enum("CorpusEngine", {"in_process": "in-process", "ray": "ray"}, type=str)  # type: ignore[misc]


@app.command("corpus")
def corpus_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="A folder of article files or a JSON Lines file (.jsonl; schema in README).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder for the story reports and the index (created if missing).", file_okay=False, show_default=False)],
    engine: Annotated[
        CorpusEngine, typer.Option("--engine", case_sensitive=False, help="Where the stages run: in this process, or on Ray (pip install 'newsroom-factcheck\\[ray]').")
    ] = CorpusEngine("in-process"),
    address: Annotated[str | None, typer.Option("--address", help="--engine ray: join this Ray cluster (default: start a local one).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Recompute every story, also those whose inputs are unchanged.")] = False,
    fail_on: Annotated[FailOn | None, typer.Option("--fail-on", case_sensitive=False, help="Lowest severity that exits 1 (default: error, or fail_on from the config).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings (bad input still exits 2).")] = False,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rule codes/prefixes (comma-separated or repeated; replaces config).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Never report these rule codes/prefixes (adds to config).")] = None,
    nli_model: Annotated[str | None, typer.Option("--nli-model", metavar="NAME_OR_PATH", help="NLI model to use.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file (default: nearest factcheck.toml / pyproject.toml).", dir_okay=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary; errors only.")] = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Group many articles into stories, compare each story's reports, and write a report per story plus an index.

    [dim]Exit codes as for compare: 0 no finding at/above --fail-on in any story, 1 some, 2 bad input (also when some records were bad: the rest is still reported), 3 internal error.[/dim]
    """
    with user_errors():
        from checker.corpus.run import run_corpus
        from checker.pipeline import command_line_settings

        settings = command_line_settings(
            config, fail_on=fail_on.value if fail_on else None, nli_model=nli_model, select=select, ignore=ignore, cache_dir=cache_dir, no_cache=no_cache
        )
        with progress_callback(not quiet and sys.stderr.isatty()) as progress:
            result = run_corpus(input_path, out, settings, engine=engine.value, address=address, force=force, progress=progress, on_error=error_line)
        if not quiet:
            compared = [e for e in result.entries if e["status"] == "compared"]
            totals = {s: sum(e["findings"][s] for e in compared) for s in ("error", "warning", "info")}
            typer.echo(
                f"{result.articles} articles, {len(result.entries)} stories: {result.compared} compared, {result.unchanged} unchanged (skipped), "
                f"{result.single} with one article, {len(result.story_errors)} failed; findings: {totals['error']} errors, {totals['warning']} warnings, {totals['info']} info"
            )
            for e in compared[:5]:
                if e["contested"] > 0:
                    typer.echo(f"  {e['contested']:.2f}  {e['id']}  {e['title'] or ''}  ({e['findings']['error']} errors, {e['findings']['warning']} warnings)")
            note(f"wrote {out / 'index.html'} and {out / 'index.jsonl'}")
        code = result.exit_code(settings.fail_on, exit_zero=exit_zero)
    raise typer.Exit(code)


# -- calibrate, rules ------------------------------------------------------------------------------


@app.command("calibrate")
def calibrate_command(
    labelled: Annotated[Path, typer.Argument(metavar="LABELLED.jsonl", help="Labelled examples, JSON Lines (see docs/calibrate.md).", show_default=False)],
    config: Annotated[
        Path | None, typer.Option("--config", dir_okay=False, help="Settings file to update (created if missing; default: the nearest one, else ./factcheck.toml).")
    ] = None,
    min_precision: Annotated[float, typer.Option("--min-precision", help="Share of the examples at or above contradiction_threshold that must be labelled inconsistent.")] = 0.9,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the change to the settings file; write nothing.")] = False,
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False, help="Output format.")] = RulesFormat("text"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or warnings on stderr.")] = False,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Fit support_threshold and contradiction_threshold on labelled examples and write them to the config."""
    with user_errors():
        from checker.calibrate import run_calibration  # light: the models load when it runs

        with progress_callback(not quiet and sys.stderr.isatty()) as progress:
            options: dict[str, Any] = {"config": config, "min_precision": min_precision, "dry_run": dry_run, "cache_dir": cache_dir, "no_cache": no_cache}
            outcome = run_calibration(labelled, cwd=Path.cwd(), progress=progress, **options)
        for line in outcome.warnings():
            note(f"warning: {line}", quiet)
        if output_format.value == "json":
            typer.echo(json.dumps(outcome.to_json(), indent=2, ensure_ascii=False))
        else:
            typer.echo(outcome.to_text(), nl=False)


@app.command("rules")
def rules_command(output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False)] = RulesFormat("text")) -> None:
    """List every rule code with its kind and default severity."""
    with user_errors():
        from checker.output.terminal import show_rules

        show_rules(None, output_format.value)


@app.command("rule")
def rule_command(
    code: Annotated[str, typer.Argument(help="Rule code (FC101) or name (contradiction).", show_default=False)],
    output_format: Annotated[RulesFormat, typer.Option("--output-format", "-o", case_sensitive=False)] = RulesFormat("text"),
) -> None:
    """Explain one rule."""
    with user_errors():
        from checker.output.terminal import show_rules
        from checker.rules import find_rule

        show_rules(find_rule(code).code, output_format.value)


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
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        # typer >= 0.2x coerces with pydantic, which prefixes "Value error, " to choice errors.
        error_line(exc.format_message().replace("Value error, ", "") + hint)
        return 2
    except typer.Abort:
        error_line("aborted")
        return 130
    except FactcheckError as exc:
        error_line(str(exc))
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001
        return _internal_error(exc)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
