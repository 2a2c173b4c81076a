"""The decision policy: NLI scores + symbolic checks -> findings.

The policy is the ordered list :data:`PAIR_RULES` (one function each, see :mod:`checker.policy`):
for each aligned pair the first rule that returns a draft decides, so there is at most one finding
per pair. Then :data:`DOCUMENT_RULES` run over whole documents (disputed assertions), the mode
says what a claim without a counterpart is (:meth:`checker.policy.Mode.unmatched`) and
:func:`finalize` sets rule codes and severities. docs/decision-policy.md's table is generated from
these lists (``python scripts/gen_docs.py``; a test fails when the file and the code drift apart).

Precision comes first: every false alarm costs an editor's trust, so a finding of severity error or
warning needs either a deterministic check or NLI agreement in both directions. Contradiction is
checked before agreement, pair by pair, so an agreeing sentence elsewhere never hides a
contradiction. A hedged claim ("reportedly", "may") lowers any error/warning one level.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.analysis.edits import word_edits
from checker.policy import UPDATE_CUES, Draft, Mode, Pair, PairScores, PolicyRule, lower, policy_rule, short, word_ratio
from checker.rules import rule_for_kind
from checker.types import SEVERITY_RANK, Claim, Document, Finding

if TYPE_CHECKING:
    from checker.align import Alignment
    from checker.config import Settings

__all__ = ["DOCUMENT_RULES", "PAIR_RULES", "UPDATE_CUES", "Draft", "Pair", "PairScores", "finalize", "judge", "judge_pair", "party_labels", "renumber", "unsupported", "word_ratio"]

STRONG_DISPUTE = ("false claim", "falsely", "baseless", "supposed", "without evidence", "parrot", "scare quotes", "so-called", "debunked", "unfounded", "disproven", "misleading")
WEAK_DISPUTE = ("what ... called", "so-called")
PLACE_LABELS = ("GPE", "LOC", "FAC")
SAME_QUOTE_MIN_WORDS = 6  # a shared quotation this long is an agreement on its own


def _voice(c: Claim) -> str:
    return c.speaker if c.speaker else "the reporter"


# -- the pair rules, in order ---------------------------------------------------------------------


@policy_rule(
    "time",
    decides=("different_time",),
    when="similarity >= {time_min_similarity}, both claims have resolved times, no pair of same-granularity times overlaps, and `different_time` finds clearly disjoint points in time (durations and open periods such as 'since 2020' or 'until June' are never compared)",
    finding="FC203 different_time (info) — and nothing else for the pair",
)
def different_time(p: Pair) -> Draft | None:
    """Claims about clearly different dates are about different events, not in conflict: two "Tuesday"
    meetings a week apart are not a contradiction, a number or an entity mismatch."""
    from checker.analysis.times import different_time as disjoint
    from checker.analysis.times import overlaps

    a, b = p.a, p.b
    same_moment = any(overlaps(x, y) and x.granularity == y.granularity != "range" for x in a.times for y in b.times)
    if p.similarity < p.settings.time_min_similarity or not a.times or not b.times or same_moment:
        return None
    diff = disjoint(a.times, b.times)
    if diff is None:
        return None
    ta, tb = diff

    def when(r: Any) -> str:
        return r.start.isoformat() if r.start == r.end else f"{r.start.isoformat()}..{r.end.isoformat()}"

    return Draft(
        "different_time",
        f"different events: {a.id} is about {when(ta)} ('{ta.text}'), {b.id} about {when(tb)} ('{tb.text}')",
        [a.id, b.id],
        "time",
        p.scores,
        {"time_a": when(ta), "time_b": when(tb)},
    )


@policy_rule(
    "number",
    decides=("superseded", "numeric_mismatch"),
    when="similarity >= {symbolic_min_similarity} and two quantities of the same unit / counted noun disagree beyond tolerance "
    '(exact 1 %, "about" 10 %, "more than" one-sided, vague magnitudes as ranges); durations are skipped',
    finding='FC204 superseded (info) if the later report carries an update cue ("rose to", "now"); else FC201 numeric_mismatch (error)',
)
def numbers(p: Pair) -> Draft | None:
    """Different figures for the same quantity on a closely aligned pair. Durations ("a week after",
    "three years") are measured from different anchors too often to trust."""
    from checker.analysis.quantities import quantity_conflicts

    a, b = p.a, p.b
    if p.similarity < p.settings.symbolic_min_similarity or not a.quantities or not b.quantities:
        return None
    conflicts = [(x, y) for x, y in quantity_conflicts(a.quantities, b.quantities) if x.unit != "day"]
    if not conflicts:
        return None
    qa, qb = conflicts[0]
    da, db = p.docs[a.doc].date, p.docs[b.doc].date
    later = b if (da and db and db > da) else a if (da and db and da > db) else None
    if later is not None and UPDATE_CUES.search(later.text):
        message = f"{later.id} updates the figure: '{qa.text}' -> '{qb.text}'" if later is b else f"{later.id} updates the figure: '{qb.text}' -> '{qa.text}'"
        return Draft("superseded", message, [a.id, b.id], "number", p.scores, {"a": qa.text, "b": qb.text})
    return Draft(
        "numeric_mismatch",
        f"figures differ: '{qa.text}' in {a.id} vs '{qb.text}' in {b.id}",
        [a.id, b.id],
        "number",
        p.scores,
        {"a": qa.text, "b": qb.text},
        p.hedged or a.attributed or b.attributed,
    )


@policy_rule(
    "entity",
    decides=("entity_mismatch",),
    when="similarity >= {symbolic_min_similarity}, NLI contradiction (lower of both directions) >= {contradiction_signal}, "
    "each claim names exactly one place and they differ after alias resolution (Kiev = Kyiv, Türkiye = Turkey, …)",
    finding="FC202 entity_mismatch (error)",
)
def places(p: Pair) -> Draft | None:
    """Different places for the same event. The NLI support keeps "talks in Riyadh" vs "a delegation
    from Moscow" (two places, no conflict) quiet."""
    a, b = p.a, p.b
    if p.similarity < p.settings.symbolic_min_similarity or p.nli.contradiction < p.settings.contradiction_signal:
        return None
    pa = {e.canonical for e in a.entities if e.label in PLACE_LABELS}
    pb = {e.canonical for e in b.entities if e.label in PLACE_LABELS}
    if len(pa) != 1 or len(pb) != 1 or pa == pb:
        return None
    (xa,), (xb,) = pa, pb
    return Draft("entity_mismatch", f"different places for the same event: '{xa}' in {a.id} vs '{xb}' in {b.id}", [a.id, b.id], "entity", p.scores, {"a": xa, "b": xb}, p.hedged)


@policy_rule(
    "quotation",
    decides=("quote_mismatch", "agreement"),
    when="the claims carry quotations whose word sequences match >= {quote_ratio}",
    finding=f"FC104 quote_mismatch (warning) if credited to different speakers or worded differently; "
    f"FC001 agreement (info) if the same quotation of at least {SAME_QUOTE_MIN_WORDS} words",
)
def quotation(p: Pair) -> Draft | None:
    """The same quotation worded differently, or credited to different speakers, across reports."""
    found = quote_check(p.a, p.b, p.settings)
    if found is not None:
        found.scores = p.scores
    return found


@policy_rule("verbatim", decides=("agreement",), when="the word sequences of the two sentences match >= {verbatim_ratio}", finding="FC001 agreement (info), whatever NLI says")
def verbatim_agreement(p: Pair) -> Draft | None:
    """The same sentence, give or take a word: the reports agree on it."""
    ratio = word_ratio(p.a.text, p.b.text)
    if ratio < p.settings.verbatim_ratio:
        return None
    return Draft("agreement", f"{p.a.id} and {p.b.id} say the same thing in nearly the same words", [p.a.id, p.b.id], "text", {**p.scores, "word_ratio": round(ratio, 4)})


@policy_rule(
    "contradiction",
    decides=("contradiction", "attributed_disagreement", "disputed"),
    when="similarity >= {nli_min_similarity} and NLI contradiction >= {contradiction_threshold} in **both** directions",
    finding="by attribution, below",
)
def nli_contradiction(p: Pair) -> Draft | None:
    """Both directions must reach the threshold: a one-directional score is usually the model reacting
    to extra detail. Attribution decides the kind, so "X said P" is never a reporter contradiction."""
    a, b = p.a, p.b
    if p.nli.contradiction < p.settings.contradiction_threshold or p.similarity < p.settings.nli_min_similarity:
        return None
    if a.attributed and b.attributed:
        return Draft(
            "attributed_disagreement",
            f"{_voice(a)} ({a.id}) and {_voice(b)} ({b.id}) are quoted saying incompatible things",
            [a.id, b.id],
            "nli+attribution",
            p.scores,
            {"speaker_a": a.speaker, "speaker_b": b.speaker},
            p.hedged,
        )
    if a.attributed or b.attributed:
        quoted, reporter = (a, b) if a.attributed else (b, a)
        return Draft(
            "disputed",
            f"{quoted.speaker}'s assertion in {quoted.id} is contradicted by the reporting in {reporter.id}",
            [quoted.id, reporter.id],
            "nli+attribution",
            p.scores,
            {"speaker": quoted.speaker},
            p.hedged,
        )
    return Draft("contradiction", f"{a.id} and {b.id} contradict each other: '{short(a.text, 60)}' vs '{short(b.text, 60)}'", [a.id, b.id], "nli", p.scores, {}, p.hedged)


@policy_rule(
    "agreement",
    decides=("agreement",),
    when="no contradiction signal (< {contradiction_signal} both ways), one claim is the other's best match, and entailment >= "
    "{agreement_threshold} in either direction or similarity >= {paraphrase_similarity}",
    finding="FC001 agreement (info)",
)
def nli_agreement(p: Pair) -> Draft | None:
    """Agreement needs the absence of any conflict signal, so a pair the model is unsure about stays silent."""
    s = p.nli
    if p.rank != 1 or max(s.ab["contradiction"], s.ba["contradiction"]) >= p.settings.contradiction_signal:
        return None
    if s.entailment >= p.settings.agreement_threshold:
        return Draft("agreement", f"{p.a.id} and {p.b.id} agree", [p.a.id, p.b.id], "nli", p.scores)
    if p.similarity >= p.settings.paraphrase_similarity:
        return Draft("agreement", f"{p.a.id} and {p.b.id} agree (close paraphrase, no conflicting time, figure or place)", [p.a.id, p.b.id], "embedding", p.scores)
    return None


PAIR_RULES: tuple[PolicyRule, ...] = (
    word_edits,  # first: a near-verbatim copy is judged by what its edit changed, before any rule calls it the same sentence
    different_time,
    numbers,
    places,
    quotation,
    verbatim_agreement,
    nli_contradiction,
    nli_agreement,
)
"""The policy for one aligned pair, in order: the first rule that returns a draft decides."""


def judge_pair(pair: Pair, rules: Sequence[PolicyRule] | None = None) -> Draft | None:
    """Apply the policy (``rules``, default :data:`PAIR_RULES`, read at call time) to one aligned pair; at most one finding per pair."""
    for rule in PAIR_RULES if rules is None else rules:
        draft = rule(pair)
        if draft is not None:
            return draft
    return None


# -- helpers of the pair rules ----------------------------------------------------------------------

_QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


def quote_check(a: Claim, b: Claim, settings: Settings) -> Draft | None:
    """The same quotation worded differently, or credited to different speakers, across reports."""
    qa, qb = _QUOTED.findall(a.text), _QUOTED.findall(b.text)
    for x in qa:
        for y in qb:
            r = word_ratio(x, y)
            if r < settings.quote_ratio:
                continue
            sa, sb = (a.speaker or "").split()[-1:], (b.speaker or "").split()[-1:]
            if a.speaker and b.speaker and sa != sb and not ({"source", "he", "she", "they"} & {w.lower() for w in sa + sb}):
                return Draft(
                    "quote_mismatch",
                    f"the same quotation is credited to {a.speaker} in {a.id} and to {b.speaker} in {b.id}",
                    [a.id, b.id],
                    "attribution",
                    details={"quote_a": x, "quote_b": y, "speaker_a": a.speaker, "speaker_b": b.speaker},
                )
            if r < 0.999:
                return Draft(
                    "quote_mismatch",
                    f"the quotation is worded differently in {a.id} and {b.id}",
                    [a.id, b.id],
                    "attribution",
                    details={"quote_a": x, "quote_b": y, "word_ratio": round(r, 4)},
                )
            if len(x.split()) >= SAME_QUOTE_MIN_WORDS:
                return Draft("agreement", f"{a.id} and {b.id} carry the same quotation", [a.id, b.id], "attribution", details={"quote": x})
    return None


# -- rules over whole documents ---------------------------------------------------------------------

_STOP_VERBS = {"be", "have", "do", "say", "make", "go", "get", "take", "come", "call", "claim", "suppose", "parrot", "deny", "allege"}


def _disputed_verbs(claim: Claim) -> set[str]:
    """Lemmas of the verbs inside what the claim disputes: the scare-quoted word ("started") and the
    verbs of the phrase after a marker ("supposed responsibility for starting the war" -> start)."""
    from checker.analysis.nlp import parse

    doc = parse([claim.text])[0]
    lemmas: set[str] = set()
    quoted = {w.lower() for m in claim.dispute_markers for w in re.findall(r"[\"“'‘]([A-Za-z]+)[\"”'’]", m)}
    for m in claim.dispute_markers:
        key = m.split(":")[0].split(" ... ")[0].strip().lower()
        weak = any(w in m for w in WEAK_DISPUTE)
        pos = claim.text.lower().find(key) if key and not key.startswith("scare") and not weak else -1
        if pos < 0:
            continue
        for tok in doc:
            if pos <= tok.idx <= pos + len(key) + 60 and tok.pos_ == "VERB" and tok.lemma_.lower() not in _STOP_VERBS:
                lemmas.add(tok.lemma_.lower())
    for tok in doc:
        if tok.text.lower() in quoted and tok.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            lemmas.add(tok.lemma_.lower())
    return lemmas


def _lemmas(claim: Claim) -> set[str]:
    from checker.analysis.nlp import parse

    return {tok.lemma_.lower() for tok in parse([claim.text])[0] if tok.pos_ in ("VERB", "AUX")}


@policy_rule(
    "disputed",
    decides=("disputed",),
    when='a claim in the reporter\'s voice carries a dispute marker ("the false claim that", "falsely", "supposed", "baseless", "without evidence", scare quotes around a verb)',
    finding='FC103 disputed (warning; info for mere distancing such as "what he called"), linked to the quoted claims that use the '
    "disputed verb (lemma match) or are near-paraphrases (similarity >= {dispute_link_similarity})",
)
def dispute_findings(docs: list[Document], vectors: dict[str, Any], settings: Settings) -> list[Draft]:
    """Reporter-voice claims that mark an assertion as false, linked to whoever makes that assertion:
    'the false claim that Ukraine "started" the war' ~ "You should have never started it."; the
    message names their speakers."""
    import numpy as np

    claims = [c for d in docs for c in d.claims]
    drafts = []
    for c in claims:
        markers = [m for m in c.dispute_markers if any(k in m.lower() for k in STRONG_DISPUTE)]
        if c.speaker is not None or not markers:
            continue
        verbs = _disputed_verbs(c)
        linked = []
        for other in claims:
            if other.id == c.id or not other.attributed:
                continue
            sim = float(np.dot(vectors[c.id], vectors[other.id]))
            if (verbs and verbs & _lemmas(other)) or sim >= settings.dispute_link_similarity:
                linked.append((sim, other))
        linked.sort(key=lambda x: -x[0])
        speakers = sorted({o.speaker for _, o in linked if o.speaker})
        who = f" (asserted by {', '.join(speakers)})" if speakers else ""
        weak = all(any(w in m for w in WEAK_DISPUTE) or m.startswith("scare quotes") for m in markers) and not any("false" in m or "supposed" in m for m in markers)
        drafts.append(
            Draft(
                "disputed",
                f"{c.id} reports an assertion as disputed{who}: {short(c.text, 100)}",
                [c.id] + [o.id for _, o in linked[:3]],
                "attribution",
                {"linked_similarity": round(linked[0][0], 4)} if linked else {},
                {"markers": markers, "speakers": speakers, "disputed_verbs": sorted(verbs)},
                severity="info" if weak else None,
            )
        )
    return drafts


@policy_rule(
    "party labels",
    decides=("entity_mismatch",),
    when='two reports label the same politician (same given name and surname) with a party and state: "Sen. Chris Murphy, D-Conn." / '
    '"Chris Murphy (R-CT)" / "(D., Conn.)"; states compared as postal codes, whatever the claims\' similarity',
    finding="FC202 entity_mismatch (error) linking the two claims when the party or the state differs",
)
def party_labels(docs: list[Document], vectors: dict[str, Any], settings: Settings) -> list[Draft]:
    """A politician's party or state given differently by two reports: a factual error in one of them
    that no similarity or NLI score sees (the label is a parenthesis in sentences about other things)."""
    from checker.analysis.affiliations import affiliations, conflict

    labelled = [(c, a) for d in docs for c in d.claims for a in affiliations(c.text)]
    drafts: list[Draft] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for i, (ca, a) in enumerate(labelled):
        for cb, b in labelled[i + 1 :]:
            what = conflict(a, b) if ca.doc != cb.doc and a.same_person(b) else None
            key = (a.person, frozenset((ca.id, cb.id)))
            if what is None or key in seen:
                continue
            seen.add(key)
            drafts.append(
                Draft(
                    "entity_mismatch",
                    f"{a.person}'s {what} differs: '{a.label}' in {ca.id}, '{b.label}' in {cb.id}",
                    [ca.id, cb.id],
                    "entity",
                    {},
                    {"person": a.person, "differs": what, "a": a.label, "b": b.label},
                )
            )
    return drafts


DOCUMENT_RULES: tuple[PolicyRule, ...] = (dispute_findings, party_labels)
"""Rules over whole documents, after the pairs (they need no counterpart pair)."""


def unsupported(claim: Claim, why: str, *, check: str, scores: dict[str, float] | None = None, details: dict[str, Any] | None = None) -> Draft:
    """FC302, one meaning in every mode: no source supports the claim — ``factcheck check``: it has no
    counterpart in any source; :mod:`checker.score`: its best support score is below
    ``support_threshold``. ``why`` says which."""
    return Draft("unsupported", f"no source supports {claim.id}: {why}", [claim.id], check, dict(scores or {}), dict(details or {}))


# -- the judge stage --------------------------------------------------------------------------------


def judge(
    docs: list[Document],
    alignment: Alignment,
    probs: Sequence[dict[str, float]],
    vectors: dict[str, Any],
    settings: Settings,
    mode: Mode | None = None,
    backend: Any = None,
) -> list[Finding]:
    """Every rule over aligned pairs (``probs``: NLI both ways per candidate, a->b then b->a) and documents, the mode's hooks, then :func:`finalize`.

    ``backend``: the NLI backend, handed to the pair rules (:attr:`checker.policy.Pair.backend`) for a rule that asks it more."""
    mode = mode or Mode()
    by_id = {d.id: d for d in docs}
    drafts: list[Draft] = []
    for i, cand in enumerate(alignment.candidates):
        draft = judge_pair(Pair(cand.a, cand.b, cand.similarity, cand.rank, PairScores(probs[2 * i], probs[2 * i + 1]), by_id, settings, backend))
        if draft is not None:
            drafts.append(draft)
    for rule in DOCUMENT_RULES:
        drafts += rule(docs, vectors, settings)
    for claim in alignment.unmatched:
        draft = mode.unmatched(claim, alignment.best.get(claim.id))
        if draft is not None:
            drafts.append(draft)
    kept = [d for d in map(mode.adjust, drafts) if d is not None]
    return finalize(kept, {c.id: n for n, c in enumerate(c for d in docs for c in d.claims)})


def finalize(drafts: list[Draft], order: dict[str, int]) -> list[Finding]:
    """Rule codes and severities (the rule's default, lowered one level for a hedged claim), errors
    first, then by rule and by where the claims are (``order``: claim id -> position), numbered F1, F2, …"""
    findings = []
    for d in drafts:
        rule = rule_for_kind(d.kind)
        severity = d.severity or rule.severity
        if d.hedged and severity != "info":
            severity = lower(severity)
        findings.append(Finding("", d.kind, severity, rule.code, d.message, d.claims, d.scores, d.check, d.details))  # type: ignore[arg-type]
    return renumber(findings, order)


def renumber(findings: list[Finding], order: dict[str, int]) -> list[Finding]:
    """Report order (errors first, then by rule and by where the claims are) and ids F1, F2, …; also
    for a later stage that adds findings (:mod:`checker.dispute`)."""
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, [order.get(c, 0) for c in f.claims]))
    for i, f in enumerate(findings, start=1):
        f.id = f"F{i}"
    return findings


def policy_table(settings: Settings | None = None, later: Sequence[tuple[str, Sequence[PolicyRule]]] = ()) -> str:
    """docs/decision-policy.md's generated part: the pair rules in order, then the document rules,
    then each later stage's rules (``later``: heading, rules; see :func:`checker.dispute.policy_table`)."""
    from checker.config import Settings

    values = (settings or Settings()).model_dump()

    def words(text: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: f"`{m.group(1)}` ({values[m.group(1)]:.2f})", text)

    rows = ["| order | rule | condition | finding |", "|---|---|---|---|"]
    rows += [f"| {n} | {r.name} | {words(r.when)} | {words(r.finding)} |" for n, r in enumerate(PAIR_RULES, start=1)]
    rows += ["", "Then, over whole documents:", ""]
    rows += [f"- **{r.name}**: {words(r.when)} → {words(r.finding)}" for r in DOCUMENT_RULES]
    for heading, rules in later:
        rows += ["", heading, ""]
        rows += [f"- **{r.name}**: {words(r.when)} → {words(r.finding)}" for r in rules]
    return "\n".join(rows)
