"""The dispute stage: where one report denies, refutes or contests what another asserts, and who does which.

    ... -> nli -> judge -> dispute -> postprocess

The pair rules of :mod:`checker.judge` only see aligned pairs (top-3 by embedding similarity) and
only call a contradiction when NLI says so in *both* directions. Real disputes rarely look like
that: the denial is worded differently ("Title 42 has nothing to do with public health" vs "Title
42 is a public health directive"), sits in a quotation whose frame ("..., Gottschalk said") hides
the content from the similarity, and the model is confident in one direction only (the denial
refutes the assertion; the assertion does not refute every detail of the denial). So this stage:

1. **Finds candidates beyond similarity**: the aligned pairs no pair rule decided (first: the
   alignment says they are about the same thing), then claims of different reports that share salient anchors
   (TF-IDF over the claims' contents: names, figures, rare words) or whose *contents* (the
   attribution frame removed: "X said that P" -> P) are close, fused by reciprocal rank with the
   embedding similarity; claims that carry a refutation cue ("in fact", "there is no", "denied",
   "no evidence", "nothing to do with", ...) get more candidates. Candidates are re-ranked by the
   NLI model itself (Schuster et al. 2022: NLI retrieves counter-evidence better than similarity),
   within a budget of ``dispute_nli_budget`` times the aligned pairs, so a run makes at most
   (1 + budget) times the NLI calls it made before.
2. **Judges direction-aware on content**: the denying side's content as premise against the
   asserting side's content as hypothesis must reach ``dispute_contradiction``; the other
   direction only has to show some conflict (``dispute_reverse_contradiction``) and no entailment.
   Attribution decides the kind: reporter vs reporter -> contradiction, speaker vs reporter ->
   disputed, speaker vs speaker -> attributed_disagreement. A dispute found with one strong
   direction is reported at ``dispute_severity`` (info: on the dev expectations one such warning in
   five was a real dispute, so as alerts they would be noise); with NLI past
   ``contradiction_threshold`` both ways, between contents as similar as the pair rule asks
   (``nli_min_similarity``), the kind keeps its own severity. Hedges lower the severity
   one level, as everywhere.
3. **Links dispute markers across reports**: a reporter's "the false claim that Ukraine 'started'
   the war" (found by the judge's ``disputed`` document rule) is linked to the claims of the other
   reports that assert or deny the disputed proposition ("Ukraine started the war").

Every finding of this stage carries both sides in ``details``: ``asserting`` and ``denying``, each
a list of ``{"claim", "doc", "speaker", "content"}``; the outputs show them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from checker.policy import Draft, Mode, PolicyRule, policy_rule, short
from checker.types import Claim, Document, Finding

if TYPE_CHECKING:
    from checker.align import Alignment
    from checker.config import Settings

T = TypeVar("T")  # a dispute candidate, or a recorded one (scripts/sweep_disputes.py)

# Cues of a sentence that refutes something ("in fact, there is no ..."); they widen its retrieval
# and decide which side denies when both directions conflict.
REFUTATION = re.compile(
    r"\b(in fact|in reality|actually|there (?:is|are|was|were) no|no evidence|denied|denies|deny|denying|false(?:ly)?|untrue|not true|"
    r"debunked|baseless|unfounded|misguided|nothing to do with|never|myth|straw ?man|fantasy|not the case|contrary to|rejected|refuted|"
    r"won[’']t do anything|will do little|nothing more than|no reason|no need|irrelevant|not (?:a|an) )",
    re.I,
)
# "the false claim that P", "the baseless assertion that P": P is the disputed proposition.
_CLAIM_THAT = re.compile(r"\b(?:claims?|assertions?|allegations?|notion|idea|narrative|suggestion|contention|lie)\s+that\s+(.+?)(?=[,;:.]| and | but |$)", re.I)
# "Ukraine's supposed responsibility for starting the war": the possessor and what is supposed.
_SUPPOSED = re.compile(r"\b([A-Z][\w.-]*(?:['’]s)?)\s+(?:supposed|alleged|so-called|purported)\s+([\w\s-]+?)(?=[,;:.]|$)")
_QUOTES = re.compile(r"[\"“”„«»]|(?<!\w)['‘’]|['‘’](?!\w)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+|\d[\d,.]*")


@dataclass
class Side:
    """One side of a dispute: the claim, its speaker (None: the reporter) and what it asserts."""

    claim: Claim
    content: str

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim.id, "doc": self.claim.doc, "speaker": self.claim.speaker or "the reporter", "content": self.content}


def content_of(claim: Claim) -> str:
    """What the claim asserts, without its attribution frame ("X said that P" -> P) or quotation marks."""
    text = claim.content if claim.attributed and claim.content else claim.text
    return " ".join(_QUOTES.sub("", text).split())


def refutes(claim: Claim) -> bool:
    """The claim carries a refutation cue (or a dispute marker of the reporter)."""
    return bool(REFUTATION.search(claim.text)) or bool(claim.dispute_markers and claim.speaker is None)


def disputed_proposition(claim: Claim) -> str | None:
    """The proposition a dispute marker disputes: 'the false claim that Ukraine "started" the war' ->
    'Ukraine started the war'; "Ukraine's supposed responsibility for starting the war" -> "Ukraine's
    responsibility for starting the war"; None when the marker names no proposition."""
    text = _QUOTES.sub("", claim.text)
    m = _CLAIM_THAT.search(text)
    if m and len(m.group(1).split()) >= 2:
        return m.group(1).strip().rstrip(".") + "."
    m = _SUPPOSED.search(text)
    if m and len(m.group(2).split()) >= 2:
        return f"{m.group(1)} {m.group(2).strip()}."
    return None


# -- candidates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Two claims of different reports that may dispute each other, with the retrieval evidence."""

    x: Claim
    y: Claim
    similarity: float  # cosine similarity of the contents
    lexical: float  # TF-IDF cosine of the contents
    anchors: tuple[str, ...]  # salient words both contents share
    score: float  # fused retrieval score (reciprocal rank)


def doc_pairs(docs: Sequence[Document], mode: Mode | None) -> list[tuple[Document, Document]]:
    """Which pairs of documents may dispute each other: every pair in compare; draft x source in check
    (none without sources: a draft is not disputed by itself)."""
    draft_ids = getattr(mode, "draft_ids", None)
    if draft_ids is None:
        return [(a, b) for i, a in enumerate(docs) for b in docs[i + 1 :]]
    return [(a, b) for a in docs if a.id in draft_ids for b in docs if b.id not in draft_ids]


def _tfidf(texts: list[str]) -> tuple[Any, list[str]]:
    """Unit TF-IDF rows of the texts (sublinear tf, English stop words) and the vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=r"(?u)\b[A-Za-z][A-Za-z-]+\b|\b\d[\d,.]*\b", min_df=1)
    try:
        matrix = vec.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return None, []
    return matrix, list(vec.get_feature_names_out())


def candidates(
    docs: Sequence[Document],
    contents: dict[str, str],
    vectors: dict[str, Any],
    settings: Settings,
    mode: Mode | None,
    aligned: Sequence[tuple[Claim, Claim]] = (),
) -> list[Candidate]:
    """Claim pairs of different reports ranked by fused lexical (TF-IDF) and content-embedding rank.

    Each claim keeps its ``dispute_top_k`` best counterparts per other report (more for a claim with
    a refutation cue); a pair needs content similarity >= ``dispute_min_similarity`` and either a
    shared salient word or similarity >= ``align_min_similarity``.

    ``aligned``: pairs the alignment already matched and no pair rule decided. They come first,
    whatever their fused rank: the alignment says they are about the same thing, and a denial worded
    in its own frame ("I can say with full certainty ... that industry does have interest") can rank
    below the best three by content while NLI sees the conflict at once (story-99, a9/b9)."""
    import numpy as np

    claims = [c for d in docs for c in d.claims if not c.is_heading]
    if not claims:
        return []
    row = {c.id: i for i, c in enumerate(claims)}
    tfidf, vocab = _tfidf([contents[c.id] for c in claims])
    if tfidf is None:
        return []
    lexical = (tfidf @ tfidf.T).toarray()
    emb = np.stack([vectors[c.id] for c in claims])
    cosine = emb @ emb.T
    found: dict[tuple[str, str], Candidate] = {}
    allowed = {frozenset((a.id, b.id)) for a, b in doc_pairs(docs, mode)}
    for x, y in aligned:  # score 1.0: above any fused score (at most 2/10), so they sort first and keep their place
        if x.id not in row or y.id not in row or frozenset((x.doc, y.doc)) not in allowed:
            continue
        r, c = row[x.id], row[y.id]
        sim = float(cosine[r, c])
        if sim >= settings.dispute_min_similarity:
            found.setdefault((x.id, y.id), Candidate(x, y, sim, float(lexical[r, c]), _shared(tfidf, vocab, r, c), 1.0))
    for doc_a, doc_b in doc_pairs(docs, mode):
        ia = [row[c.id] for c in doc_a.claims if c.id in row]
        ib = [row[c.id] for c in doc_b.claims if c.id in row]
        if not ia or not ib:
            continue
        for rows, cols in ((ia, ib), (ib, ia)):
            for r in rows:
                k = settings.dispute_top_k + (settings.dispute_refute_extra_k if refutes(claims[r]) else 0)
                lex_rank = {c: n for n, c in enumerate(sorted(cols, key=lambda c: -lexical[r, c]))}
                emb_rank = {c: n for n, c in enumerate(sorted(cols, key=lambda c: -cosine[r, c]))}
                fused = sorted(cols, key=lambda c: -(1 / (10 + lex_rank[c]) + 1 / (10 + emb_rank[c])))
                for c in fused[:k]:
                    sim, lex = float(cosine[r, c]), float(lexical[r, c])
                    if sim < settings.dispute_min_similarity:
                        continue
                    shared = _shared(tfidf, vocab, r, c)
                    if not shared and sim < settings.align_min_similarity:
                        continue
                    x, y = (claims[r], claims[c]) if r in ia else (claims[c], claims[r])
                    score = 1 / (10 + lex_rank[c]) + 1 / (10 + emb_rank[c])
                    key = (x.id, y.id)
                    if (key not in found or score > found[key].score) and (y.id, x.id) not in found:
                        found[key] = Candidate(x, y, sim, lex, shared, score)
    return sorted(found.values(), key=lambda c: -c.score)  # stable: the aligned pairs stay in the alignment's order


def _shared(tfidf: Any, vocab: list[str], r: int, c: int) -> tuple[str, ...]:
    """Salient words both rows contain: the terms whose TF-IDF weight is high in both (not just shared)."""
    a, b = tfidf.getrow(r), tfidf.getrow(c)
    wa = dict(zip(a.indices, a.data))
    return tuple(sorted(vocab[j] for j, w in zip(b.indices, b.data) if j in wa and min(w, wa[j]) >= 0.2))


# -- judgement --------------------------------------------------------------------------------------


@policy_rule(
    "dispute",
    decides=("contradiction", "disputed", "attributed_disagreement"),
    when="a pair of claims of different reports, not decided by a pair rule: every aligned pair first, then pairs sharing a salient word (TF-IDF) or with content similarity >= "
    "{align_min_similarity} (the best {dispute_top_k} per claim and report by fused lexical/embedding rank, more for a claim with a refutation cue); "
    "NLI on the contents (attribution frames removed): the denying side against the asserting side >= {dispute_contradiction}, the other direction "
    ">= {dispute_reverse_contradiction}, entailment < {dispute_max_entailment} both ways; no conflicting figures or disjoint dates",
    finding="by attribution: reporter vs reporter FC101 contradiction, speaker vs reporter FC103 disputed, speaker vs speaker FC102 "
    "attributed_disagreement; severity `dispute_severity` (info) unless both directions reach {contradiction_threshold} and the contents' similarity reaches {nli_min_similarity} (then the kind's own: "
    "error, warning, warning); hedged: one level lower; both sides in the details",
)
def judge_dispute(cand: Candidate, ab: dict[str, float], ba: dict[str, float], contents: dict[str, str], settings: Settings) -> Draft | None:
    """One candidate pair, direction-aware: which side denies is the premise of the stronger contradiction
    (the side with a refutation cue when only one has one and its direction conflicts)."""
    x, y = cand.x, cand.y
    c_xy, c_yx = ab["contradiction"], ba["contradiction"]
    if max(ab["entailment"], ba["entailment"]) >= settings.dispute_max_entailment:
        return None
    rx, ry = refutes(x), refutes(y)
    if rx != ry and min(c_xy, c_yx) >= settings.dispute_reverse_contradiction:
        deny_x = rx
    else:
        deny_x = c_xy >= c_yx
    strong, weak = (c_xy, c_yx) if deny_x else (c_yx, c_xy)
    if strong < settings.dispute_contradiction or weak < settings.dispute_reverse_contradiction:
        return None
    if _numbers_or_times_differ(x, y):
        return None
    denier, asserter = (x, y) if deny_x else (y, x)
    sides = {"asserting": [Side(asserter, contents[asserter.id]).to_json()], "denying": [Side(denier, contents[denier.id]).to_json()]}
    scores = {
        "similarity": round(cand.similarity, 4),
        "lexical": round(cand.lexical, 4),
        "contradiction": round(min(c_xy, c_yx), 4),
        "contradiction_denying": round(strong, 4),
        "contradiction_asserting": round(weak, 4),
    }
    details: dict[str, Any] = {**sides, "anchors": list(cand.anchors)}
    who_a, who_d = _voice(asserter), _voice(denier)
    hedged = bool(x.hedges or y.hedges)
    ids = [x.id, y.id]
    # one direction strong, the other weaker: a lead for the editor (info by default), not an alert.
    # The kind's own severity needs what the pair rule needs for it: NLI past contradiction_threshold
    # both ways *and* claims about the same thing (similarity >= nli_min_similarity). Two claims that
    # share only a topic ("16 states blocked bans" vs "16 states protected access", sim 0.49) can
    # still look contradictory both ways to a stronger model; they stay leads.
    both = min(c_xy, c_yx) >= settings.contradiction_threshold and cand.similarity >= settings.nli_min_similarity
    severity = None if both else settings.dispute_severity
    if x.attributed and y.attributed:
        return Draft(
            "attributed_disagreement",
            f"{who_d} ({denier.id}) contradicts what {who_a} says ({asserter.id}): '{short(contents[denier.id], 60)}' vs '{short(contents[asserter.id], 60)}'",
            ids,
            "dispute",
            scores,
            details,
            hedged,
            severity=severity,
        )
    if x.attributed or y.attributed:
        quoted = x if x.attributed else y
        how = "is contradicted by the reporting in" if quoted is asserter else "denies the reporting in"
        other = y if quoted is x else x
        return Draft(
            "disputed",
            f"{quoted.speaker}'s {'assertion' if quoted is asserter else 'statement'} in {quoted.id} {how} {other.id}: "
            f"'{short(contents[asserter.id], 60)}' vs '{short(contents[denier.id], 60)}'",
            [quoted.id, other.id],
            "dispute",
            scores,
            details,
            hedged,
            severity=severity,
        )
    return Draft(
        "contradiction",
        f"{denier.id} denies what {asserter.id} reports: '{short(contents[denier.id], 60)}' vs '{short(contents[asserter.id], 60)}'",
        ids,
        "dispute",
        scores,
        details,
        hedged,
        severity=severity,
    )


def _voice(c: Claim) -> str:
    return c.speaker if c.speaker else "the reporter"


def _numbers_or_times_differ(x: Claim, y: Claim) -> bool:
    """Conflicting figures or clearly different dates: the number and time rules' territory (the NLI
    model reads any two different figures as a contradiction)."""
    from checker.analysis.quantities import quantity_conflicts
    from checker.analysis.times import different_time

    if x.quantities and y.quantities and quantity_conflicts(x.quantities, y.quantities):
        return True
    return bool(x.times and y.times and different_time(x.times, y.times))


# -- dispute markers across reports -----------------------------------------------------------------


@policy_rule(
    "dispute marker across reports",
    decides=("disputed",),
    when='a reporter\'s dispute marker (the `disputed` document rule) names a proposition ("the false claim that P", "X\'s supposed P"); the '
    "{dispute_marker_top_k} claims of the other reports most similar to it are tested with NLI (claim -> P)",
    finding="the FC103 finding links them: entailment >= {dispute_marker_link} asserts P, contradiction >= {dispute_marker_link} denies it; "
    '"X started the war" is also denied by a report of the war as an aggression against X ("Russia\'s invasion of Ukraine"), which NLI does not infer; '
    'a marker that no claim of any report is linked to (nobody asserts what it disputes: "were supposedly still sitting on") is info, not a warning',
)
def link_markers(
    docs: Sequence[Document],
    findings: list[Finding],
    contents: dict[str, str],
    embedder: Any,
    backend: Any,
    settings: Settings,
    mode: Mode | None,
    budget: int,
) -> int:
    """Link each reporter's dispute marker (the judge's ``disputed`` document finding) to the claims of
    the other reports that assert (entailment) or deny (contradiction) the disputed proposition.
    Returns the NLI calls made (one direction per candidate: claim -> proposition)."""
    import numpy as np

    by_id = {c.id: c for d in docs for c in d.claims}
    allowed = {frozenset((a.id, b.id)) for a, b in doc_pairs(docs, mode)}
    jobs: list[tuple[Finding, str, list[Claim]]] = []
    for f in findings:
        marker = by_id.get(f.claims[0]) if f.kind == "disputed" and f.check == "attribution" and f.claims else None
        prop = disputed_proposition(marker) if marker is not None else None
        if marker is None or prop is None:
            continue
        others = [c for d in docs if frozenset((d.id, marker.doc)) in allowed for c in d.claims if not c.is_heading]
        jobs.append((f, prop, others))
    pairs: list[tuple[int, Claim]] = []
    if jobs and budget > 0 and settings.dispute_marker_top_k > 0:
        props = embedder.encode([p for _, p, _ in jobs])
        texts = sorted({c.id for _, _, cs in jobs for c in cs})
        matrix = embedder.encode([contents[t] for t in texts])
        vec = {t: matrix[i] for i, t in enumerate(texts)}
        per_job = max(1, budget // len(jobs))
        for j, (_, _, others) in enumerate(jobs):
            ranked = sorted(others, key=lambda c: -float(np.dot(props[j], vec[c.id])))
            pairs += [(j, c) for c in ranked[: min(settings.dispute_marker_top_k, per_job)]]
    probs = backend.predict([(contents[c.id], jobs[j][1]) for j, c in pairs]) if pairs else []
    for (j, c), p in zip(pairs, probs, strict=True):
        f, prop, _ = jobs[j]
        side = "asserting" if p["entailment"] >= settings.dispute_marker_link else "denying" if p["contradiction"] >= settings.dispute_marker_link else None
        if side is None:
            continue
        entry = {**Side(c, contents[c.id]).to_json(), "score": round(p[side == "asserting" and "entailment" or "contradiction"], 4)}
        f.details.setdefault("proposition", prop)
        f.details.setdefault("asserting", [])
        f.details.setdefault("denying", [])
        f.details[side].append(entry)
        if c.id not in f.claims:
            f.claims.append(c.id)
    for f, prop, others in jobs:
        for c in others:
            if c.id not in f.claims and _reports_aggression_against(prop, c.text):
                f.details.setdefault("proposition", prop)
                f.details.setdefault("denying", []).append({**Side(c, contents[c.id]).to_json(), "check": "aggressor"})
                f.details.setdefault("asserting", [])
                f.claims.append(c.id)
    for f in findings:  # distancing without anyone asserting the disputed thing is no dispute to warn about
        if f.kind == "disputed" and f.check == "attribution" and len(f.claims) == 1 and f.severity == "warning":
            f.severity = "info"
    for f, _, _ in jobs:
        if f.details.get("asserting") or f.details.get("denying"):
            f.message += _linked_words(f.details)
            f.details.setdefault("asserting", []).extend(
                {**Side(by_id[cid], contents[cid]).to_json()}
                for cid in f.claims[1:]
                if by_id[cid].attributed and cid not in {e["claim"] for e in f.details["asserting"] + f.details.get("denying", [])}
            )
    return len(pairs)


# "X started the war" is denied by a report of the war as an aggression *against* X ("Russia's invasion of
# Ukraine", "they're the ones that were invaded"): the NLI model does not make that inference (measured: "Russia
# invaded Ukraine" -> "Ukraine started the war" is 0.08 contradiction), so it is a deterministic check.
_STARTED = re.compile(
    r"^(?P<who>[A-Z][\w.-]*)(?:['’]s)?\s+(?:started|began|provoked|caused|responsibility for starting|started|is responsible for)\b.*\b(?:war|conflict|fighting|invasion)\b", re.I
)
_AGGRESSION = "(?:invasion|invaded|attack|attacked|aggression|war)"


def _reports_aggression_against(proposition: str, text: str) -> bool:
    """The claim reports the disputed war as an aggression against the proposition's subject."""
    m = _STARTED.match(proposition)
    if m is None:
        return False
    who = re.escape(m.group("who"))
    return bool(re.search(rf"\b{_AGGRESSION}\s+(?:of|on|against)\s+{who}\b|\b{who}\b[^.]{{0,60}}\b(?:were|was|been|being)\s+(?:invaded|attacked)\b", text, re.I))


def _linked_words(details: dict[str, Any]) -> str:
    def ids(side: str) -> str:
        return ", ".join(f"{e['claim']} ({e['speaker']})" for e in details.get(side, []))

    parts = [f"asserted in {ids('asserting')}" if details.get("asserting") else "", f"denied in {ids('denying')}" if details.get("denying") else ""]
    return "; across reports: " + "; ".join(p for p in parts if p)


# -- the stage --------------------------------------------------------------------------------------


DISPUTE_RULES: tuple[PolicyRule, ...] = (judge_dispute, link_markers)
"""The dispute stage's rule, for docs/decision-policy.md."""


def call_budget(settings: Settings, aligned_pairs: int) -> int:
    """NLI calls the stage may make: ``dispute_nli_budget`` times the aligned pairs' calls (two per pair),
    and always enough for ``dispute_min_pairs`` pairs."""
    return max(int(settings.dispute_nli_budget * 2 * aligned_pairs), 2 * settings.dispute_min_pairs)


def within_budget(pool: Sequence[T], free: Callable[[T], bool], budget: int) -> tuple[list[T], int]:
    """The candidates judged, in pool order: every pair whose NLI scores are already known (``free``), and
    the others at two calls each while ``budget`` lasts; with the calls they cost."""
    todo: list[T] = []
    calls = 0
    for c in pool:
        if free(c):
            todo.append(c)
        elif calls + 2 <= budget:
            todo.append(c)
            calls += 2
    return todo, calls


def disputes(
    docs: list[Document],
    alignment: Alignment,
    probs: Sequence[dict[str, float]],
    findings: list[Finding],
    vectors: dict[str, Any],
    settings: Settings,
    mode: Mode | None,
    backend: Any,
    embedder: Any,
) -> tuple[list[Finding], int]:
    """The stage: new findings merged with the judge's (renumbered), and the NLI calls it made."""
    from checker.judge import finalize, renumber

    mode = mode or Mode()
    claims = [c for d in docs for c in d.claims]
    contents = {c.id: content_of(c) for c in claims}
    framed = [c for c in claims if contents[c.id] != c.text]
    cvec = dict(vectors)
    if framed:
        matrix = embedder.encode([contents[c.id] for c in framed])
        cvec.update({c.id: matrix[i] for i, c in enumerate(framed)})
    budget = call_budget(settings, len(alignment.candidates))
    decided = {frozenset(f.claims) for f in findings if len(f.claims) == 2}
    known: dict[tuple[str, str], tuple[dict[str, float], dict[str, float]]] = {}
    for i, cand in enumerate(alignment.candidates):
        if cand.a.text == contents[cand.a.id] and cand.b.text == contents[cand.b.id]:
            known[(cand.a.id, cand.b.id)] = (probs[2 * i], probs[2 * i + 1])
    undecided = [(cand.a, cand.b) for cand in alignment.candidates if frozenset((cand.a.id, cand.b.id)) not in decided]
    pool = [c for c in candidates(docs, contents, cvec, settings, mode, undecided) if frozenset((c.x.id, c.y.id)) not in decided]
    todo, calls = within_budget(pool, lambda c: (c.x.id, c.y.id) in known or (c.y.id, c.x.id) in known, budget)
    new = [c for c in todo if (c.x.id, c.y.id) not in known and (c.y.id, c.x.id) not in known]
    scored = backend.predict([p for c in new for p in ((contents[c.x.id], contents[c.y.id]), (contents[c.y.id], contents[c.x.id]))]) if new else []
    for i, c in enumerate(new):
        known[(c.x.id, c.y.id)] = (scored[2 * i], scored[2 * i + 1])
    drafts: list[Draft] = []
    used: set[frozenset[str]] = set()
    for c in todo:
        ab, ba = known[(c.x.id, c.y.id)] if (c.x.id, c.y.id) in known else known[(c.y.id, c.x.id)][::-1]
        draft = judge_dispute(c, ab, ba, contents, settings)
        if draft is not None and frozenset(draft.claims) not in used:
            used.add(frozenset(draft.claims))
            adjusted = mode.adjust(draft)
            if adjusted is not None:
                drafts.append(adjusted)
    calls += link_markers(docs, findings, contents, embedder, backend, settings, mode, max(0, budget - calls))
    order = {c.id: n for n, c in enumerate(claims)}
    return renumber([*findings, *finalize(drafts, order)], order), calls


def policy_table(settings: Settings | None = None) -> str:
    """docs/decision-policy.md's generated part: the judge's rules, then this stage's (it runs after the judge)."""
    from checker.judge import policy_table as judge_table

    return judge_table(settings, [("Then, the dispute stage (`checker/dispute.py`), on pairs no rule above decided:", DISPUTE_RULES)])
