"""``factcheck check``: judge a draft against its sources (or against itself) before it is published.

``compare`` treats its documents as peers; an editor at a desk asks a narrower question — is every
sentence of *my draft* supported by the sources, and does any of it contradict them? So check mode
is :func:`checker.pipeline.run` with ``mode="check"``: the same stages and rules as compare
(alignment, NLI in both directions, time/number/entity/attribution checks), with the check mode's
policy hooks (:class:`checker.modes.CheckMode`):

* only draft-to-source pairs are aligned and judged (sources are not checked against each other;
  neither are two drafts);
* a draft claim with no counterpart in any source is ``unsupported`` (FC302, warning) instead of
  ``only_in`` (info), and what only a source says is not reported — a draft need not repeat it;
* every finding points at the draft first (its primary location is a draft line), then the sources.

Without sources, a draft is checked against itself (see :mod:`checker.modes`).

Drafts are documents ``a``, ``b``, ... in the order given, then the sources; beyond 26 documents
the ids continue ``aa``, ``ab``, ... so any number of drafts is checked in one run, with each
source loaded and embedded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from checker.modes import within_documents as _within_documents
from checker.types import Report, doc_id

if TYPE_CHECKING:
    from checker.config import Settings
    from checker.pipeline import Progress

__all__ = ["_within_documents", "check_draft", "check_drafts", "doc_id"]


def check_draft(draft: Path, sources: Sequence[Path], *, dates: Sequence[date | None] | None = None, settings: Settings | None = None, progress: Progress | None = None) -> Report:
    """One draft (document ``a``) against ``sources`` (or against itself when there are none).

    ``dates``: one publication date (or None) per document, the draft first, as in ``compare_paths``.
    """
    return check_drafts([draft], sources, dates=dates, settings=settings, progress=progress)


def check_drafts(
    drafts: Sequence[Path], sources: Sequence[Path], *, dates: Sequence[date | None] | None = None, settings: Settings | None = None, progress: Progress | None = None
) -> Report:
    """Every draft against the same sources, in one run: :func:`checker.pipeline.run` in check mode."""
    from checker.pipeline import run

    return run(drafts, settings, mode="check", against=sources, dates=dates, progress=progress)
