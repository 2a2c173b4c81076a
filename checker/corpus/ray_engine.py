"""``factcheck corpus --engine ray``: the corpus run's stages on Ray Data.

The same functions as the in-process engine (:mod:`checker.corpus.run`), placed where they belong on a
cluster; Ray Data schedules them (streaming, back-pressure, retries): there is no scheduler of our own.

=========================  ==========================================  ===============================
stage                      function                                    runs as
=========================  ==========================================  ===============================
title + lede embedding     the embedder's ``encode`` (grouping)        actor pool (:class:`Embed`)
grouping                   :func:`~checker.corpus.grouping.group_stories`  the driver (exact; cheap)
load + segment + analyse   :func:`~checker.corpus.run.prepare_story`   ``map_batches`` CPU tasks
claim embedding            :func:`checker.pipeline.embed`              actor pool (:class:`EmbedClaims`)
align + NLI + judge + ...  :func:`~checker.corpus.run.judge_story`     actor pool (:class:`Judge`)
rendering the reports      :func:`~checker.corpus.run.render_story`    ``map_batches`` CPU tasks
=========================  ==========================================  ===============================

Each actor loads its model once (``__init__``) and keeps it for every batch; the judge actors run compare's
whole run object on the analysed documents (:func:`checker.pipeline.compare_documents`), with the claim vectors
from the embedding actors, so a stage the pipeline gains runs here too. Actors ask for a GPU share when the
cluster has GPUs (the models then load on CUDA); otherwise CPUs only. Files are written by the driver, so
workers need no shared file system; every worker needs this package installed (and the model files).

Reading the corpus file stays on the driver: bad records are reported with their line numbers and duplicate
ids need the whole file (0.1-0.2 ms per record, measured by scripts/bench_grouping.py).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from checker.config import Settings
from checker.corpus.run import StoryJob, StoryOutcome, embedding_model, failed_story, judge_story, prepare_story, render_story
from checker.errors import FactcheckError, UsageError

if TYPE_CHECKING:
    import numpy as np

NOT_INSTALLED = "ray is not installed: pip install 'newsroom-factcheck[ray]'"
EMBED_BATCH = 64  # title + lede texts per embedding batch
PASSED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "FACTCHECK_CACHE_DIR")  # to the workers of a local cluster


def require_ray() -> Any:
    """The ``ray`` module, or the one-line error saying how to install it (exit 2)."""
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is a separate extra of ray
    except ImportError:
        raise UsageError(NOT_INSTALLED) from None
    return ray


# -- stages (module level: Ray pickles them by reference) ------------------------------------------------------


def _nli_backend(settings: Settings) -> Any:
    """The NLI backend, behind the cache when ``settings.cache_dir`` is set (each actor opens the cache file of its node)."""
    if settings.cache_dir:
        from checker.cache import cached_models

        return cached_models(settings)[1]
    from checker.nli import load_nli

    return load_nli(settings.nli_model, dtype=settings.nli_dtype)


class Embed:
    """Actor: title + lede texts -> unit vectors (the embedding model loaded once)."""

    def __init__(self, settings: Settings) -> None:
        self.embedder = embedding_model(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        vectors = self.embedder.encode(list(batch["text"]), batch_size=EMBED_BATCH)
        return {"row": batch["row"], "vector": np.asarray(vectors, dtype=np.float32)}


def prepare(batch: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """CPU task: the story's documents loaded, segmented and analysed (or the error that stops the story)."""
    docs_out, errors = [], []
    for blob in batch["job"]:
        job: StoryJob = pickle.loads(blob)
        try:
            docs_out.append(pickle.dumps(prepare_story(job, settings)))
            errors.append("")
        except FactcheckError as exc:
            docs_out.append(pickle.dumps(failed_story(job, exc)))
            errors.append("failed")
    return {**batch, "docs": docs_out, "error": errors}


class EmbedClaims:
    """Actor: every claim of a story -> its vector (:func:`checker.pipeline.embed`, as compare embeds them)."""

    def __init__(self, settings: Settings) -> None:
        self.embedder = embedding_model(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from checker.pipeline import embed

        vectors = []
        for blob, error in zip(batch["docs"], batch["error"]):
            if error:
                vectors.append(b"")
                continue
            docs = pickle.loads(blob)
            by_id = embed(docs, self.embedder)
            vectors.append(pickle.dumps({c.text: by_id[c.id] for d in docs for c in d.claims}))
        return {**batch, "vectors": vectors, "embedding_name": [self.embedder.name] * len(vectors)}


class Precomputed:
    """An embedder that answers from the vectors the claim-embedding actors computed; a text they did not
    see (a later stage embedding something new) goes to the real embedder, loaded only then."""

    def __init__(self, vectors: dict[str, Any], name: str, settings: Settings) -> None:
        self.vectors, self.name, self.settings = vectors, name, settings
        self._real: Any = None

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            if self._real is None:
                self._real = embedding_model(self.settings)
            self.vectors.update(zip(missing, self._real.encode(missing, batch_size=batch_size)))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.asarray(self.vectors[t], dtype=np.float32) for t in texts])


class Judge:
    """Actor: the story's comparison (compare's run object) with the NLI model loaded once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.backend = _nli_backend(settings)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        reports = []
        for blob, vectors, name, error in zip(batch["docs"], batch["vectors"], batch["embedding_name"], batch["error"]):
            if error:
                reports.append(blob)  # the failed story's outcome, passed through
                continue
            docs = pickle.loads(blob)
            embedder = Precomputed(pickle.loads(vectors), name, self.settings)
            try:
                reports.append(pickle.dumps(judge_story(docs, self.settings, loaded=(embedder, self.backend))))
            except FactcheckError as exc:
                reports.append(pickle.dumps(exc))
        return {"job": batch["job"], "report": reports, "error": batch["error"]}


def render(batch: dict[str, Any]) -> dict[str, Any]:
    """CPU task: JSON + HTML reports and the index entry."""
    outcomes = []
    for job_blob, blob, error in zip(batch["job"], batch["report"], batch["error"]):
        if error:
            outcomes.append(blob)
            continue
        job: StoryJob = pickle.loads(job_blob)
        report = pickle.loads(blob)
        outcome = failed_story(job, report) if isinstance(report, FactcheckError) else render_story(job, report)
        outcomes.append(pickle.dumps(outcome))
    return {"outcome": outcomes}


# -- the engine ------------------------------------------------------------------------------------------------


class RayEngine:
    """Joins the cluster at ``address`` (or starts a local one; an already initialised Ray is used as it is)."""

    def __init__(self, settings: Settings, *, address: str | None = None) -> None:
        self.settings = settings
        self.address = address
        self.started = False
        self.ray: Any = None

    def start(self) -> RayEngine:
        ray = self.ray = require_ray()
        if not ray.is_initialized():
            env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
            try:
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                    runtime_env={"env_vars": env} if env else None,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
                raise UsageError(f"cannot start or join {where}: {' '.join(str(exc).split())[:300]}") from None
            self.started = True
        for name in ("ray", "ray.data"):  # Ray Data logs every dataset execution at INFO on stderr
            logging.getLogger(name).setLevel(logging.WARNING)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        return self

    def stop(self) -> None:
        if self.started and self.ray is not None:
            self.ray.shutdown()
            self.started = False

    # -- resources: fixed pools sized from the cluster, so that actors never take every CPU from the tasks

    def _resources(self) -> dict[str, Any]:
        total = self.ray.cluster_resources()
        cpus, gpus = float(total.get("CPU", 1)), float(total.get("GPU", 0))
        if gpus >= 1:
            return {
                "embed": {"compute": self.ray.data.ActorPoolStrategy(size=max(1, int(gpus) // 4)), "num_gpus": 0.25, "num_cpus": 0.5},
                "judge": {"compute": self.ray.data.ActorPoolStrategy(size=max(1, int(gpus))), "num_gpus": 0.75, "num_cpus": 1},
                "task": {"num_cpus": 1},
            }
        task = max(0.5, cpus / 4)
        judges = max(1, int(cpus - 0.5 - task))
        return {
            "embed": {"compute": self.ray.data.ActorPoolStrategy(size=1), "num_cpus": 0.5},
            "judge": {"compute": self.ray.data.ActorPoolStrategy(size=judges), "num_cpus": 1},
            "task": {"num_cpus": min(1.0, task)},
        }

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        res = self._resources()
        ds = self.ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(Embed, batch_size=EMBED_BATCH, fn_constructor_kwargs={"settings": self.settings}, **res["embed"])
        rows = sorted(ds.take_all(), key=lambda r: r["row"])
        return np.stack([np.asarray(r["vector"], dtype=np.float32) for r in rows])

    def compare(self, jobs: Sequence[StoryJob]) -> Iterator[StoryOutcome]:
        if not jobs:
            return
        res = self._resources()
        settings = {"settings": self.settings}
        ds = self.ray.data.from_items([{"job": pickle.dumps(job)} for job in jobs], override_num_blocks=len(jobs))
        ds = ds.map_batches(prepare, batch_size=1, fn_kwargs=settings, **res["task"])
        ds = ds.map_batches(EmbedClaims, batch_size=1, fn_constructor_kwargs=settings, **res["embed"])
        ds = ds.map_batches(Judge, batch_size=1, fn_constructor_kwargs=settings, **res["judge"])
        ds = ds.map_batches(render, batch_size=1, **res["task"])
        for row in ds.iter_rows():
            yield pickle.loads(row["outcome"])
