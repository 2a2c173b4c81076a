"""Fit the decision thresholds on a newsroom's own labelled examples (``factcheck calibrate``).

The input is JSON Lines, one labelled example per line (the format is documented in
``docs/calibrate.md``)::

    {"claim": "Police arrested 35 people.", "document": "…", "label": "consistent"}
    {"claim": "…", "document_path": "sources/afp.txt", "label": "inconsistent", "date": "2025-02-24", "id": "x7"}

Every example is scored with :func:`checker.score.score_claims` and two settings are fitted:

* ``support_threshold`` — the cut on :attr:`Verdict.score <checker.score.Verdict.score>`
  (consistent = score >= threshold) with the best *balanced accuracy* (the mean of the share of
  consistent examples accepted and the share of inconsistent ones rejected, so a set with many
  more consistent than inconsistent examples cannot be "won" by accepting everything). The
  threshold sits midway between two adjacent distinct scores; among equally good thresholds the
  one closest to the current value wins (an exact tie between two goes to the higher, stricter,
  one). An honest estimate of how well the fitted threshold generalises comes from 5-fold
  cross-validation: fit on four folds, predict the fifth, and score the pooled predictions.
* ``contradiction_threshold`` — precision first: an example's contradiction is the highest
  :attr:`~checker.score.SentenceScore.pair_contradiction` of its sentences, and the threshold is the
  lowest value in 0.50, 0.51 … 0.99 at which at least ``min_precision`` of the examples at or
  above it are labelled inconsistent, and there are at least ``min_items`` of them. When none
  qualifies the current value is kept.

The contradiction threshold is fitted first because it changes the scores (a contradiction the
decision policy reports caps a sentence's score); when it changes, the examples are scored again
with the new value, so the support threshold is fitted on the scores that the written
configuration will produce.

Nothing here imports torch at module level; :func:`score_examples` does, through
:mod:`checker.score`.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, UsageError

if TYPE_CHECKING:
    from checker.config import Settings
    from checker.score import Verdict

Progress = Callable[[str, int, int], None]

FIELDS = ("claim", "document", "document_path", "label", "date", "id")
CONSISTENT_LABELS = {"consistent": True, "inconsistent": False}
MIN_PER_CLASS = 4
FOLDS = 5
CONTRADICTION_GRID = tuple(round(0.50 + i / 100, 2) for i in range(50))  # 0.50 .. 0.99
MIN_FLAGGED = 3
DEFAULT_MIN_PRECISION = 0.9
_EPS = 1e-12


# -- reading the labelled examples ----------------------------------------------------------------


@dataclass
class Example:
    """One labelled line of the JSONL file."""

    line: int
    claim: str
    document: str  # the document's text (for document_path: its body, as loaded)
    consistent: bool
    date: date | None = None
    id: str | None = None
    document_path: str | None = None  # as written in the file

    @property
    def label(self) -> str:
        return "consistent" if self.consistent else "inconsistent"


def read_examples(path: Path, *, max_file_mb: float = 10) -> list[Example]:
    """Parse a labelled JSONL file; every problem is an :class:`InputError` ``PATH:LINE: reason``.

    Blank lines are skipped. A ``document_path`` is read relative to the JSONL file's directory
    with :func:`checker.documents.load_document` (txt, md and html), once per file however many
    examples share it; without a ``date`` field an example takes the document's own date.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a JSONL file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from None

    loaded: dict[Path, tuple[str, date | None]] = {}
    seen_ids: dict[str, int] = {}
    examples: list[Example] = []
    # split on "\n" only: str.splitlines() would also split inside a string holding U+2028 and the like
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        example = _parse_line(raw, where, number, path.parent, loaded, max_file_mb)
        if example.id is not None:
            if example.id in seen_ids:
                raise InputError(f"{where}: id {example.id!r} is already used on line {seen_ids[example.id]}")
            seen_ids[example.id] = number
        examples.append(example)
    return examples


def _parse_line(raw: str, where: str, number: int, base: Path, loaded: dict, max_file_mb: float) -> Example:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise InputError(f'{where}: expected a JSON object {{"claim": …, "label": …}}, got {type(record).__name__}')
    unknown = [k for k in record if k not in FIELDS]
    if unknown:
        raise InputError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(FIELDS)})")

    claim = record.get("claim")
    if claim is None:
        raise InputError(f"{where}: missing field 'claim'")
    if not isinstance(claim, str):
        raise InputError(f"{where}: 'claim' must be a string, got {_json_type(claim)}")
    if not claim.strip():
        raise InputError(f"{where}: the claim is empty")

    if "label" not in record:
        raise InputError(f"{where}: missing field 'label' (consistent or inconsistent)")
    consistent = parse_label(record["label"], where)

    when = None
    if record.get("date") is not None:
        value = record["date"]
        try:
            if not isinstance(value, str) or len(value.strip()) != 10:
                raise ValueError
            when = date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"{where}: 'date' must be a date YYYY-MM-DD, got {json.dumps(value, ensure_ascii=False)}") from None

    ident = record.get("id")
    if ident is not None:
        if isinstance(ident, bool) or not isinstance(ident, (str, int)):
            raise InputError(f"{where}: 'id' must be a string or a number, got {_json_type(ident)}")
        ident = str(ident)

    has_text, has_path = "document" in record, "document_path" in record
    if has_text and has_path:
        raise InputError(f"{where}: give either 'document' or 'document_path', not both")
    if not has_text and not has_path:
        raise InputError(f"{where}: missing field 'document' (the source text) or 'document_path' (a file)")
    doc_path = None
    if has_text:
        document = record["document"]
        if not isinstance(document, str):
            raise InputError(f"{where}: 'document' must be a string, got {_json_type(document)}")
        if not document.strip():
            raise InputError(f"{where}: the document is empty")
    else:
        doc_path = record["document_path"]
        if not isinstance(doc_path, str) or not doc_path.strip():
            raise InputError(f"{where}: 'document_path' must be a file path, got {json.dumps(doc_path, ensure_ascii=False)}")
        document, doc_date = _load(base, doc_path, where, loaded, max_file_mb)
        when = when or doc_date
    return Example(number, claim, document, consistent, when, ident, doc_path)


def parse_label(value: Any, where: str) -> bool:
    """``"consistent"``/``"inconsistent"`` (any case), ``true``/``false`` or ``1``/``0`` -> consistent?"""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in CONSISTENT_LABELS:
        return CONSISTENT_LABELS[value.strip().lower()]
    shown = json.dumps(value, ensure_ascii=False)
    raise InputError(f'{where}: unknown label {shown} (use "consistent" or "inconsistent", true/false or 1/0)')


def _load(base: Path, name: str, where: str, loaded: dict, max_file_mb: float) -> tuple[str, date | None]:
    from checker.documents import load_document

    target = Path(name).expanduser()
    if not target.is_absolute():
        target = base / target
    key = target.resolve()
    if key in loaded:
        return loaded[key]
    if not target.exists():
        raise InputError(f"{where}: document_path {name}: no such file (looked for {key})")
    if target.is_dir():
        raise InputError(f"{where}: document_path {name}: is a directory, not a document")
    try:
        doc = load_document(target, "b", max_bytes=int(max_file_mb * 1_000_000))
    except InputError as exc:
        raise InputError(f"{where}: document_path {name}: {exc}") from None
    # The body blocks, one paragraph each: what the document means once headers, front matter,
    # markup and boilerplate are gone (score_claims reads it as plain text).
    body = "\n\n".join(" ".join(doc.raw_text[s:e].split()) for s, e in doc.body_spans)
    loaded[key] = (body, doc.date)
    return loaded[key]


def _json_type(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def check_counts(examples: Sequence[Example], path: Path | str) -> tuple[int, int]:
    """(consistent, inconsistent); an error unless there are at least MIN_PER_CLASS of each."""
    pos = sum(e.consistent for e in examples)
    neg = len(examples) - pos
    if pos < MIN_PER_CLASS or neg < MIN_PER_CLASS:
        raise InputError(f"{path}: calibration needs at least {MIN_PER_CLASS} consistent and {MIN_PER_CLASS} inconsistent examples, got {pos} consistent and {neg} inconsistent")
    return pos, neg


# -- fitting --------------------------------------------------------------------------------------


def balanced_accuracy(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> float:
    """Mean of the consistent examples' hit rate (score >= threshold) and the inconsistent ones'
    (score < threshold); a class with no examples counts as fully right."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    tpr = sum(s >= threshold for s in pos) / len(pos) if pos else 1.0
    tnr = sum(s < threshold for s in neg) / len(neg) if neg else 1.0
    return (tpr + tnr) / 2


def _candidates(scores: Sequence[float]) -> list[float]:
    """Thresholds midway between adjacent distinct scores, plus one midway between the lowest score
    and -1 (everything consistent) and, when the scores stop short of 1, one midway between the
    highest and 1 (nothing consistent)."""
    values = sorted(set(float(s) for s in scores))
    out = [(a + b) / 2 for a, b in zip(values, values[1:])]
    lo, hi = values[0], values[-1]
    out.insert(0, (lo - 1.0) / 2 if lo > -1.0 else -1.0)
    if hi < 1.0:
        out.append((hi + 1.0) / 2)
    return [_tidy(t, values) for t in out]


def _tidy(t: float, values: Sequence[float]) -> float:
    """``t`` rounded to 6 decimals when that puts no score on the other side of it."""
    r = round(t, 6)
    if all((v >= r) == (v >= t) for v in values) and -1.0 <= r <= 1.0:
        return r
    return t


def fit_support_threshold(scores: Sequence[float], labels: Sequence[bool], current: float = 0.0) -> float:
    """The threshold on score (consistent = score >= t) with the best balanced accuracy.

    Candidates lie midway between adjacent distinct scores (see :func:`_candidates`); among the
    best the closest to ``current`` wins, and of two equally close the higher (stricter) one.
    """
    if not scores:
        return current
    best: tuple[float, float, float] | None = None  # (-accuracy, distance, -threshold)
    for t in _candidates(scores):
        key = (-balanced_accuracy(scores, labels, t), abs(t - current), -t)
        if best is None or _better(key, best):
            best = key
    assert best is not None
    return -best[2]


def _better(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    for x, y in zip(a, b):
        if x < y - _EPS:
            return True
        if x > y + _EPS:
            return False
    return False


def fold_of(labels: Sequence[bool], folds: int = FOLDS) -> list[int]:
    """Deterministic stratified folds: the k-th example of each class (in file order) goes to fold k mod ``folds``."""
    seen = {True: 0, False: 0}
    out = []
    for y in labels:
        out.append(seen[bool(y)] % folds)
        seen[bool(y)] += 1
    return out


def cross_validate_support(scores: Sequence[float], labels: Sequence[bool], current: float = 0.0, folds: int = FOLDS) -> float:
    """Balanced accuracy of held-out predictions: for each fold, fit on the other folds and
    predict this one; the predictions of all folds are pooled and scored together."""
    assignment = fold_of(labels, folds)
    hits = {True: [0, 0], False: [0, 0]}  # label -> [right, total]
    for k in range(folds):
        test = [i for i, f in enumerate(assignment) if f == k]
        if not test:
            continue
        train = [i for i, f in enumerate(assignment) if f != k]
        t = fit_support_threshold([scores[i] for i in train], [labels[i] for i in train], current)
        for i in test:
            y = bool(labels[i])
            hits[y][0] += (scores[i] >= t) == y
            hits[y][1] += 1
    rates = [right / total for right, total in hits.values() if total]
    return sum(rates) / len(rates) if rates else float("nan")


@dataclass
class Flagged:
    """Examples whose contradiction reaches a threshold."""

    threshold: float
    flagged: int
    inconsistent: int  # of the flagged, how many are labelled inconsistent
    total_inconsistent: int

    @property
    def precision(self) -> float | None:
        return self.inconsistent / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        return self.inconsistent / self.total_inconsistent if self.total_inconsistent else None

    def to_json(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "flagged": self.flagged, "flagged_inconsistent": self.inconsistent, "precision": _r(self.precision), "recall": _r(self.recall)}


def flagged_at(contradictions: Sequence[float], labels: Sequence[bool], threshold: float) -> Flagged:
    hit = [y for c, y in zip(contradictions, labels) if c >= threshold]
    return Flagged(threshold, len(hit), sum(not y for y in hit), sum(not y for y in labels))


def fit_contradiction_threshold(
    contradictions: Sequence[float],
    labels: Sequence[bool],
    *,
    min_precision: float = DEFAULT_MIN_PRECISION,
    min_items: int = MIN_FLAGGED,
    grid: Sequence[float] = CONTRADICTION_GRID,
) -> float | None:
    """The lowest grid value at which at least ``min_items`` examples reach it and at least
    ``min_precision`` of those are labelled inconsistent; None when no value qualifies."""
    for t in grid:
        f = flagged_at(contradictions, labels, t)
        if f.flagged >= min_items and f.inconsistent >= min_precision * f.flagged - _EPS:
            return t
    return None


# -- the whole calibration ------------------------------------------------------------------------


@dataclass
class ItemResult:
    example: Example
    score: float
    contradiction: float
    warnings: list[str] = field(default_factory=list)


@dataclass
class Calibration:
    """What ``factcheck calibrate`` fitted, with the metrics it reports."""

    items: list[ItemResult]
    support_current: float
    support_fitted: float
    accuracy_current: float  # balanced accuracy with the settings as they were (both thresholds)
    accuracy_fitted: float  # with the fitted settings (on the scores they produce)
    accuracy_cv: float
    contradiction_current: float
    contradiction_fitted: float | None  # None: nothing qualified, the current value is kept
    min_precision: float
    min_items: int = MIN_FLAGGED
    folds: int = FOLDS

    @property
    def consistent(self) -> int:
        return sum(i.example.consistent for i in self.items)

    @property
    def inconsistent(self) -> int:
        return len(self.items) - self.consistent

    @property
    def contradiction_threshold(self) -> float:
        return self.contradiction_current if self.contradiction_fitted is None else self.contradiction_fitted

    def values(self) -> dict[str, float]:
        """The settings to write."""
        return {"support_threshold": self.support_fitted, "contradiction_threshold": self.contradiction_threshold}

    def flagged(self, threshold: float) -> Flagged:
        return flagged_at([i.contradiction for i in self.items], [i.example.consistent for i in self.items], threshold)

    def confusion(self, threshold: float) -> dict[str, int]:
        c = {"consistent_accepted": 0, "consistent_rejected": 0, "inconsistent_accepted": 0, "inconsistent_rejected": 0}
        for i in self.items:
            accepted = i.score >= threshold
            c[f"{i.example.label}_{'accepted' if accepted else 'rejected'}"] += 1
        return c

    def to_json(self) -> dict[str, Any]:
        fitted = self.contradiction_fitted
        return {
            "examples": {"total": len(self.items), "consistent": self.consistent, "inconsistent": self.inconsistent},
            "support_threshold": {
                "current": self.support_current,
                "fitted": self.support_fitted,
                "changed": self.support_fitted != self.support_current,
                "balanced_accuracy": {"current": _r(self.accuracy_current), "fitted": _r(self.accuracy_fitted), "cross_validated": _r(self.accuracy_cv), "folds": self.folds},
                "confusion": self.confusion(self.support_fitted),
            },
            "contradiction_threshold": {
                "current": self.contradiction_current,
                "fitted": self.contradiction_threshold,
                "changed": fitted is not None and fitted != self.contradiction_current,
                "qualified": fitted is not None,
                "min_precision": self.min_precision,
                "min_items": self.min_items,
                "at_current": self.flagged(self.contradiction_current).to_json(),
                "at_fitted": self.flagged(fitted).to_json() if fitted is not None else None,
            },
            "items": [
                {
                    "line": i.example.line,
                    "id": i.example.id,
                    "label": i.example.label,
                    "score": i.score,
                    "contradiction": i.contradiction,
                    "consistent_at_fitted": i.score >= self.support_fitted,
                    "warnings": i.warnings,
                }
                for i in self.items
            ],
        }


def _r(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(x, 4)


def score_examples(examples: Sequence[Example], settings: Settings, progress: Progress | None = None) -> list[Verdict]:
    from checker.score import score_claims

    return score_claims([(e.claim, e.document) for e in examples], dates=[e.date for e in examples], settings=settings, progress=progress)


def calibrate(examples: Sequence[Example], settings: Settings, *, min_precision: float = DEFAULT_MIN_PRECISION, progress: Progress | None = None) -> Calibration:
    """Score the examples and fit both thresholds (see the module docstring)."""
    labels = [e.consistent for e in examples]
    verdicts = score_examples(examples, settings, progress)
    current = float(settings.support_threshold)
    accuracy_current = balanced_accuracy([v.score for v in verdicts], labels, current)  # the settings as they are
    contradictions = [max((s.pair_contradiction for s in v.sentences), default=0.0) for v in verdicts]
    fitted_c = fit_contradiction_threshold(contradictions, labels, min_precision=min_precision)
    if fitted_c is not None and fitted_c != settings.contradiction_threshold:
        # The contradiction threshold changes which sentences the decision policy caps: score again
        # (the cache, when there is one, makes this cheap) so support_threshold fits the new scores.
        rescore = (lambda stage, done, total: progress(f"rescoring: {stage}", done, total)) if progress else None
        verdicts = score_examples(examples, settings.with_overrides(contradiction_threshold=fitted_c), rescore)
    scores = [v.score for v in verdicts]
    fitted_s = fit_support_threshold(scores, labels, current)
    items = [ItemResult(e, v.score, c, list(v.warnings)) for e, v, c in zip(examples, verdicts, contradictions)]
    return Calibration(
        items=items,
        support_current=current,
        support_fitted=fitted_s,
        accuracy_current=accuracy_current,
        accuracy_fitted=balanced_accuracy(scores, labels, fitted_s),
        accuracy_cv=cross_validate_support(scores, labels, current),
        contradiction_current=float(settings.contradiction_threshold),
        contradiction_fitted=fitted_c,
        min_precision=min_precision,
    )


# -- the configuration file ----------------------------------------------------------------------


@dataclass
class ConfigFile:
    """The file the fitted values go to, parsed with tomlkit so comments and layout survive."""

    path: Path
    exists: bool
    doc: Any  # tomlkit.TOMLDocument
    original: str


def config_target(config: Path | None, cwd: Path) -> Path:
    """``--config`` if given, else the config :func:`checker.config.find_config` finds from ``cwd``,
    else ``factcheck.toml`` in ``cwd``."""
    from checker.config import find_config

    if config is not None:
        return config
    return find_config(cwd) or cwd / "factcheck.toml"


def read_config(path: Path) -> ConfigFile:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    if path.is_dir():
        raise UsageError(f"--config {path} is a directory")
    if not path.exists():
        if not path.resolve().parent.is_dir():
            raise UsageError(f"cannot create {path}: directory {path.parent} does not exist")
        return ConfigFile(path, False, tomlkit.document(), "")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read configuration {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    return ConfigFile(path, True, doc, text)


def _factcheck_table(cfg: ConfigFile, create: bool) -> Any:
    """The table holding factcheck's keys: ``[tool.factcheck]``, or the top level of a
    ``factcheck.toml`` that configures factcheck with top-level keys (as ruff.toml does)."""
    import tomlkit

    doc = cfg.doc
    tool = doc.get("tool")
    if tool is not None and not isinstance(tool, Mapping):
        raise UsageError(f"{cfg.path}: 'tool' must be a table")
    if tool is not None and "factcheck" in tool:
        if not isinstance(tool["factcheck"], Mapping):
            raise UsageError(f"{cfg.path}: [tool.factcheck] must be a table")
        return tool["factcheck"]
    if cfg.path.name == "factcheck.toml" and any(k != "tool" for k in doc):
        return doc
    if not create:
        return None
    if tool is None:
        doc["tool"] = tomlkit.table(is_super_table=True)
    doc["tool"]["factcheck"] = tomlkit.table()
    return doc["tool"]["factcheck"]


def settings_for(cfg: ConfigFile) -> Settings:
    """The settings the file holds now (defaults when it has no factcheck table or does not exist)."""
    from checker.config import Settings, settings_from_table

    table = _factcheck_table(cfg, create=False)
    if table is None:
        return Settings(config_dir=str(cfg.path.parent))
    plain = table.unwrap() if hasattr(table, "unwrap") else dict(table)
    if table is cfg.doc:
        plain = {k: v for k, v in plain.items() if k != "tool"}
    return settings_from_table(plain, cfg.path)


def updated_text(cfg: ConfigFile, values: dict[str, float]) -> str:
    """The file's text with ``values`` set in its factcheck table; an existing key keeps its
    spelling (``support-threshold`` or ``support_threshold``) and its comment."""
    import tomlkit

    table = _factcheck_table(cfg, create=True)
    for name, value in values.items():
        spellings = [k for k in list(table.keys()) if k.replace("-", "_") == name]
        for key in spellings or [name]:
            table[key] = tomlkit.item(float(value))
    text = tomlkit.dumps(cfg.doc)
    return text if text.endswith("\n") else text + "\n"


def diff(cfg: ConfigFile, new_text: str) -> str:
    lines = difflib.unified_diff(
        cfg.original.splitlines(keepends=True), new_text.splitlines(keepends=True), fromfile=str(cfg.path) if cfg.exists else "/dev/null", tofile=str(cfg.path)
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def write_config(cfg: ConfigFile, new_text: str) -> None:
    """Replace the file atomically (temp file in the same directory, then ``os.replace``)."""
    from checker.files import atomic_write_text

    atomic_write_text(cfg.path, new_text)


# -- the command ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What ``factcheck calibrate`` did: the fit, the config file and the change to it."""

    result: Calibration
    cfg: ConfigFile
    labelled: Path
    changes: str  # unified diff of the config file; empty when it already holds the values
    dry_run: bool

    @property
    def written(self) -> bool:
        return not self.dry_run and bool(self.changes)

    def warnings(self) -> list[str]:
        """One line per example warning, naming the labelled file's line."""
        return [f"{self.labelled}:{item.example.line}: {' '.join(w.split())}" for item in self.result.items for w in item.warnings]

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        data["config"] = {"path": str(self.cfg.path), "exists": self.cfg.exists, "written": self.written, "dry_run": self.dry_run, "diff": self.changes}
        return data

    def to_text(self) -> str:
        cfg = self.cfg
        lines = [calibration_text(self.result, self.labelled)]
        if not self.changes:
            lines.append(f"{cfg.path} already holds these values")
        else:
            action = ("would create" if not cfg.exists else "would update") if self.dry_run else ("created" if not cfg.exists else "updated")
            lines.append(f"{action} {cfg.path}" + (":" if self.dry_run else ""))
        text = "\n".join(lines) + "\n"
        return text + self.changes if self.dry_run and self.changes else text


def run_calibration(
    labelled: Path,
    *,
    config: Path | None,
    cwd: Path,
    min_precision: float = DEFAULT_MIN_PRECISION,
    dry_run: bool = False,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Read the examples, fit both thresholds and (unless ``dry_run``) write them into the config file."""
    from checker.pipeline import command_line_cache_dir

    if not 0.0 < min_precision <= 1.0:
        raise UsageError(f"--min-precision must be above 0 and at most 1, got {min_precision:g}")
    cfg = read_config(config_target(config, cwd))
    settings = settings_for(cfg)
    settings = settings.with_overrides("command line", cache_dir=command_line_cache_dir(settings, cache_dir, no_cache))
    examples = read_examples(labelled, max_file_mb=settings.max_file_mb)
    check_counts(examples, labelled)
    result = calibrate(examples, settings, min_precision=min_precision, progress=progress)
    new_text = updated_text(cfg, result.values())
    changes = diff(cfg, new_text)
    if not dry_run and changes:
        write_config(cfg, new_text)
    return Outcome(result, cfg, labelled, changes, dry_run)


def calibration_text(result: Calibration, labelled: Path) -> str:
    """The text summary of a fit: counts, both thresholds, before and after."""

    def num(x: float) -> str:
        return str(round(float(x), 6))

    s_change = f"{num(result.support_current)} -> {num(result.support_fitted)}" if result.support_fitted != result.support_current else f"{num(result.support_current)} (unchanged)"
    lines = [
        f"{labelled}: {len(result.items)} examples ({result.consistent} consistent, {result.inconsistent} inconsistent)",
        f"support_threshold        {s_change}: balanced accuracy {result.accuracy_current:.3f} -> {result.accuracy_fitted:.3f}, "
        f"{result.folds}-fold cross-validated {result.accuracy_cv:.3f}",
    ]
    now = result.flagged(result.contradiction_current)
    at_now = f"at {num(result.contradiction_current)}: {now.flagged} flagged" + (f", precision {now.precision:.2f}" if now.flagged else "")
    if result.contradiction_fitted is None:
        lines.append(
            f"contradiction_threshold  {num(result.contradiction_current)} (unchanged): no value in 0.50..0.99 flags at least "
            f"{result.min_items} examples with precision >= {result.min_precision:.2f} ({at_now})"
        )
    else:
        f = result.flagged(result.contradiction_fitted)
        c_change = (
            f"{num(result.contradiction_current)} -> {num(result.contradiction_fitted)}"
            if result.contradiction_fitted != result.contradiction_current
            else f"{num(result.contradiction_current)} (unchanged)"
        )
        lines.append(f"contradiction_threshold  {c_change}: {f.flagged} flagged, precision {f.precision:.2f}, recall {f.recall:.2f} ({at_now})")
    return "\n".join(lines)
