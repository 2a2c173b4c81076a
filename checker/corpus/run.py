"""``factcheck corpus INPUT --out DIR``: many articles -> stories -> one comparison per story -> reports and an index.

The run, in order:

1. **read** the corpus (:func:`checker.corpus.records.load_corpus`): bad records are reported one line each
   (file and line) through ``on_error`` and the rest is processed;
2. **group** the articles into stories (:func:`checker.corpus.grouping.group_stories`, the ``story_*``
   settings); the title + lede embeddings go through the embedding cache like every other embedding;
3. **compare** each story of two or more articles with the run object compare uses on documents
   (:func:`checker.pipeline.compare_documents`: the same stages, post-processing and, with them, whatever
   stage the pipeline gains) and render its JSON and HTML reports with the writers of :mod:`checker.output`;
4. **write** ``DIR/stories/<story id>.json`` and ``.html`` (atomically: a temporary file renamed into place,
   so a failed run never leaves a partial report) and the index, ``DIR/index.jsonl`` and ``DIR/index.html``,
   sorted by how contested each story is (:func:`contested_score`).

Why a digest per story (:func:`story_digest`): a desk reruns the same day's feed every hour. A story whose
member articles (texts and metadata), settings and model identities are unchanged, and whose reports exist,
is skipped; the digest is kept in the index. Stories that did change are recomputed, and most of their
sentences and pairs come from the model cache (:mod:`checker.cache`), so a run stopped half-way also
resumes cheaply.

Engines decide only *where* steps 2 and 3 run: :class:`InProcess` (default) runs them here;
``checker.corpus.ray_engine.RayEngine`` runs the same functions (:func:`prepare_story`, :func:`judge_story`,
:func:`render_story`) as Ray Data stages. Both give the same reports for the same input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from checker import __version__
from checker.config import Settings
from checker.corpus.grouping import GroupingParams, Story, embed_articles, group_stories
from checker.corpus.records import Article, RecordError, load_corpus, to_document
from checker.errors import FactcheckError, InputError, SettingsError, UsageError
from checker.timing import Laps
from checker.types import SEVERITY_RANK, Document, Report, doc_id

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[str, int, int], None]
EngineName = Literal["in-process", "ray"]
ENGINES: tuple[str, ...] = ("in-process", "ray")
STORIES_DIR = "stories"
INDEX_JSONL = "index.jsonl"
INDEX_HTML = "index.html"
SEVERITIES = ("error", "warning", "info")
# Settings that change what is shown or where models' results are kept, not what a story report says.
NOT_IN_DIGEST = frozenset({"fail_on", "cache_dir"})
SEVERITY_WEIGHT = {"error": 1.0, "warning": 0.5}  # of a finding in the contested score


# -- what a story comparison needs and gives --------------------------------------------------------------


@dataclass(frozen=True)
class StoryJob:
    """One story to compare: its articles in document order (``a`` = the earliest) and its digest."""

    story: Story
    articles: tuple[Article, ...]
    digest: str
    left_out: tuple[str, ...] = ()  # article ids beyond corpus_max_story_articles (not compared)


@dataclass
class StoryOutcome:
    """A compared story: its index entry and its rendered reports (or the one-line error that stopped it)."""

    story_id: str
    entry: dict[str, Any]
    json_text: str = ""
    html_text: str = ""
    error: str | None = None


@dataclass
class CorpusResult:
    """What a corpus run did; :meth:`exit_code` is the command's exit code."""

    articles: int
    entries: list[dict[str, Any]]  # the index, in index order
    record_errors: list[RecordError]
    story_errors: list[str]
    compared: int = 0
    unchanged: int = 0
    single: int = 0
    out: Path = Path(".")
    timings: dict[str, float] = field(default_factory=dict)

    def exit_code(self, fail_on: str, *, exit_zero: bool = False) -> int:
        """2 when a record or story could not be read (the rest was still reported), else 1 when a story has a
        finding at ``fail_on`` or above (never with ``exit_zero``), else 0: compare's contract per story."""
        if self.record_errors or self.story_errors:
            return 2
        if exit_zero or fail_on == "none":
            return 0
        floor = SEVERITY_RANK[fail_on]
        return int(any(e["findings"].get(s, 0) for e in self.entries for s in SEVERITIES if SEVERITY_RANK[s] >= floor))


class Engine(Protocol):
    """Where grouping embeddings and story comparisons run (:class:`InProcess`, ``RayEngine``)."""

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray: ...

    def compare(self, jobs: Sequence[StoryJob]) -> Iterator[StoryOutcome]: ...


# -- the stage functions both engines call ------------------------------------------------------------------


def prepare_story(job: StoryJob, settings: Settings) -> list[Document]:
    """Documents ``a``, ``b``, ... of a story, segmented and analysed (CPU only, no model but spaCy)."""
    from checker.pipeline import analyse, segment

    docs = [to_document(article, doc_id(i)) for i, article in enumerate(job.articles)]
    segment(docs, settings)
    return analyse(docs, settings)


def judge_story(docs: list[Document], settings: Settings, loaded: tuple[Any, Any] | None = None) -> Report:
    """The story's comparison: compare's run object on analysed documents (``loaded``: an engine's models)."""
    from checker.pipeline import compare_documents

    return compare_documents(docs, settings, analysed=True, loaded=loaded)


def render_story(job: StoryJob, report: Report) -> StoryOutcome:
    """JSON and HTML reports (the writers of compare's ``-o json`` and ``--html``) and the index entry.

    The HTML is rendered reproducibly (no durations), so an unchanged story gives the same file on every
    engine and every run.
    """
    from checker.output import render
    from checker.output.html_report import render_html

    counts = {s: sum(f.severity == s for f in report.findings) for s in SEVERITIES}
    agreements = sum(f.kind == "agreement" for f in report.findings)
    entry = index_entry(job, counts, contested_score(counts, agreements))
    entry["warnings"] = list(report.warnings)
    return StoryOutcome(job.story.id, entry, render(report, "json"), render_html(report, reproducible=True))


def failed_story(job: StoryJob, exc: FactcheckError) -> StoryOutcome:
    """A story whose documents cannot be compared (e.g. an article without sentences): one line, no report."""
    message = f"{job.story.id} ({', '.join(job.story.article_ids)}): {' '.join(str(exc).split())}"
    entry = index_entry(job, dict.fromkeys(SEVERITIES, 0), 0.0)
    entry.update(status="failed", error=message, json=None, html=None)
    return StoryOutcome(job.story.id, entry, error=message)


def contested_score(counts: dict[str, int], agreements: int) -> float:
    """How contested a story is, 0..1: conflicting findings (errors 1, warnings 0.5) over all the story's
    findings about facts the reports share (conflicts plus agreements); 0 when there are none.

    A share rather than a count, so that a long story with many agreements and one quibble ranks below a
    short one whose reports disagree on most of what they share."""
    conflicts = sum(SEVERITY_WEIGHT.get(s, 0.0) * n for s, n in counts.items())
    shared = counts.get("error", 0) + counts.get("warning", 0) + agreements
    return round(conflicts / shared, 4) if shared else 0.0


def index_entry(job: StoryJob, counts: dict[str, int], contested: float) -> dict[str, Any]:
    """One line of ``index.jsonl``."""
    story = job.story
    return {
        "id": story.id,
        "status": "compared",
        "title": next((a.title for a in job.articles if a.title), None),
        "articles": list(story.article_ids),
        "outlets": list(story.outlets),
        "first_date": story.first_date.isoformat() if story.first_date else None,
        "last_date": story.last_date.isoformat() if story.last_date else None,
        "size": story.size,
        "left_out": list(job.left_out),
        "cohesion": None if story.cohesion is None else round(story.cohesion, 4),
        "findings": counts,
        "contested": contested,
        "json": f"{STORIES_DIR}/{story.id}.json",
        "html": f"{STORIES_DIR}/{story.id}.html",
        "digest": job.digest,
    }


def single_entry(story: Story, article: Article) -> dict[str, Any]:
    """The index line of a one-article story: listed, never compared (nothing to compare it with)."""
    return {
        "id": story.id,
        "status": "single",
        "title": article.title,
        "articles": list(story.article_ids),
        "outlets": list(story.outlets),
        "first_date": story.first_date.isoformat() if story.first_date else None,
        "last_date": story.last_date.isoformat() if story.last_date else None,
        "size": 1,
        "left_out": [],
        "cohesion": None,
        "findings": dict.fromkeys(SEVERITIES, 0),
        "contested": 0.0,
        "json": None,
        "html": None,
        "digest": None,
    }


# -- the in-process engine ----------------------------------------------------------------------------------


def embedding_model(settings: Settings) -> Any:
    """The sentence embedder of the run, behind the cache when ``settings.cache_dir`` is set (lazy then:
    nothing loads when every text is cached). Loaded once per process (:func:`checker.embed.load_embedder`)."""
    if settings.cache_dir:
        from checker.cache import cached_models

        return cached_models(settings)[0]
    from checker.embed import load_embedder

    return load_embedder(settings.embedding_model)


class InProcess:
    """Everything in this process, one story after another (nothing to set up)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        return embedding_model(self.settings).encode(list(texts))

    def compare(self, jobs: Sequence[StoryJob]) -> Iterator[StoryOutcome]:
        for job in jobs:
            try:
                docs = prepare_story(job, self.settings)
                report = judge_story(docs, self.settings)
            except FactcheckError as exc:
                yield failed_story(job, exc)
                continue
            yield render_story(job, report)


# -- digests and jobs ---------------------------------------------------------------------------------------


def model_identities(settings: Settings) -> dict[str, str]:
    """The cache identities of the run's two models (name, files or hub name, number format), without loading them."""
    from checker.cache import model_identity

    return {"embedding": model_identity("embedding", settings.embedding_model)[1], "nli": model_identity("nli", settings.nli_model, settings.nli_dtype)[1]}


def story_digest(articles: Sequence[Article], settings: Settings, identities: dict[str, str]) -> str:
    """SHA-256 of everything a story report depends on: the member articles (metadata and full text, in
    document order), the settings that change findings, the model identities and the checker's version."""
    digest = hashlib.sha256()
    head = {
        "version": __version__,
        "models": identities,
        "settings": {k: v for k, v in settings.model_dump(mode="json").items() if k not in NOT_IN_DIGEST},
    }
    digest.update(json.dumps(head, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for article in articles:
        text = article.document.raw_text if article.document is not None else article.text
        fmt = article.document.format if article.document is not None else "txt"
        meta = {**article.to_record(), "origin": None, "format": fmt}  # origin (a line number) does not change a report
        digest.update(b"\x00" + json.dumps(meta, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\x00" + text.encode("utf-8"))
    return digest.hexdigest()


def document_order(articles: Iterable[Article]) -> list[Article]:
    """``a`` is the earliest article (undated last), ties by id: later reports update earlier ones (FC204)."""
    return sorted(articles, key=lambda a: (a.date is None, a.date.toordinal() if a.date else 0, a.id))


def story_jobs(stories: Sequence[Story], by_id: dict[str, Article], settings: Settings, identities: dict[str, str]) -> list[StoryJob]:
    """A job per story of two or more articles (capped at ``corpus_max_story_articles``)."""
    jobs = []
    for story in stories:
        if story.size < 2:
            continue
        ordered = document_order(by_id[i] for i in story.article_ids)
        cap = settings.corpus_max_story_articles
        kept, rest = ordered[:cap], ordered[cap:]
        jobs.append(StoryJob(story, tuple(kept), story_digest(kept, settings, identities), tuple(a.id for a in rest)))
    return jobs


# -- the run -------------------------------------------------------------------------------------------------


def check_out_dir(input_path: Path, out: Path) -> None:
    """Refuse, before anything is read, an output folder that cannot be one or would feed the next run."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    if not out.resolve().parent.is_dir():
        raise UsageError(f"--out {out}: directory {out.parent} does not exist")
    if input_path.is_dir() and out.resolve().is_relative_to(input_path.resolve()):
        raise UsageError(f"--out {out} is inside the corpus folder {input_path} (its HTML reports would be read as articles next time)")
    if input_path.exists() and input_path.is_file() and input_path.resolve().parent == (out.resolve() / STORIES_DIR):
        raise UsageError(f"--out {out}: the corpus file {input_path} is inside its reports folder")


def grouping_params(settings: Settings) -> GroupingParams:
    params = GroupingParams.from_settings(settings)
    if params.name_weight + params.date_weight > 1:
        raise SettingsError(f"settings: story_name_weight + story_date_weight must be at most 1, got {params.name_weight} + {params.date_weight}")
    return params


def read_index(out: Path) -> dict[str, dict[str, Any]]:
    """The previous run's index entries by story id (an unreadable or foreign line is ignored: it only costs a recompute)."""
    path = out / INDEX_JSONL
    entries: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return entries
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            entries[entry["id"]] = entry
    return entries


def unchanged(job: StoryJob, previous: dict[str, Any] | None, out: Path) -> bool:
    """The story was reported by an earlier run from the same inputs, and its reports are still there."""
    if not previous or previous.get("status") != "compared" or previous.get("digest") != job.digest:
        return False
    return all(isinstance(previous.get(k), str) and (out / previous[k]).is_file() for k in ("json", "html"))


def run_corpus(
    input_path: Path | str,
    out: Path | str,
    settings: Settings | None = None,
    *,
    engine: EngineName = "in-process",
    address: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    on_error: Callable[[str], None] | None = None,
) -> CorpusResult:
    """Read, group, compare and write (see the module docstring); returns what was done.

    ``engine``: ``in-process`` or ``ray`` (``address``: a Ray cluster to join; default a local one).
    ``force``: recompute every story, unchanged or not. ``on_error``: called with each bad record or story
    as one line, as soon as it is known. Raises :class:`~checker.errors.FactcheckError` only for problems with
    the run as a whole (missing input, unusable output folder, bad settings, no readable article).
    """

    settings = settings or Settings()
    input_path, out = Path(input_path), Path(out)
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} ({' or '.join(ENGINES)})")
    if address and engine != "ray":
        raise UsageError("--address needs --engine ray")
    check_out_dir(input_path, out)
    params = grouping_params(settings)
    identities = model_identities(settings)
    tell = on_error or (lambda line: None)
    lap = Laps()
    timings = lap.timings

    loaded = load_corpus(input_path, max_text_chars=settings.corpus_max_text_chars)
    for error in loaded.errors:
        tell(str(error))
    if not loaded.articles:
        raise InputError(f"{input_path}: no readable articles" + (f" ({len(loaded.errors)} bad records)" if loaded.errors else ""))
    lap("read")
    by_id = {a.id: a for a in loaded.articles}
    with _engine(engine, settings, address) as runner:
        if progress:
            progress("grouping", 0, len(loaded.articles))
        ordered = sorted(loaded.articles, key=lambda a: a.id)
        grouping = group_stories(ordered, embeddings=_embeddings(runner, ordered, params), params=params)
        lap("group")
        jobs = story_jobs(grouping.stories, by_id, settings, identities)
        previous = {} if force else read_index(out)
        kept = {job.story.id for job in jobs if unchanged(job, previous.get(job.story.id), out)}
        todo = [job for job in jobs if job.story.id not in kept]
        result = CorpusResult(len(loaded.articles), [], loaded.errors, [], out=out, timings=timings)
        result.unchanged = len(kept)
        entries = {story_id: previous[story_id] for story_id in sorted(kept)}
        (out / STORIES_DIR).mkdir(parents=True, exist_ok=True)
        if progress:
            progress("stories", 0, len(todo))
        for n, outcome in enumerate(runner.compare(todo), start=1):
            if outcome.error is not None:
                result.story_errors.append(outcome.error)
                tell(outcome.error)
                _remove_reports(out, outcome.story_id)
            else:
                write_story(out, outcome)
                result.compared += 1
            entries[outcome.story_id] = outcome.entry
            if progress:
                progress("stories", n, len(todo))
        lap("compare")
    for story in grouping.stories:
        if story.size == 1:
            entries[story.id] = single_entry(story, by_id[story.article_ids[0]])
            result.single += 1
    result.entries = sort_index(entries.values())
    write_index(out, result.entries, settings)
    _remove_stale(out, previous, entries)
    lap("write")
    return result


def _embeddings(runner: Engine, ordered: Sequence[Article], params: GroupingParams) -> np.ndarray:
    """Title + lede vectors of the articles (sorted by id), computed by the engine."""

    class _Through:
        def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
            return runner.embed_texts(texts)

    return embed_articles(ordered, _Through(), params)


class _engine:
    """The engine as a context (a Ray engine starts or joins a cluster and leaves it afterwards)."""

    def __init__(self, name: str, settings: Settings, address: str | None) -> None:
        self.name, self.settings, self.address = name, settings, address
        self.runner: Any = None

    def __enter__(self) -> Engine:
        if self.name == "ray":
            from checker.corpus.ray_engine import RayEngine

            self.runner = RayEngine(self.settings, address=self.address)
            return self.runner.start()
        return InProcess(self.settings)

    def __exit__(self, *exc: object) -> None:
        if self.runner is not None:
            self.runner.stop()


# -- writing ------------------------------------------------------------------------------------------------


def write_story(out: Path, outcome: StoryOutcome) -> None:
    """Both report files, each written atomically (temporary file, then rename)."""
    from checker.files import atomic_write_text

    atomic_write_text(out / outcome.entry["json"], outcome.json_text)
    atomic_write_text(out / outcome.entry["html"], outcome.html_text)


def sort_index(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most contested first; then more errors, more warnings, larger stories; compared before single; by id."""
    return sorted(
        entries,
        key=lambda e: (-e["contested"], -e["findings"].get("error", 0), -e["findings"].get("warning", 0), e["status"] != "compared", -e["size"], e["id"]),
    )


def write_index(out: Path, entries: Sequence[dict[str, Any]], settings: Settings) -> None:
    """``index.jsonl`` (one story per line, the index order) and ``index.html``, each atomically."""
    from checker.corpus.index_html import render_index
    from checker.files import atomic_write_text

    atomic_write_text(out / INDEX_JSONL, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries))
    atomic_write_text(out / INDEX_HTML, render_index(entries))


def _remove_reports(out: Path, story_id: str) -> None:
    for suffix in (".json", ".html"):
        (out / STORIES_DIR / f"{story_id}{suffix}").unlink(missing_ok=True)


def _remove_stale(out: Path, previous: dict[str, dict[str, Any]], current: dict[str, Any]) -> None:
    """Reports of stories an earlier run wrote and this run no longer has (their membership changed)."""
    for story_id in previous:
        if story_id not in current and story_id.startswith("story-") and "/" not in story_id:
            _remove_reports(out, story_id)
