"""On-disk cache of sentence embeddings and NLI probabilities, shared by every run in a repository.

Why: in editorial CI the same sources are checked against every draft on every push, and most of
a draft is unchanged between pushes; the two neural models are the slow part of a run. Entries
are keyed per model input — sha256 of one sentence (embeddings) or of one premise/hypothesis pair
(NLI) — together with a model identity, so editing one paragraph recomputes only that paragraph's
sentences and pairs, and a retrained or swapped model never reads another model's results.

Why SQLite: CI runners and pre-commit may run two checks at once on one cache directory. In WAL
mode readers never block, writers wait on a busy timeout instead of failing, and each write is one
``INSERT OR IGNORE`` transaction, so two processes computing the same entry is harmless (the models
are deterministic) and a killed process leaves no half-written file behind.

Why lazy: the wrappers take a zero-argument factory instead of a loaded model and call it only when
something is missing, so a re-check of an unchanged draft loads neither model.

A cache that cannot be opened or written is never fatal. A *broken* one — a database file that
is not SQLite or is corrupt (truncated by a full disk, overwritten), a cache directory that cannot
be read, or a plain file where the directory should be — is moved aside (``cache-v1.sqlite3.corrupt``
next to it, or ``<directory>.unusable-N`` beside the directory) and rebuilt empty, once, with one
warning naming where the old one went; later runs find a healthy cache and say nothing. Anything
else (a read-only checkout, a full disk, a database locked for longer than the timeout) is one
warning and the run goes on without the cache.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, TypeVar

if TYPE_CHECKING:
    import numpy as np

    from checker.config import Settings
    from checker.nli import NLIBackend, Probs, Progress

CACHE_ENV = "FACTCHECK_CACHE_DIR"
DEFAULT_DIR = ".factcheck-cache"
DB_NAME = "cache-v1.sqlite3"
FORMAT = "v1"  # bump when what a model is fed for the same text changes (truncation, prefixes)
LABELS = ("entailment", "neutral", "contradiction")
_CHUNK = 500  # keys per SELECT, well under SQLite's bound-variable limit
_SMALL_FILE = 1_000_000  # model files up to this size are hashed; larger ones identified by size+mtime

T = TypeVar("T")


def default_cache_dir(cwd: Path | None = None) -> Path:
    """``$FACTCHECK_CACHE_DIR`` if set, else ``.factcheck-cache`` in the working directory (like ruff)."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return (cwd or Path.cwd()) / DEFAULT_DIR


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pair_key(premise: str, hypothesis: str) -> str:
    """Length-prefixed so that ("ab", "c") and ("a", "bc") never share a key."""
    return hashlib.sha256(f"{len(premise)}:{premise}\x00{hypothesis}".encode("utf-8")).hexdigest()


def _warn(message: str, outcome: str = "continuing without it") -> None:
    sys.stderr.write(f"factcheck: warning: cache: {' '.join(str(message).split())}; {outcome}\n")
    sys.stderr.flush()


_ASIDE_SUFFIX = ".corrupt"


def _reason(exc: BaseException) -> str:
    """An error in a few words: the OS's text for OSError ("Permission denied"), SQLite's otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _is_corrupt(exc: BaseException) -> bool:
    """SQLite says the file is not a database or is damaged (SQLITE_NOTADB, SQLITE_CORRUPT*)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name == "SQLITE_NOTADB" or name.startswith("SQLITE_CORRUPT")
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text)


def _is_unreadable(exc: BaseException) -> bool:
    """The cache directory cannot be used as one: not readable/searchable, or not a directory."""
    if isinstance(exc, (PermissionError, NotADirectoryError, FileExistsError)):
        return True
    return getattr(exc, "sqlite_errorname", "") == "SQLITE_CANTOPEN"


def _move_db_aside(path: Path) -> Path:
    """Rename the database and its WAL/shared-memory files to ``<name>.corrupt*`` (replacing an
    older aside copy, so at most one is kept). The WAL must go too: left behind, it would be
    replayed into the new, empty database."""
    aside = path.with_name(path.name + _ASIDE_SUFFIX)
    for extra in ("", "-wal", "-shm"):
        src = path.with_name(path.name + extra)
        dst = aside.with_name(aside.name + extra)
        if src.exists() or src.is_symlink():
            os.replace(src, dst)
        elif dst.exists() and extra:
            dst.unlink()  # an older copy's WAL must not pair with this copy
    return aside


def _move_dir_aside(directory: Path) -> Path:
    """Rename an unusable cache directory (or a file in its place) to ``<name>.unusable-N``."""
    for n in range(1, 1000):
        aside = directory.with_name(f"{directory.name}.unusable-{n}")
        if not (aside.exists() or aside.is_symlink()):
            directory.rename(aside)
            return aside
    raise OSError(f"too many earlier copies of {directory} moved aside")


class Cache:
    """One SQLite file of embeddings and NLI probabilities; safe for concurrent processes."""

    def __init__(self, directory: Path | str, *, timeout: float = 60.0) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        self.enabled = True
        self.timeout = timeout
        self._rebuilt = False  # at most one rebuild per run (see _recover)
        self._connect()

    def _connect(self) -> None:
        """Open (creating if needed) the database; on failure nothing stays open."""
        timeout = self.timeout
        if self.directory.exists() and not self.directory.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(self.directory))
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():  # keep the cache out of version control wherever it lives
            ignore.write_text("# created by factcheck\n*\n", encoding="utf-8")
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a writer takes the lock
        # up front and waits on busy_timeout instead of failing half-way through a transaction.
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            self._prepare(timeout)
        except BaseException:
            self._db.close()
            raise

    def _prepare(self, timeout: float) -> None:
        self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._enable_wal(timeout)
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, key TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS nli (model TEXT NOT NULL, key TEXT NOT NULL, entailment REAL NOT NULL, neutral REAL NOT NULL, contradiction REAL NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self._inode = self.path.stat().st_ino

    def _enable_wal(self, timeout: float) -> None:
        """Switch to WAL, retrying: the switch needs a moment of exclusive access, and SQLite answers
        "database is locked" at once (without the busy handler) while another process opens the file."""
        import time

        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- generic get/put with fail-safe -------------------------------------------------------

    def _select(self, table: str, columns: str, model: str, keys: Sequence[str]) -> list[tuple]:
        rows: list[tuple] = []
        if not self.enabled:
            return rows
        unique = list(dict.fromkeys(keys))
        try:
            for i in range(0, len(unique), _CHUNK):
                chunk = unique[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(f"SELECT key, {columns} FROM {table} WHERE model = ? AND key IN ({marks})", (model, *chunk)).fetchall()
        except sqlite3.Error as exc:
            self._recover(exc)
            return []  # a rebuilt cache is empty
        return rows

    def _insert(self, table: str, width: int, rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if not self.enabled or not rows:
            return
        try:
            self._write(table, width, rows)
        except sqlite3.Error as exc:
            if self._recover(exc):
                try:
                    self._write(table, width, rows)
                except sqlite3.Error as again:
                    self._disable(again)

    def _write(self, table: str, width: int, rows: list[tuple]) -> None:
        """One transaction; rolled back (and the error raised) if the insert fails."""
        marks = ",".join("?" * width)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", rows)
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _recover(self, exc: sqlite3.Error) -> bool:
        """After an error in use: a corrupt database is moved aside and rebuilt (once per run,
        one warning); True when the cache is usable again. Anything else disables the cache."""
        if not (self.enabled and _is_corrupt(exc) and not self._rebuilt):
            self._disable(exc)
            return False
        self._rebuilt = True
        try:
            self._db.close()
            aside = None
            try:
                replaced = self.path.stat().st_ino != self._inode  # another process rebuilt it already
            except FileNotFoundError:
                replaced = True
            if not replaced:
                aside = _move_db_aside(self.path)
            self._connect()
        except (OSError, sqlite3.Error) as again:
            self._disable(again)
            return False
        if aside is not None:
            _warn(f"{self.path}: {_reason(exc)}", f"moved it to {aside} and started an empty cache")
        return True

    def _disable(self, exc: Exception) -> None:
        if self.enabled:
            _warn(f"{self.path}: {exc}")
        self.enabled = False

    # -- typed accessors ----------------------------------------------------------------------

    def get_vectors(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        import numpy as np

        return {key: np.frombuffer(blob, dtype=np.float32).reshape(dim) for key, dim, blob in self._select("embeddings", "dim, vector", model, keys)}

    def put_vectors(self, model: str, items: dict[str, Any]) -> None:
        import numpy as np

        rows = []
        for key, vector in items.items():
            v = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
            rows.append((model, key, int(v.shape[0]), v.tobytes()))
        self._insert("embeddings", 4, rows)

    def get_nli(self, model: str, keys: Sequence[str]) -> dict[str, Probs]:
        rows = self._select("nli", "entailment, neutral, contradiction", model, keys)
        return {key: dict(zip(LABELS, (float(e), float(n), float(c)))) for key, e, n, c in rows}

    def put_nli(self, model: str, items: dict[str, Probs]) -> None:
        self._insert("nli", 5, ((model, key, *(float(p[label]) for label in LABELS)) for key, p in items.items()))

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and ``scripts/bench_cache.py``)."""
        return {table: self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in ("embeddings", "nli")}


def open_cache(directory: Path | str) -> Cache | None:
    """The cache in ``directory``, or None (after one warning) when it cannot be used.

    A broken cache (see the module docstring) is moved aside and rebuilt once, with one warning."""
    directory = Path(directory)
    try:
        return Cache(directory)
    except (OSError, sqlite3.Error) as exc:
        first = exc
    if not (_is_corrupt(first) or _is_unreadable(first)):
        _warn(f"{directory}: {first}")
        return None
    try:  # another process may have rebuilt it in the meantime
        return Cache(directory)
    except (OSError, sqlite3.Error):
        pass
    try:
        if _is_corrupt(first):
            aside = _move_db_aside(directory / DB_NAME)
        else:
            aside = _move_dir_aside(directory)
        cache = Cache(directory)
    except (OSError, sqlite3.Error) as exc:
        _warn(f"{directory}: {_reason(first)}; rebuilding it failed: {_reason(exc)}")
        return None
    _warn(f"{directory}: {_reason(first)}", f"moved it to {aside} and started an empty cache")
    return cache


# -- model identity ------------------------------------------------------------------------------


def folder_signature(folder: Path) -> str:
    """What identifies a model folder without loading it: small files (configs, tokenizer) by
    content, large weight files by size and modification time (hashing ~100 MB on every run would
    cost more than most cached runs). A retrained model rewrites its weights, so the signature —
    and with it every cache key — changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\x00")
        if stat.st_size <= _SMALL_FILE:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def model_identity(kind: str, name: str | None, dtype: str | None = None) -> tuple[str, str]:
    """(display name, cache identity) of a model from the registry, a local folder or the hub.

    ``dtype``: the NLI number format asked for (the ``nli_dtype`` setting; default "auto")."""
    from checker.nli import precision_tag
    from checker.registry import resolve

    ref = resolve(kind, name)
    # NLI probabilities depend on the device kind and number format the model runs in
    tag = f":{precision_tag(quantize=ref.quantize, dtype=dtype)}" if kind == "nli" else ""
    if not ref.local:
        return ref.name, f"{kind}:{FORMAT}:hub:{ref.location}{tag}"
    return ref.name, f"{kind}:{FORMAT}:{ref.name}:{folder_signature(Path(ref.location))}{tag}"


# -- wrappers ------------------------------------------------------------------------------------


class _Lazy:
    """Holds a backend or a factory for one; ``backend`` loads it on first use and counts loads."""

    def __init__(self, backend: Any) -> None:
        self._factory: Callable[[], Any] | None = None
        self._backend: Any = None
        if callable(backend) and not hasattr(backend, "predict") and not hasattr(backend, "encode"):
            self._factory = backend
        else:
            self._backend = backend
        self.loads = 0  # factory calls: 0 after a fully cached run
        self.calls = 0  # backend predict/encode calls
        self.computed = 0  # inputs sent to the backend

    @property
    def backend(self) -> Any:
        if self._backend is None:
            assert self._factory is not None
            self._backend = self._factory()
            self.loads += 1
        return self._backend


def _missing(keys: Sequence[str], inputs: Sequence[Any], found: dict[str, Any]) -> dict[str, Any]:
    """key -> input for the inputs the cache lacks, each once, in first-seen order."""
    missing: dict[str, Any] = {}
    for key, item in zip(keys, inputs):
        if key not in found and key not in missing:
            missing[key] = item
    return missing


class CachedNLI(_Lazy):
    """An :class:`checker.nli.NLIBackend` that asks its backend only for pairs not in the cache.

    ``backend`` is a backend or a zero-argument function returning one (loaded only if needed).
    """

    def __init__(self, backend: NLIBackend | Callable[[], NLIBackend], cache: Cache | None, *, model_id: str, name: str | None = None) -> None:
        super().__init__(backend)
        self.cache = cache
        self.model_id = model_id
        self.name = name or getattr(backend, "name", model_id)

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        pairs = [(str(p), str(h)) for p, h in pairs]
        keys = [pair_key(p, h) for p, h in pairs]
        found = self.cache.get_nli(self.model_id, keys) if self.cache else {}
        missing = _missing(keys, pairs, found)
        if missing:
            self.calls += 1
            self.computed += len(missing)
            done = len(pairs) - len(missing)
            relay = (lambda d, t: progress(done + d, len(pairs))) if progress else None  # noqa: E731
            probs = self.backend.predict(list(missing.values()), batch_size=batch_size, progress=relay)
            new = dict(zip(missing, probs))
            if self.cache:
                self.cache.put_nli(self.model_id, new)
            found.update(new)
        if progress:
            progress(len(pairs), len(pairs))
        return [dict(found[key]) for key in keys]


class CachedEmbedder(_Lazy):
    """A sentence embedder (``encode(texts)`` -> unit vectors) that encodes only uncached texts."""

    def __init__(self, backend: Any, cache: Cache | None, *, model_id: str, name: str | None = None) -> None:
        super().__init__(backend)
        self.cache = cache
        self.model_id = model_id
        self.name = name or getattr(backend, "name", model_id)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        import numpy as np

        texts = [str(t) for t in texts]
        if not texts:
            return self.backend.encode([], batch_size=batch_size)
        keys = [text_key(t) for t in texts]
        found = self.cache.get_vectors(self.model_id, keys) if self.cache else {}
        missing = _missing(keys, texts, found)
        if missing:
            self.calls += 1
            self.computed += len(missing)
            matrix = np.asarray(self.backend.encode(list(missing.values()), batch_size=batch_size), dtype=np.float32)
            new = {key: matrix[i] for i, key in enumerate(missing)}
            if self.cache:
                self.cache.put_vectors(self.model_id, new)
            found.update(new)
        return np.stack([np.asarray(found[key], dtype=np.float32) for key in keys])


def cached_models(settings: Settings) -> tuple[CachedEmbedder, CachedNLI]:
    """The pipeline's embedder and NLI backend behind the cache in ``settings.cache_dir``.

    Models are loaded through :func:`checker.embed.load_embedder` / :func:`checker.nli.load_nli`
    (so in-process runs still share loaded models) and only when an input is missing. If the
    cache cannot be opened, the wrappers simply pass everything through.
    """
    from checker import embed, nli

    cache = open_cache(settings.cache_dir)
    emb_name, emb_id = model_identity("embedding", settings.embedding_model)
    nli_name, nli_id = model_identity("nli", settings.nli_model, settings.nli_dtype)
    embedder = CachedEmbedder(lambda: embed.load_embedder(settings.embedding_model), cache, model_id=emb_id, name=emb_name)
    backend = CachedNLI(lambda: nli.load_nli(settings.nli_model, dtype=settings.nli_dtype), cache, model_id=nli_id, name=nli_name)
    return embedder, backend
