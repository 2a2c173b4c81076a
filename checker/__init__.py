"""factcheck: fact-consistency checking across news reports.

Importing the package is cheap (no torch); models load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "load_nli"]


def load_nli(name: str | None = None, **kwargs):
    """Load an NLI backend by registry name, hub name or local path (default: the shipped model).

    ``load_nli().predict([(premise, hypothesis), ...])`` returns one
    ``{"entailment": p, "neutral": p, "contradiction": p}`` mapping per pair.
    """
    from checker.nli import load_nli as _load

    return _load(name, **kwargs)
