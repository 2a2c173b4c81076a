"""Named entities of each claim, with alias-resolved canonical keys.

Two reports name the same things differently (Kiev/Kyiv, U.S./United States, Türkiye/Turkey,
"Saudi Arabia's capital"/Riyadh, Lavrov/Sergei Lavrov), and a capital often stands for its
government ("Kiev said", "a deal with Washington"). Alignment and the entity check compare
``Entity.canonical`` keys, so these forms must share one key.

Entities come from spaCy's NER (shared pipeline, see :mod:`checker.analysis.nlp`), completed by
the multi-word aliases of ``checker/data/aliases.json`` that NER misses. Keys are normalised names
(lower case, no diacritics, no dots, no leading "the"): ``canonical("Kiev") == "kyiv"``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.analysis.nlp import get_nlp, parse
from checker.types import Claim, Entity

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token

ALIASES_PATH = Path(__file__).resolve().parent.parent / "data" / "aliases.json"
LABELS = frozenset({"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "EVENT"})
#: A place in one of these roles acts, owns or is dealt with: it stands for its government.
GOVERNMENT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "dobj", "dative", "agent"})
GOVERNMENT_PREPS = frozenset({"with", "against", "between", "by", "toward", "towards"})


# --------------------------------------------------------------------------- names and aliases


def normalise(name: str) -> str:
    """Alias lookup form: no diacritics, case, dots, possessive or leading article.

    "the U.S." -> "us", "Türkiye" -> "turkiye", "Kiev.'s" -> "kiev", "Saudi Arabia’s capital"
    -> "saudi arabia's capital".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").casefold().replace(".", "")
    text = re.sub(r"\s+", " ", text).strip(" ,;:!?\"“”'()-")
    text = re.sub(r"'s?$", "", text).strip()
    return re.sub(r"^the ", "", text)


def _entries_from_extra(extra: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Read a caller's alias dict in any of three shapes (the config's, or the data file's).

    * ``{"Rubio": "Marco Rubio"}`` -- alias -> canonical name;
    * ``{"Marco Rubio": ["Rubio", "Secretary Rubio"]}`` -- canonical name -> aliases;
    * ``{"marco rubio": {"label": "PERSON", "aliases": [...], "government_of": ...}}``,
      optionally wrapped as ``{"entities": {...}, "demonyms": {...}}`` like aliases.json.
    """
    entries: dict[str, dict[str, Any]] = {}
    source = extra.get("entities", extra) if isinstance(extra.get("entities"), Mapping) else extra
    for key, value in source.items():
        if key.startswith("_") or key in ("demonyms", "name_particles"):
            continue
        if isinstance(value, str):
            entries.setdefault(normalise(value), {"aliases": [value]})["aliases"].append(key)
        elif isinstance(value, Mapping):
            entry = entries.setdefault(normalise(key), {"aliases": []})
            entry.update({k: v for k, v in value.items() if k != "aliases"})
            entry["aliases"] += [key, *value.get("aliases", [])]
        else:
            entries.setdefault(normalise(key), {"aliases": [key]})["aliases"].extend(value)
    return entries


def _merge_entry(table: dict[str, Any], key: str, entry: Mapping[str, Any]) -> None:
    """Add one entry; an alias that already names a known key joins that key (Kyiv Oblast -> kyiv)."""
    aliases = [key, *entry.get("aliases", [])]
    key = next((table["alias_to_key"][normalise(a)] for a in aliases if normalise(a) in table["alias_to_key"]), key)
    for alias in aliases:
        table["alias_to_key"][normalise(alias)] = key
        if (alias[:1].isupper() or " " in alias) and (entry.get("label") or key in table["labels"]):
            table["phrases"][alias] = key
    if "label" in entry:
        table["labels"][key] = entry["label"]
    if "government_of" in entry:
        table["government_of"][key] = normalise(entry["government_of"])


@lru_cache(maxsize=8)
def _load(extra_json: str) -> dict[str, Any]:
    with open(ALIASES_PATH, encoding="utf-8") as fh:
        data = json.load(fh)
    table: dict[str, Any] = {"alias_to_key": {}, "labels": {}, "government_of": {}, "phrases": {}}
    table["name_particles"] = frozenset(data.get("name_particles", []))
    extra = json.loads(extra_json)
    for key, entry in data["entities"].items():
        _merge_entry(table, key, entry)
    for key, entry in _entries_from_extra(extra).items():
        _merge_entry(table, key, entry)
    for key, words in {**data.get("demonyms", {}), **extra.get("demonyms", {})}.items():
        for word in words:
            table["alias_to_key"].setdefault(normalise(word), normalise(key))
    return table


def load_aliases(extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The alias table of checker/data/aliases.json, extended by ``extra`` (e.g. from the config).

    Returns ``{"alias_to_key", "labels", "government_of", "phrases", "name_particles"}``; treat it
    as read-only (it is cached per ``extra``).
    """
    return _load(json.dumps(extra or {}, sort_keys=True, ensure_ascii=False))


def _is_table(aliases: Mapping[str, Any] | None) -> bool:
    return aliases is not None and isinstance(aliases.get("alias_to_key"), dict)


def canonical(name: str, aliases: Mapping[str, Any] | None = None) -> str:
    """Canonical key of a name, context-free: "Kiev" -> "kyiv", "U.S." -> "united states".

    ``aliases`` is a table from :func:`load_aliases` (or a caller's extra dict). Unknown names
    are their normalised form; place-for-government readings need context (see analyse_entities).
    """
    table = aliases if _is_table(aliases) else load_aliases(aliases)
    key = normalise(name)
    return table["alias_to_key"].get(key, key)


# --------------------------------------------------------------------------- spans


@lru_cache(maxsize=8)
def _phrase_matchers(phrases: tuple[tuple[str, str], ...]) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Alias phrases as matchers: multi-word ones case-insensitive, single words case-sensitive.

    Case matters for one-word aliases so that "us" (the pronoun) is not the United States.
    """
    from spacy.matcher import PhraseMatcher

    nlp = get_nlp()
    lower, orth = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    for text, key in phrases:
        doc = nlp.make_doc(text)
        (lower if len(doc) > 1 else orth).add(key, [doc])
    return lower, orth


def _alias_spans(doc: Doc, table: Mapping[str, Any]) -> list[Span]:
    """Spans of known aliases, labelled from the table (finds what NER splits or misses)."""
    from spacy.tokens import Span

    lower, orth = _phrase_matchers(tuple(sorted(table["phrases"].items())))
    spans = []
    for match_id, start, end in [*lower(doc), *orth(doc)]:
        key = doc.vocab.strings[match_id]
        spans.append(Span(doc, start, end, label=table["labels"][key]))
    return spans


def _merge_name_fragments(spans: list[Span], particles: frozenset[str]) -> list[Span]:
    """Rejoin names NER cut at a particle: "Ursula von der" (PERSON) + "Leyen" -> one PERSON."""
    from spacy.tokens import Span

    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        prev = merged[-1] if merged else None
        if prev is not None and prev.label_ == "PERSON" and prev.end == span.start and prev[-1].lower_ in particles:
            merged[-1] = Span(span.doc, prev.start, span.end, label="PERSON")
        else:
            merged.append(span)
    return merged


def _trim(span: Span) -> Span:
    """Drop a trailing possessive ("Vladimir Putin’s" -> "Vladimir Putin")."""
    from spacy.tokens import Span

    end = span.end
    while end - 1 > span.start and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return Span(span.doc, span.start, end, label=span.label_) if end != span.end else span


def entity_spans(doc: Doc, table: Mapping[str, Any]) -> list[Span]:
    """NER entities of the kept labels plus alias matches, longest first where they overlap."""
    from spacy.util import filter_spans

    ents = [e for e in doc.ents if e.label_ in LABELS]
    ents = _merge_name_fragments(ents, table["name_particles"])
    spans = filter_spans([*ents, *_alias_spans(doc, table)])
    return [_trim(_ner_label(s, ents)) for s in sorted(spans, key=lambda s: s.start)]


def _ner_label(span: Span, ents: list[Span]) -> Span:
    """An alias match that overlaps an NER entity keeps NER's label ("the Kremlin" stays ORG)."""
    from spacy.tokens import Span

    overlap = next((e for e in ents if e.start < span.end and span.start < e.end), None)
    if overlap is None or overlap.label_ == span.label_:
        return span
    return Span(span.doc, span.start, span.end, label=overlap.label_)


def _governing_token(tok: Token) -> Token:
    """Climb coordination ("Russia and the U.S. agreed"): the first conjunct holds the role."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def stands_for_government(span: Span) -> bool:
    """Whether a place name is used for its government: it acts, owns or is dealt with.

    "Kiev said", "Moscow's invasion", "a deal with Washington", "levelled by Brussels",
    "support to Kiev" -- but not "a summit in Kiev" or "travelled to Moscow".
    """
    tok = _governing_token(span.root)
    if tok.dep_ in GOVERNMENT_DEPS:
        return True
    if tok.dep_ == "pobj":
        prep = tok.head
        if prep.lower_ in GOVERNMENT_PREPS:
            return True
        return prep.lower_ == "to" and prep.head.pos_ == "NOUN"
    return False


def _label(ner_label: str, key: str, table: Mapping[str, Any]) -> str:
    """Fix person/place confusions of the small NER model ("Kiev" PERSON, "Trump" ORG) from the table."""
    known = table["labels"].get(key)
    if known and (ner_label == "PERSON") != (known == "PERSON"):
        return known
    return ner_label


def _span_entity(span: Span, table: Mapping[str, Any]) -> Entity:
    """One Entity, with the government reading of a capital applied in context."""
    key = canonical(span.text, table)
    label = _label(span.label_, key, table)
    government = table["government_of"].get(key)
    if government and stands_for_government(span):
        key = government
    return Entity(text=span.text, label=label, canonical=key)


# --------------------------------------------------------------------------- surnames


def _full_names(entities: Iterable[Entity]) -> dict[str, str]:
    """Surname -> full-name key for the persons named in full (only where unambiguous)."""
    seen: dict[str, set[str]] = {}
    for ent in entities:
        if ent.label == "PERSON" and " " in ent.canonical:
            seen.setdefault(ent.canonical.rsplit(" ", 1)[-1], set()).add(ent.canonical)
    return {surname: next(iter(keys)) for surname, keys in seen.items() if len(keys) == 1}


def _resolve_surnames(entities: list[Entity], local: Mapping[str, str], corpus: Mapping[str, str]) -> None:
    """A one-word name becomes the full name given elsewhere: this document first, then the others.

    The small NER model often tags a lone surname ORG ("Trump told"); other documents are only
    trusted for PERSON/ORG, since a place (Washington, Jordan) may share a person's surname.
    """
    for ent in entities:
        if " " in ent.canonical or ent.label not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        full = local.get(ent.canonical) or (corpus.get(ent.canonical) if ent.label in ("PERSON", "ORG") else None)
        if full:
            ent.canonical, ent.label = full, "PERSON"


# --------------------------------------------------------------------------- entry point


def _by_doc(indices: Iterable[int], claims: Sequence[Claim]) -> dict[str, list[int]]:
    """Claim positions per document id."""
    groups: dict[str, list[int]] = {}
    for i in indices:
        groups.setdefault(claims[i].doc, []).append(i)
    return groups


def _missed_surnames(doc: Doc, spans: list[Span], surnames: Mapping[str, str]) -> list[tuple[int, Entity]]:
    """Surnames of persons named in full elsewhere in the document that NER did not tag here.

    The small model misses a lone surname at the start of a sentence ("Rubio will meet ...");
    once the document has named "Marco Rubio", the capitalised proper noun "Rubio" is him.
    """
    covered = {i for s in spans for i in range(s.start, s.end)}
    found = []
    for tok in doc:
        key = normalise(tok.text)
        if tok.i not in covered and tok.pos_ == "PROPN" and tok.text[:1].isupper() and key in surnames:
            found.append((tok.i, Entity(text=tok.text, label="PERSON", canonical=surnames[key])))
    return found


def analyse_entities(claims: list[Claim], aliases: Mapping[str, Any] | None = None) -> None:
    """Fill ``claim.entities`` for every claim (PERSON/GPE/LOC/ORG/NORP/FAC/EVENT) in place.

    ``aliases``: a caller's extra alias dict (as the config passes it) or a table from
    :func:`load_aliases`. Surnames resolve to full names named in the same document, else to a
    full name unique across all the claims given.
    """
    table = aliases if _is_table(aliases) else load_aliases(aliases)
    docs = parse(c.text for c in claims)
    spans = [entity_spans(doc, table) for doc in docs]
    for claim, claim_spans in zip(claims, spans, strict=True):
        claim.entities = [_span_entity(s, table) for s in claim_spans]
    groups = _by_doc(range(len(claims)), claims)
    corpus = _full_names(e for c in claims for e in c.entities)
    for members in groups.values():
        local = _full_names(e for i in members for e in claims[i].entities)
        for i in members:
            missed = _missed_surnames(docs[i], spans[i], local)
            if missed:
                placed = [(s.start, e) for s, e in zip(spans[i], claims[i].entities, strict=True)] + missed
                claims[i].entities = [e for _, e in sorted(placed, key=lambda p: p[0])]
            _resolve_surnames(claims[i].entities, local, corpus)
