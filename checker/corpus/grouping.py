"""Group a corpus's articles into stories: reports of the same event, from any number of outlets.

Signals, combined into one similarity (a dot product, so that it can be averaged exactly, below):

* **Title and lede** — the headline plus the first sentences (:func:`story_text`), embedded with
  the pipeline's sentence embedder (all-MiniLM-L6-v2 by default). The lede is where every outlet
  says what happened; later paragraphs wander off into background that many stories share.
* **Shared names** — capitalised words and acronyms of the whole article (:func:`name_tokens`:
  "Sinema", "Krasner", "NRA"), weighted tf-idf over the corpus and feature-hashed into a fixed
  number of dimensions (:func:`name_vectors`). Stories on one topic share the vocabulary of their
  ledes but less often their people and places. Capitalised tokens rather than spaCy
  entities because they cost nothing (spaCy's small model on the whole article would cost more
  than the embedding; ``scripts/bench_grouping.py --spacy-cost`` measures it).
* **Date** — articles more than :data:`DATE_WINDOW_DAYS` apart are never compared (a hard block,
  also what keeps the cost linear); inside the window a closeness term (1 on the same day, 0.55 a
  day apart, 0.1 two days apart: :func:`date_vectors`) favours the same news cycle. Undated
  articles are compared with everything and carry the date's share on their embedding instead.

Each dated article gets one vector ``[sqrt(1 - wn - wd) e, sqrt(wn) n, sqrt(wd) d]`` (each part of
unit length; ``wn`` = :data:`NAME_WEIGHT`, ``wd`` = :data:`DATE_WEIGHT`), so the dot product of two
articles is ``(1 - wn - wd) cos(ledes) + wn cos(names) + wd closeness(dates)``
(:func:`combined_vectors`).

Clustering, in two steps that each grow about linearly with the number of articles at a fixed
story size and daily volume:

1. :func:`candidate_edges` — for each article its :data:`NEIGHBOURS` most similar articles inside
   its date window, by exact dot products over chunks of rows (numpy top-k); pairs below
   :data:`MERGE_THRESHOLD` are dropped. Cost: articles x articles-in-window.
2. :func:`average_linkage` — agglomerative clustering restricted to those candidate pairs
   (connectivity-constrained, like scikit-learn's ``connectivity=``): repeatedly merge the two
   connected clusters with the highest *average* pairwise similarity while it is at least
   :data:`MERGE_THRESHOLD`. Because the similarity is a dot product, the average over all
   cross-cluster pairs is ``sum(A) . sum(B) / (|A| |B|)``, exact from the clusters' vector sums,
   including pairs that were never candidates. Average linkage, not connected components: one
   chance resemblance must not chain two stories together.

Output is deterministic: articles are processed in id order, ties break on indices, and a story's
id is a hash of its sorted member ids (:func:`story_id`), so the same articles give the same
stories with the same ids whatever order they arrive in.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from checker.config import Settings

if TYPE_CHECKING:
    import numpy as np

# Thresholds, tuned on the PAC dev split only (scripts/bench_grouping.py --tune): the defaults of the
# story_* fields of checker.config.Settings, which is where they are set (GroupingParams.from_settings).
_DEFAULTS = {name: f.default for name, f in Settings.model_fields.items() if name.startswith("story_")}
MERGE_THRESHOLD: float = _DEFAULTS["story_merge_threshold"]  # average combined similarity to merge two clusters
NAME_WEIGHT: float = _DEFAULTS["story_name_weight"]  # share of shared names in the combined similarity
DATE_WINDOW_DAYS: int = _DEFAULTS["story_date_window_days"]  # articles further apart are never one story
DATE_WEIGHT: float = _DEFAULTS["story_date_weight"]  # share of date closeness: 1 same day, 0.55 next day, 0.1 two days
NEIGHBOURS: int = _DEFAULTS["story_neighbours"]  # candidate pairs kept per article
LEDE_SENTENCES: int = _DEFAULTS["story_lede_sentences"]  # sentences after the title that are embedded
LEDE_MAX_WORDS: int = _DEFAULTS["story_lede_max_words"]  # cap on the embedded lede
NAME_PRIOR_DOCS = 50  # idf = log((N + this) / (df + 1)): keeps idf meaningful for a corpus of a few articles
DATE_RING = 128  # days encoded on a ring of this many dimensions (longer than any window, so no wrap-around in practice)
DATE_SPREAD = (0.9, math.sqrt((1 - 0.9**2) / 2))  # (same day, either neighbouring day) weights of a date's unit vector
NAME_DIMENSIONS = 1024  # feature-hashing width of the name vectors (collisions add noise of ~1/sqrt(width))
CHUNK_ROWS = 1024  # query rows per similarity block: memory is CHUNK_ROWS x articles-in-window floats

NO_DATE = -(2**40)  # day number standing for "undated"

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\n+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc corp co ltd no vs v etc jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n d.c a.m p.m".split()
)
_NAME = re.compile(r"(?<![\w'’&-])(?:[A-Z][a-z]+(?:[-'’][A-Za-z]+)*|[A-Z][a-z]*[A-Z][A-Za-z]*|[A-Z]{2,})(?![\w&-])")
_POSSESSIVE = re.compile(r"['’]s$")
# Capitalised words that are not names: sentence openers, titles, days and months (which every
# story of the same day shares). Tf-idf would down-weight most of them in a large corpus; the list
# keeps a corpus of a handful of articles from matching on them.
NOT_NAMES = frozenset(
    """a an the and or but so yet if as at by for from in into of on onto to up with without within after before
    since until when while where what who whom whose which why how this that these those there here then than
    it its he she they we you i his her their our your my me him them us one two three four five six seven eight
    nine ten first last next new more most many much some any all both each every no not nor also still just
    even only now today yesterday tomorrow tonight said says say according however meanwhile instead although
    though because despite during over under about against between through among around again once
    mr mrs ms dr sen rep gov president senator representative governor officials official
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    am pm ap cnn""".split()
)


class StoryArticle(Protocol):
    """What grouping reads of an article (:class:`checker.corpus.records.Article` has it)."""

    id: str
    title: str | None
    text: str
    date: date | None
    outlet: str | None


class Encoder(Protocol):
    """A sentence embedder: unit vectors, one row per text (:class:`checker.embed.Embedder`)."""

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


@dataclass(frozen=True)
class GroupingParams:
    """The grouping settings in one value (defaults: the module constants above)."""

    merge_threshold: float = MERGE_THRESHOLD
    name_weight: float = NAME_WEIGHT
    date_weight: float = DATE_WEIGHT
    date_window_days: int = DATE_WINDOW_DAYS
    neighbours: int = NEIGHBOURS
    lede_sentences: int = LEDE_SENTENCES
    lede_max_words: int = LEDE_MAX_WORDS

    @classmethod
    def from_settings(cls, settings: Settings) -> GroupingParams:
        """The ``story_*`` settings of a run."""
        return cls(
            merge_threshold=settings.story_merge_threshold,
            name_weight=settings.story_name_weight,
            date_weight=settings.story_date_weight,
            date_window_days=settings.story_date_window_days,
            neighbours=settings.story_neighbours,
            lede_sentences=settings.story_lede_sentences,
            lede_max_words=settings.story_lede_max_words,
        )


@dataclass(frozen=True)
class Story:
    """One story: its member article ids (sorted), their date span and outlets."""

    id: str
    article_ids: tuple[str, ...]
    first_date: date | None
    last_date: date | None
    outlets: tuple[str, ...]
    cohesion: float | None  # average pairwise combined similarity of the members; None for one article

    @property
    def size(self) -> int:
        return len(self.article_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "articles": list(self.article_ids),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "outlets": list(self.outlets),
            "cohesion": None if self.cohesion is None else round(self.cohesion, 4),
        }


@dataclass
class Grouping:
    """The stories of a corpus (largest first, then by first date and id) and what it cost."""

    stories: list[Story]
    candidate_pairs: int
    timings: dict[str, float] = field(default_factory=dict)

    def story_of(self) -> dict[str, str]:
        """Article id -> story id."""
        return {aid: s.id for s in self.stories for aid in s.article_ids}


# ---------------------------------------------------------------------------------------------
# Entry point


def group_stories(
    articles: Sequence[StoryArticle],
    embedder: Encoder | None = None,
    *,
    embeddings: np.ndarray | None = None,
    params: GroupingParams | None = None,
) -> Grouping:
    """Group ``articles`` into stories.

    Give ``embedder`` (anything with ``encode``; load it once and reuse it) or ``embeddings``, the
    unit vectors of :func:`story_text` for the articles **sorted by id** (what :func:`embed_articles`
    returns), e.g. computed by another engine. Article ids must be unique.
    """
    import numpy as np

    params = params or GroupingParams()
    ordered = sorted(articles, key=lambda a: a.id)
    ids = [a.id for a in ordered]
    if len(set(ids)) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise ValueError(f"article ids must be unique; {dup!r} appears more than once")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if embeddings is None:
        if embedder is None:
            raise ValueError("group_stories needs an embedder or precomputed embeddings")
        embeddings = embed_articles(ordered, embedder, params)
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.shape[0] != len(ordered):
        raise ValueError(f"{embeddings.shape[0]} embeddings for {len(ordered)} articles")
    t1 = time.perf_counter()
    days = day_numbers(ordered)
    vectors = combined_vectors(embeddings, name_vectors(ordered), days, params.name_weight, params.date_weight)
    t2 = time.perf_counter()
    edges, sims = candidate_edges(vectors, days, params.date_window_days, params.neighbours, params.merge_threshold)
    t3 = time.perf_counter()
    labels = average_linkage(vectors, edges, sims, params.merge_threshold)
    stories = make_stories(ordered, labels, vectors)
    t4 = time.perf_counter()
    timings.update(embed=t1 - t0, names=t2 - t1, neighbours=t3 - t2, cluster=t4 - t3)
    return Grouping(stories, candidate_pairs=len(edges), timings=timings)


# ---------------------------------------------------------------------------------------------
# Features


def lede(text: str, sentences: int = LEDE_SENTENCES, max_words: int = LEDE_MAX_WORDS) -> str:
    """The first ``sentences`` sentences of ``text`` (of at least four words: bylines and datelines
    are skipped), at most ``max_words`` words. A light splitter: common abbreviations ("Sen.",
    "U.S.") and initials do not end a sentence; exactness does not matter for a lede."""
    picked: list[str] = []
    for sentence in _sentences(text):
        if len(sentence.split()) >= 4:
            picked.append(sentence)
            if len(picked) == sentences:
                break
    words = " ".join(picked).split()
    return " ".join(words[:max_words])


def _sentences(text: str):
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + 1
        if match.group().startswith("\n"):
            end = match.start()
        else:
            word = text[start:end].rsplit(None, 1)[-1].rstrip(".!?…").lower() if text[start:end].split() else ""
            if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
                continue
        piece = " ".join(text[start:end].split())
        if piece:
            yield piece
        start = match.end()
    tail = " ".join(text[start:].split())
    if tail:
        yield tail


def story_text(article: StoryArticle, params: GroupingParams | None = None) -> str:
    """What is embedded for an article: its title, then its lede."""
    params = params or GroupingParams()
    head = lede(article.text, params.lede_sentences, params.lede_max_words)
    title = " ".join((article.title or "").split())
    if not title:
        return head
    return f"{title}{'' if title[-1] in '.!?:' else '.'} {head}".strip()


def embed_articles(articles: Sequence[StoryArticle], embedder: Encoder, params: GroupingParams | None = None) -> np.ndarray:
    """Unit vectors of :func:`story_text` for ``articles`` in the order given."""
    return embedder.encode([story_text(a, params) for a in articles])


def name_tokens(text: str) -> list[str]:
    """Capitalised words and acronyms of ``text``, lower-cased, possessives dropped, non-names out."""
    tokens = []
    for match in _NAME.finditer(text):
        token = _POSSESSIVE.sub("", match.group()).lower()
        if len(token) > 1 and token not in NOT_NAMES:
            tokens.append(token)
    return tokens


def name_vectors(articles: Sequence[StoryArticle], dimensions: int = NAME_DIMENSIONS) -> np.ndarray:
    """Unit tf-idf vectors of each article's names (title and text), feature-hashed to ``dimensions``.

    tf is sublinear (1 + log count); idf = log((N + NAME_PRIOR_DOCS) / (df + 1)) over these
    articles. Hashing uses blake2b (stable across processes, unlike ``hash``) with a sign bit, so
    collisions cancel out on average. An article without names gets a zero vector.
    """
    import numpy as np

    counts = [Counter(name_tokens(f"{a.title or ''}\n{a.text}")) for a in articles]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(articles)
    slots: dict[str, tuple[int, float]] = {}
    out = np.zeros((n, dimensions), dtype=np.float32)
    for row, c in enumerate(counts):
        for token, k in c.items():
            if token not in slots:
                h = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
                slots[token] = (h % dimensions, 1.0 if (h >> 63) & 1 else -1.0)
            col, sign = slots[token]
            out[row, col] += sign * (1.0 + math.log(k)) * math.log((n + NAME_PRIOR_DOCS) / (df[token] + 1))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def date_vectors(days: np.ndarray) -> np.ndarray:
    """Unit vectors whose dot product is a date closeness kernel: 1 for the same day, 2ab (0.55)
    a day apart, a^2 (0.1) two days apart, 0 beyond; zero vectors for undated articles.
    A day is spread over three neighbouring slots of a ring of :data:`DATE_RING` dimensions."""
    import numpy as np

    out = np.zeros((len(days), DATE_RING), dtype=np.float32)
    centre, side = DATE_SPREAD
    rows = np.flatnonzero(days != NO_DATE)
    slot = days[rows] % DATE_RING
    out[rows, slot] = centre
    out[rows, (slot + 1) % DATE_RING] = side
    out[rows, (slot - 1) % DATE_RING] = side
    return out


def combined_vectors(embeddings: np.ndarray, names: np.ndarray, days: np.ndarray, name_weight: float, date_weight: float) -> np.ndarray:
    """One unit vector per article whose dot products are the combined similarity.

    Dated: ``[sqrt(1 - wn - wd) e, sqrt(wn) n, sqrt(wd) d]`` with ``d`` from :func:`date_vectors`.
    Undated: ``[sqrt(1 - wn) e, sqrt(wn) n, 0]``: the date's share goes to the embedding, so two
    undated reports of one story are not held to a threshold that assumes a same-day bonus (and an
    undated vs a dated article falls in between).
    """
    import numpy as np

    if name_weight < 0 or date_weight < 0 or name_weight + date_weight > 1:
        raise ValueError("name and date weights must be >= 0 and sum to at most 1")
    undated = (days == NO_DATE)[:, None]
    e_scale = np.where(undated, math.sqrt(1.0 - name_weight), math.sqrt(1.0 - name_weight - date_weight)).astype(np.float32)
    parts = [e_scale * embeddings, math.sqrt(name_weight) * names, math.sqrt(date_weight) * date_vectors(days)]
    return np.hstack(parts).astype(np.float32)


def day_numbers(articles: Sequence[StoryArticle]) -> np.ndarray:
    """Proleptic day number of each article's date; :data:`NO_DATE` when it has none."""
    import numpy as np

    return np.array([a.date.toordinal() if a.date else NO_DATE for a in articles], dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Candidate pairs


def candidate_edges(
    vectors: np.ndarray,
    days: np.ndarray,
    window: int,
    k: int,
    min_similarity: float,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, where j is among i's ``k`` most similar articles within ``window``
    days (or i among j's), with similarity at least ``min_similarity``; and their similarities.

    Dated articles are taken in date order, ``chunk_rows`` at a time, against the articles dated
    within the window of that chunk (a contiguous slice of the date order) plus the undated ones;
    undated articles are compared with all. Exact dot products; the work per chunk is
    chunk x window, so the total grows linearly at a fixed number of articles per day.
    """
    import numpy as np

    n = len(vectors)
    if n < 2 or k < 1:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.float32)
    undated = np.flatnonzero(days == NO_DATE)
    dated = np.flatnonzero(days != NO_DATE)
    order = dated[np.argsort(days[dated], kind="stable")]
    sorted_days = days[order]
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []

    def block(queries: np.ndarray, pool: np.ndarray) -> None:
        sims = vectors[queries] @ vectors[pool].T
        sims[pool[None, :] == queries[:, None]] = -np.inf
        dq, dp = days[queries][:, None], days[pool][None, :]
        far = (np.abs(dq - dp) > window) & (dq != NO_DATE) & (dp != NO_DATE)
        sims[far] = -np.inf
        kk = min(k, len(pool) - 1) if len(pool) > 1 else 0
        if kk <= 0:
            return
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        top_s = np.take_along_axis(sims, top, axis=1)
        keep = top_s >= min_similarity
        rows = np.broadcast_to(queries[:, None], top.shape)[keep]
        found_i.append(rows)
        found_j.append(pool[top[keep]])
        found_s.append(top_s[keep].astype(np.float32))

    for start in range(0, len(order), chunk_rows):
        stop = min(start + chunk_rows, len(order))
        lo = np.searchsorted(sorted_days, sorted_days[start] - window, side="left")
        hi = np.searchsorted(sorted_days, sorted_days[stop - 1] + window, side="right")
        block(order[start:stop], np.concatenate([order[lo:hi], undated]))
    everyone = np.arange(n)
    for start in range(0, len(undated), chunk_rows):
        block(undated[start : start + chunk_rows], everyone)
    if not found_i:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.float32)
    i, j, s = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)
    lo_, hi_ = np.minimum(i, j), np.maximum(i, j)
    keys, first = np.unique(lo_ * n + hi_, return_index=True)
    return np.stack([keys // n, keys % n], axis=1).astype(np.int64), s[first]


# ---------------------------------------------------------------------------------------------
# Clustering


def average_linkage(vectors: np.ndarray, edges: np.ndarray, sims: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster label (smallest member index) of every row: average-linkage agglomeration over the
    candidate graph, merging while the best average similarity is at least ``threshold``.

    A max-heap of (linkage, pair) with lazy deletion: a merge bumps the surviving cluster's version,
    so older heap entries about it are skipped, and the linkages to all its graph neighbours are
    recomputed from the vector sums. Each merge costs (neighbours of the new cluster) dot products.
    """
    import numpy as np

    n = len(vectors)
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    version = np.zeros(n, dtype=np.int64)
    sums: dict[int, np.ndarray] = {}
    neighbours: dict[int, set[int]] = {}
    heap: list[tuple[float, int, int, int, int]] = []
    for (a, b), s in zip(edges.tolist(), sims.tolist()):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
        if s >= threshold:
            heap.append((-s, a, b, 0, 0))
    heapq.heapify(heap)

    def total(c: int) -> np.ndarray:
        return sums[c] if c in sums else vectors[c].astype(np.float64)

    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if parent[a] != a or parent[b] != b or version[a] != va or version[b] != vb:
            continue
        keep, gone = min(a, b), max(a, b)
        sums[keep] = total(a) + total(b)
        sums.pop(gone, None)
        size[keep] += size[gone]
        parent[gone] = keep
        version[keep] += 1
        merged = (neighbours.pop(a, set()) | neighbours.pop(b, set())) - {a, b}
        neighbours[keep] = merged
        if not merged:
            continue
        others = sorted(merged)
        for c in others:
            nb = neighbours[c]
            nb.discard(gone)
            nb.add(keep)
        links = np.stack([total(c) for c in others]) @ sums[keep] / (size[others] * size[keep])
        for c, link in zip(others, links.tolist()):
            if link >= threshold:
                x, y = (keep, c) if keep < c else (c, keep)
                heapq.heappush(heap, (-link, x, y, int(version[x]), int(version[y])))
    for i in range(n):  # resolve to roots (parents always point to a smaller index)
        parent[i] = parent[parent[i]]
    return parent


def story_id(article_ids: Sequence[str]) -> str:
    """A stable id from the sorted member ids: the same articles always make the same story id."""
    digest = hashlib.sha1("\n".join(sorted(article_ids)).encode("utf-8")).hexdigest()
    return f"story-{digest[:12]}"


def make_stories(articles: Sequence[StoryArticle], labels: np.ndarray, vectors: np.ndarray) -> list[Story]:
    """Stories from cluster labels, largest first, then by first date and id."""
    import numpy as np

    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(i)
    stories = []
    for rows in members.values():
        ids = tuple(sorted(articles[i].id for i in rows))
        dates = sorted(d for d in (articles[i].date for i in rows) if d)
        outlets = tuple(sorted({articles[i].outlet for i in rows if articles[i].outlet}))
        cohesion = None
        if len(rows) > 1:
            v = vectors[rows].astype(np.float64)
            s = v.sum(axis=0)
            cohesion = float((s @ s - (v * v).sum()) / (len(rows) * (len(rows) - 1)))
        stories.append(Story(story_id(ids), ids, dates[0] if dates else None, dates[-1] if dates else None, outlets, cohesion))
    stories.sort(key=lambda s: (-s.size, s.first_date or date.max, s.id))
    return stories
