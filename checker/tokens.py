"""How many tokens the NLI model reads, and how to count them, so that nothing is cut silently.

The cross-encoder reads at most :data:`MAX_LENGTH` tokens per (premise, hypothesis) pair
(``CrossEncoderNLI``'s ``max_length``); the tokenizer would cut anything longer without a word.
Callers count first and either split their input (:mod:`checker.score`) or warn
(:mod:`checker.pipeline`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

MAX_LENGTH = 256
PAIR_OVERHEAD = 3  # [CLS] premise [SEP] hypothesis [SEP]


@lru_cache(maxsize=4)
def _tokenizer(name: str):
    from transformers import AutoTokenizer

    from checker.registry import hub_offline, resolve

    ref = resolve("nli", name)
    try:  # a hub name with no network: the local HF cache only, never ~100 s of download retries
        return AutoTokenizer.from_pretrained(ref.location, local_files_only=ref.local or hub_offline())
    except Exception:  # noqa: BLE001 - counting falls back to a word estimate
        return None


def token_counter(nli_model: str) -> Callable[[str], int]:
    """Tokens of a text (without special tokens) for the named NLI model; a generous word-based
    estimate when its tokenizer cannot be loaded."""
    tok = _tokenizer(nli_model)
    if tok is None:
        return lambda text: int(len(text.split()) * 1.5) + 1
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])
