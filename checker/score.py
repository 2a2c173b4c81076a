"""Score a claim (or a whole summary) against a source document: the ``check`` judgement as one call.

    from checker.score import score_claim
    verdict = score_claim("Police arrested 35 people on Sunday.", article_text)
    verdict.score, verdict.consistent, verdict.findings

The claim and the document go through the same machinery as ``factcheck check``: segmentation,
attribution, entities, times and quantities (:func:`checker.pipeline.analyse`), embedding
alignment, the NLI model, and the decision policy of :func:`checker.judge.judge_pair` on each
claim sentence's best-matching source sentence. What this adds is a *score*, so that a claim can be
ranked, thresholded and benchmarked:

* **Evidence units with overlap.** A claim sentence may need two or three source sentences
  together, so the premises are single source sentences *and* windows of three consecutive
  sentences (each window overlaps the next by two). A unit never exceeds what the model reads: a
  window that would not fit is dropped (its sentences are still units), and a sentence too long for
  the model is cut into overlapping pieces. Nothing is silently truncated: when a *claim* sentence
  itself is longer than the model reads, the verdict carries a warning saying so.
* **Sentence score** = the best ``P(entailment) - P(contradiction)`` over the claim sentence's top
  aligned units (in [-1, 1]), then capped by the symbolic checks: a conflict the decision policy
  reports (contradiction, figures or places that differ, a misquoted quotation) caps it at
  ``weights.conflict_cap``; a figure or a name that appears nowhere in the source caps it at
  ``weights.unsupported_cap``.
* **Claim score** = the *minimum* over its sentences: one false sentence makes a summary
  inconsistent, however many true ones surround it (an average would dilute it away).
* ``consistent`` = score >= ``settings.support_threshold`` (fit it on your own labelled examples
  with ``factcheck calibrate``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, UsageError
from checker.tokens import MAX_LENGTH, PAIR_OVERHEAD, token_counter
from checker.types import Claim, Document, Finding

if TYPE_CHECKING:
    from checker.config import Settings

Progress = Callable[[str, int, int], None]

SCORE_VERSION = "3"  # bump when the scoring rule changes, so cached benchmark scores are not reused
CONFLICT_KINDS = ("contradiction", "numeric_mismatch", "entity_mismatch", "quote_mismatch", "attributed_disagreement", "disputed")
NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT")


@dataclass(frozen=True)
class Weights:
    """The scoring rule's constants (see the module docstring); part of the score's identity."""

    sentence_units: int = 3  # top single-sentence units per claim sentence
    window_units: int = 2  # top three-sentence windows per claim sentence
    window: int = 3  # sentences per window
    conflict_cap: float = -0.5
    unsupported_cap: float = -0.2
    max_claim_tokens: int = 128  # a claim sentence longer than this is cut (with a warning)

    def key(self) -> str:
        return hashlib.sha256(repr((SCORE_VERSION, dataclasses.astuple(self))).encode()).hexdigest()[:12]


@dataclass
class Evidence:
    """One source unit (a sentence, a window of sentences or a piece of a long sentence)."""

    text: str
    start: int  # offsets into the document text
    end: int
    similarity: float
    entailment: float
    contradiction: float


@dataclass
class SentenceScore:
    text: str
    start: int  # offsets into the claim text
    end: int
    score: float
    entailment: float  # best entailment over the units
    contradiction: float  # contradiction of the best-supporting unit
    evidence: Evidence | None
    flags: list[str] = field(default_factory=list)  # symbolic checks that fired, e.g. "number_not_in_source: 35"
    similarity: float = 0.0  # best embedding similarity between the sentence and any source unit
    max_contradiction: float = 0.0  # highest contradiction from any of its top units
    pair_contradiction: float = 0.0  # contradiction in both directions (the lower) with the best-matching source sentence: what contradiction_threshold is compared with


@dataclass
class Verdict:
    score: float
    consistent: bool
    threshold: float
    sentences: list[SentenceScore]
    findings: list[Finding]
    warnings: list[str]
    nli_pairs: int

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class _Unit:
    text: str
    start: int
    end: int
    first: int  # index of the first source sentence it covers
    sentence: Claim | None  # the source sentence, for single-sentence units
    kind: str = "sentence"  # sentence | piece (of a sentence too long for the model) | window


@dataclass
class _Source:
    """A source document and what :func:`_prepare` derives from it once, for all its claims."""

    doc: Document
    units: list[_Unit] = field(default_factory=list)
    numbers: list = field(default_factory=list)  # every Quantity in the document
    times: list = field(default_factory=list)  # every resolved TimeRef in the document
    names: set[str] = field(default_factory=set)  # canonical entity keys in the document
    lowered: str = ""  # the body text, normalised (checker.analysis.entities.normalise), for name lookups
    words: set[str] = field(default_factory=set)  # its words
    digits: set[str] = field(default_factory=set)  # its numbers written with digits


# -- public API ---------------------------------------------------------------------------------


def score_claim(claim: str, document: str, *, date: date | None = None, settings: Settings | None = None, weights: Weights | None = None) -> Verdict:
    """One claim (a sentence or a whole summary) against one source document."""
    return score_claims([(claim, document)], dates=[date], settings=settings, weights=weights)[0]


def score_claims(
    items: Sequence[tuple[str, str]],
    *,
    dates: Sequence[date | None] | None = None,
    settings: Settings | None = None,
    weights: Weights | None = None,
    progress: Progress | None = None,
) -> list[Verdict]:
    """Many (claim, document) pairs at once: documents shared by several claims are analysed and
    embedded once, and all NLI pairs go to the model in one batched pass."""
    from checker.config import Settings
    from checker.pipeline import analyse, models
    from checker.quiet import quiet_libraries

    quiet_libraries()
    settings = settings or Settings()
    weights = weights or Weights()
    dates = list(dates) if dates is not None else [None] * len(items)
    if len(dates) != len(items):
        raise UsageError(f"{len(dates)} dates for {len(items)} items")
    embedder, nli = models(settings)
    count = token_counter(settings.nli_model)

    sources: dict[tuple[str, date | None], _Source] = {}
    claims_docs: list[Document] = []
    for n, ((claim, document), when) in enumerate(zip(items, dates)):
        if not isinstance(claim, str) or not claim.strip():
            raise InputError(f"item {n + 1}: the claim is empty")
        if not isinstance(document, str) or not document.strip():
            raise InputError(f"item {n + 1}: the document is empty")
        key = (document, when)
        if key not in sources:
            sources[key] = _Source(_text_document(document, "b", when, f"item {n + 1} document", settings.max_claim_chars))
        claims_docs.append(_text_document(claim, "a", when, f"item {n + 1} claim", settings.max_claim_chars))
    if progress:
        progress("analysis", 0, len(sources) + len(claims_docs))
    analyse([s.doc for s in sources.values()] + claims_docs, settings)
    for src in sources.values():
        _prepare(src, weights, MAX_LENGTH - weights.max_claim_tokens - PAIR_OVERHEAD, count)
    if progress:
        progress("analysis", len(sources) + len(claims_docs), len(sources) + len(claims_docs))

    # embeddings: every claim sentence and every unit, once
    texts: dict[str, int] = {}
    for src in sources.values():
        for u in src.units:
            texts.setdefault(u.text, len(texts))
    for d in claims_docs:
        for c in d.claims:
            texts.setdefault(c.text, len(texts))
    if progress:
        progress("embedding", 0, len(texts))
    matrix = embedder.encode(list(texts))
    if progress:
        progress("embedding", len(texts), len(texts))

    plans = []
    pairs: list[tuple[str, str]] = []
    for (_, document), when, cdoc in zip(items, dates, claims_docs):
        src = sources[(document, when)]
        plans.append(_plan(cdoc, src, texts, matrix, weights, count, pairs))
    if progress:
        progress("nli", 0, len(pairs))
    probs = nli.predict(pairs, progress=(lambda done, total: progress("nli", done, total)) if progress else None)

    threshold = settings.support_threshold
    return [_verdict(plan, sources[(doc, when)], probs, settings, weights, threshold) for plan, (_, doc), when in zip(plans, items, dates)]


# -- loading --------------------------------------------------------------------------------------


def _text_document(text: str, doc_id: str, when: date | None, name: str, max_chars: int) -> Document:
    from checker.documents import document_from_text
    from checker.segment import segment

    doc = document_from_text(text, doc_id, date=when, name=name)
    segment(doc, max_chars)
    if not doc.claims:
        raise InputError(f"{name}: no sentences found")
    return doc


# -- evidence units -----------------------------------------------------------------------------


def _prepare(src: _Source, weights: Weights, budget: int, count: Callable[[str], int]) -> None:
    """Units with overlap: each sentence (cut into overlapping pieces when too long), and each
    window of ``weights.window`` consecutive sentences that fits the model."""
    from checker.analysis.entities import normalise

    doc = src.doc
    sentences = [c for c in doc.claims]
    sizes = [count(c.text) for c in sentences]
    units: list[_Unit] = []
    for i, c in enumerate(sentences):
        if sizes[i] <= budget:
            units.append(_Unit(c.text, c.start, c.end, i, c))
        else:
            units += [_Unit(t, c.start, c.end, i, None, "piece") for t in _pieces(c.text, budget, sizes[i])]
    w = weights.window
    if len(sentences) > 1:
        for i in range(max(1, len(sentences) - w + 1)):
            group = sentences[i : i + w]
            if len(group) > 1 and sum(sizes[i : i + w]) <= budget:
                units.append(_Unit(" ".join(c.text for c in group), group[0].start, group[-1].end, i, None, "window"))
    src.units = units
    src.numbers = [q for c in sentences for q in c.quantities]
    src.times = [t for c in sentences for t in c.times if t.start is not None]
    src.names = {e.canonical for c in sentences for e in c.entities}
    src.lowered = normalise(" ".join(c.text for c in sentences))
    src.words = set(_WORDS.findall(src.lowered))
    src.digits = _digits(" ".join(c.text for c in sentences))


def _pieces(text: str, budget: int, size: int) -> list[str]:
    """A sentence longer than the model reads, as word windows overlapping by a quarter."""
    words = text.split()
    per = max(8, int(len(words) * budget / max(size, 1)))
    step = max(1, per * 3 // 4)
    return [" ".join(words[i : i + per]) for i in range(0, max(1, len(words) - per + step), step)]


def _cut(text: str, limit: int, count: Callable[[str], int]) -> str:
    """The longest word prefix of ``text`` within ``limit`` tokens (binary search on words)."""
    words = text.split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(" ".join(words[:mid])) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


# -- planning and judging -----------------------------------------------------------------------


@dataclass
class _SentencePlan:
    claim: Claim
    units: list[tuple[_Unit, float, int]]  # unit, similarity, index of its NLI pair (unit -> claim)
    best: tuple[Claim, float, int] | None  # best source sentence, similarity, index of (claim -> sentence)
    cut: bool


@dataclass
class _Plan:
    doc: Document
    sentences: list[_SentencePlan]


def _plan(cdoc: Document, src: _Source, texts: dict[str, int], matrix, weights: Weights, count: Callable[[str], int], pairs: list[tuple[str, str]]) -> _Plan:
    import numpy as np

    from checker.pipeline import nli_text

    unit_vecs = np.stack([matrix[texts[u.text]] for u in src.units])
    single = [i for i, u in enumerate(src.units) if u.kind != "window"]
    windows = [i for i, u in enumerate(src.units) if u.kind == "window"]
    plans = []
    for c in cdoc.claims:
        sims = unit_vecs @ matrix[texts[c.text]]
        chosen = sorted(single, key=lambda i: -sims[i])[: weights.sentence_units]
        chosen += sorted(windows, key=lambda i: -sims[i])[: weights.window_units]
        hyp = nli_text(c)
        cut = count(hyp) > weights.max_claim_tokens
        if cut:
            hyp = _cut(hyp, weights.max_claim_tokens, count)
        units = []
        for i in chosen:
            units.append((src.units[i], float(sims[i]), len(pairs)))
            pairs.append((src.units[i].text, hyp))
        best = None
        sentence_units = [i for i in chosen if src.units[i].sentence is not None]
        if sentence_units:
            top = max(sentence_units, key=lambda i: sims[i])
            sentence = src.units[top].sentence
            assert sentence is not None  # a single-sentence unit
            best = (sentence, float(sims[top]), len(pairs))
            pairs.append((hyp, nli_text(sentence)))
        plans.append(_SentencePlan(c, units, best, cut))
    return _Plan(cdoc, plans)


def _verdict(plan: _Plan, src: _Source, probs: list[dict[str, float]], settings: Settings, weights: Weights, threshold: float) -> Verdict:
    from checker.judge import finalize, judge_pair, unsupported
    from checker.policy import Pair, PairScores

    docs = {"a": plan.doc, "b": src.doc}
    sentences: list[SentenceScore] = []
    drafts = []
    warnings = []
    for sp in plan.sentences:
        c = sp.claim
        if sp.cut:
            warnings.append(f"claim sentence {c.index + 1} is longer than the NLI model reads ({weights.max_claim_tokens} tokens); its end was cut")
        best_unit, best_z, evidence = None, -2.0, None
        for unit, sim, k in sp.units:
            p = probs[k]
            z = p["entailment"] - p["contradiction"]
            if z > best_z:
                best_z, best_unit = z, unit
                evidence = Evidence(unit.text, unit.start, unit.end, round(sim, 4), round(p["entailment"], 4), round(p["contradiction"], 4))
        score = best_z if best_unit is not None else -1.0
        flags: list[str] = []
        pair_contradiction = 0.0
        if sp.best is not None:
            sentence, sim, k = sp.best
            forward = next(probs[j] for u, _, j in sp.units if u.sentence is sentence)
            scores = PairScores(probs[k], forward)
            pair_contradiction = scores.contradiction
            draft = judge_pair(Pair(c, sentence, sim, 1, scores, docs, settings))
            if draft is not None and draft.kind != "agreement":
                drafts.append(draft)
                flags.append(draft.kind)
                if draft.kind in CONFLICT_KINDS:
                    score = min(score, weights.conflict_cap)
        missing = _unsupported_symbols(c, src)
        if missing:
            flags += missing
            score = min(score, weights.unsupported_cap)
        sentences.append(
            SentenceScore(
                c.text,
                c.start,
                c.end,
                round(score, 4),
                evidence.entailment if evidence else 0.0,
                evidence.contradiction if evidence else 0.0,
                evidence,
                flags,
                round(max((sim for _, sim, _ in sp.units), default=0.0), 4),
                round(max((probs[k]["contradiction"] for _, _, k in sp.units), default=0.0), 4),
                round(pair_contradiction, 4),
            )
        )
    total = min(s.score for s in sentences)
    flagged = {cid for d in drafts for cid in d.claims}
    for s, sp in zip(sentences, plan.sentences):
        if s.score < threshold and sp.claim.id not in flagged:
            why = "; ".join(s.flags) or f"best support {s.score:+.2f} < {threshold:+.2f}"
            drafts.append(unsupported(sp.claim, why, check="nli", scores={"score": s.score}))  # score mode's hook: support below the threshold
    # finalize gives every finding its rule code, severity, order and id, as in compare and check
    findings = finalize(drafts, {c.id: n for n, c in enumerate(plan.doc.claims + src.doc.claims)})
    n_pairs = sum(len(sp.units) + (sp.best is not None) for sp in plan.sentences)
    return Verdict(round(total, 4), total >= threshold, threshold, sentences, findings, warnings, n_pairs)


_NUMBER_SKIP = re.compile(r"^(one|a|an)$", re.I)


def _unsupported_symbols(c: Claim, src: _Source) -> list[str]:
    """Figures, explicit dates and names in the claim that appear nowhere in the source (not even
    as an alias). Only dates written with digits count ("2019", "Feb. 24"): a relative "on Monday"
    may be the source's "yesterday", which cannot be resolved without publication dates.

    Extraction misses things ("a 1997 outbreak" is not a resolved time), so presence is also
    checked in the source's words: a figure or date whose digits the source contains, or a name
    whose last word and at least half of its words the source contains ("the European Union's
    Commission" for a source saying "European Commission"), is not flagged.
    """
    from checker.analysis.entities import normalise
    from checker.analysis.quantities import compare_quantities
    from checker.analysis.times import is_open_period, overlaps

    out = []
    for q in c.quantities:
        if q.approx == "vague" or _NUMBER_SKIP.match(q.text.strip()):
            continue
        if any(compare_quantities(q, d) == "match" or (q.value == d.value) for d in src.numbers):
            continue
        digits = _digits(q.text)
        if not digits or not digits <= src.digits:
            out.append(f"number_not_in_source: {q.text}")
    for t in c.times:
        if (t.start is None and t.end is None) or not re.search(r"\d", t.text):
            continue
        overlap = not is_open_period(t) and any(overlaps(t, d) for d in src.times)
        if not overlap and not _digits(t.text) <= src.digits:
            out.append(f"date_not_in_source: {t.text}")
    for e in c.entities:
        if e.label not in NAME_LABELS:
            continue
        key = normalise(e.text)
        if e.canonical in src.names or key in src.lowered or e.canonical in src.lowered:
            continue
        words = [w for w in _WORDS.findall(key) if w not in _NAME_STOP]
        if words and words[-1] in src.words and 2 * sum(w in src.words for w in words) >= len(words):
            continue
        out.append(f"name_not_in_source: {e.text}")
    return out


_WORDS = re.compile(r"[^\W_]+")
_NAME_STOP = {"the", "of", "and", "for", "s", "de", "la", "al", "von", "van"}


def _digits(text: str) -> set[str]:
    """The numbers written with digits in ``text``, without thousands separators: "1,200 and 35" -> {"1200", "35"}."""
    return {m.replace(",", "").rstrip(".") for m in re.findall(r"\d[\d,.]*", text)}
