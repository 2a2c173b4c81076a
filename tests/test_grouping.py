"""Story grouping (checker/corpus/grouping.py) on real articles: PAC dev pairs and FNC-1 bodies."""

from __future__ import annotations

import datetime
import random
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from checker.corpus.grouping import (
    NO_DATE,
    GroupingParams,
    average_linkage,
    candidate_edges,
    day_numbers,
    group_stories,
    lede,
    name_tokens,
    story_id,
    story_text,
)
from checker.corpus.records import load_corpus
from conftest import PAC_STORIES

ROOT = Path(__file__).resolve().parents[1]
PAC = ROOT / "fixtures" / "pac"
FNC1 = ROOT / "tests" / "data" / "corpus" / "fnc1"


@pytest.fixture(scope="session")
def embedder():
    """The pipeline's default sentence embedder, loaded once (load_embedder is cached per process)."""
    from checker.embed import load_embedder

    return load_embedder()


@pytest.fixture(scope="module")
def pac(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pac")
    for pair in PAC_STORIES.values():
        for name in pair:
            shutil.copy(PAC / name, folder / name)
    loaded = load_corpus(folder)
    assert loaded.errors == []
    return loaded.articles


@pytest.fixture(scope="module")
def fnc1():
    loaded = load_corpus(FNC1)
    assert loaded.errors == []
    return loaded.articles


def members(grouping) -> set[tuple[str, ...]]:
    return {s.article_ids for s in grouping.stories}


def fnc1_gold(articles) -> set[tuple[str, ...]]:
    """FNC-1 fixture files are named <story>-body<id>.txt."""
    stories: dict[str, list[str]] = {}
    for a in articles:
        stories.setdefault(a.id.rsplit("-body", 1)[0], []).append(a.id)
    return {tuple(sorted(v)) for v in stories.values()}


def test_pac_pairs_come_back_as_their_stories(pac, embedder):
    grouping = group_stories(pac, embedder)
    assert members(grouping) == {tuple(sorted(pair)) for pair in PAC_STORIES.values()}
    senate = next(s for s in grouping.stories if "story-101-nbc-news.txt" in s.article_ids)
    assert (senate.first_date, senate.last_date) == (datetime.date(2022, 6, 23), datetime.date(2022, 6, 23))
    assert senate.cohesion > GroupingParams().merge_threshold
    assert senate.id == story_id(PAC_STORIES["senate-gun-bill"])


def test_same_day_different_events_stay_apart(pac, embedder):
    """All eight dated the same day: the Title 42 and Cook Inlet stories still stand alone by content.
    (The Senate and House gun bills, a fortnight apart in reality, are then told apart only by date.)"""
    same_day = [replace(a, date=datetime.date(2022, 6, 9)) for a in pac]
    stories = members(group_stories(same_day, embedder))
    assert tuple(sorted(PAC_STORIES["title-42"])) in stories
    assert tuple(sorted(PAC_STORIES["cook-inlet"])) in stories


def test_articles_outside_the_date_window_are_never_one_story(pac, embedder):
    cbs, fox = sorted((a for a in pac if a.id.startswith("story-99")), key=lambda a: a.id)
    moved = [cbs, replace(fox, date=fox.date + datetime.timedelta(days=GroupingParams().date_window_days + 1))]
    assert members(group_stories(moved, embedder)) == {(cbs.id,), (fox.id,)}
    undated = [cbs, replace(fox, date=None)]  # no date: compared with everything, content decides
    assert members(group_stories(undated, embedder)) == {(cbs.id, fox.id)}


def test_fnc1_bodies_group_by_the_rumour_they_discuss(fnc1, embedder):
    grouping = group_stories(fnc1, embedder)
    assert members(grouping) == fnc1_gold(fnc1)
    assert sorted(s.size for s in grouping.stories) == [3, 4, 4, 4]
    assert all(s.first_date is None and s.outlets == () for s in grouping.stories)


def test_same_input_in_any_order_gives_the_same_stories(pac, fnc1, embedder):
    articles = pac + fnc1
    first = group_stories(articles, embedder)
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    again = group_stories(shuffled, embedder)
    assert [s.to_json() for s in again.stories] == [s.to_json() for s in first.stories]
    assert [s.id for s in first.stories] == [story_id(s.article_ids) for s in first.stories]
    assert [s.size for s in first.stories] == sorted((s.size for s in first.stories), reverse=True)


def test_precomputed_embeddings_give_the_same_result(pac, embedder):
    from checker.corpus.grouping import embed_articles

    vectors = embed_articles(sorted(pac, key=lambda a: a.id), embedder)
    assert members(group_stories(pac, embeddings=vectors)) == members(group_stories(pac, embedder))
    with pytest.raises(ValueError, match="3 embeddings for 8 articles"):
        group_stories(pac, embeddings=vectors[:3])
    with pytest.raises(ValueError, match="unique"):
        group_stories(pac + pac[:1], embedder)


def test_story_text_is_title_and_lede(pac):
    nbc = next(a for a in pac if a.id == "story-101-nbc-news.txt")
    assert story_text(nbc) == (
        "Senate passes most sweeping gun bill in decades, setting up House vote. "
        "WASHINGTON — The Senate on Thursday night passed the most sweeping gun bill designed to prevent gun violence in "
        "decades, a major victory for advocates and a rare defeat for the National Rifle Association. The vote was 65 to 33, "
        "with all 50 Democratic-voting members and 15 Republicans, including Minority Leader Mitch McConnell of Kentucky, "
        "voting to send the bill to the House for a vote expected Friday."
    )  # the title, then two sentences (at most 80 words)
    assert lede(nbc.text, 2, 6) == "WASHINGTON — The Senate on Thursday"
    assert lede("Sen. Chris Murphy, D-Conn., spoke first. He said the U.S. Senate had acted. Then it voted.", 2) == (
        "Sen. Chris Murphy, D-Conn., spoke first. He said the U.S. Senate had acted."
    )


def test_name_tokens_keep_names_and_drop_openers_and_days(pac):
    nbc = next(a for a in pac if a.id == "story-101-nbc-news.txt")
    tokens = name_tokens(nbc.text)
    assert {"mcconnell", "schumer", "cornyn", "sinema", "senate"} <= set(tokens)
    assert not {"the", "thursday", "friday", "but"} & set(tokens)


def test_average_linkage_does_not_chain_through_one_resemblance():
    """a~b and b~c at 0.6 but a, c unrelated: single linkage would make one story of three;
    the average linkage of {a, b} and c is (0.0 + 0.6) / 2 = 0.3, below the threshold."""
    a = np.array([1.0, 0.0, 0.0])
    c = np.array([0.0, 1.0, 0.0])
    b = 0.6 * (a + c) + np.sqrt(1 - 2 * 0.36) * np.array([0.0, 0.0, 1.0])
    vectors = np.stack([a, b, c]).astype(np.float32)
    edges, sims = candidate_edges(vectors, np.full(3, NO_DATE), window=3, k=2, min_similarity=0.5)
    assert edges.tolist() == [[0, 1], [1, 2]]
    labels = average_linkage(vectors, edges, sims, threshold=0.5)
    assert labels.tolist() in ([0, 0, 2], [0, 1, 1])


def test_candidate_search_is_limited_to_the_date_window(pac, embedder):
    from checker.corpus.grouping import embed_articles

    ordered = sorted(pac, key=lambda a: a.id)
    vectors = embed_articles(ordered, embedder)
    days = day_numbers(ordered)
    edges, _ = candidate_edges(vectors, days, window=3, k=5, min_similarity=-1.0, chunk_rows=3)
    assert len(edges) > 0
    assert all(abs(days[i] - days[j]) <= 3 for i, j in edges.tolist())
    everything, _ = candidate_edges(vectors, np.full(len(ordered), NO_DATE), window=3, k=7, min_similarity=-1.0, chunk_rows=3)
    assert len(everything) == len(ordered) * (len(ordered) - 1) // 2
