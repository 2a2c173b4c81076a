"""Who says what: speaker, speech verb, quotation, hedges and dispute markers of each claim.

A news sentence either carries the reporter's own assertion or reports someone else's
("..., Lavrov said."). The judge must not treat "Trump said Ukraine started the war" as the
reporter asserting it, and two articles quoting different speakers do not contradict each other.
So every claim gets:

* ``speaker`` -- None for the reporter's voice, else the named or described source. Pronouns
  ("he said") are resolved to the last named speaker or subject of the previous claims (a "he"
  subject counts as the named subject of an earlier clause it stands for); "the source" to an
  earlier "a diplomatic source"; a sentence inside a multi-sentence quotation gets the speaker
  of that quotation, wherever its attribution stands.
* ``verb`` -- the speech verb as written ("said", "told", "called for", "according to").
* ``quote`` -- "direct" (quoted speech), "indirect" (reported speech) or "none".
* ``hedges`` / ``dispute_markers`` -- uncertainty and distancing cues, incl. scare quotes (only
  after "so-called"/"what X called", or a single quoted verb/adjective next to a dispute cue).
* ``content`` -- the asserted content without the attribution frame, when separable.

The speech verb and its subject come from spaCy's dependency parse; every word list lives in
``checker/data/attribution_lexicon.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.analysis.nlp import get_nlp, parse
from checker.types import Claim

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.tokens import Doc, Span, Token

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "attribution_lexicon.json"

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
STRAIGHT_DOUBLE = '"'
DOUBLE_QUOTES = OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT_DOUBLE
SINGLE_OPEN = "'‘"
SINGLE_CLOSE = "'’"
_WORD = re.compile(r"\w", re.UNICODE)
_QUOTE_MARK = re.compile(f"\\s*[{DOUBLE_QUOTES}]\\s*")  # a mark with its spacing


# --------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, Any]:
    """Read the word lists once (they are data, so they can be extended without code changes)."""
    with open(LEXICON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _matchers() -> tuple[Matcher, Matcher, dict[str, str]]:
    """Compile the hedge and dispute patterns into spaCy Matchers, once per process."""
    from spacy.matcher import Matcher

    lex = load_lexicon()
    vocab = get_nlp().vocab
    names: dict[str, str] = {}
    hedges, disputes = Matcher(vocab), Matcher(vocab)
    for matcher, key in ((hedges, "hedges"), (disputes, "dispute_markers")):
        for i, entry in enumerate(lex[key]):
            rule_id = f"{key}:{i}"
            matcher.add(rule_id, [entry["pattern"]])
            if "name" in entry:
                names[rule_id] = entry["name"]
    return hedges, disputes, names


# --------------------------------------------------------------------------- quotation marks


@dataclass
class QuoteScan:
    """Where a claim's text is inside double quotation marks.

    ``spans`` are character ranges of quoted text (without the marks). ``starts_inside`` and
    ``ends_inside`` say that a quotation runs across the claim's start or end: the segmenter
    splits multi-sentence quotations into several claims, which must share one speaker.
    """

    spans: list[tuple[int, int]] = field(default_factory=list)
    starts_inside: bool = False
    ends_inside: bool = False
    reopened: bool = False  # a quotation opens mid-claim while one was carried in

    def covers(self, start: int, end: int) -> bool:
        """True if the character range lies inside a quotation."""
        return any(s <= start and end <= e for s, e in self.spans)


def _double_quote_role(text: str, i: int) -> str:
    """Classify a double quotation mark as "open" or "close"; straight quotes by context."""
    ch = text[i]
    if ch in OPEN_DOUBLE:
        return "open"
    if ch in CLOSE_DOUBLE:
        return "close"
    before = text[i - 1] if i > 0 else " "
    return "open" if before.isspace() or before in "([{—–-" else "close"


def scan_quotes(text: str, inside: bool = False) -> QuoteScan:
    """Find quoted spans in one claim, continuing a quotation left open by the previous claim.

    An opening mark at the very start of a claim that is already inside is the news convention
    of re-opening a quotation continued from the previous paragraph. An opening mark further in
    means the carried quotation was never closed: ``reopened`` tells the caller so. A closing
    mark while outside means the quotation began before this claim.
    """
    scan = QuoteScan(starts_inside=inside)
    start = 0 if inside else None
    for i, ch in enumerate(text):
        if ch not in DOUBLE_QUOTES:
            continue
        role = _double_quote_role(text, i)
        if role == "open" and start is None:
            start = i + 1
        elif role == "open" and start == 0 and text[:i].strip():
            scan.reopened = True
        elif role == "close" and start is not None:
            scan.spans.append((start, i))
            start = None
        elif role == "close":  # the quotation opened in an earlier claim
            scan.spans.append((0, i))
            scan.starts_inside = True
    if start is not None:
        scan.spans.append((start, len(text)))
        scan.ends_inside = True
    return scan


def _continue_quotation(texts: Sequence[str], first: int, max_claims: int) -> list[QuoteScan] | None:
    """Scans of the claims after ``first`` that continue its open quotation up to its closing mark.

    None if no claim within ``max_claims`` closes it cleanly: then the opening mark was stray
    and must not put the following sentences inside quotes.
    """
    scans: list[QuoteScan] = []
    for text in texts[first + 1 : first + 1 + max_claims]:
        scan = scan_quotes(text, inside=True)
        if scan.reopened:
            return None
        scans.append(scan)
        if not scan.ends_inside:
            return scans
    return None


def scan_document(texts: Sequence[str], max_open_claims: int = 8) -> list[QuoteScan]:
    """Scan consecutive claims, carrying an open quotation into the claims it spans.

    A quotation carries over only when a later claim (within ``max_open_claims``) closes it, so
    one unbalanced mark cannot put the rest of an article inside quotes.
    """
    scans: list[QuoteScan] = []
    while len(scans) < len(texts):
        scan = scan_quotes(texts[len(scans)])
        scans.append(scan)
        if scan.ends_inside:
            following = _continue_quotation(texts, len(scans) - 1, max_open_claims)
            if following is None:
                scan.ends_inside = False  # a stray mark: its quote ends with the claim
            else:
                scans.extend(following)
    return scans


def unquoted_text(text: str, scan: QuoteScan) -> str:
    """The claim's text outside quotations (the frame a reporter wrote around them)."""
    kept, pos = [], 0
    for s, e in sorted(scan.spans):
        kept.append(text[pos : max(pos, s)])
        pos = max(pos, e)
    kept.append(text[pos:])
    return "".join(kept)


def is_quote_only(text: str, scan: QuoteScan) -> bool:
    """True if the claim consists of quoted speech only (no reporter words around it)."""
    return bool(scan.spans) and not _WORD.search(unquoted_text(text, scan))


def _single_quote_spans(text: str, double: QuoteScan) -> list[tuple[int, int]]:
    """Quoted spans in single marks ('started'), skipping apostrophes and nested quotes."""
    spans, start = [], None
    for i, ch in enumerate(text):
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if start is None and ch in SINGLE_OPEN and not before.isalnum() and after.isalnum():
            start = i + 1
        elif start is not None and ch in SINGLE_CLOSE and not after.isalnum() and before != " ":
            spans.append((start, i))
            start = None
    return [(s, e) for s, e in spans if not double.covers(s, e)]


# --------------------------------------------------------------------------- the frame


@dataclass
class Frame:
    """An attribution frame found in one claim: who, with which verb, and what remains."""

    speaker: str
    verb: str
    content: str | None
    head_lemma: str  # head noun of the speaker phrase, to resolve "the source"
    pronoun: bool = False
    named: bool = False  # a proper name, a valid antecedent for later pronouns
    fully_quoted: bool = False  # everything outside the frame is quotation: direct speech


def _token_in_quote(tok: Token, scan: QuoteScan) -> bool:
    return scan.covers(tok.idx, tok.idx + len(tok.text))


def _subtree_quoted(tok: Token, scan: QuoteScan) -> bool:
    """True if any word under ``tok`` is quoted: that dependant is content, not frame."""
    return any(_token_in_quote(t, scan) and t.is_alpha for t in tok.subtree)


def _is_speech_verb(tok: Token, lex: dict[str, Any]) -> bool:
    """A verb that reports speech: a lexicon lemma, or e.g. "call" only as "call for"/"call X Y"."""
    if tok.pos_ not in ("VERB", "AUX") or any(c.dep_ == "nsubjpass" for c in tok.children):
        return False
    if tok.lemma_.lower() in lex["speech_verbs"]:
        return True
    needed = lex["speech_verbs_needing"].get(tok.lemma_.lower())
    return bool(needed) and any(c.lower_ in needed or c.dep_ in needed for c in tok.children)


def _subject(tok: Token) -> Token | None:
    return next((c for c in tok.children if c.dep_ == "nsubj"), None)


def _verb_text(tok: Token, lex: dict[str, Any]) -> str:
    """The speech verb as written, with its particle for phrasal uses ("called for")."""
    needed = lex["speech_verbs_needing"].get(tok.lemma_.lower(), [])
    particle = next((c.lower_ for c in tok.children if c.lower_ in needed), None)
    return f"{tok.lower_} {particle}" if particle else tok.lower_


def _speech_verb(doc: Doc, scan: QuoteScan, lex: dict[str, Any]) -> Token | None:
    """The verb that frames the claim: a sentence root, or a parataxis/conj of one.

    Speech verbs inside subordinate clauses ("when he declared ...") or inside the quotation
    do not make the reporter's sentence someone else's assertion.
    """
    candidates: list[Token] = []
    for sent in doc.sents:
        root = sent.root
        candidates.append(root)
        candidates.extend(c for c in root.children if c.dep_ in ("parataxis", "conj"))
    for tok in candidates:
        if _is_speech_verb(tok, lex) and _subject(tok) is not None and not _token_in_quote(tok, scan):
            return tok
    return None


def _according_to(doc: Doc, scan: QuoteScan, lex: dict[str, Any]) -> tuple[Token, Token] | None:
    """The "according to X" frame: returns (the 'according' token, X's head)."""
    for tok in doc:
        if tok.lower_ in lex["according_to"] and not _token_in_quote(tok, scan):
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if obj is not None:
                return tok, obj
    return None


def _speaker_tokens(head: Token, lex: dict[str, Any]) -> list[Token]:
    """The speaker phrase without appositions and relative clauses ("Peskov, the ... spokesperson")."""
    trim = set(lex["speaker_trim_deps"])
    dropped = {t.i for c in head.children if c.dep_ in trim for t in c.subtree}
    return [t for t in head.subtree if t.i not in dropped and not t.is_punct]


def _proper_name(head: Token, tokens: list[Token], lex: dict[str, Any]) -> str | None:
    """The person's name inside a speaker phrase, without titles ("Kremlin spokesman Dmitry Peskov")."""
    for ent in head.doc.ents:
        if ent.label_ == "PERSON" and ent.start <= head.i < ent.end:
            return _strip_possessive(ent.text)
    if head.pos_ != "PROPN":
        return None
    particles = set(lex["name_particles"])
    run = [head]
    for tok in reversed([t for t in tokens if t.i < head.i]):
        if tok.i != run[0].i - 1 or not (tok.pos_ == "PROPN" or tok.lower_ in particles):
            break
        run.insert(0, tok)
    while run[0].lower_ in particles and len(run) > 1:
        run.pop(0)
    titles = set(lex["speaker_titles"])
    while len(run) > 1 and run[0].lower_ in titles:
        run.pop(0)
    return " ".join(t.text for t in run)


def _strip_possessive(text: str) -> str:
    return re.sub(r"['’]s?$", "", text).strip()


def _span_text(tokens: Iterable[Token]) -> str:
    """Rebuild text from tokens, keeping the original spacing."""
    toks = sorted(tokens, key=lambda t: t.i)
    return "".join(t.text_with_ws for t in toks).strip()


def _make_speaker(head: Token, lex: dict[str, Any]) -> tuple[str, bool, bool]:
    """Speaker string for a subject head; returns (text, is_pronoun, is_named)."""
    tokens = _speaker_tokens(head, lex)
    if len(tokens) == 1 and head.lower_ in lex["pronouns"]:
        return head.lower_, True, False
    has_conj = any(c.dep_ == "conj" for c in head.children)
    name = None if has_conj else _proper_name(head, tokens, lex)
    if name:
        return name, False, True
    return _span_text(tokens), False, False


def _frame_tokens(verb: Token, scan: QuoteScan, lex: dict[str, Any]) -> set[int]:
    """Token indices of the frame: the verb with its subject and adjuncts, not its content."""
    frame_deps, content_deps = set(lex["frame_deps"]), set(lex["content_deps"])
    frame = {verb.i}
    for child in verb.children:
        if child.dep_ in content_deps or _subtree_quoted(child, scan):
            continue
        if child.dep_ in frame_deps:
            frame.update(t.i for t in child.subtree)
    return frame


def _contiguous_run(indices: set[int], anchor: int) -> tuple[int, int]:
    """The maximal run of consecutive indices around ``anchor`` (the frame as written)."""
    lo = hi = anchor
    while lo - 1 in indices:
        lo -= 1
    while hi + 1 in indices:
        hi += 1
    return lo, hi


def clean_content(text: str) -> str | None:
    """Tidy a content string: no quotation marks or dangling punctuation, capitalised, full stop."""
    text = _QUOTE_MARK.sub(lambda m: " " if m.group() != m.group().strip() else "", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"[\s,;:—–-]+(?=[.!?…]$)", "", text.strip(" ,;:—–-"))
    if not _WORD.search(text):
        return None
    text = text[0].upper() + text[1:]
    return text if re.search(r"[.!?…]['’)]*$", text) else text + "."


def _separable(verb: Token, scan: QuoteScan, rest: list[Token], lex: dict[str, Any]) -> bool:
    """Whether the words outside the frame are the reported content on their own.

    True for a complement clause ("said (that) X") or for pure quotation around a verb with no
    object ('replied: "probably."'); not for "accused Europe of X" or 'called X "Y"'.
    """
    if any(c.dep_ in lex["content_deps"] for c in verb.children):
        return True
    if any(c.dep_ in ("dobj", "oprd", "prep") and _subtree_quoted(c, scan) for c in verb.children):
        return False
    return all(_token_in_quote(t, scan) or not t.is_alpha for t in rest)


def _content_outside(doc: Doc, lo: int, hi: int) -> list[Token]:
    """Tokens before and after the frame (quotation marks kept for their spacing).

    The complementiser of "said that X" belongs to the frame; a quoted "That is ..." does not.
    """
    rest = [t for t in doc if t.i < lo or t.i > hi]
    if rest and rest[0].i == hi + 1 and rest[0].lower_ == "that" and rest[0].dep_ == "mark":
        rest = rest[1:]
    return rest


def find_frame(doc: Doc, scan: QuoteScan, lex: dict[str, Any] | None = None) -> Frame | None:
    """Find the attribution frame of one parsed claim, or None for the reporter's voice."""
    lex = lex or load_lexicon()
    verb = _speech_verb(doc, scan, lex)
    if verb is not None:
        head = _subject(verb)
        assert head is not None
        speaker, pronoun, named = _make_speaker(head, lex)
        lo, hi = _contiguous_run(_frame_tokens(verb, scan, lex), verb.i)
        rest = _content_outside(doc, lo, hi)
        content = clean_content(_span_text(rest)) if _separable(verb, scan, rest, lex) else None
        quoted = bool(scan.spans) and all(_token_in_quote(t, scan) or not t.is_alpha for t in rest)
        return Frame(speaker, _verb_text(verb, lex), content, head.lemma_.lower(), pronoun, named, quoted)
    according = _according_to(doc, scan, lex)
    if according is not None:
        tok, obj = according
        speaker, pronoun, named = _make_speaker(obj, lex)
        frame = {t.i for t in tok.subtree}
        lo, hi = min(frame), max(frame)
        content = clean_content(_span_text(_content_outside(doc, lo, hi)))
        return Frame(speaker, "according to", content, obj.lemma_.lower(), pronoun, named)
    return None


# --------------------------------------------------------------------------- hedges and disputes


def _matched(doc: Doc, matcher: Matcher, names: dict[str, str]) -> list[str]:
    """Matches as names (or lower-cased text), in order of appearance, without repeats."""
    found: list[str] = []
    for match_id, start, end in sorted(matcher(doc), key=lambda m: (m[1], -m[2])):
        rule = doc.vocab.strings[match_id]
        label = names.get(rule, doc[start:end].text.lower())
        if label not in found:
            found.append(label)
    return found


def find_hedges(doc: Doc) -> list[str]:
    """Uncertainty cues (reportedly, may, appeared to, expected to ...) from the lexicon."""
    hedges, _, names = _matchers()
    return _matched(doc, hedges, names)


def _attributed_in_sentence(doc: Doc, span: Span, scan: QuoteScan, lex: dict[str, Any]) -> bool:
    """A verb of saying with a subject outside the quotes: the fragment is someone's words
    ('Pelosi, D-Calif., vowed ... to bring the "life-saving legislation" to a floor vote')."""
    verbs = set(lex["speech_verbs"]) | set(lex["speech_verbs_needing"]) | set(lex["scare_quotes"]["citing_verbs"])
    return any(
        t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in verbs and _subject(t) is not None and not _token_in_quote(t, scan) and not (span.start <= t.i < span.end) for t in doc
    )


def _fragment_is_scare(doc: Doc, span: Span, s: int, e: int, scan: QuoteScan, markers: list[str], lex: dict[str, Any]) -> bool:
    """A short quoted fragment ``doc.text[s:e]`` that distances the reporter from a word.

    Scare quotes only (a) right after an introducer ("so-called", "what he called a", "supposed")
    or (b) around a single verb, adjective or adverb in a sentence with a dispute cue ('the
    false claim that Ukraine "started" the war') that attributes the fragment to nobody.
    A quoted noun phrase names a thing ('grants to states for "red flag" laws', '"consultation
    mechanism"'), and a fragment of a speaker named in the sentence is a short quotation
    ('Pelosi ... vowed ... the "life-saving legislation"', 'the Department ... cited a "lack of
    industry interest" for the decision to "not move forward"').
    """
    settings = lex["scare_quotes"]
    text = doc.text[s:e].strip()
    words = [t for t in span if t.is_alpha or t.like_num]
    if not words or len(words) > settings["max_words"]:
        return False
    if re.search(settings["intro_pattern"], doc.text[max(0, s - 60) : s], re.I):
        return True
    if len(text.split()) != 1 or span.root.pos_ not in settings["pos"]:
        return False
    disputed = any(not m.startswith("scare quotes") for m in markers) or any(t.lower_ in settings["dispute_words"] for t in doc if not (span.start <= t.i < span.end))
    return disputed and not _attributed_in_sentence(doc, span, scan, lex)


def find_scare_quotes(doc: Doc, scan: QuoteScan, markers: list[str]) -> list[str]:
    """Scare quotes in the reporter's own words, reported as 'scare quotes: "word"'."""
    lex = load_lexicon()
    text = doc.text
    spans = [s for s in scan.spans if not (s[0] == 0 and scan.starts_inside)]
    spans = [s for s in spans if not (s[1] == len(text) and scan.ends_inside)]
    found = []
    for s, e in sorted(spans + _single_quote_spans(text, scan)):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None and _fragment_is_scare(doc, span, s, e, scan, markers, lex):
            found.append(f'scare quotes: "{text[s:e].strip()}"')
    return found


def find_dispute_markers(doc: Doc, scan: QuoteScan, reporter_voice: bool, heading: bool) -> list[str]:
    """Distancing and denial cues; scare quotes only where the reporter speaks, not in headings.

    Headlines quote speakers in single marks by convention ("Deal that 'suits' Russia"), and a
    quoted word inside someone's reported speech is a partial quote, not distancing.
    """
    _, disputes, names = _matchers()
    markers = _matched(doc, disputes, names)
    if reporter_voice and not heading and not is_quote_only(doc.text, scan):
        markers += [m for m in find_scare_quotes(doc, scan, markers) if m not in markers]
    return markers


def _quoted_words(doc: Doc, scan: QuoteScan) -> int:
    """Words in the longest quotation of the claim."""
    counts = [sum(1 for t in doc if (t.is_alpha or t.like_num) and s <= t.idx < e) for s, e in scan.spans]
    return max(counts, default=0)


# --------------------------------------------------------------------------- document pass


def _in_entity(tok: Token, label: str | None = None) -> bool:
    """Is ``tok`` inside a named entity (of that label)?"""
    return any(e.start <= tok.i < e.end and (label is None or e.label_ == label) for e in tok.doc.ents)


def _clause_subject_before(sent: Span, pronoun: Token) -> Token | None:
    """The named subject of a clause before ``pronoun`` in the same sentence, its antecedent.

    A proper noun that NER tags as a person, or that it leaves untagged ("Cornyn" is often
    missed); organisations and places ("Congress", "Texas") are no antecedents of "he".
    """
    found = None
    for tok in sent:
        if tok.i >= pronoun.i:
            break
        if tok.dep_ == "nsubj" and tok.pos_ == "PROPN" and (_in_entity(tok, "PERSON") or not _in_entity(tok)):
            found = tok
    return found


@dataclass
class _Salience:
    """Named speakers and subjects seen so far, for "he said" and "the source added"."""

    window: int
    persons: list[tuple[int, str]] = field(default_factory=list)
    described: list[tuple[str, str]] = field(default_factory=list)  # (head lemma, speaker)
    names: set[str] = field(default_factory=set)

    def note(self, index: int, frame: Frame | None, speaker: str | None) -> None:
        """Remember the claim's speaker; a quotation's continuation keeps its speaker salient."""
        if speaker is None:
            return
        if frame is not None and frame.named:
            self.names.add(speaker)
        if speaker in self.names:
            self.persons.append((index, speaker))
        elif frame is not None and not frame.pronoun:
            self.described.append((frame.head_lemma, speaker))

    def note_subject(self, index: int, doc: Doc) -> None:
        """A named person as subject of a reporter's sentence is a likely antecedent too.

        When the main subject is "he"/"she", the person it stands for is the salient one: a
        named subject of an earlier clause of the same sentence ("While Cornyn has said the
        talks are serious, he has not joined ..."), so the next "He told reporters" is Cornyn,
        not a person named in passing two sentences before.
        """
        lex = load_lexicon()
        for sent in doc.sents:
            subj = _subject(sent.root)
            if subj is None:
                continue
            if subj.lower_ in lex["pronouns"]:
                subj = _clause_subject_before(sent, subj)
                if subj is None:
                    continue
            elif not _in_entity(subj, "PERSON"):
                continue
            name = _proper_name(subj, _speaker_tokens(subj, lex), lex)
            if name:
                self.names.add(name)
                self.persons.append((index, name))

    def resolve(self, index: int, frame: Frame) -> str:
        """Pronoun -> last named person within the window; "the X" -> an earlier "a X"."""
        if frame.pronoun:
            recent = [p for i, p in self.persons if index - i <= self.window]
            return recent[-1] if recent else frame.speaker
        if frame.speaker.lower().startswith("the "):
            earlier = [s for lemma, s in self.described if lemma == frame.head_lemma]
            return earlier[-1] if earlier else frame.speaker
        return frame.speaker


def _chains(scans: Sequence[QuoteScan]) -> list[int | None]:
    """Give claims that share one multi-claim quotation the same chain number."""
    chain: list[int | None] = [None] * len(scans)
    current = 0
    for i, scan in enumerate(scans):
        if scan.starts_inside and i > 0 and chain[i - 1] is not None:
            chain[i] = chain[i - 1]
        elif scan.ends_inside:
            current += 1
            chain[i] = current
    return chain


def _chain_frame(i: int, chain: list[int | None], frames: list[Frame | None]) -> int | None:
    """Index of the claim whose frame attributes claim i's quotation: later first, then earlier."""
    if chain[i] is None:
        return None
    members = [j for j, c in enumerate(chain) if c == chain[i] and frames[j] is not None]
    later = [j for j in members if j > i]
    earlier = [j for j in members if j < i]
    return later[0] if later else (earlier[-1] if earlier else None)


def _chain_start(i: int, chain: list[int | None]) -> int:
    while i > 0 and chain[i] is not None and chain[i - 1] == chain[i]:
        i -= 1
    return i


def _chain_quote_only(i: int, chain: list[int | None], texts: Sequence[str], scans: Sequence[QuoteScan]) -> bool:
    members = [j for j, c in enumerate(chain) if c is not None and c == chain[i]] or [i]
    return all(is_quote_only(texts[j], scans[j]) for j in members)


def _group_by_doc(claims: Sequence[Claim]) -> list[list[Claim]]:
    """Claims per document, in document order (documents in order of first appearance)."""
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.doc, []).append(claim)
    return [sorted(group, key=lambda c: (c.index, c.start)) for group in groups.values()]


def _annotate_document(claims: list[Claim]) -> None:
    """Annotate one document's claims in order (speakers depend on the claims before them)."""
    lex = load_lexicon()
    texts = [c.text for c in claims]
    docs = parse(texts)
    scans = scan_document(texts)
    frames = [find_frame(d, s, lex) for d, s in zip(docs, scans, strict=True)]
    chain = _chains(scans)
    salience = _Salience(window=lex["pronoun_window"])
    for i, (claim, doc, scan) in enumerate(zip(claims, docs, scans, strict=True)):
        source = i if frames[i] is not None else _chain_frame(i, chain, frames)
        if source is not None:
            _apply_frame(claim, frames[source], salience.resolve(i, frames[source]), own=source == i)
        else:
            _inherit_continuation(i, claims, chain, texts, scans)
        quoted = claim.speaker is not None and (frames[i] is None or frames[i].fully_quoted)
        claim.quote = _quote_kind(claim, doc, scan, quoted, lex)
        claim.hedges = find_hedges(doc)
        claim.dispute_markers = find_dispute_markers(doc, scan, claim.speaker is None, claim.is_heading)
        salience.note(i, frames[source] if source is not None else None, claim.speaker)
        if claim.speaker is None:
            salience.note_subject(i, doc)


def _apply_frame(claim: Claim, frame: Frame | None, speaker: str, own: bool) -> None:
    """Set speaker/verb/content from the claim's own frame or from its quotation's frame."""
    assert frame is not None
    claim.speaker, claim.verb = speaker, frame.verb
    claim.content = frame.content if own else clean_content(claim.text)


def _inherit_continuation(i: int, claims: list[Claim], chain: list[int | None], texts: Sequence[str], scans: Sequence[QuoteScan]) -> None:
    """A quotation with no attribution of its own continues the previous quoted speaker.

    News style opens a new paragraph of the same speaker's words with a quotation mark and no
    "he said"; that applies when the claim (or its whole quotation chain) is quoted speech only
    and the claim before it was a direct quote with a known speaker.
    """
    claim = claims[i]
    claim.speaker, claim.verb = None, None
    quote_only = _chain_quote_only(i, chain, texts, scans)
    claim.content = clean_content(claim.text) if quote_only else claim.text.strip()
    start = _chain_start(i, chain)
    prev = claims[start - 1] if start > 0 else None
    if quote_only and prev is not None and prev.speaker is not None and prev.quote == "direct":
        claim.speaker, claim.verb = prev.speaker, prev.verb


def _quote_kind(claim: Claim, doc: Doc, scan: QuoteScan, quoted: bool, lex: dict[str, Any]) -> str:
    """ "direct" for quoted speech, "indirect" for reported speech without it, else "none".

    ``quoted``: the attributed content is all quotation (however short, 'replied: "probably."').
    A short quoted fragment inside reported speech ('said it was in the "final stages"') is
    still indirect speech.
    """
    if quoted or is_quote_only(claim.text, scan) or _quoted_words(doc, scan) >= lex["direct_quote_min_words"]:
        return "direct"
    return "indirect" if claim.speaker is not None else "none"


def analyse_attribution(claims: list[Claim]) -> None:
    """Annotate speaker, verb, quote, hedges, dispute markers and content of every claim in place.

    Claims of several documents may be mixed; each document is processed on its own, in order.
    """
    for group in _group_by_doc(claims):
        _annotate_document(group)
