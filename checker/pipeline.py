"""The pipeline: a fixed sequence of small components over the same Document objects.

    load -> segment -> attribution -> entities -> times -> quantities -> embed -> align -> nli -> judge

Each component reads what earlier ones wrote on the documents and claims (spaCy's idea), and the
models it uses come from the registry by name (settings.nli_model / settings.embedding_model).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import InputError, UsageError
from checker.types import Document, Report

if TYPE_CHECKING:
    from checker.align import Alignment
    from checker.config import Settings

Progress = Callable[[str, int, int], None]
DOC_IDS = "abcdefghijklmnopqrstuvwxyz"


def _settings(settings: "Settings | None") -> "Settings":
    if settings is None:
        from checker.config import Settings

        settings = Settings()
    return settings


def load_documents(paths: Sequence[Path], dates: Sequence[date | None] | None = None, settings: "Settings | None" = None) -> list[Document]:
    """Load and segment; reject identical inputs early, before any model loads."""
    from checker.documents import load_document
    from checker.segment import segment
    from checker.suppress import strip_directives

    settings = _settings(settings)
    if len(paths) > len(DOC_IDS):
        raise UsageError(f"at most {len(DOC_IDS)} documents can be compared at once (got {len(paths)})")
    dates = list(dates or [None] * len(paths))
    resolved = [Path(p).resolve() for p in paths]
    for i, p in enumerate(resolved):
        if p in resolved[:i]:
            raise UsageError(f"{paths[i]} is given twice")
    docs = []
    max_bytes = int(getattr(settings, "max_file_mb", 10) * 1_000_000)
    for i, path in enumerate(paths):
        doc = load_document(Path(path), DOC_IDS[i], date_override=dates[i], max_bytes=max_bytes)
        segment(doc)
        strip_directives(doc)  # "factcheck: ignore" comments are instructions, not claims
        if not doc.claims:
            raise InputError(f"{path}: no sentences found in the article body")
        docs.append(doc)
    for i, d in enumerate(docs):
        for e in docs[:i]:
            if e.raw_text == d.raw_text:
                raise InputError(f"{e.path} and {d.path} are identical: nothing to compare")
    return docs


def analyse(docs: list[Document], settings: "Settings | None" = None) -> None:
    """Attribution, entities, times and quantities on every claim (no neural models beyond spaCy)."""
    from checker.analysis.attribution import analyse_attribution
    from checker.analysis.entities import analyse_entities, load_aliases
    from checker.analysis.quantities import extract_quantities
    from checker.analysis.times import resolve_times

    settings = _settings(settings)
    aliases = load_aliases(getattr(settings, "aliases", None) or None)
    for doc in docs:
        analyse_attribution(doc.claims)
        analyse_entities(doc.claims, aliases)
        for c in doc.claims:
            c.times = resolve_times(c.text, doc.date)
            c.quantities = extract_quantities(c.text)


def nli_text(claim) -> str:
    """What the NLI model reads: the sentence, with its speaker made explicit when the sentence
    itself does not name it (a quotation continued from an earlier sentence), so "X said P" is
    compared as attributed content, never as a bare fact."""
    if claim.speaker and claim.quote == "direct" and claim.speaker.split()[-1] not in claim.text:
        return f"{claim.speaker} said: {claim.text}"
    return claim.text


def compare_documents(docs: list[Document], settings: "Settings | None" = None, progress: Progress | None = None, *, aligner: Callable[..., "Alignment"] | None = None) -> Report:
    """Align, judge and report on already loaded documents.

    ``aligner`` replaces :func:`checker.align.align` (same signature): ``factcheck check`` uses it
    to pair draft claims with source claims only, or claims of one document with each other.
    With ``settings.cache_dir`` set, models are used through :mod:`checker.cache`.
    """
    from checker.align import align
    from checker.embed import load_embedder
    from checker.judge import PairScores, Thresholds, dispute_findings, finalize, judge_pair
    from checker.nli import load_nli
    from checker.quiet import quiet_libraries

    quiet_libraries()
    settings = _settings(settings)
    timings: dict[str, float] = {}
    tick = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal tick
        now = time.perf_counter()
        timings[name] = round(now - tick, 3)
        tick = now

    analyse(docs, settings)
    lap("analyse")
    if getattr(settings, "cache_dir", ""):
        from checker.cache import cached_models

        embedder, nli = cached_models(settings)  # lazy: nothing loads when everything is cached
    else:
        embedder = load_embedder(getattr(settings, "embedding_model", "default"))
        nli = load_nli(getattr(settings, "nli_model", "default"))
    lap("load_models")

    claims = [c for d in docs for c in d.claims]
    if progress:
        progress("embedding", 0, len(claims))
    matrix = embedder.encode([c.text for c in claims])
    vectors = {c.id: matrix[i] for i, c in enumerate(claims)}
    if progress:
        progress("embedding", len(claims), len(claims))
    lap("embed")

    alignment = (aligner or align)(docs, vectors, top_k=getattr(settings, "align_top_k", 3), min_similarity=getattr(settings, "align_min_similarity", 0.45))
    lap("align")

    pairs = []
    for cand in alignment.candidates:
        ta, tb = nli_text(cand.a), nli_text(cand.b)
        pairs += [(ta, tb), (tb, ta)]
    warnings = _overlong(alignment.candidates, settings)
    probs = nli.predict(pairs, progress=(lambda done, total: progress("nli", done, total)) if progress else None)
    lap("nli")

    t = Thresholds(contradiction=getattr(settings, "contradiction_threshold", 0.80), agreement=getattr(settings, "agreement_threshold", 0.80))
    by_id = {d.id: d for d in docs}
    drafts = []
    for i, cand in enumerate(alignment.candidates):
        draft = judge_pair(cand, PairScores(probs[2 * i], probs[2 * i + 1]), by_id, t)
        if draft is not None:
            drafts.append(draft)
    drafts += dispute_findings(docs, vectors, t)
    order = {c.id: n for n, c in enumerate(claims)}
    findings = finalize(drafts, alignment, docs, order)
    findings = _select(findings, settings)
    lap("judge")
    timings["nli_pairs"] = len(pairs)
    return Report(docs, findings, models={"nli": nli.name, "embedding": embedder.name}, timings=timings, warnings=warnings)


def _overlong(candidates, settings) -> list[str]:
    """Aligned pairs longer than the NLI model reads: judged on what fits, and said so (never cut silently)."""
    from checker.tokens import MAX_LENGTH, PAIR_OVERHEAD, token_counter

    if not candidates:
        return []
    count = token_counter(getattr(settings, "nli_model", "default"))
    sizes: dict[str, int] = {}
    cut = []
    for cand in candidates:
        for c in (cand.a, cand.b):
            if c.id not in sizes:
                sizes[c.id] = count(nli_text(c))
        if sizes[cand.a.id] + sizes[cand.b.id] + PAIR_OVERHEAD > MAX_LENGTH:
            cut.append(f"{cand.a.id}/{cand.b.id}")
    if not cut:
        return []
    shown = ", ".join(cut[:5]) + (f" and {len(cut) - 5} more" if len(cut) > 5 else "")
    return [f"{len(cut)} aligned sentence pair{'s' * (len(cut) != 1)} longer than the {MAX_LENGTH} tokens the NLI model reads "
            f"{'were' if len(cut) != 1 else 'was'} judged on the first {MAX_LENGTH} tokens only: {shown}"]


def _select(findings, settings):
    """select/ignore by rule code or prefix, with the CLI's :func:`checker.config.rule_enabled`;
    library callers may also name a finding kind ("contradiction")."""
    from checker.config import rule_enabled

    select = list(getattr(settings, "select", None) or [])
    ignore = list(getattr(settings, "ignore", None) or [])

    def keep(f) -> bool:
        if f.kind in ignore or not rule_enabled(f.rule, [], ignore):
            return False
        return not select or f.kind in select or rule_enabled(f.rule, select, [])

    return [f for f in findings if keep(f)]


def compare_paths(paths: Sequence[Path], *, dates: Sequence[date | None] | None = None, settings: "Settings | None" = None, progress: Progress | None = None) -> Report:
    """The `factcheck compare` judgement as one library call."""
    if len(paths) < 2:
        raise UsageError("compare needs at least two documents")
    docs = load_documents(paths, dates, settings)
    return compare_documents(docs, settings, progress)
