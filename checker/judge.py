"""The decision policy: NLI scores + symbolic checks -> findings.

Documented in docs/decision-policy.md; the order below is the policy.

For each aligned pair (a, b), with NLI run in both directions:

1. **Time** — if the two claims carry resolved times that are clearly disjoint (checker.analysis.times),
   they are about different events: ``different_time`` (info), and no contradiction, number or entity
   finding is raised for the pair. Precision first: two "Tuesday" meetings a week apart are not a conflict.
2. **Numbers** — comparable quantities (same unit and counted noun) that disagree beyond tolerance on a
   closely aligned pair: ``numeric_mismatch``; ``superseded`` (info) instead when the later report updates
   the figure (different publication dates and an update cue such as "rose to", "now").
3. **Entities** — a closely aligned pair naming different places in the same role (one place each,
   different after alias resolution) with NLI contradiction support: ``entity_mismatch``.
4. **NLI contradiction** — both directions must reach ``contradiction_threshold`` (contradiction is
   symmetric; a one-directional score is usually the model reacting to extra detail). Attribution decides
   the kind: reporter vs reporter -> ``contradiction`` (error); speaker vs speaker ->
   ``attributed_disagreement`` (warning); a speaker contradicted by a reporter's own statement ->
   ``disputed`` (warning). When the speakers differ, a reporter-voice contradiction is never reported.
5. **Agreement** — no contradiction signal and entailment in either direction >= ``agreement_threshold``
   on a pair where one claim is the other's best match: ``agreement`` (info).

Contradiction is checked before agreement, pair by pair, so an agreeing sentence elsewhere never hides
a contradiction. A hedged claim ("reportedly", "may") lowers any error/warning one level.

Independently of pairs: a reporter-voice claim with a dispute marker ("the false claim that", "supposed",
scare quotes) is a ``disputed`` finding linked to the attributed claims that make the disputed assertion.
Claims with no counterpart become ``only_in_<doc>`` (info).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.align import Alignment, Candidate
from checker.rules import rule_for_kind
from checker.types import SEVERITY_RANK, Claim, Document, Finding

STRONG_DISPUTE = ("false claim", "falsely", "baseless", "supposed", "without evidence", "parrot", "scare quotes", "so-called", "debunked", "unfounded", "disproven", "misleading")
UPDATE_CUES = re.compile(r"\b(rose|risen|climbed|increased|now stands|now at|has reached|updated|revised|latest)\b", re.I)


@dataclass
class Thresholds:
    contradiction: float = 0.80
    agreement: float = 0.80
    close_alignment: float = 0.70  # similarity above which symbolic mismatches are trusted
    time_alignment: float = 0.60
    dispute_link: float = 0.45
    nli_contradiction_alignment: float = 0.60  # below this, two claims are about different things: NLI "contradiction" is noise
    paraphrase_similarity: float = 0.75  # embedding similarity that counts as "says the same thing" absent any conflict
    verbatim_ratio: float = 0.90  # word-sequence match ratio above which two sentences are the same text
    quote_ratio: float = 0.80


@dataclass
class PairScores:
    ab: dict[str, float]
    ba: dict[str, float]

    @property
    def contradiction(self) -> float:
        return min(self.ab["contradiction"], self.ba["contradiction"])

    @property
    def entailment(self) -> float:
        return max(self.ab["entailment"], self.ba["entailment"])


@dataclass
class _Draft:
    kind: str
    message: str
    claims: list[str]
    check: str
    scores: dict[str, float] = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    hedged: bool = False
    severity: str | None = None


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _voice(c: Claim) -> str:
    return c.speaker if c.speaker else "the reporter"


def _lower(severity: str) -> str:
    return {"error": "warning", "warning": "info", "info": "info"}[severity]


def _scores(pair: Candidate, s: PairScores) -> dict[str, float]:
    r = lambda x: round(float(x), 4)  # noqa: E731
    return {
        "similarity": r(pair.similarity),
        "contradiction": r(s.contradiction),
        "entailment": r(s.entailment),
        "contradiction_ab": r(s.ab["contradiction"]),
        "contradiction_ba": r(s.ba["contradiction"]),
        "entailment_ab": r(s.ab["entailment"]),
        "entailment_ba": r(s.ba["entailment"]),
    }


def judge_pair(pair: Candidate, s: PairScores, docs: dict[str, Document], t: Thresholds) -> _Draft | None:
    """Apply the policy to one aligned pair; at most one finding per pair."""
    from checker.analysis.quantities import quantity_conflicts
    from checker.analysis.times import different_time, overlaps

    a, b = pair.a, pair.b
    scores = _scores(pair, s)
    hedged = bool(a.hedges or b.hedges)

    same_moment = any(overlaps(x, y) and x.granularity == y.granularity != "range" for x in a.times for y in b.times)
    if pair.similarity >= t.time_alignment and a.times and b.times and not same_moment:
        diff = different_time(a.times, b.times)
        if diff is not None:
            ta, tb = diff
            when = lambda r: r.start.isoformat() if r.start == r.end else f"{r.start.isoformat()}..{r.end.isoformat()}"  # noqa: E731
            return _Draft("different_time", f"different events: {a.id} is about {when(ta)} ('{ta.text}'), {b.id} about {when(tb)} ('{tb.text}')",
                          [a.id, b.id], "time", scores, {"time_a": when(ta), "time_b": when(tb)})

    if pair.similarity >= t.close_alignment and a.quantities and b.quantities:
        # durations ("a week after", "three years") are measured from different anchors too often to trust
        conflicts = [(x, y) for x, y in quantity_conflicts(a.quantities, b.quantities) if x.unit != "day"]
        if conflicts:
            qa, qb = conflicts[0]
            da, db = docs[a.doc].date, docs[b.doc].date
            later = b if (da and db and db > da) else a if (da and db and da > db) else None
            if later is not None and UPDATE_CUES.search(later.text):
                return _Draft("superseded", f"{later.id} updates the figure: '{qa.text}' -> '{qb.text}'" if later is b else f"{later.id} updates the figure: '{qb.text}' -> '{qa.text}'",
                              [a.id, b.id], "number", scores, {"a": qa.text, "b": qb.text})
            return _Draft("numeric_mismatch", f"figures differ: '{qa.text}' in {a.id} vs '{qb.text}' in {b.id}", [a.id, b.id], "number", scores,
                          {"a": qa.text, "b": qb.text}, hedged or a.attributed or b.attributed)

    if pair.similarity >= t.close_alignment and s.contradiction >= 0.5:
        pa = {e.canonical for e in a.entities if e.label in ("GPE", "LOC", "FAC")}
        pb = {e.canonical for e in b.entities if e.label in ("GPE", "LOC", "FAC")}
        if len(pa) == 1 and len(pb) == 1 and pa != pb:
            (xa,), (xb,) = pa, pb
            return _Draft("entity_mismatch", f"different places for the same event: '{xa}' in {a.id} vs '{xb}' in {b.id}", [a.id, b.id], "entity", scores,
                          {"a": xa, "b": xb}, hedged)

    quote = quote_check(a, b, t)
    if quote is not None:
        quote.scores = scores
        return quote
    ratio = word_ratio(a.text, b.text)
    if ratio >= t.verbatim_ratio:
        # The same sentence (give or take a word): whatever NLI says, the reports agree on it.
        return _Draft("agreement", f"{a.id} and {b.id} say the same thing in nearly the same words", [a.id, b.id], "text", {**scores, "word_ratio": round(ratio, 4)})

    if s.contradiction >= t.contradiction and pair.similarity >= t.nli_contradiction_alignment:
        if a.attributed and b.attributed:
            return _Draft("attributed_disagreement", f"{_voice(a)} ({a.id}) and {_voice(b)} ({b.id}) are quoted saying incompatible things", [a.id, b.id],
                          "nli+attribution", scores, {"speaker_a": a.speaker, "speaker_b": b.speaker}, hedged)
        if a.attributed or b.attributed:
            quoted, reporter = (a, b) if a.attributed else (b, a)
            return _Draft("disputed", f"{quoted.speaker}'s assertion in {quoted.id} is contradicted by the reporting in {reporter.id}", [quoted.id, reporter.id],
                          "nli+attribution", scores, {"speaker": quoted.speaker}, hedged)
        return _Draft("contradiction", f"{a.id} and {b.id} contradict each other: '{_short(a.text, 60)}' vs '{_short(b.text, 60)}'", [a.id, b.id], "nli", scores,
                      {}, hedged)

    if pair.rank == 1 and max(s.ab["contradiction"], s.ba["contradiction"]) < 0.5:
        if s.entailment >= t.agreement:
            return _Draft("agreement", f"{a.id} and {b.id} agree", [a.id, b.id], "nli", scores)
        if pair.similarity >= t.paraphrase_similarity:
            return _Draft("agreement", f"{a.id} and {b.id} agree (close paraphrase, no conflicting time, figure or place)", [a.id, b.id], "embedding", scores)
    return None


_WORD = re.compile(r"[\w$%.,-]+")
_QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


def word_ratio(x: str, y: str) -> float:
    """How much of the two sentences' word sequences match (difflib), case- and quote-insensitive."""
    from difflib import SequenceMatcher

    wx = [w.strip(".,").lower() for w in _WORD.findall(x)]
    wy = [w.strip(".,").lower() for w in _WORD.findall(y)]
    return SequenceMatcher(None, wx, wy, autojunk=False).ratio() if wx and wy else 0.0


def quote_check(a: Claim, b: Claim, t: Thresholds) -> _Draft | None:
    """The same quotation worded differently, or credited to different speakers, across reports."""
    qa, qb = _QUOTED.findall(a.text), _QUOTED.findall(b.text)
    for x in qa:
        for y in qb:
            r = word_ratio(x, y)
            if r < t.quote_ratio:
                continue
            sa, sb = (a.speaker or "").split()[-1:] , (b.speaker or "").split()[-1:]
            if a.speaker and b.speaker and sa != sb and not ({"source", "he", "she", "they"} & {w.lower() for w in sa + sb}):
                return _Draft("quote_mismatch", f"the same quotation is credited to {a.speaker} in {a.id} and to {b.speaker} in {b.id}", [a.id, b.id], "attribution",
                              details={"quote_a": x, "quote_b": y, "speaker_a": a.speaker, "speaker_b": b.speaker})
            if r < 0.999:
                return _Draft("quote_mismatch", f"the quotation is worded differently in {a.id} and {b.id}", [a.id, b.id], "attribution",
                              details={"quote_a": x, "quote_b": y, "word_ratio": round(r, 4)})
            if len(x.split()) >= 6:
                return _Draft("agreement", f"{a.id} and {b.id} carry the same quotation", [a.id, b.id], "attribution", details={"quote": x})
    return None


WEAK_DISPUTE = ("what ... called", "so-called")
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


def dispute_findings(docs: list[Document], vectors: dict, t: Thresholds) -> list[_Draft]:
    """Reporter-voice claims that mark an assertion as false, linked to whoever makes that assertion.

    A quoted claim is linked when it uses the disputed verb (lemma match: "started" ~ "started it")
    or is a near-paraphrase of the disputing sentence (similarity >= dispute_link + 0.3).
    Only distancing ("what he called", "so-called") without a false/supposed marker is info.
    """
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
            if (verbs and verbs & _lemmas(other)) or sim >= t.dispute_link + 0.3:
                linked.append((sim, other))
        linked.sort(key=lambda x: -x[0])
        speakers = sorted({o.speaker for _, o in linked if o.speaker})
        who = f" (asserted by {', '.join(speakers)})" if speakers else ""
        weak = all(any(w in m for w in WEAK_DISPUTE) or m.startswith("scare quotes") for m in markers) and not any("false" in m or "supposed" in m for m in markers)
        drafts.append(_Draft("disputed", f"{c.id} reports an assertion as disputed{who}: {_short(c.text, 100)}", [c.id] + [o.id for _, o in linked[:3]],
                             "attribution", {"linked_similarity": round(linked[0][0], 4)} if linked else {},
                             {"markers": markers, "speakers": speakers, "disputed_verbs": sorted(verbs)}, severity="info" if weak else None))
    return drafts


def finalize(drafts: list[_Draft], alignment: Alignment, docs: list[Document], order: dict[str, int]) -> list[Finding]:
    """Set severities and rule codes, add only_in findings, sort and number."""
    for c in alignment.unmatched:
        best = alignment.best.get(c.id)
        drafts.append(_Draft(f"only_in_{c.doc}", f"only in {c.doc}: {_short(c.text)}", [c.id], "alignment",
                             {"best_similarity": round(best[1], 4)} if best else {}, {"best_match": best[0] if best else None}))
    findings = []
    for d in drafts:
        rule = rule_for_kind(d.kind)
        severity = d.severity or rule.severity
        if d.hedged and severity != "info":
            severity = _lower(severity)
        findings.append(Finding("", d.kind, severity, rule.code, d.message, d.claims, d.scores, d.check, d.details))  # type: ignore[arg-type]
    findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, [order.get(c, 0) for c in f.claims]))
    for i, f in enumerate(findings, start=1):
        f.id = f"F{i}"
    return findings
