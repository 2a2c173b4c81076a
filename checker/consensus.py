"""Consensus across three or more reports: claims grouped by fact, how many reports carry each, the odd ones out.

A desk comparing five outlets does not want ten pairwise reports; it wants, per fact, "4 of 5
reports: 17 killed; report c: 12". This stage builds that view from what the pipeline already
computed — the alignment and the pair findings — and judges nothing again (no model, no NLI call):

* **Links.** Two claims of different reports are linked when their aligned pair was judged to be
  about the same thing (a pair finding: agreement, or a figure / date / place / assertion /
  quotation conflict) with similarity >= ``consensus_min_similarity``, or when the pair is one
  claim's best match with similarity >= ``consensus_link_similarity`` (a close paraphrase the
  judge had nothing to say about).
* **Groups.** A claim group is a connected component of the links (union-find). A report may
  carry a fact in more than one sentence (a lede and a caption repeat it): all of them are in the
  group, and the report counts once. The floors are high and only aligned pairs link, so chains
  through loosely related sentences are rare; a group's members are listed, so one can be read.
* **Odd ones out**, per aspect (figure: FC201 / FC204; date: FC203; place: FC202 on a place;
  name: FC202 on a person, organisation or party label; assertion:
  FC101 / FC102 / FC103; quotation: FC104): the pair findings of that aspect between members are
  conflicts. The *majority* is the largest set of reports whose claims can be chosen without any
  conflict among them (a maximum independent set over the conflicting claims, exact for up to
  :data:`MAX_EXACT` of them). When that set is unique and holds more than half of the group's
  reports, the other reports are the odd ones out, each with the value it gives ("report b:
  10 inches") against the majority's value. Otherwise the reports differ without a majority and
  every side is listed. A report that carries both values (a caption that says otherwise) counts
  with the majority when one of its claims agrees with it.
* **Singletons**: claims (not headings) that no group takes — said by one report only, or worded
  too differently to be linked — each as a group of its own with status ``single``.

Consensus is built from the judged findings, before select / ignore, suppression comments and the
baseline: it describes what the reports say, not which findings are shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from checker.policy import short
from checker.types import Claim, ClaimGroup, Divergence, Document, Finding, Variant

if TYPE_CHECKING:
    from checker.align import Alignment
    from checker.config import Settings

__all__ = ["ASPECTS", "aspect_of", "build_consensus", "claim_groups", "majority"]

#: Pair-finding kind -> the aspect on which the two claims conflict.
ASPECTS: dict[str, str] = {
    "numeric_mismatch": "figure",
    "superseded": "figure",
    "different_time": "date",
    "entity_mismatch": "place",
    "contradiction": "assertion",
    "attributed_disagreement": "assertion",
    "disputed": "assertion",
    "quote_mismatch": "quotation",
}
ASPECT_ORDER = ("figure", "date", "place", "name", "assertion", "quotation")
#: Word-level change kinds (checker.analysis.edits) that make an FC202 a conflict on a name, not a place.
_NAME_CHANGES = frozenset({"person", "organisation", "name"})
LINK_KINDS = frozenset({"agreement", *ASPECTS})
#: Conflicting claims in one group up to which the majority is found exactly (2**n subsets);
#: beyond it, greedily (drop the claim with the most conflicts until none is left).
MAX_EXACT = 16

Pair = frozenset[str]


def build_consensus(docs: Sequence[Document], alignment: Alignment, findings: Sequence[Finding], settings: Settings) -> list[ClaimGroup]:
    """Claim groups of a compare run (see the module docstring): groups carried by several reports
    first (most reports first, contested before shared), then the singletons in document order."""
    claims = {c.id: c for d in docs for c in d.claims}
    order = {cid: n for n, cid in enumerate(claims)}
    doc_order = {d.id: n for n, d in enumerate(docs)}
    by_pair = pair_findings(findings, claims)
    links = [
        (cand.a.id, cand.b.id, cand.similarity)
        for cand in alignment.candidates
        if cand.a.doc != cand.b.doc
        and (
            (frozenset((cand.a.id, cand.b.id)) in by_pair and cand.similarity >= settings.consensus_min_similarity)
            or (cand.rank == 1 and cand.similarity >= settings.consensus_link_similarity)
        )
    ]
    total = len(docs)
    groups = [_group(members, links, by_pair, claims, order, doc_order, total) for members in claim_groups(links)]
    groups.sort(key=lambda g: (-len(g.reports), g.status != "contested", order[g.claims[0]]))
    grouped = {cid for g in groups for cid in g.claims}
    for c in claims.values():
        if c.id not in grouped and not c.is_heading:
            groups.append(ClaimGroup("", "single", [c.id], [c.doc], total, c.id, f"only in report {c.doc}: {short(c.text, 80)}"))
    for n, g in enumerate(groups, start=1):
        g.id = f"G{n}"
    return groups


def pair_findings(findings: Iterable[Finding], claims: dict[str, Claim]) -> dict[Pair, list[Finding]]:
    """Findings about exactly two claims of different reports, by their pair (the ones that can link or divide claims)."""
    out: dict[Pair, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind in LINK_KINDS and len(f.claims) == 2 and all(c in claims for c in f.claims) and claims[f.claims[0]].doc != claims[f.claims[1]].doc:
            out[frozenset(f.claims)].append(f)
    return dict(out)


def claim_groups(links: Iterable[tuple[str, str, float]]) -> list[list[str]]:
    """Connected components of the links (union-find), each as its claim ids in first-seen order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, _ in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for x in parent:
        members[find(x)].append(x)
    return list(members.values())


def _group(
    members: list[str],
    links: list[tuple[str, str, float]],
    by_pair: dict[Pair, list[Finding]],
    claims: dict[str, Claim],
    order: dict[str, int],
    doc_order: dict[str, int],
    total: int,
) -> ClaimGroup:
    """One claim group: its reports, the claim that stands for it, and its divergences."""
    inside = set(members)
    ids = sorted(inside, key=order.__getitem__)
    reports = sorted({claims[c].doc for c in ids}, key=doc_order.__getitem__)
    degree: Counter[str] = Counter()
    weight: dict[str, float] = defaultdict(float)
    for a, b, s in links:
        if a in inside:
            degree[a] += 1
            degree[b] += 1
            weight[a] += s
            weight[b] += s
    representative = min(ids, key=lambda c: (-degree[c], -weight[c], order[c]))
    divergences = []
    for aspect in ASPECT_ORDER:
        conflicts = [f for pair, fs in by_pair.items() if pair <= inside for f in fs if aspect_of(f) == aspect]
        found = _divergence(aspect, conflicts, ids, reports, claims, doc_order)
        if found is not None:
            divergences.append(found)
    n = len(reports)
    message = f"{n} of {total} reports: {short(claims[representative].text, 80)}"
    return ClaimGroup("", "contested" if divergences else "shared", ids, reports, total, representative, message, divergences)


def aspect_of(finding: Finding) -> str | None:
    """The aspect a pair finding's two claims conflict on. FC202 covers places and names alike: a
    party label ("D-Conn." vs "R-CT", the party-label rule records the person) or a changed person
    or organisation with no changed place (the word-level edit rule ranks a place first) is a conflict on
    a name; the rest is on a place."""
    aspect = ASPECTS.get(finding.kind)
    if aspect != "place":
        return aspect
    kinds = {c.get("kind") for c in finding.details.get("changes") or [] if isinstance(c, dict)}
    named = "person" in finding.details or (bool(kinds & _NAME_CHANGES) and "place" not in kinds)
    return "name" if named else "place"


def majority(members: Sequence[str], conflicts: Iterable[tuple[str, str]], report_of: dict[str, str]) -> set[str] | None:
    """The reports of the largest conflict-free choice of claims, or None when two different choices tie.

    ``members``: claim ids; ``conflicts``: pairs of member claims that conflict; ``report_of``:
    claim id -> report id. A choice is a set of claims with no conflict among them; it is scored by
    the reports it covers (then by its size), and its reports are the majority candidates."""
    edges = {frozenset(p) for p in conflicts if p[0] != p[1]}
    involved = sorted({c for e in edges for c in e}, key=list(members).index)
    free = {report_of[c] for c in members if c not in involved}
    if len(involved) > MAX_EXACT:
        return free | {report_of[c] for c in _greedy_independent(involved, edges)}
    best: tuple[int, int] = (-1, -1)
    covers: set[frozenset[str]] = set()
    for size in range(len(involved), -1, -1):
        for subset in combinations(involved, size):
            if any(frozenset(p) in edges for p in combinations(subset, 2)):
                continue
            reports = frozenset(free | {report_of[c] for c in subset})
            score = (len(reports), size)
            if score[0] > best[0]:
                best, covers = score, {reports}
            elif score[0] == best[0]:
                covers.add(reports)
    return set(next(iter(covers))) if len(covers) == 1 else None


def _greedy_independent(nodes: list[str], edges: set[frozenset[str]]) -> set[str]:
    """A conflict-free subset: drop the claim with the most remaining conflicts until none is left."""
    keep = set(nodes)
    while True:
        count = Counter(c for e in edges if e <= keep for c in e)
        if not count:
            return keep
        keep.discard(max(sorted(count), key=count.__getitem__))


def _divergence(aspect: str, conflicts: list[Finding], ids: list[str], reports: list[str], claims: dict[str, Claim], doc_order: dict[str, int]) -> Divergence | None:
    """The odd ones out of a group on one aspect (or every side, without a majority); None when nothing differs."""
    if not conflicts:
        return None
    report_of = {c: claims[c].doc for c in ids}
    pairs = [(f.claims[0], f.claims[1]) for f in conflicts]
    rules = sorted({f.rule for f in conflicts})
    agreeing = majority(ids, pairs, report_of)
    if agreeing is not None and 2 * len(agreeing) > len(reports):
        odd_reports = [r for r in reports if r not in agreeing]
        if not odd_reports:
            return None  # each conflict has a report on both sides: another claim of it agrees with the rest
        odd: list[Variant] = []
        majority_values: Counter[str] = Counter()
        for r in odd_reports:
            mine: Counter[str] = Counter()
            own: list[str] = []
            for f in conflicts:
                sides = {report_of[c]: c for c in f.claims}
                other = next(c for c in f.claims if c != sides.get(r))
                if r in sides and report_of[other] in agreeing:
                    mine[_value(f, sides[r], claims)] += 1
                    majority_values[_value(f, other, claims)] += 1
                    own.append(sides[r])
            odd.append(Variant(r, sorted(set(own), key=ids.index), _most_common(mine)))
        agreed = sorted(agreeing, key=doc_order.__getitem__)
        value = _most_common(majority_values)
        shown = "; ".join(f"report {v.report}: {v.value}" for v in odd)
        return Divergence(aspect, agreed, value, odd, rules, f"{len(agreed)} of {len(reports)} reports: {value}; {shown}")
    sides_by_report: dict[str, Counter[str]] = defaultdict(Counter)
    claims_by_report: dict[str, set[str]] = defaultdict(set)
    for f in conflicts:
        for c in f.claims:
            sides_by_report[report_of[c]][_value(f, c, claims)] += 1
            claims_by_report[report_of[c]].add(c)
    variants = [Variant(r, sorted(claims_by_report[r], key=ids.index), _most_common(sides_by_report[r])) for r in sorted(sides_by_report, key=doc_order.__getitem__)]
    shown = "; ".join(f"report {v.report}: {v.value}" for v in variants)
    return Divergence(aspect, [], None, variants, rules, f"reports differ on a {aspect} without a majority: {shown}")


def _most_common(values: Counter[str]) -> str:
    """The most frequent value; ties go to the alphabetically first, so the output is deterministic."""
    return min(values, key=lambda v: (-values[v], v)) if values else ""


def _value(finding: Finding, claim_id: str, claims: dict[str, Claim]) -> str:
    """What ``claim_id`` says in the finding: the figure, date, place or quotation its rule recorded
    (the word-level edit rule's changed span, or ``details`` a/b, time_a/time_b, quote_a/quote_b,
    keyed by the claim's position in the finding), else the sentence itself."""
    details = finding.details
    for change in details.get("changes") or []:
        for side in ("before", "after"):
            part = change.get(side) if isinstance(change, dict) else None
            if isinstance(part, dict) and part.get("claim") == claim_id and part.get("text"):
                return str(part["text"])
    index = finding.claims.index(claim_id)
    for keys in (("a", "b"), ("time_a", "time_b"), ("quote_a", "quote_b")):
        value = details.get(keys[index]) if index < 2 else None
        if isinstance(value, str) and value:
            return value
    return f"'{short(claims[claim_id].text, 80)}'"
