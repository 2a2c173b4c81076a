"""Many articles at once: corpus input (:mod:`checker.corpus.records`) and story grouping
(:mod:`checker.corpus.grouping`).

Nothing here imports torch or numpy at import time; the embedder is passed in by the caller, so a
run loads it once and an engine (in-process, Ray) decides where it runs.
"""

from __future__ import annotations

from checker.corpus.grouping import Grouping, GroupingParams, Story, group_stories, story_text
from checker.corpus.records import Article, ArticleRecord, CorpusLoad, RecordError, load_corpus, to_document

__all__ = [
    "Article",
    "ArticleRecord",
    "CorpusLoad",
    "Grouping",
    "GroupingParams",
    "RecordError",
    "Story",
    "group_stories",
    "load_corpus",
    "story_text",
    "to_document",
]
