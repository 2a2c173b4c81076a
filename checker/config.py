"""Settings: one dataclass, read from ``[tool.factcheck]`` and overridden by command-line options.

Configuration is discovered the way ruff does it: walk up from a start directory and take the
nearest ``factcheck.toml`` or ``pyproject.toml`` that configures factcheck. Mistakes in the file
(an unknown key, a value of the wrong type) are errors, not warnings: a misspelt threshold that
is silently ignored would change what the checker reports without anyone noticing.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from checker.errors import UsageError
from checker.rules import RULES

FAIL_ON_CHOICES = ("error", "warning", "info", "none")
CONFIG_FILES = ("factcheck.toml", "pyproject.toml")  # checked in this order in each directory


@dataclass
class Settings:
    """Everything a run can be configured with.

    Defaults:

    - ``nli_model="default"``: the shipped NLI model; a registry name, hub name or local path.
    - ``embedding_model="default"``: the shipped sentence-embedding model used for alignment.
    - ``align_min_similarity=0.45``: cosine similarity below which two claims are never aligned.
    - ``align_top_k=3``: candidate counterparts kept per claim before NLI.
    - ``contradiction_threshold=0.80``: NLI contradiction probability needed for FC101.
    - ``agreement_threshold=0.80``: NLI entailment probability needed for FC001.
    - ``support_threshold=0.0``: the score (from -1 to 1, :mod:`checker.score`) below which a claim
      is not supported by its source; ``factcheck calibrate`` fits it on labelled examples.
    - ``fail_on="error"``: lowest severity that makes the exit code 1 (``none``: never).
    - ``select=[]``: rule codes to report (empty: all rules). Prefixes (``FC1``) and rule
      names are accepted and expanded to full codes by :meth:`validate`.
    - ``ignore=[]``: rule codes never reported (wins over ``select``); same forms as ``select``.
    - ``per_file_ignores={}``: glob pattern -> rule codes never reported for findings located in
      matching documents, like ruff's ``per-file-ignores`` (TOML ``per-file-ignores`` or
      ``per_file_ignores``); codes take the same forms as ``ignore``. A finding's location is the
      document of its first claim (the draft in ``check``, document a or b in ``compare``). See
      :func:`path_matches` for how patterns match.
    - ``max_file_mb=10``: documents larger than this (in MB of 10^6 bytes) are refused.
    - ``aliases={}``: extra entity aliases, canonical name -> other names (``{"kyiv": ["kiev"]}``).
    - ``cache_dir=""``: where embeddings and NLI results are cached (:mod:`checker.cache`). For the
      command line, empty means ``$FACTCHECK_CACHE_DIR`` or ``.factcheck-cache`` in the working
      directory (``--no-cache`` turns it off); for library calls empty means no cache, so that
      embedding factcheck never writes files nobody asked for.
    """

    nli_model: str = "default"
    embedding_model: str = "default"
    align_min_similarity: float = 0.45
    align_top_k: int = 3
    contradiction_threshold: float = 0.80
    agreement_threshold: float = 0.80
    support_threshold: float = 0.0
    fail_on: str = "error"
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    max_file_mb: float = 10
    aliases: dict[str, list[str]] = field(default_factory=dict)
    cache_dir: str = ""
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    #: Directory that ``per_file_ignores`` patterns are relative to: the config file's directory
    #: (set when loading a file; not a TOML key). Empty: the working directory.
    config_dir: str = field(default="", metadata={"toml": False})

    def validate(self, origin: str = "settings") -> Settings:
        """Check values that a type alone does not constrain; ``origin`` names the source in errors."""
        for name in ("align_min_similarity", "contradiction_threshold", "agreement_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UsageError(f"{origin}: {name} must be between 0 and 1, got {value}")
        if not -1.0 <= self.support_threshold <= 1.0:
            raise UsageError(f"{origin}: support_threshold must be between -1 and 1, got {self.support_threshold}")
        if self.align_top_k < 1:
            raise UsageError(f"{origin}: align_top_k must be at least 1, got {self.align_top_k}")
        if self.max_file_mb <= 0:
            raise UsageError(f"{origin}: max_file_mb must be positive, got {self.max_file_mb}")
        if self.fail_on not in FAIL_ON_CHOICES:
            raise UsageError(
                f"{origin}: fail_on must be one of {', '.join(FAIL_ON_CHOICES)}, got {self.fail_on!r}"
            )
        self.select = normalise_codes(self.select, f"{origin}: select")
        self.ignore = normalise_codes(self.ignore, f"{origin}: ignore")
        if not isinstance(self.per_file_ignores, dict):
            raise UsageError(f"{origin}: per-file-ignores must be a table of pattern -> list of rule codes")
        if any(not str(pattern).strip() for pattern in self.per_file_ignores):
            raise UsageError(f"{origin}: per-file-ignores has an empty pattern")
        self.per_file_ignores = {
            str(pattern): normalise_codes(codes, f"{origin}: per-file-ignores[{pattern!r}]")
            for pattern, codes in self.per_file_ignores.items()
        }
        return self

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-None values replaced (command-line options win over the file)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def normalise_codes(codes: Iterable[str], origin: str) -> list[str]:
    """Full rule codes from comma lists of codes, prefixes or rule names/kinds.

    Prefixes work like ruff's (``FC1`` selects FC101-FC104) and names like ``contradiction`` or
    ``only-in-one-report`` are accepted too; all are expanded to full codes here, so everything
    downstream (the pipeline included) can match codes exactly. An item that matches no rule is
    an error: a typo must fail loudly rather than select nothing.
    """
    out: list[str] = []
    for item in codes:
        for part in str(item).split(","):
            token = part.strip()
            if not token:
                continue
            key = token.lower().replace("-", "_")
            matched = [r.code for r in RULES if r.code.startswith(token.upper())] or [
                r.code for r in RULES if key in (r.kind, r.name.replace("-", "_")) or (r.kind == "only_in" and key.startswith("only_in"))
            ]
            if not matched:
                known = ", ".join(r.code for r in RULES)
                raise UsageError(f"{origin}: unknown rule code {token!r} (known: {known})")
            out += [code for code in matched if code not in out]
    return out


def rule_enabled(code: str, select: list[str], ignore: list[str]) -> bool:
    """ruff semantics: empty ``select`` means all; ``ignore`` beats ``select``; prefixes match."""
    if any(code.startswith(prefix) for prefix in ignore):
        return False
    return not select or any(code.startswith(prefix) for prefix in select)


def path_matches(path: str | Path, pattern: str, root: str | Path = "") -> bool:
    """Whether a ``per_file_ignores`` pattern matches a document path.

    The path is tried twice: relative to ``root`` (the config file's directory; skipped when the
    document is outside it) and as given on the command line. Each form matches when either
    ``fnmatch.fnmatchcase(path, pattern)`` holds on the ``/``-separated path (so ``*`` also
    crosses ``/``: ``drafts/*.md`` matches ``drafts/2025/x.md``) or ``PurePath(path).match(pattern)``
    does (matching from the right, so a pattern without ``/`` such as ``opinion-*.md`` matches that
    file name in any directory). Matching is case-sensitive.
    """
    given = Path(path)
    candidates = [given.as_posix()]
    try:
        candidates.insert(0, given.resolve().relative_to(Path(root or ".").resolve()).as_posix())
    except ValueError:
        pass
    return any(fnmatch.fnmatchcase(c, pattern) or PurePosixPath(c).match(pattern) for c in candidates)


def per_file_ignored(code: str, path: str | Path, settings: Settings) -> bool:
    """Whether ``settings.per_file_ignores`` drops rule ``code`` for a finding located in ``path``."""
    return any(
        any(code.startswith(prefix) for prefix in codes) and path_matches(path, pattern, settings.config_dir)
        for pattern, codes in settings.per_file_ignores.items()
    )


# -- reading files ------------------------------------------------------------------------------

_FIELD_TYPES: dict[str, str] = {f.name: str(f.type) for f in fields(Settings) if f.metadata.get("toml", True)}


def _check_type(key: str, value: Any, kind: str, path: Path) -> Any:
    """Coerce/validate one TOML value against the dataclass annotation (a small, closed set)."""
    bad = UsageError(f"{path}: [tool.factcheck] {key} must be {_describe(kind)}, got {value!r}")
    if kind == "str":
        if not isinstance(value, str):
            raise bad
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        return float(value)
    if kind == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad
        return list(value)
    if kind == "dict[str, list[str]]":
        if not isinstance(value, dict):
            raise bad
        out: dict[str, list[str]] = {}
        for canonical, names in value.items():
            if isinstance(names, str) and key.replace("-", "_") == "aliases":
                names = [names]  # a single alias; per-file-ignores must list its codes
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise bad
            out[str(canonical)] = list(names)
        return out
    raise AssertionError(f"unhandled settings type {kind}")  # pragma: no cover


def _describe(kind: str) -> str:
    return {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "list[str]": "a list of strings",
        "dict[str, list[str]]": "a table of name -> list of strings",
    }[kind]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read configuration {path}: {exc.strerror or exc}") from None


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The factcheck table of a config file, or None when the file does not configure factcheck.

    ``pyproject.toml`` must use ``[tool.factcheck]``. ``factcheck.toml`` may use either
    ``[tool.factcheck]`` or top-level keys (like ``ruff.toml``).
    """
    tool = data.get("tool")
    table = tool.get("factcheck") if isinstance(tool, dict) else None
    if table is not None:
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [tool.factcheck] must be a table")
        return table
    if path.name == "factcheck.toml":
        return {k: v for k, v in data.items() if k != "tool"}
    return None


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    """Build Settings from a ``[tool.factcheck]`` table; keys may use ``-`` or ``_``."""
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _FIELD_TYPES:
            known = ", ".join(sorted(_FIELD_TYPES))
            raise UsageError(f"{path}: unknown key {raw_key!r} in [tool.factcheck] (known: {known})")
        values[key] = _check_type(raw_key, value, _FIELD_TYPES[key], path)
    return Settings(**values, config_dir=str(path.parent)).validate(str(path))


def load_settings_file(path: Path) -> Settings:
    """Settings from an explicit file (``--config``); a file without a factcheck table is an error."""
    if not path.is_file():
        raise UsageError(f"configuration file not found: {path}")
    table = _section(path, _read_toml(path))
    if table is None:
        raise UsageError(f"{path}: no [tool.factcheck] table")
    return settings_from_table(table, path)


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` that configures factcheck, if any.

    A ``pyproject.toml`` without ``[tool.factcheck]`` is skipped, so a project's own pyproject
    does not hide a factcheck.toml further up.
    """
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and _section(candidate, _read_toml(candidate)) is not None:
                return candidate
    return None


def load_settings(start: Path) -> Settings:
    """Settings from the nearest config file above ``start``, or the defaults when there is none."""
    path = find_config(start)
    return load_settings_file(path) if path else Settings()
