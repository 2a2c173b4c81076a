"""factcheck: fact-consistency checking across news reports.

    import checker
    report = checker.run(["a.txt", "b.txt"])                                    # factcheck compare
    report = checker.run(["draft.md"], mode="check", against=["src.txt"])       # factcheck check
    report = checker.run(paths, checker.Settings(ignore=["FC301"]), baseline=Path("baseline.json"))

Importing the package is cheap (no torch); models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Settings", "__version__", "load_nli", "run"]

if TYPE_CHECKING:
    from checker.config import Settings
    from checker.pipeline import run


def __getattr__(name: str) -> Any:
    """``checker.run`` and ``checker.Settings`` without importing the pipeline until they are used."""
    if name == "run":
        from checker.pipeline import run

        return run
    if name == "Settings":
        from checker.config import Settings

        return Settings
    raise AttributeError(f"module 'checker' has no attribute {name!r}")


def load_nli(name: str | None = None, **kwargs: Any) -> Any:
    """Load an NLI backend by registry name, hub name or local path (default: the shipped model).

    ``load_nli().predict([(premise, hypothesis), ...])`` returns one
    ``{"entailment": p, "neutral": p, "contradiction": p}`` mapping per pair.
    """
    from checker.nli import load_nli as _load

    return _load(name, **kwargs)
