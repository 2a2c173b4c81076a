"""The pipeline: stages over a batch of documents, an engine that runs them, and one :func:`run` for everyone.

    load -> segment -> analyse -> embed -> align -> nli -> judge -> dispute -> postprocess

Each stage is a function with explicit inputs and outputs over a batch of documents (spaCy's idea:
later stages read what earlier ones wrote on the documents and claims). An *engine* runs the stages
from ``load`` to ``judge`` for a :class:`Job`: :func:`judge_job` runs them in this process; a
distributed engine (Ray) calls the same stage functions on its workers and returns the same
:class:`~checker.types.Report`. :func:`run` is what the command line and library callers use:
it validates the inputs (once, before any model loads), hands the job to the engine and applies
the one post-processing step (:func:`checker.postprocess.postprocess`: select/ignore,
per-file-ignores, suppression comments, baseline), so ``factcheck compare`` and
``compare_paths()`` return the same findings for the same settings.

Models come from the registry by name (``settings.nli_model`` / ``settings.embedding_model``),
behind the cache of :mod:`checker.cache` when ``settings.cache_dir`` is set.
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from checker.config import Settings, load_settings, load_settings_file, normalise_codes
from checker.errors import InputError, UsageError
from checker.timing import Laps
from checker.types import Claim, ClaimGroup, Document, Finding, Report, doc_id

if TYPE_CHECKING:
    from checker.align import Alignment, Candidate
    from checker.baseline import Entry
    from checker.policy import Mode

Progress = Callable[[str, int, int], None]
MAX_COMPARE = 26  # compare: documents a..z


@dataclass(frozen=True)
class Job:
    """What an engine judges: documents in id order (``check``: the ``drafts`` first, then the sources)."""

    paths: tuple[Path, ...]
    mode: Literal["compare", "check"] = "compare"
    drafts: int = 0  # check: how many of ``paths`` are drafts
    dates: tuple[date | None, ...] | None = None  # one per path; None: every document's own date


Engine = Callable[[Job, Settings, "Progress | None"], Report]


# -- stages -----------------------------------------------------------------------------------------


def load(paths: Sequence[Path], dates: Sequence[date | None] | None, settings: Settings) -> list[Document]:
    """Read each file (text, publication date, title, body spans) as documents a, b, … in order."""
    from checker.documents import load_document

    when = list(dates) if dates is not None else [None] * len(paths)
    max_bytes = int(settings.max_file_mb * 1_000_000)
    return [load_document(Path(p), doc_id(i), date_override=when[i], max_bytes=max_bytes) for i, p in enumerate(paths)]


def segment(docs: list[Document], settings: Settings) -> list[Document]:
    """Sentences with offsets; ``factcheck: ignore`` comments are instructions, not claims."""
    from checker.segment import segment as split
    from checker.suppress import strip_directives

    for doc in docs:
        split(doc, settings.max_claim_chars)
        strip_directives(doc)
        if not doc.claims:
            raise InputError(f"{doc.path}: no sentences found in the article body")
    return docs


def analyse(docs: list[Document], settings: Settings | None = None) -> list[Document]:
    """Attribution, entities, times and quantities on every claim (no neural models beyond spaCy)."""
    from checker.analysis.attribution import analyse_attribution
    from checker.analysis.entities import analyse_entities, load_aliases
    from checker.analysis.quantities import extract_quantities
    from checker.analysis.times import resolve_times

    aliases = load_aliases((settings or Settings()).aliases or None)
    for doc in docs:
        analyse_attribution(doc.claims)
        analyse_entities(doc.claims, aliases)
        for c in doc.claims:
            c.times = resolve_times(c.text, doc.date)
            c.quantities = extract_quantities(c.text)
    return docs


def embed(docs: list[Document], embedder: Any, progress: Progress | None = None) -> dict[str, Any]:
    """Claim id -> unit vector (dot product = cosine similarity)."""
    claims = [c for d in docs for c in d.claims]
    if progress:
        progress("embedding", 0, len(claims))
    matrix = embedder.encode([c.text for c in claims])
    if progress:
        progress("embedding", len(claims), len(claims))
    return {c.id: matrix[i] for i, c in enumerate(claims)}


def align(docs: list[Document], vectors: dict[str, Any], settings: Settings, mode: Mode | None = None) -> Alignment:
    """Candidate pairs: the mode's own alignment (``check``), else every pair of documents (:func:`checker.align.align`)."""
    from checker.align import align as align_all

    if mode is not None and mode.align is not None:
        return mode.align(docs, vectors, settings)
    return align_all(docs, vectors, top_k=settings.align_top_k, min_similarity=settings.align_min_similarity, only_in_below=settings.align_only_in_below)


def nli(alignment: Alignment, backend: Any, progress: Progress | None = None) -> list[dict[str, float]]:
    """NLI probabilities for every candidate in both directions: a->b at 2i, b->a at 2i+1."""
    pairs: list[tuple[str, str]] = []
    for cand in alignment.candidates:
        ta, tb = nli_text(cand.a), nli_text(cand.b)
        pairs += [(ta, tb), (tb, ta)]
    return backend.predict(pairs, progress=(lambda done, total: progress("nli", done, total)) if progress else None)


def judge(
    docs: list[Document],
    alignment: Alignment,
    probs: Sequence[dict[str, float]],
    vectors: dict[str, Any],
    settings: Settings,
    mode: Mode | None = None,
    backend: Any = None,
) -> list[Finding]:
    """The decision policy (:func:`checker.judge.judge`): findings, numbered, errors first."""
    from checker.judge import judge as decide

    return decide(docs, alignment, probs, vectors, settings, mode, backend)


def dispute(
    docs: list[Document],
    alignment: Alignment,
    probs: Sequence[dict[str, float]],
    findings: list[Finding],
    vectors: dict[str, Any],
    settings: Settings,
    mode: Mode | None,
    backend: Any,
    embedder: Any,
) -> tuple[list[Finding], int]:
    """Where one report denies what another asserts (:func:`checker.dispute.disputes`): the findings with the new ones, and the NLI calls added."""
    from checker.dispute import disputes

    return disputes(docs, alignment, probs, findings, vectors, settings, mode, backend, embedder)


def consensus(docs: list[Document], alignment: Alignment, findings: Sequence[Finding], settings: Settings, mode: Mode | None = None) -> list[ClaimGroup]:
    """Claims grouped by fact across reports (:func:`checker.consensus.build_consensus`; issue 15):
    compare mode with at least ``consensus_min_reports`` documents; otherwise none."""
    if (mode is not None and mode.name != "compare") or len(docs) < settings.consensus_min_reports:
        return []
    from checker.consensus import build_consensus

    return build_consensus(docs, alignment, findings, settings)


def nli_text(claim: Claim) -> str:
    """What the NLI model reads: the sentence, with its speaker made explicit when the sentence
    itself does not name it (a quotation continued from an earlier sentence), so "X said P" is
    compared as attributed content, never as a bare fact."""
    if claim.speaker and claim.quote == "direct" and claim.speaker.split()[-1] not in claim.text:
        return f"{claim.speaker} said: {claim.text}"
    return claim.text


def models(settings: Settings) -> tuple[Any, Any]:
    """(embedder, NLI backend) named by the settings; behind the cache when ``settings.cache_dir`` is set
    (lazy: nothing loads when everything is cached)."""
    if settings.cache_dir:
        from checker.cache import cached_models

        return cached_models(settings)
    from checker.embed import load_embedder
    from checker.nli import load_nli

    return load_embedder(settings.embedding_model), load_nli(settings.nli_model, dtype=settings.nli_dtype)


def _overlong(candidates: Sequence[Candidate], settings: Settings | None) -> list[str]:
    """Aligned pairs longer than the NLI model reads: judged on what fits, and said so (never cut silently)."""
    from checker.tokens import MAX_LENGTH, PAIR_OVERHEAD, token_counter

    if not candidates:
        return []
    count = token_counter((settings or Settings()).nli_model)
    sizes: dict[str, int] = {}
    cut = []
    for cand in candidates:
        for c in (cand.a, cand.b):
            if c.id not in sizes:
                sizes[c.id] = count(nli_text(c))
        if sizes[cand.a.id] + sizes[cand.b.id] + PAIR_OVERHEAD > MAX_LENGTH:
            cut.append(f"{cand.a.id}/{cand.b.id}")
    if not cut:
        return []
    shown = ", ".join(cut[:5]) + (f" and {len(cut) - 5} more" if len(cut) > 5 else "")
    return [
        f"{len(cut)} aligned sentence pair{'s' * (len(cut) != 1)} longer than the {MAX_LENGTH} tokens the NLI model reads "
        f"{'were' if len(cut) != 1 else 'was'} judged on the first {MAX_LENGTH} tokens only: {shown}"
    ]


# -- the in-process engine --------------------------------------------------------------------------


def mode_for(job: Job, docs: list[Document]) -> Mode:
    """The policy hooks of the job's mode."""
    from checker.modes import CheckMode
    from checker.policy import Mode

    return CheckMode(docs, job.drafts) if job.mode == "check" else Mode()


def judge_job(job: Job, settings: Settings, progress: Progress | None = None) -> Report:
    """The in-process engine: every stage from ``load`` to ``judge`` (no post-processing)."""
    docs = segment(load(job.paths, job.dates, settings), settings)
    return judge_documents(docs, mode_for(job, docs), settings, progress)


def judge_documents(
    docs: list[Document], mode: Mode, settings: Settings, progress: Progress | None = None, *, analysed: bool = False, loaded: tuple[Any, Any] | None = None
) -> Report:
    """``analyse`` to ``judge`` on loaded, segmented documents, with each stage's time in ``Report.timings``.

    ``analysed``: ``analyse`` already ran on ``docs`` (an engine ran it as its own CPU stage);
    ``loaded``: (embedder, NLI backend) to use instead of :func:`models` (an engine's actors hold them)."""
    from checker.quiet import quiet_libraries

    quiet_libraries()
    lap = Laps()
    timings = lap.timings

    if not analysed:
        analyse(docs, settings)
    lap("analyse")
    embedder, backend = loaded or models(settings)
    lap("load_models")
    vectors = embed(docs, embedder, progress)
    lap("embed")
    alignment = align(docs, vectors, settings, mode)
    lap("align")
    warnings = _overlong(alignment.candidates, settings)
    probs = nli(alignment, backend, progress)
    lap("nli")
    findings = judge(docs, alignment, probs, vectors, settings, mode, backend)
    lap("judge")
    findings, dispute_calls = dispute(docs, alignment, probs, findings, vectors, settings, mode, backend, embedder)  # issue 14
    lap("dispute")
    groups = consensus(docs, alignment, findings, settings, mode)  # issue 15: compare with 3+ reports
    if groups:
        lap("consensus")
    timings["nli_pairs"] = 2 * len(alignment.candidates)
    timings["dispute_nli_pairs"] = dispute_calls
    return Report(docs, findings, models={"nli": backend.name, "embedding": embedder.name}, timings=timings, warnings=warnings, consensus=groups)


# -- one run for the command line and the library ------------------------------------------------------


def run(
    paths: Sequence[Path | str],
    settings: Settings | None = None,
    *,
    mode: Literal["compare", "check"] = "compare",
    against: Sequence[Path | str] = (),
    dates: Sequence[date | None] | None = None,
    baseline: str | Path | Sequence[Entry] | None = None,
    write_baseline: str | Path | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> Report:
    """Judge documents and post-process the findings, exactly as ``factcheck compare`` / ``check`` do.

    ``mode="compare"``: ``paths`` are reports of the same story, as peers. ``mode="check"``: ``paths``
    are drafts judged against the sources in ``against`` (or against themselves when there are none).
    ``dates``: one publication date (or None) per document, ``paths`` then ``against``.
    ``baseline``: a baseline file (or its entries) whose findings are dropped; ``write_baseline``:
    record this run's findings there as accepted first (see :mod:`checker.baseline`).
    ``engine``: what runs the stages (default :func:`judge_job`, in this process).
    """
    from checker.postprocess import postprocess

    if mode not in ("compare", "check"):
        raise UsageError(f"unknown mode {mode!r} (compare or check)")
    settings = settings or Settings()
    if isinstance(baseline, str | os.PathLike):
        baseline = Path(baseline)
    write_baseline = Path(write_baseline) if write_baseline is not None else None
    drafts = [Path(p) for p in paths]
    job = Job(tuple([*drafts, *map(Path, against)]), mode, len(drafts) if mode == "check" else 0, tuple(dates) if dates is not None else None)
    check_inputs(job, settings)
    accepted = _read_baseline(baseline, write_baseline, job.paths)
    report = (engine or judge_job)(job, settings, progress)
    return postprocess(report, settings, baseline=accepted, write_baseline=write_baseline, baseline_name=write_baseline or (baseline if isinstance(baseline, Path) else None))


def compare_paths(paths: Sequence[Path], *, dates: Sequence[date | None] | None = None, settings: Settings | None = None, progress: Progress | None = None) -> Report:
    """``factcheck compare`` as one library call: :func:`run` in compare mode."""
    return run(paths, settings, mode="compare", dates=dates, progress=progress)


def load_documents(paths: Sequence[Path], dates: Sequence[date | None] | None = None, settings: Settings | None = None) -> list[Document]:
    """``load`` and ``segment`` (no model), after the same input checks as a compare run (any number of documents)."""
    settings = settings or Settings()
    job = Job(tuple(Path(p) for p in paths), "compare", 0, tuple(dates) if dates is not None else None)
    check_inputs(job, settings, minimum=1)
    return segment(load(job.paths, job.dates, settings), settings)


def compare_documents(
    docs: list[Document], settings: Settings | None = None, progress: Progress | None = None, *, analysed: bool = False, loaded: tuple[Any, Any] | None = None
) -> Report:
    """Already loaded documents judged as peers, then post-processed (compare mode without the loading)."""
    from checker.policy import Mode
    from checker.postprocess import postprocess

    settings = settings or Settings()
    return postprocess(judge_documents(docs, Mode(), settings, progress, analysed=analysed, loaded=loaded), settings)


# -- input validation: once, before anything is read or any model loads -------------------------------


def check_inputs(job: Job, settings: Settings, *, minimum: int = 2) -> None:
    """Every reason the job's inputs can never be judged, as one-line errors."""
    from checker.documents import check_file, check_publication_date

    n = len(job.paths)
    if job.mode == "compare" and n < minimum:
        raise UsageError("compare needs at least two documents")
    if job.mode == "check" and job.drafts < 1:
        raise UsageError("check needs at least one draft")
    if job.mode == "compare" and n > MAX_COMPARE:
        raise UsageError(f"at most {MAX_COMPARE} documents can be compared at once (got {n})")
    if job.dates is not None:
        if len(job.dates) != n:
            raise UsageError(f"{len(job.dates)} dates for {n} documents")
        for path, when in zip(job.paths, job.dates):
            if when is not None:
                check_publication_date(when, f"{path}: date")
    max_bytes = int(settings.max_file_mb * 1_000_000)
    seen: set[Path] = set()
    for path in job.paths:
        check_file(path, max_bytes)
        if path.resolve() in seen:
            raise UsageError(f"{path} is given twice")
        seen.add(path.resolve())
    if job.mode == "compare":  # check: a draft may copy a source verbatim (all of it is supported)
        for i, a in enumerate(job.paths):
            for b in job.paths[i + 1 :]:
                if filecmp.cmp(a, b, shallow=False):
                    raise InputError(f"{a} and {b} are identical; compare different reports")


def _read_baseline(baseline: Path | Sequence[Entry] | None, write_to: Path | None, inputs: Sequence[Path]) -> list[Entry] | None:
    """Baseline entries to apply (read now, before any model loads); None when there are none or
    the file is being rewritten by this run (then the new findings are what gets accepted)."""
    for option, path in (("--write-baseline", write_to), ("--baseline", baseline if isinstance(baseline, Path) else None)):
        if path is not None and any(path.resolve() == p.resolve() for p in inputs):
            raise UsageError(f"{option} {path} is one of the input documents")
    if baseline is None:
        return None
    if not isinstance(baseline, Path):
        return list(baseline)
    if write_to is not None and write_to.resolve() == baseline.resolve():
        return None
    from checker.baseline import load_baseline

    return load_baseline(baseline)


# -- what the command line hands the library --------------------------------------------------------

_DATE_OPTION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date_options(values: Sequence[str], paths: Sequence[Path]) -> list[date | None] | None:
    """``FILE=YYYY-MM-DD`` options -> one entry per document (None: use the document's own date)."""
    from checker.documents import check_publication_date

    if not values:
        return None
    by_path = {p.resolve(): i for i, p in enumerate(paths)}
    dates: list[date | None] = [None] * len(paths)
    for value in values:
        name, sep, when = value.rpartition("=")
        when = when.strip()
        if not sep or not name or not _DATE_OPTION.match(when):
            raise UsageError(f"--date expects FILE=YYYY-MM-DD, got {value!r}")
        try:
            parsed = date.fromisoformat(when)
        except ValueError:
            raise UsageError(f"--date {value!r}: {when} is not a valid date") from None
        check_publication_date(parsed, f"--date {value!r}", error=UsageError)
        index = by_path.get(Path(name).resolve())
        if index is None:
            raise UsageError(f"--date names {name}, which is not one of the documents being compared")
        dates[index] = parsed
    return dates


def command_line_settings(
    config: Path | None,
    *,
    fail_on: str | None = None,
    nli_model: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
) -> Settings:
    """The config file's settings (``config``, else the nearest one) with the options' overrides:
    ``--select`` replaces the file's select, ``--ignore`` adds to its ignore; and the cache policy."""
    settings = load_settings_file(config) if config else load_settings(Path.cwd())
    settings = settings.with_overrides(
        "command line",
        fail_on=fail_on,
        nli_model=nli_model,
        select=normalise_codes(select, "--select") if select else None,
        ignore=[*settings.ignore, *normalise_codes(ignore, "--ignore")] if ignore else None,
    )
    return settings.with_overrides("command line", cache_dir=command_line_cache_dir(settings, cache_dir, no_cache))


def command_line_cache_dir(settings: Settings, option: Path | None, disabled: bool) -> str:
    """The command line caches by default (library calls do not): ``--no-cache`` off, ``--cache-dir``,
    the config's ``cache_dir``, else ``$FACTCHECK_CACHE_DIR`` or ``./.factcheck-cache``."""
    if disabled:
        return ""
    if option is not None:
        return os.fspath(option)
    if settings.cache_dir:
        return settings.cache_dir
    from checker.cache import default_cache_dir

    return str(default_cache_dir())
