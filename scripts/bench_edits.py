#!/usr/bin/env python3
"""Planted-edit benchmark (issue 17): does `check` see a changed place, number, date, name or negation?

usage: python scripts/bench_edits.py [--classifier-only] [--fixtures] [--per-type N] [--seed N]
                                     [--json PATH] [--list-misses] [--write]

Corpus: the real articles of the DEV split of ../shared/benchmarks/pac_news_pairs (records with
split == "dev" only; the test split is never read), the cleaned copies of four of those stories in
fixtures/pac/ used instead of the flattened text where present, and fixtures/calibrate/sources. The
Riyadh seed pair (fixtures/riyadh-*.txt) is kept out: it is the final check (tests/test_edits.py).

Drafts: copies of each article with typed edits planted in sentences at least two apart (so that
an edit never changes whom the next sentence's "he" stands for), with a fixed seed. Every edit is
recorded with its type, the sentence, the exact text before and after and its offsets in the source
and in the draft. Types:

* errors -- place, person, organisation (a name NER tags, replaced by another of a fixed list), number,
  date (weekday, month, day, year, relative week/year, duration), negation ("not" added or dropped),
  modality ("will" -> "may", "reportedly" added), predicate (a word replaced by its opposite, from a
  list in this script -- edits.py has no such list: it asks NLI), quotation (a word changed, dropped or
  added inside quotation marks), speaker (the speaker's name or pronoun replaced by another person);
* neutral -- abbreviation (U.S./US, U.K./UK, U.N./UN), month_abbreviation (Feb./February), number_words
  (3/three, 65-33/65 to 33, 52%/52 percent), honorific (a title before a name dropped or spelled out),
  trimmed_clause (a comma-delimited appositive, relative or participial clause dropped),
  reordered_clause (a sentence-opening phrase moved to the end), padding ("also", "Meanwhile,"),
  synonym (a word replaced by a synonym from a list in this script).

Modes:

* default: each draft is run through `check DRAFT --against SOURCE` in the library (:func:`run_check`),
  with an unedited copy as control; an
  error edit is found when an error/warning finding on its draft sentence is not in the control's
  findings for that sentence; a neutral edit is a false alarm when there is one.
  With --fixtures it also runs scripts/bench_findings.py's pairs and lists what the edit rule
  (edits.word_edits, first in judge.PAIR_RULES) reports there and any must_not_report violation.
* --classifier-only: checker.analysis.edits.edit_findings on (source sentence, draft sentence) claims as
  the pipeline builds them (whole documents analysed, so speakers resolve in context), gate included.
  An error edit is found when a change overlaps the edit; a neutral edit is a false alarm when any
  change is reported for its sentence.

Heavy (the pipeline modes run the models over every draft): use `nice -n 19` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PAC = ROOT.parent / "shared" / "benchmarks" / "pac_news_pairs" / "pac_pairs_text.jsonl"
CALIBRATE = ROOT / "fixtures" / "calibrate" / "sources"
PAC_FIXTURES = ROOT / "fixtures" / "pac"

ERROR_TYPES = ("place", "person", "organisation", "number", "date", "negation", "modality", "predicate", "quotation", "speaker")
NEUTRAL_TYPES = ("abbreviation", "month_abbreviation", "number_words", "honorific", "trimmed_clause", "reordered_clause", "padding", "synonym")
#: Recall targets of the issue (modality is listed with negation there).
TARGETS = {**{t: 0.90 for t in ERROR_TYPES}, "predicate": 0.70, "quotation": 0.70}
FALSE_ALARM_TARGET = 0.02
#: Finding rules that report each error type (a change inside a quotation is FC104 whatever it is).
EXPECTED_RULES = {
    "place": {"FC202"},
    "person": {"FC202"},
    "organisation": {"FC202"},
    "number": {"FC201"},
    "date": {"FC101", "FC205"},
    "negation": {"FC101"},
    "modality": {"FC101"},
    "predicate": {"FC101"},
    "quotation": {"FC104"},
    "speaker": {"FC104"},
}
MIN_GAP = 2  # edited sentences of one draft are at least this many sentences apart
MAX_DRAFTS = 3  # drafts per article
ALERT = ("error", "warning")

# --------------------------------------------------------------------------- replacement lists

PLACES = [
    "Istanbul",
    "Geneva",
    "Cairo",
    "Vienna",
    "Warsaw",
    "Ohio",
    "Florida",
    "Arizona",
    "Nevada",
    "Mexico",
    "Canada",
    "Brazil",
    "Japan",
    "India",
    "Chicago",
    "Houston",
    "Denver",
    "Boston",
    "Oslo",
    "Madrid",
]
PERSONS = [
    "Nancy Pelosi",
    "Mitch McConnell",
    "Chuck Schumer",
    "Kevin McCarthy",
    "Kamala Harris",
    "Mike Pence",
    "Ron DeSantis",
    "Gavin Newsom",
    "Elizabeth Warren",
    "Bernie Sanders",
    "Ted Cruz",
    "Lindsey Graham",
    "Joe Manchin",
    "Angela Merkel",
    "Boris Johnson",
    "Justin Trudeau",
    "Olaf Scholz",
    "Mike Waltz",
]
ORGS = [
    "Pentagon",
    "FBI",
    "NRA",
    "ACLU",
    "Justice Department",
    "Supreme Court",
    "State Department",
    "Federal Reserve",
    "World Health Organization",
    "Treasury Department",
    "Environmental Protection Agency",
    "Red Cross",
    "Microsoft",
    "Amazon",
    "Senate",
    "House",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MONTH_ABBR = {
    "January": "Jan.",
    "February": "Feb.",
    "August": "Aug.",
    "September": "Sept.",
    "October": "Oct.",
    "November": "Nov.",
    "December": "Dec.",
}  # AP style: March-July are never abbreviated
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
RELATIVE = {
    "last week": "next week",
    "next week": "last week",
    "this week": "last week",
    "last year": "next year",
    "next year": "last year",
    "this year": "last year",
    "last month": "next month",
    "this month": "last month",
    "yesterday": "tomorrow",
    "today": "yesterday",
    "tomorrow": "yesterday",
}
# opposites for predicate flips (the classifier has no such list: it asks NLI)
_OPPOSITE_PAIRS = [
    ("increase", "decrease"),
    ("increased", "decreased"),
    ("increases", "decreases"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("rising", "falling"),
    ("rises", "falls"),
    ("raise", "lower"),
    ("raised", "lowered"),
    ("higher", "lower"),
    ("highest", "lowest"),
    ("approved", "rejected"),
    ("approve", "reject"),
    ("support", "oppose"),
    ("supported", "opposed"),
    ("supports", "opposes"),
    ("supporters", "opponents"),
    ("won", "lost"),
    ("win", "lose"),
    ("wins", "loses"),
    ("accepted", "rejected"),
    ("allowed", "banned"),
    ("allow", "ban"),
    ("lifted", "imposed"),
    ("lift", "impose"),
    ("opened", "closed"),
    ("expanded", "reduced"),
    ("expand", "reduce"),
    ("strengthen", "weaken"),
    ("stronger", "weaker"),
    ("largest", "smallest"),
    ("biggest", "smallest"),
    ("best", "worst"),
    ("before", "after"),
    ("earlier", "later"),
    ("easy", "difficult"),
    ("success", "failure"),
    ("successful", "unsuccessful"),
    ("legal", "illegal"),
    ("confirmed", "denied"),
    ("gained", "lost"),
    ("grew", "shrank"),
    ("positive", "negative"),
    ("cheaper", "costlier"),
    ("public", "private"),
    ("bipartisan", "partisan"),
    ("conservative", "liberal"),
    ("conservatives", "liberals"),
    ("praised", "criticized"),
    ("welcomed", "condemned"),
    ("backed", "opposed"),
    ("joined", "left"),
    ("added", "removed"),
    ("included", "excluded"),
    ("canceled", "approved"),
    ("cancels", "approves"),
    ("cancelled", "approved"),
    ("cancel", "approve"),
    ("overturned", "upheld"),
    ("overturn", "uphold"),
    ("repeal", "enact"),
    ("agreed", "refused"),
    ("ended", "began"),
    ("end", "start"),
    ("increasing", "decreasing"),
    ("major", "minor"),
    ("strong", "weak"),
    ("high", "low"),
]
OPPOSITES = {**{a: b for a, b in _OPPOSITE_PAIRS}, **{b: a for a, b in _OPPOSITE_PAIRS if b not in dict(_OPPOSITE_PAIRS)}}
SYNONYMS = {
    "big": "large",
    "large": "big",
    "nearly": "almost",
    "almost": "nearly",
    "help": "assist",
    "helped": "assisted",
    "buy": "purchase",
    "bought": "purchased",
    "purchase": "buy",
    "start": "begin",
    "began": "started",
    "begin": "start",
    "show": "demonstrate",
    "shows": "demonstrates",
    "showed": "demonstrated",
    "quickly": "rapidly",
    "rapidly": "quickly",
    "tried": "attempted",
    "try": "attempt",
    "talks": "negotiations",
    "lawmakers": "legislators",
    "legislators": "lawmakers",
    "country": "nation",
    "nation": "country",
    "countries": "nations",
    "nations": "countries",
    "children": "kids",
    "kids": "children",
    "need": "require",
    "needs": "requires",
    "needed": "required",
    "allow": "permit",
    "allowed": "permitted",
    "allows": "permits",
    "expected": "anticipated",
    "currently": "presently",
    "huge": "massive",
    "massive": "huge",
    "enormous": "huge",
    "difficult": "hard",
    "chose": "picked",
    "choose": "pick",
    "picked": "chose",
    "said": "stated",
    "told": "informed",
    "hopes": "wishes",
    "goal": "aim",
    "aim": "goal",
    "main": "principal",
    "lots": "plenty",
    "often": "frequently",
    "frequently": "often",
    "rules": "regulations",
    "regulations": "rules",
    "sweeping": "broad",
    "broad": "sweeping",
    "decades": "generations",
    "warned": "cautioned",
    "unveiled": "presented",
    "announced": "declared",
    "plan": "proposal",
    "proposal": "plan",
    "fight": "battle",
    "battle": "fight",
    "area": "region",
    "region": "area",
    "important": "significant",
    "significant": "important",
    "biggest": "largest",
    "largest": "biggest",
    "ended": "finished",
    "afterwards": "later",
    "spoke": "talked",
    "talked": "spoke",
}
PADDING = ["also"]
OPENERS = ["Meanwhile, ", "In addition, ", "Separately, "]
TITLES_BEFORE_NAME = {"President", "Sen.", "Rep.", "Gov.", "Mr.", "Mrs.", "Ms.", "Dr.", "Senator", "Secretary", "Speaker", "Leader", "Justice", "Judge"}
SPELLED_TITLES = {"Sen.": "Senator", "Rep.": "Representative", "Gov.": "Governor"}
SPEECH_LEMMAS = {"say", "tell", "add", "write", "argue", "note", "claim", "warn", "explain", "insist", "state", "ask"}


# --------------------------------------------------------------------------- corpus


@dataclass
class Article:
    name: str
    text: str
    fmt: str


@dataclass
class Edit:
    type: str
    article: str
    draft: int
    sentence: int
    original: str
    edited: str
    before: str
    after: str
    src_span: tuple[int, int]  # raw offsets of `before` in the source
    in_quote: bool
    draft_span: tuple[int, int] = (0, 0)  # raw offsets of `after` in the draft, set when the draft is built
    found: bool | None = None
    kind_ok: bool | None = None
    reported: list[str] = field(default_factory=list)

    @property
    def neutral(self) -> bool:
        return self.type in NEUTRAL_TYPES


@dataclass
class Draft:
    article: Article
    index: int
    edits: list[Edit]
    text: str = ""


_QUOTE_FIX = re.compile(r"(^|[\s(\[—])\"\s+|\s+\"(?=[\s.,;:!?)\]]|$)")


def detokenize(sentence: str) -> str:
    """PAC sentences are tokens joined by spaces: NLTK's Treebank detokenizer, then hyphens and
    quotation marks re-attached ("go - to" -> "go-to", '" leading to "' -> '"leading to"')."""
    from nltk.tokenize.treebank import TreebankWordDetokenizer

    text = TreebankWordDetokenizer().detokenize(sentence.split())
    text = re.sub(r"(\w) - (?=\w)", r"\1-", text)
    text = re.sub(r"“\s+", "“", text)
    text = re.sub(r"\s+”", "”", text)
    text = re.sub(r"\s+’(?=s\b)", "’", text)
    out: list[str] = []
    inside = False
    for part in re.split(r'(")', text):
        if part == '"':
            if inside and out:
                out[-1] = out[-1].rstrip()  # a closing mark hugs the word before it
            out.append(part)
            inside = not inside
        else:
            out.append(part.lstrip() if inside and out and out[-1] == '"' else part)
    return "".join(out)


_ABBREV_END = re.compile(r"\b(?:v|Rep|Sen|Gov|Dr|St|Mr|Mrs|Ms|Lt|Gen|Jr|Sr|U\.S|No)\.$")


def pac_article(article: dict[str, Any]) -> Article:
    """One PAC article as a text file: `date YYYY-MM-DD Title`, then one sentence a paragraph
    (sentences cut after an abbreviation such as "Roe v." / "Wade" joined again)."""
    paragraphs: list[str] = []
    for sentence in article["sentences"]:
        s = detokenize(sentence)
        if paragraphs and _ABBREV_END.search(paragraphs[-1]):
            paragraphs[-1] += " " + s
        else:
            paragraphs.append(s)
    title = " ".join(article["title"].split())
    return Article(article["id"], f"date {article['date']} {title}\n\n" + "\n\n".join(paragraphs) + "\n", "txt")


def load_articles(pac: Path) -> list[Article]:
    """DEV split only; a fixtures/pac copy replaces the flattened text of the same article."""
    fixtures: dict[str, Path] = {}
    for path in sorted(PAC_FIXTURES.glob("*.txt")):
        fixtures[path.stem] = path
    articles: list[Article] = []
    with open(pac, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for rec in records:
        if rec["split"] != "dev":
            continue
        for art in rec["articles"]:
            story = rec["story_id"].split("_")[1]
            match = [p for stem, p in fixtures.items() if stem.startswith(f"story-{story}-") and _same_outlet(stem, art["source"])]
            if match:
                articles.append(Article(match[0].stem, match[0].read_text(encoding="utf-8"), "txt"))
            else:
                articles.append(pac_article(art))
    for path in sorted(CALIBRATE.iterdir()):
        articles.append(Article(f"calibrate-{path.stem}", path.read_text(encoding="utf-8"), path.suffix.lstrip(".")))
    return articles


def _same_outlet(stem: str, source: str) -> bool:
    words = [w for w in re.findall(r"[a-z]+", source.lower()) if w not in ("online", "news", "the")]
    return bool(words) and all(w in stem for w in words)


# --------------------------------------------------------------------------- analysed sources


@dataclass
class Sentence:
    index: int
    text: str
    base: int  # raw offset of text[0]
    claim: Any
    doc: Any  # spaCy Doc
    quotes: list[tuple[int, int]]
    entities: list[tuple[int, int, Any]]
    times: list[tuple[int, int, Any]]
    quantities: list[tuple[int, int, Any]]

    def quoted(self, s: int, e: int) -> bool:
        return any(qs <= s and e <= qe for qs, qe in self.quotes)


def _locate(items: Sequence[Any], text: str) -> list[tuple[int, int, Any]]:
    out, pos = [], 0
    for x in items:
        i = text.find(x.text, pos)
        if i < 0:
            i = text.find(x.text)
        if i >= 0:
            out.append((i, i + len(x.text), x))
            pos = i + len(x.text)
    return out


def analysed(article: Article, doc_id: str = "s"):
    """The article as the pipeline reads it: Document with analysed claims."""
    from checker.documents import document_from_text
    from checker.pipeline import analyse
    from checker.segment import segment

    doc = document_from_text(article.text, doc_id, fmt=article.fmt, name=f"{article.name}.{article.fmt}")
    segment(doc)
    analyse([doc])
    return doc


def sentences(doc) -> list[Sentence]:
    from checker.analysis.attribution import scan_quotes
    from checker.analysis.nlp import parse

    out = []
    for c in doc.claims:
        if c.is_heading or len(c.text.split()) < 6:
            continue
        base = c.start if doc.raw_text[c.start : c.end] == c.text else doc.raw_text.find(c.text, c.start)
        if base < 0:
            continue
        quotes = scan_quotes(c.text).spans
        if not quotes and c.quote == "direct" and not any(q in c.text for q in '"“”'):
            quotes = [(0, len(c.text))]  # a quotation carried over from the previous sentence
        out.append(Sentence(c.index, c.text, base, c, parse([c.text])[0], quotes, _locate(c.entities, c.text), _locate(c.times, c.text), _locate(c.quantities, c.text)))
    return out


# --------------------------------------------------------------------------- generators

Candidate = tuple[int, int, str]  # (start, end, replacement) in the sentence


def _free(s: Sentence, a: int, b: int) -> bool:
    """Not inside a quotation, a name, a date or a figure."""
    return not s.quoted(a, b)


def _case_like(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def _words(s: Sentence, pattern: str, flags: int = 0) -> Iterator[re.Match[str]]:
    return re.finditer(pattern, s.text, flags)


def _names_in(s: Sentence) -> set[str]:
    return {e[2].canonical for e in s.entities} | {w.lower() for e in s.entities for w in e[2].text.split()}


def _pick_other(pool: Sequence[str], s: Sentence, rng: random.Random, avoid: str = "") -> str | None:
    taken = _names_in(s) | {w.lower() for w in avoid.split()}
    options = [p for p in pool if not ({p.lower(), *p.lower().split()} & taken) and p.lower() not in s.text.lower()]
    return rng.choice(options) if options else None


def _speaker_words(s: Sentence) -> set[str]:
    return {w.lower() for w in (s.claim.speaker or "").split()}


def gen_entity(labels: set[str], pool: Sequence[str]) -> Callable[[Sentence, random.Random], list[Candidate]]:
    def gen(s: Sentence, rng: random.Random) -> list[Candidate]:
        out = []
        for a, b, ent in s.entities:
            words = ent.text.split()
            if ent.label not in labels or not ent.text[:1].isupper() or len(set(words)) < len(words) or _speaker_words(s) & {w.lower() for w in words}:
                continue
            new = _pick_other(pool, s, rng)
            if new is None:
                continue
            if labels == {"PERSON"} and len(ent.text.split()) == 1:
                new = new.split()[-1]
            out.append((a, b, new))
        return out

    return gen


def gen_number(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for a, b, q in s.quantities:
        if q.approx == "vague":
            continue
        m = re.search(r"\d[\d,]*(?:\.\d+)?", q.text)
        if m:
            old = m.group(0)
            value = float(old.replace(",", ""))
            if "." in old:
                digits = old.split(".")[1]
                new = f"{value + rng.choice([1, 2, -1]) * 10 ** -len(digits):.{len(digits)}f}"
            elif value < 10:
                new = str(int(value) + rng.choice([1, 2, 3]))
            else:
                new_value = int(round(value * rng.choice([0.8, 1.25, 1.5, 2.0])))
                new = f"{new_value:,}" if "," in old else str(new_value)
            if new != old and not new.startswith("-"):
                out.append((a + m.start(), a + m.end(), new))
            continue
        m = re.search(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", q.text, re.I)
        if m:
            i = NUMBER_WORDS.index(m.group(1).lower())
            new = NUMBER_WORDS[(i + rng.choice([1, 2])) % len(NUMBER_WORDS)]
            out.append((a + m.start(), a + m.end(), _case_like(new, m.group(1))))
    return out


def gen_date(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for a, b, t in s.times:
        text = t.text
        for m in re.finditer(r"\b(" + "|".join(WEEKDAYS) + r")\b", text):
            out.append((a + m.start(), a + m.end(), rng.choice([w for w in WEEKDAYS if w != m.group(1)])))
        for m in re.finditer(r"\b(" + "|".join(MONTHS) + r")\b", text):
            out.append((a + m.start(), a + m.end(), rng.choice([w for w in MONTHS if w not in (m.group(1), "May")])))
        for m in re.finditer(r"\b(Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.", text):
            out.append((a + m.start(), a + m.end(), rng.choice([x for x in MONTH_ABBR.values() if x != m.group(0)])))
        for m in re.finditer(r"\b(19[5-9]\d|20[0-3]\d)\b", text):
            out.append((a + m.start(), a + m.end(), str(int(m.group(1)) + rng.choice([-3, -2, -1, 1, 2]))))
        key = text.lower()
        for phrase, new in RELATIVE.items():
            i = key.find(phrase)
            if i >= 0:
                out.append((a + i, a + i + len(phrase), _case_like(new, text[i:])))
        m = re.search(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:days?|weeks?|months?|years?|decades?)\b", text, re.I)
        if m and t.granularity == "range":
            old = m.group(1)
            new = str(int(old) + 1) if old.isdigit() else NUMBER_WORDS[(NUMBER_WORDS.index(old.lower()) + 1) % 10]
            out.append((a + m.start(1), a + m.end(1), _case_like(new, old)))
        m = re.search(r"\b([A-Z][a-z]+\.?)\s+(\d{1,2})\b(?!,?\s*\d{4})", text)
        if m and t.granularity == "day" and m.group(1).rstrip(".") in {x.rstrip(".") for x in [*MONTHS, *MONTH_ABBR.values()]}:
            day = int(m.group(2))
            new = str(day + 1 if day < 28 else day - 1)
            out.append((a + m.start(2), a + m.end(2), new))
    return out


def _tok_free(s: Sentence, tok) -> bool:
    return _free(s, tok.idx, tok.idx + len(tok.text))


def gen_negation(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for tok in s.doc:
        if not _tok_free(s, tok):
            continue
        if tok.lower_ in ("not", "n't", "never") and tok.dep_ == "neg":
            start = tok.idx - (1 if tok.lower_ != "n't" else 0)
            out.append((start, tok.idx + len(tok.text), ""))
        elif tok.tag_ == "MD" or (tok.pos_ == "AUX" and tok.lower_ in ("is", "are", "was", "were", "has", "have", "had")):
            nxt = tok.nbor(1) if tok.i + 1 < len(s.doc) else None
            if nxt is not None and nxt.dep_ != "neg" and nxt.lower_ not in ("not", "n't", "no", "never"):
                out.append((tok.idx + len(tok.text), tok.idx + len(tok.text), " not"))
        elif tok.dep_ == "ROOT" and tok.tag_ in ("VBD", "VBZ", "VBP") and tok.pos_ == "VERB" and tok.i > 0:
            aux = {"VBD": "did", "VBZ": "does", "VBP": "do"}[tok.tag_]
            if not any(c.dep_ in ("aux", "neg") for c in tok.children):
                out.append((tok.idx, tok.idx + len(tok.text), f"{aux} not {tok.lemma_}"))
    return out


def gen_modality(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for tok in s.doc:
        if not _tok_free(s, tok):
            continue
        if tok.tag_ == "MD" and tok.lower_ in ("will", "would", "must", "shall"):
            out.append((tok.idx, tok.idx + len(tok.text), _case_like(rng.choice(["may", "might", "could"]), tok.text)))
        elif tok.dep_ == "ROOT" and tok.tag_ == "VBD" and tok.pos_ == "VERB" and tok.lemma_ not in SPEECH_LEMMAS and tok.i > 0:
            out.append((tok.idx, tok.idx, "reportedly "))
    return out


def _swap_words(s: Sentence, table: dict[str, str], inside: bool) -> list[Candidate]:
    out = []
    for tok in s.doc:
        new = table.get(tok.lower_)
        if new is None or tok.ent_type_ or s.quoted(tok.idx, tok.idx + len(tok.text)) != inside:
            continue
        out.append((tok.idx, tok.idx + len(tok.text), _case_like(new, tok.text)))
    return out


def gen_predicate(s: Sentence, rng: random.Random) -> list[Candidate]:
    return _swap_words(s, OPPOSITES, inside=False)


def gen_quotation(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = _swap_words(s, SYNONYMS, inside=True)
    for tok in s.doc:
        if not s.quoted(tok.idx, tok.idx + len(tok.text)) or tok.ent_type_ or tok.like_num or tok.dep_ == "neg":
            continue
        if tok.pos_ in ("ADV", "ADJ") and tok.i > 0 and tok.lower_ not in ("not", "no", "never") and s.quoted(tok.idx - 1, tok.idx):
            out.append((tok.idx - 1, tok.idx + len(tok.text), ""))  # drop the word with the space before it
        if tok.pos_ == "ADJ" and tok.i > 0:
            out.append((tok.idx, tok.idx, "really "))
    return out


def gen_speaker(s: Sentence, rng: random.Random) -> list[Candidate]:
    speaker = s.claim.speaker
    if not speaker or speaker.lower() in ("he", "she", "they") or not speaker[:1].isupper():
        return []
    last = speaker.split()[-1]
    for a, b, ent in s.entities:
        if ent.label == "PERSON" and last in ent.text.split() and not s.quoted(a, b):
            new = _pick_other(PERSONS, s, rng, speaker)
            if new:
                return [(a, b, new if len(ent.text.split()) > 1 else new.split()[-1])]
    for tok in s.doc:
        if tok.lower_ in ("he", "she") and tok.dep_ == "nsubj" and tok.head.lemma_ in SPEECH_LEMMAS and _tok_free(s, tok):
            new = _pick_other(PERSONS, s, rng, speaker)
            if new:
                return [(tok.idx, tok.idx + len(tok.text), new.split()[-1])]
    return []


# neutral -------------------------------------------------------------------------------


def gen_abbreviation(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for m in _words(s, r"\b(U\.S\.|U\.K\.|U\.N\.|US|UK|UN)(?=[\s,;:'’-])"):
        old = m.group(1)
        new = old.replace(".", "") if "." in old else ".".join(old) + "."
        if m.end() < len(s.text) - 1:
            out.append((m.start(), m.end(), new))
    return out


def gen_month_abbreviation(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    full = {v: k for k, v in MONTH_ABBR.items()}
    for m in _words(s, r"\b(January|February|August|September|October|November|December)\b"):
        out.append((m.start(), m.end(), MONTH_ABBR[m.group(1)]))
    for m in _words(s, r"\b(Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.(?=\s)"):
        out.append((m.start(), m.end(), full[m.group(0)]))
    return out


def gen_number_words(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for m in _words(s, r"(?<![\w$.,-])([2-9])(?![\w%.,:-]|\s*(?:percent|%|p\.m|a\.m|million|billion))"):
        out.append((m.start(), m.end(), NUMBER_WORDS[int(m.group(1)) - 1]))
    for m in _words(s, r"\b(two|three|four|five|six|seven|eight|nine)\b(?![\s-]+(?:hundred|thousand|million|billion|-))", re.I):
        if not s.quoted(m.start(), m.end()):
            out.append((m.start(), m.end(), str(NUMBER_WORDS.index(m.group(1).lower()) + 1)))
    for m in _words(s, r"\b(\d{1,3})-(\d{1,3})\b(?=\s+(?:vote|margin|tally)|[,.]|\s+on\b)"):
        out.append((m.start(), m.end(), f"{m.group(1)} to {m.group(2)}"))
    for m in _words(s, r"\b(\d+(?:\.\d+)?)%"):
        out.append((m.start(), m.end(), f"{m.group(1)} percent"))
    return out


def gen_honorific(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for a, b, ent in s.entities:
        if ent.label != "PERSON":
            continue
        m = re.search(r"(?:^|\s)(" + "|".join(re.escape(t) for t in TITLES_BEFORE_NAME) + r")\s+$", s.text[max(0, a - 14) : a])
        if not m:
            continue
        t_start = max(0, a - 14) + m.start(1)
        title = m.group(1)
        if title in SPELLED_TITLES and rng.random() < 0.5:
            out.append((t_start, t_start + len(title), SPELLED_TITLES[title]))
        else:
            out.append((t_start, a, ""))
    return out


def gen_trimmed_clause(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    for tok in s.doc:
        if tok.dep_ not in ("appos", "relcl", "acl", "advcl"):
            continue
        sub = list(tok.subtree)
        a, b = sub[0].i, sub[-1].i
        if a == 0 or s.doc[a - 1].text != ",":
            continue
        after = s.doc[b + 1] if b + 1 < len(s.doc) else None
        if after is None or after.text not in (",", "."):
            continue
        start, end = s.doc[a - 1].idx, (after.idx if after.text == "." else after.idx)
        span_text = s.text[start:end]
        if any(q in span_text for q in '"“”') or re.search(r"\b(?:said|says|according|told)\b", span_text) or not _free(s, start, end):
            continue
        if after.text == ",":  # ", the X, did" -> " did": drop one of the two commas
            end = after.idx + 1
            out.append((start, end, ""))
        else:
            out.append((start, end, ""))
    return out


def gen_reordered_clause(s: Sentence, rng: random.Random) -> list[Candidate]:
    doc = s.doc
    comma = next((t for t in doc[:9] if t.text == ","), None)
    if comma is None or comma.i < 2 or any(q in s.text for q in '"“”'):
        return []
    head = doc[: comma.i]
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or not any(t.head == root and t.dep_ in ("prep", "npadvmod", "advmod", "advcl") and t.i < comma.i for t in head):
        return []
    if any(t.dep_ in ("nsubj", "nsubjpass") for t in head) or not s.text.rstrip().endswith("."):
        return []
    phrase = s.text[: comma.idx]
    rest = s.text[comma.idx + 1 :].strip()
    end = rest.rstrip()[:-1]
    first = phrase if doc[0].pos_ == "PROPN" else phrase[:1].lower() + phrase[1:]
    rest_cap = end[:1].upper() + end[1:]
    return [(0, len(s.text.rstrip()), f"{rest_cap} {first}.")]


def gen_padding(s: Sentence, rng: random.Random) -> list[Candidate]:
    out = []
    root = next((t for t in s.doc if t.dep_ == "ROOT"), None)
    if root is not None and root.pos_ == "VERB" and root.tag_ in ("VBD", "VBZ", "VBP") and _tok_free(s, root) and root.i > 0:
        if not any(c.dep_ == "aux" for c in root.children) and s.doc[root.i - 1].lower_ != "also":
            out.append((root.idx, root.idx, "also "))
    first = s.doc[0]
    if first.pos_ == "PROPN" and not s.quoted(0, 1) and s.text[:1] not in '"“':
        out.append((0, 0, rng.choice(OPENERS)))
    return out


def gen_synonym(s: Sentence, rng: random.Random) -> list[Candidate]:
    return _swap_words(s, SYNONYMS, inside=False)


GENERATORS: dict[str, Callable[[Sentence, random.Random], list[Candidate]]] = {
    "place": gen_entity({"GPE", "LOC"}, PLACES),
    "person": gen_entity({"PERSON"}, PERSONS),
    "organisation": gen_entity({"ORG"}, ORGS),
    "number": gen_number,
    "date": gen_date,
    "negation": gen_negation,
    "modality": gen_modality,
    "predicate": gen_predicate,
    "quotation": gen_quotation,
    "speaker": gen_speaker,
    "abbreviation": gen_abbreviation,
    "month_abbreviation": gen_month_abbreviation,
    "number_words": gen_number_words,
    "honorific": gen_honorific,
    "trimmed_clause": gen_trimmed_clause,
    "reordered_clause": gen_reordered_clause,
    "padding": gen_padding,
    "synonym": gen_synonym,
}


# --------------------------------------------------------------------------- planting


def _valid(s: Sentence, cand: Candidate) -> bool:
    a, b, new = cand
    return 0 <= a <= b <= len(s.text) and s.text[a:b] != new


def plant(articles: Sequence[Article], seed: int, per_type: int) -> list[Draft]:
    """Choose edits type by type in turn (fixed seed) and put each into the first draft of its
    article where no other edit is within MIN_GAP sentences; build the draft texts."""
    rng = random.Random(seed)
    options: dict[str, list[tuple[int, Sentence, Candidate]]] = defaultdict(list)
    for ai, art in enumerate(articles):
        for s in sentences(analysed(art)):
            for typ, gen in GENERATORS.items():
                cands = [c for c in gen(s, rng) if _valid(s, c)]
                if cands:
                    options[typ].append((ai, s, rng.choice(cands)))
    for typ in GENERATORS:
        rng.shuffle(options[typ])
    used: dict[tuple[int, int], list[int]] = defaultdict(list)
    planted: dict[tuple[int, int], list[Edit]] = defaultdict(list)
    counts: Counter[str] = Counter()
    progress = True
    while progress:
        progress = False
        for typ in GENERATORS:
            while counts[typ] < per_type and options[typ]:
                ai, s, (a, b, new) = options[typ].pop()
                draft = next((d for d in range(MAX_DRAFTS) if all(abs(s.index - j) >= MIN_GAP for j in used[(ai, d)])), None)
                if draft is None:
                    continue
                used[(ai, draft)].append(s.index)
                edited = s.text[:a] + new + s.text[b:]
                planted[(ai, draft)].append(
                    Edit(
                        typ, articles[ai].name, draft, s.index, s.text, edited, s.text[a:b], new, (s.base + a, s.base + b), s.quoted(a, b) if a < b else s.quoted(max(0, a - 1), a)
                    )
                )
                counts[typ] += 1
                progress = True
                break
    drafts = []
    for (ai, d), edits in sorted(planted.items()):
        drafts.append(_build(articles[ai], d, edits))
    return drafts


def _build(article: Article, index: int, edits: list[Edit]) -> Draft:
    """Apply the edits in text order; record where each one's new text lies in the draft."""
    edits = sorted(edits, key=lambda e: e.src_span[0])
    parts, pos, shift = [], 0, 0
    for e in edits:
        a, b = e.src_span
        parts.append(article.text[pos:a])
        e.draft_span = (a + shift, a + shift + len(e.after))
        parts.append(e.after)
        shift += len(e.after) - (b - a)
        pos = b
    parts.append(article.text[pos:])
    return Draft(article, index, edits, "".join(parts))


# --------------------------------------------------------------------------- classifier only


def _claim_at(doc, span: tuple[int, int]):
    """The claim whose raw range holds the span's start (an empty span: its position)."""
    s = span[0]
    for c in doc.claims:
        if c.start <= s < c.end or (span[0] == span[1] and c.start <= s <= c.end):
            return c
    return None


def _overlaps(x: tuple[int | None, int | None], y: tuple[int, int], slack: int = 2) -> bool:
    if x[0] is None or x[1] is None:
        return False
    return x[0] <= y[1] + slack and y[0] <= x[1] + slack


def classifier_only(drafts: Sequence[Draft], nli) -> None:
    """edits.edit_findings on each edit's (source claim, draft claim), with the rule's gate."""
    from checker.analysis.edits import edit_findings

    sources: dict[str, Any] = {}
    for n, draft in enumerate(drafts, start=1):
        art = draft.article
        if art.name not in sources:
            sources[art.name] = analysed(art, "s")
        src = sources[art.name]
        dd = analysed(Article(art.name + f"-draft{draft.index}", draft.text, art.fmt), "d")
        docs = {"s": src, "d": dd}
        for e in draft.edits:
            o, d = _claim_at(src, e.src_span), _claim_at(dd, e.draft_span)
            if o is None or d is None:
                e.found, e.reported = False, ["sentence not found"]
                continue
            changes = edit_findings(d, o, nli, None, docs)
            e.reported = [c.message for c in changes]
            if e.neutral:
                e.found = bool(changes)
                continue
            here = [c for c in changes if _overlaps((c.before.start, c.before.end), e.src_span) or _overlaps((c.after.start, c.after.end), e.draft_span)]
            e.found = bool(here)
            e.kind_ok = any(c.kind == e.type or (c.in_quote and e.in_quote) or (e.type == "quotation" and c.in_quote) for c in here)
        print(f"[bench_edits] classifier {n}/{len(drafts)} drafts", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- pipeline


def run_check(drafts: Sequence[Path], source: Path, settings):
    """`factcheck check DRAFT... --against SOURCE` in the library (the same run object the CLI calls)."""
    from checker.check import check_drafts

    return check_drafts(list(drafts), [source], settings=settings)


def _alerts(report, claim) -> dict[tuple[str, frozenset[str]], Any]:
    """Error/warning findings whose draft location is this claim, keyed by rule and linked source claims.

    A control finding with the same key masks the draft's: the same rule between the same
    sentences fired without the edit too (today's number rule, for one, pairs a sentence's
    "40%" with another sentence's "roughly 30%" whether or not the draft spells it "40 percent")."""
    out = {}
    for f in report.findings:
        if f.severity in ALERT and f.claims and f.claims[0] == claim.id:
            out[(f.rule, frozenset(f.claims[1:]))] = f
    return out


def pipeline(drafts: Sequence[Draft], workdir: Path, cache: Path | None = None) -> None:
    """Every article's drafts and an unedited control copy in one check run against the article."""
    from checker.config import Settings

    settings = Settings(cache_dir=str(cache or workdir / "cache"))
    by_article: dict[str, list[Draft]] = defaultdict(list)
    for d in drafts:
        by_article[d.article.name].append(d)
    for n, (name, group) in enumerate(by_article.items(), start=1):
        art = group[0].article
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"source.{art.fmt}"
        source.write_text(art.text, encoding="utf-8")
        control = folder / f"control.{art.fmt}"
        control.write_text(art.text, encoding="utf-8")
        paths = [control]
        for d in group:
            p = folder / f"draft{d.index}.{art.fmt}"
            p.write_text(d.text, encoding="utf-8")
            paths.append(p)
        t0 = time.perf_counter()
        report = run_check(paths, source, settings)
        docs = report.documents
        for i, d in enumerate(group, start=1):
            for e in d.edits:
                before = _claim_at(docs[0], e.src_span)
                after = _claim_at(docs[i], e.draft_span)
                if after is None:
                    e.found, e.reported = False, ["sentence not found"]
                    continue
                known = _alerts(report, before) if before is not None else {}
                new = {k: f for k, f in _alerts(report, after).items() if k not in known}
                e.reported = [f"{f.rule} {f.severity}: {f.message}" for f in new.values()]
                e.found = bool(new)
                if not e.neutral:
                    e.kind_ok = any(f.rule in EXPECTED_RULES[e.type] or (e.in_quote and f.rule == "FC104") for f in new.values())
        print(f"[bench_edits] pipeline {n}/{len(by_article)} {name}: {len(paths)} drafts in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)


def fixtures_report() -> str:
    """bench_findings' expectation pairs: what the edit rule reports there, and violations."""
    import bench_findings as bf
    from checker.config import load_settings

    settings = load_settings(ROOT)
    lines = ["| pair | edit-rule findings | of them error/warning | must_not_report violations |", "|---|---|---|---|"]
    notes = []
    for spec in sorted((ROOT / "fixtures" / "expected").glob("*.json")):
        r = bf.run_pair(spec, settings)
        edits = [f for f in r["report"].findings if f.check == "edit"]
        bad = [it for it in r["items"] if it.section == "must_not_report" and r["hits"].get(id(it))]
        lines.append(f"| {r['name']} | {len(edits)} | {sum(f.severity in ALERT for f in edits)} | {len(bad)} |")
        for f in edits:
            notes.append(f"- {r['name']} {f.rule} {f.severity}: {f.message}")
        for it in bad:
            notes.append(f"- {r['name']} VIOLATION {it.kind}: {it.label()} ({it.why})")
    return "\n".join(lines + [""] + notes)


# --------------------------------------------------------------------------- report


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "—"


def table(edits: Sequence[Edit], mode: str) -> tuple[str, dict[str, Any]]:
    by: dict[str, list[Edit]] = defaultdict(list)
    for e in edits:
        by[e.type].append(e)
    rows = [
        f"**{mode}** — errors (recall: an error/warning at the edit; right kind: the expected kind / rule)",
        "",
        "| error type | edits | found | recall | right kind | target |",
        "|---|---|---|---|---|---|",
    ]
    summary: dict[str, Any] = {"errors": {}, "neutral": {}}
    total_e = total_f = 0
    for t in ERROR_TYPES:
        es = by.get(t, [])
        found = sum(bool(e.found) for e in es)
        kind = sum(bool(e.kind_ok) for e in es)
        total_e += len(es)
        total_f += found
        ok = "✓" if es and found / len(es) >= TARGETS[t] else "✗"
        rows.append(f"| {t} | {len(es)} | {found} | {pct(found, len(es))} | {pct(kind, len(es))} | {TARGETS[t]:.0%} {ok} |")
        summary["errors"][t] = {"edits": len(es), "found": found, "kind_ok": kind}
    rows.append(f"| **all errors** | {total_e} | {total_f} | {pct(total_f, total_e)} | | |")
    rows += ["", "| neutral type | edits | false alarms | rate | target |", "|---|---|---|---|---|"]
    total_n = total_a = 0
    for t in NEUTRAL_TYPES:
        es = by.get(t, [])
        alarms = sum(bool(e.found) for e in es)
        total_n += len(es)
        total_a += alarms
        ok = "✓" if es and alarms / len(es) <= FALSE_ALARM_TARGET else "✗"
        rows.append(f"| {t} | {len(es)} | {alarms} | {pct(alarms, len(es))} | ≤ {FALSE_ALARM_TARGET:.0%} {ok} |")
        summary["neutral"][t] = {"edits": len(es), "false_alarms": alarms}
    rows.append(f"| **all neutral** | {total_n} | {total_a} | {pct(total_a, total_n)} | |")
    return "\n".join(rows), summary


def misses(edits: Sequence[Edit], limit: int = 400) -> str:
    out = []
    for e in edits:
        bad = e.found if e.neutral else not e.found
        if bad:
            out.append(
                f"- [{e.type}] {e.article} #{e.sentence}: {e.before!r} -> {e.after!r} | {e.edited[:160]!r}" + (f" | reported: {'; '.join(e.reported)[:200]}" if e.reported else "")
            )
    return "\n".join(out[:limit])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--classifier-only", action="store_true", help="measure checker.analysis.edits directly (no check run)")
    ap.add_argument("--fixtures", action="store_true", help="also the fixture expectations (scripts/bench_findings.py pairs) under today's policy")
    ap.add_argument("--per-type", type=int, default=30, help="edits per type (default 30)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--pac", type=Path, default=PAC, help="pac_pairs_text.jsonl (only split == dev is read)")
    ap.add_argument("--json", type=Path, default=None, help="write every edit with its verdict here")
    ap.add_argument("--cache-dir", type=Path, default=None, help="model cache for the check runs (default: a temporary one)")
    ap.add_argument("--list-misses", action="store_true", help="print missed errors and false alarms")
    ap.add_argument("--list-edits", action="store_true", help="only plant the edits and print them (spaCy only, no NLI)")
    ap.add_argument("--write", action="store_true", help='write the tables into BENCHMARKS.md (section "edits")')
    args = ap.parse_args(argv)

    from checker.quiet import quiet_libraries

    quiet_libraries()
    if not args.pac.exists():
        print(f"bench_edits: error: {args.pac} not found (the dev split of pac_news_pairs)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    articles = load_articles(args.pac)
    drafts = plant(articles, args.seed, args.per_type)
    edits = [e for d in drafts for e in d.edits]
    print(f"[bench_edits] {len(articles)} articles, {len(drafts)} drafts, {len(edits)} edits in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)

    if args.list_edits:
        for e in edits:
            print(f"[{e.type}] {e.article} #{e.sentence}{' (in quote)' if e.in_quote else ''}: {e.before!r} -> {e.after!r} | {e.edited[:200]!r}")
        print(Counter(e.type for e in edits))
        return 0
    if args.classifier_only:
        from checker.nli import load_nli

        mode = "classifier only (checker.analysis.edits.edit_findings)"
        classifier_only(drafts, load_nli())
    else:
        with tempfile.TemporaryDirectory(prefix="bench-edits-") as tmp:
            mode = "check --against (the policy as it is)"
            pipeline(drafts, Path(tmp), args.cache_dir)
    text, summary = table(edits, mode)
    flag = " --classifier-only" if args.classifier_only else " --fixtures" if args.fixtures else ""
    command = f"nice -n 19 .venv/bin/python scripts/bench_edits.py{flag} --per-type {args.per_type} --seed {args.seed}"
    body = f"`{command}` — {len(articles)} dev articles, {len(drafts)} drafts, {len(edits)} edits, {time.perf_counter() - t0:.0f} s\n\n{text}"
    if args.fixtures and not args.classifier_only:
        body += "\n\nFixture expectations under today's policy (scripts/bench_findings.py pairs):\n\n" + fixtures_report()
    print(body)
    if args.list_misses:
        print("\nmissed errors and false alarms:\n" + misses(edits))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"mode": mode, "summary": summary, "edits": [asdict(e) for e in edits]}, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    if args.write:
        from bench_md import update_section

        key = "edits-classifier" if args.classifier_only else "edits-check"
        update_section(key, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
