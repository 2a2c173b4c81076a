"""Settings: one pydantic model, read from ``[tool.factcheck]`` and overridden by command-line options.

Every value the pipeline and the decision policy use is a field of :class:`Settings`, with its
default, its range and a one-line description (``docs/settings.md`` is generated from them). The
model is validated wherever it is built: ``Settings(...)`` in library code, a config file, or
command-line overrides. A wrong value or an unknown key is a :class:`~checker.errors.SettingsError`
with one line naming the key and where it came from: a misspelt threshold that is silently ignored
would change what the checker reports without anyone noticing.

Configuration is discovered the way ruff does it: walk up from a start directory and take the
nearest ``factcheck.toml`` or ``pyproject.toml`` that configures factcheck.

Adding a setting is one line in :class:`Settings` (a ``Field`` with a default, bounds and a
description), then ``python scripts/gen_docs.py`` to refresh docs/settings.md.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Iterable
from contextvars import ContextVar
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checker.errors import SettingsError
from checker.rules import RULES

FailOn = Literal["error", "warning", "info", "none"]
NliDtype = Literal["auto", "float32", "bfloat16", "float16"]
FAIL_ON_CHOICES: tuple[str, ...] = ("error", "warning", "info", "none")
CONFIG_FILES = ("factcheck.toml", "pyproject.toml")  # checked in this order in each directory
TABLE = "[tool.factcheck]"
NOT_IN_FILES = frozenset({"config_dir"})  # fields set by the loader, never by a config file


# Where the values being validated come from, for error messages: (origin, file key -> field name).
_ORIGIN: ContextVar[tuple[str, dict[str, str]]] = ContextVar("settings_origin", default=("settings", {}))


def _unit(default: float, description: str) -> Any:
    """A value in [0, 1]: a probability, a cosine similarity or a match ratio."""
    return Field(default, ge=0.0, le=1.0, description=description)


class Settings(BaseModel):
    """Everything a run can be configured with (see docs/settings.md for the table)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    # -- models
    nli_model: str = Field("default", description="NLI model: a registry name (models/registry.json), a local folder or a hub name.")
    embedding_model: str = Field("default", description="Sentence-embedding model used for alignment (same forms as nli_model).")
    nli_dtype: NliDtype = Field(
        "auto",
        description="Number format of NLI inference: auto (bfloat16 where the CPU has native BF16 or on CUDA, float32 elsewhere), or float32 / bfloat16 / float16 to force one.",
    )

    # -- alignment (checker/align.py)
    align_min_similarity: float = _unit(0.45, "Cosine similarity below which two claims are never aligned.")
    align_top_k: int = Field(3, ge=1, description="Candidate counterparts kept per claim and document before NLI.")
    align_only_in_below: float = _unit(0.40, "A claim whose best similarity to every other document is below this has no counterpart (FC301 / FC302).")

    # -- decision policy (checker/judge.py, docs/decision-policy.md)
    contradiction_threshold: float = _unit(0.80, "NLI contradiction probability needed in both directions for FC101 / FC102 / FC103.")
    agreement_threshold: float = _unit(0.80, "NLI entailment probability (either direction) needed for FC001.")
    contradiction_signal: float = _unit(
        0.50, "Contradiction (lower of both directions) that counts as a conflict signal: the entity check needs it; agreement needs both directions below it."
    )
    symbolic_min_similarity: float = _unit(0.70, "Similarity from which the number and entity checks trust a mismatch (FC201 / FC202).")
    time_min_similarity: float = _unit(0.60, "Similarity from which clearly disjoint resolved times make a pair FC203 different_time.")
    nli_min_similarity: float = _unit(0.60, "Similarity below which an NLI contradiction is noise: the claims are about different things.")
    paraphrase_similarity: float = _unit(0.75, "Similarity that counts as a close paraphrase (FC001 without NLI entailment, when nothing conflicts).")
    verbatim_ratio: float = _unit(0.90, "Word-sequence match ratio from which two sentences are the same text (FC001).")
    quote_ratio: float = _unit(0.80, "Word-sequence match ratio from which two quotations are the same quotation (FC104 when they differ).")
    dispute_link_similarity: float = _unit(0.75, "Similarity from which an attributed claim is linked to a dispute (FC103) without sharing the disputed verb.")
    support_threshold: float = Field(0.0, ge=-1.0, le=1.0, description="checker.score: the score below which a claim is not supported (fit it with `factcheck calibrate`).")

    # -- word-level edits between near-verbatim sentences (checker/analysis/edits.py)
    edit_min_word_ratio: float = _unit(0.80, "Word-sequence match ratio (quote-insensitive) from which two sentences are a copy whose edits are judged.")
    edit_min_shared_words: int = Field(5, ge=1, description="A shorter copy also counts when one span changed and at least this many words around it are the same.")
    edit_max_span_words: int = Field(4, ge=1, description="Longest replaced span (words) of such a one-span copy.")
    edit_predicate_nli_contradiction: float = Field(
        1.01,
        ge=0.0,
        le=1.01,
        description="NLI contradiction of a minimal pair (lower of both directions) from which an unexplained replaced span is a predicate turned into its opposite; above 1: off (the shipped model reads nearly any one-word change as a contradiction).",
    )
    edit_synonym_entailment: float = _unit(0.50, "Entailment both ways from which a replaced span is a synonym (silent).")

    # -- the dispute stage (issue 14, checker/dispute.py)
    dispute_top_k: int = Field(3, ge=0, description="Dispute candidates kept per claim and other report (fused TF-IDF / content-embedding rank).")
    dispute_refute_extra_k: int = Field(3, ge=0, description="Extra dispute candidates for a claim with a refutation cue ('in fact', 'no evidence', 'denied').")
    dispute_min_similarity: float = _unit(0.30, "Content similarity below which two claims are never dispute candidates.")
    dispute_nli_budget: float = Field(
        1.0, ge=0.0, le=10.0, description="NLI calls the dispute stage may add, as a multiple of the aligned pairs' calls (1.0: a run makes at most twice the calls)."
    )
    dispute_min_pairs: int = Field(10, ge=0, description="Dispute candidate pairs the stage may always judge, however few pairs were aligned.")
    dispute_contradiction: float = _unit(0.75, "NLI contradiction of the denying side (premise) against the asserting side needed for a dispute finding.")
    dispute_reverse_contradiction: float = _unit(0.50, "NLI contradiction the other direction must reach too (some conflict both ways).")
    dispute_severity: Literal["info", "warning"] = Field(
        "info",
        description="Severity of a dispute this stage finds with NLI past contradiction_threshold in one direction only (both ways keeps the "
        "kind's own). Info: on the dev expectations 1 of 5 such warnings was a real dispute (BENCHMARKS.md, disputes).",
    )
    dispute_max_entailment: float = _unit(0.10, "Entailment (either direction) from which a pair is not a dispute.")
    dispute_marker_top_k: int = Field(5, ge=0, description="Claims of the other reports tested against the proposition a dispute marker disputes.")
    dispute_marker_link: float = _unit(0.70, "NLI entailment / contradiction from which a claim of another report asserts / denies a disputed proposition.")

    # -- consensus across three or more reports (issue 15, checker/consensus.py)
    consensus_min_reports: int = Field(3, ge=2, description="`compare`: documents from which claims are grouped by fact across reports (the consensus view).")
    consensus_min_similarity: float = _unit(
        0.65, "Similarity from which a judged pair (an agreement, or a figure / date / place / name / assertion / quotation conflict) puts two claims in one claim group."
    )
    consensus_link_similarity: float = _unit(0.80, "Similarity from which an aligned pair that is one claim's best match puts two claims in one claim group without a finding.")

    # -- what is reported
    fail_on: FailOn = Field("error", description="Lowest severity that makes the exit code 1 (`none`: never).")
    select: list[str] = Field(default_factory=list, description="Rule codes, prefixes (FC1) or names to report; empty: all.")
    ignore: list[str] = Field(default_factory=list, description="Rule codes never reported (wins over select); same forms as select.")
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Glob pattern -> rule codes dropped for findings located in matching documents (TOML key `per-file-ignores`).",
    )

    # -- input and environment
    max_file_mb: float = Field(10, gt=0, description="Documents larger than this (MB of 10^6 bytes) are refused.")
    max_claim_chars: int = Field(
        2000, ge=200, description="A sentence longer than this (a run-on line without punctuation) is split into pieces at word boundaries, with a report warning."
    )
    aliases: dict[str, list[str]] = Field(default_factory=dict, description='Extra entity aliases: canonical name -> other names ({"kyiv" = ["Kiev"]}).')
    cache_dir: str = Field(
        "",
        description="Cache of embeddings and NLI results. Command line: empty means $FACTCHECK_CACHE_DIR or ./.factcheck-cache; library: no cache.",
    )
    #: Directory that ``per_file_ignores`` patterns are relative to: the config file's directory
    #: (set by the loader; not a TOML key). Empty: the working directory.
    config_dir: str = Field("", description="Set by the loader: the config file's directory (per-file-ignores are relative to it).")

    # -- corpus runs: story grouping and `factcheck corpus` (issue 15: checker/corpus; tuned on the PAC dev split)
    story_merge_threshold: float = _unit(0.48, "factcheck corpus: average combined similarity (title+lede, names, date) needed to merge two clusters into one story.")
    story_name_weight: float = _unit(0.15, "factcheck corpus: share of shared names (capitalised words, tf-idf) in the combined similarity; with story_date_weight at most 1.")
    story_date_weight: float = _unit(0.25, "factcheck corpus: share of date closeness (1 same day, 0.55 next day, 0.1 two days) in the combined similarity.")
    story_date_window_days: int = Field(3, ge=0, description="factcheck corpus: articles further apart than this many days are never one story.")
    story_neighbours: int = Field(10, ge=1, description="factcheck corpus: candidate pairs kept per article before clustering.")
    story_lede_sentences: int = Field(2, ge=1, description="factcheck corpus: sentences after the title that are embedded for grouping.")
    story_lede_max_words: int = Field(80, ge=1, description="factcheck corpus: cap on the words of the embedded lede.")
    corpus_max_text_chars: int = Field(10_000_000, ge=1, description="factcheck corpus: a record or article file with more characters of text than this is a bad record.")
    corpus_max_story_articles: int = Field(
        26, ge=2, le=26, description="factcheck corpus: a story with more articles is compared on this many (earliest first), with a warning; at most compare's 26."
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            origin, keys = _ORIGIN.get()
            raise SettingsError(describe_error(exc, origin, keys)) from None

    # -- validators: everything else is the field types and bounds above

    @field_validator("cache_dir", "config_dir", mode="before")
    @classmethod
    def _path_as_text(cls, value: Any) -> Any:
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    @field_validator("aliases", mode="before")
    @classmethod
    def _single_alias(cls, value: Any) -> Any:
        """``{"kyiv" = "Kiev"}``: one alias needs no list (per-file-ignores must list its codes)."""
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("select", "ignore")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return expand_codes(value)

    @field_validator("per_file_ignores")
    @classmethod
    def _per_file_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if any(not pattern.strip() for pattern in value):
            raise ValueError("has an empty pattern")
        out = {}
        for pattern, codes in value.items():
            try:
                out[pattern] = expand_codes(codes)
            except ValueError as exc:
                raise ValueError(f"[{pattern!r}]: {exc}") from None
        return out

    # -- building

    @classmethod
    def build(cls, values: dict[str, Any], origin: str, *, keys: dict[str, str] | None = None) -> Settings:
        """Validate ``values``; errors name ``origin`` (a file, "command line") and the key as written."""
        token = _ORIGIN.set((origin, keys or {}))
        try:
            return cls(**values)
        finally:
            _ORIGIN.reset(token)

    def with_overrides(self, origin: str = "settings", **overrides: Any) -> Settings:
        """A validated copy with the given non-None values replaced (command-line options win over the file)."""
        changes = {k: v for k, v in overrides.items() if v is not None}
        return self.build({**self.model_dump(), **changes}, origin) if changes else self

    @classmethod
    def file_keys(cls) -> list[str]:
        """The keys a config file may set."""
        return [name for name in cls.model_fields if name not in NOT_IN_FILES]


# -- error messages -----------------------------------------------------------------------------

_EXPECTED = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a table",
    "bool_type": "true or false",
}


def describe_error(exc: ValidationError, origin: str, keys: dict[str, str] | None = None) -> str:
    """The first problem of a ValidationError as one line: where, which key, what is wrong, what was given."""
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    name = str(loc[0]) if loc else ""
    key = (keys or {}).get(name, name)
    inner = "".join(f"[{part!r}]" for part in loc[1:])
    given = f", got {err['input']!r}" if "input" in err and not isinstance(err["input"], dict | Settings) else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        return _unknown_key(origin, key)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than") and not inner:
        return f"{origin}: {key} must be {_bounds(name)}{given}"
    if kind == "literal_error":
        return f"{origin}: {key}{inner} must be one of {', '.join(FAIL_ON_CHOICES)}{given}"
    if kind in _EXPECTED:
        return f"{origin}: {key}{inner} must be {_EXPECTED[kind]}{given}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{origin}: {key}{inner}{'' if message.startswith('[') else ': '}{message}"


def _unknown_key(origin: str, key: str) -> str:
    in_table = f" in {TABLE}" if origin not in ("settings", "command line") else ""
    return f"{origin}: unknown key {key!r}{in_table} (known: {', '.join(sorted(Settings.file_keys()))})"


def _bounds(name: str) -> str:
    """The range a field accepts, from its declared bounds: "between 0 and 1", "at least 1", "positive"."""
    limits: dict[str, float] = {}
    for meta in Settings.model_fields[name].metadata:
        for attr in ("ge", "le", "gt", "lt"):
            if getattr(meta, attr, None) is not None:
                limits[attr] = getattr(meta, attr)
    if "ge" in limits and "le" in limits:
        return f"between {limits['ge']:g} and {limits['le']:g}"
    if limits.get("gt") == 0:
        return "positive"
    if "ge" in limits:
        return f"at least {limits['ge']:g}"
    if "gt" in limits:
        return f"greater than {limits['gt']:g}"
    return f"at most {limits.get('le', limits.get('lt')):g}"


# -- rule codes ---------------------------------------------------------------------------------


def expand_codes(codes: Iterable[str]) -> list[str]:
    """Full rule codes from comma lists of codes, prefixes or rule names/kinds; ValueError on a typo.

    Prefixes work like ruff's (``FC1`` selects FC101-FC104) and names like ``contradiction`` or
    ``only-in-one-report`` are accepted too; all are expanded to full codes here, so everything
    downstream can match codes exactly. An item that matches no rule is an error: a typo must fail
    loudly rather than select nothing.
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
                raise ValueError(f"unknown rule code {token!r} (known: {', '.join(r.code for r in RULES)})")
            out += [code for code in matched if code not in out]
    return out


def normalise_codes(codes: Iterable[str], origin: str) -> list[str]:
    """:func:`expand_codes` with errors as one line naming ``origin`` (an option, a comment)."""
    try:
        return expand_codes(codes)
    except ValueError as exc:
        raise SettingsError(f"{origin}: {exc}" if origin else str(exc)) from None


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
    return any(any(code.startswith(prefix) for prefix in codes) and path_matches(path, pattern, settings.config_dir) for pattern, codes in settings.per_file_ignores.items())


# -- reading files ------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"cannot read configuration {path}: {exc.strerror or exc}") from None


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The factcheck table of a config file, or None when the file does not configure factcheck.

    ``pyproject.toml`` must use ``[tool.factcheck]``. ``factcheck.toml`` may use either
    ``[tool.factcheck]`` or top-level keys (like ``ruff.toml``).
    """
    tool = data.get("tool")
    table = tool.get("factcheck") if isinstance(tool, dict) else None
    if table is not None:
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: {TABLE} must be a table")
        return table
    if path.name == "factcheck.toml":
        return {k: v for k, v in data.items() if k != "tool"}
    return None


def settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    """Build Settings from a ``[tool.factcheck]`` table; keys may use ``-`` or ``_``."""
    values: dict[str, Any] = {}
    keys: dict[str, str] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key in NOT_IN_FILES:  # a field, but set by the loader: to a file it is an unknown key
            raise SettingsError(_unknown_key(str(path), raw_key))
        keys[key] = raw_key
        values[key] = value
    values["config_dir"] = str(path.parent)
    return Settings.build(values, str(path), keys=keys)


def load_settings_file(path: Path) -> Settings:
    """Settings from an explicit file (``--config``); a file without a factcheck table is an error."""
    if not path.is_file():
        raise SettingsError(f"configuration file not found: {path}")
    table = _section(path, _read_toml(path))
    if table is None:
        raise SettingsError(f"{path}: no {TABLE} table")
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


def settings_table() -> str:
    """docs/settings.md's table, generated from the fields (a test keeps the file in step)."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if name in NOT_IN_FILES:
            continue
        default = field.get_default(call_default_factory=True)
        shown = f'"{default}"' if isinstance(default, str) else repr(default)
        key = "per-file-ignores" if name == "per_file_ignores" else name
        rows.append(f"| `{key}` | `{shown}` | {field.description} |")
    return "\n".join(rows)
