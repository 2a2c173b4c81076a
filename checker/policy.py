"""The decision policy's building blocks: what a rule reads, what it returns, and how it is declared.

The rules themselves are in :mod:`checker.judge` (``PAIR_RULES``, in order); this module holds what
they share and nothing that loads a model, so that a check written elsewhere (an analysis module)
can declare a rule without importing the judge:

    from checker.policy import Draft, Pair, policy_rule

    @policy_rule("edits", decides=("quote_mismatch",), when="word ratio >= {verbatim_ratio} and ...",
                 finding="FC104 ... (warning)")
    def word_edits(pair: Pair) -> Draft | None:
        ...

and then one line in ``checker.judge.PAIR_RULES`` puts it in its place. A rule returns a
:class:`Draft` (the first rule that returns one decides the pair) or None (the next rule is tried).

Modes (``compare``, ``check``, ``score``) change *which* pairs are judged and what a claim without a
counterpart means through the hooks of :class:`Mode`; they never rewrite finished findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.types import Claim, Document

if TYPE_CHECKING:
    from checker.config import Settings


@dataclass
class Draft:
    """A finding before its rule code, final severity, position in the report and id are set (:func:`checker.judge.finalize`)."""

    kind: str
    message: str
    claims: list[str]
    check: str
    scores: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    hedged: bool = False  # lowers an error or warning one level
    severity: str | None = None  # None: the rule's default severity


@dataclass
class PairScores:
    """NLI probabilities for one pair, in both directions (a -> b and b -> a)."""

    ab: dict[str, float]
    ba: dict[str, float]

    @property
    def contradiction(self) -> float:
        """Contradiction is symmetric: both directions must say so, so the lower one counts."""
        return min(self.ab["contradiction"], self.ba["contradiction"])

    @property
    def entailment(self) -> float:
        return max(self.ab["entailment"], self.ba["entailment"])


@dataclass
class Pair:
    """What a pair rule reads: two aligned claims, their similarity and rank, NLI both ways, the settings."""

    a: Claim
    b: Claim
    similarity: float
    rank: int  # 1: the best match of at least one of the two claims
    nli: PairScores
    docs: dict[str, Document]
    settings: Settings
    backend: Any = None  # the NLI backend, for a rule that must ask it more than the two directions (None in checker.score)

    @property
    def hedged(self) -> bool:
        return bool(self.a.hedges or self.b.hedges)

    @property
    def scores(self) -> dict[str, float]:
        """The scores every pair finding carries."""
        s = self.nli

        def r(x: float) -> float:
            return round(float(x), 4)

        return {
            "similarity": r(self.similarity),
            "contradiction": r(s.contradiction),
            "entailment": r(s.entailment),
            "contradiction_ab": r(s.ab["contradiction"]),
            "contradiction_ba": r(s.ba["contradiction"]),
            "entailment_ab": r(s.ab["entailment"]),
            "entailment_ba": r(s.ba["entailment"]),
        }


@dataclass(frozen=True)
class PolicyRule:
    """One step of the decision policy: its name, what it decides, when, and the function that does it.

    ``when`` and ``finding`` are the words of docs/decision-policy.md's table; ``{name}`` in them
    stands for a setting and is rendered with its default value.
    """

    name: str
    decides: tuple[str, ...]
    when: str
    finding: str
    apply: Callable[..., Any]

    @property
    def doc(self) -> str:
        return (self.apply.__doc__ or "").strip()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.apply(*args, **kwargs)


def policy_rule(name: str, *, decides: tuple[str, ...], when: str, finding: str) -> Callable[[Callable[..., Any]], PolicyRule]:
    """Declare a policy rule (see the module docstring)."""

    def wrap(fn: Callable[..., Any]) -> PolicyRule:
        return PolicyRule(name, decides, when, finding, fn)

    return wrap


class Mode:
    """The hooks a mode of judgement sets; the base class is ``compare`` (reports as peers).

    * :meth:`unmatched`: what a claim without a counterpart is (compare: only in its report);
    * :meth:`adjust`: a draft seen from the mode's side (check: the draft's claims first, nothing
      about the sources alone), or None to drop it — applied before findings are final;
    * ``align`` (optional): which claim pairs are candidates; None: every pair of documents.
    """

    name = "compare"
    align: Callable[..., Any] | None = None

    def unmatched(self, claim: Claim, best: tuple[str, float] | None) -> Draft | None:
        return Draft(
            f"only_in_{claim.doc}",
            f"only in {claim.doc}: {short(claim.text)}",
            [claim.id],
            "alignment",
            {"best_similarity": round(best[1], 4)} if best else {},
            {"best_match": best[0] if best else None},
        )

    def adjust(self, draft: Draft) -> Draft | None:
        return draft


def short(text: str, n: int = 90) -> str:
    """One line of at most ``n`` characters, for messages."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def lower(severity: str) -> str:
    """One level down: error -> warning -> info."""
    return {"error": "warning", "warning": "info", "info": "info"}[severity]


# Measures the rules share with checks written elsewhere (the word-level edit check reads them too).
UPDATE_CUES = re.compile(r"\b(rose|risen|climbed|increased|now stands|now at|has reached|updated|revised|latest)\b", re.I)
_WORD = re.compile(r"[\w$%.,-]+")


def word_ratio(x: str, y: str) -> float:
    """How much of the two sentences' word sequences match (difflib), case- and quote-insensitive."""
    from difflib import SequenceMatcher

    wx = [w.strip(".,").lower() for w in _WORD.findall(x)]
    wy = [w.strip(".,").lower() for w in _WORD.findall(y)]
    return SequenceMatcher(None, wx, wy, autojunk=False).ratio() if wx and wy else 0.0
