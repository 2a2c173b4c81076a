#!/usr/bin/env python3
"""Write readable fixture texts for PAC story pairs from the tokenized JSONL.

usage: python scripts/make_pac_fixtures.py [--stories 95 96 ...] [--out fixtures/pac] [--overwrite]
                                           [--compare] [--source PATH] [--check-anchors JSON_OR_DIR ...]

The PAC dataset (fixtures/README.md) stores each article as a list of Penn-Treebank-tokenized
sentences. A fixture is the same article made readable again, without adding, removing or
reordering a word:

* ``date YYYY-MM-DD <title>`` header line (date and title from the PAC record);
* tokens re-joined with NLTK's ``TreebankWordDetokenizer``, after our own handling of what it does
  not know: curly quotation marks (side decided by context, then by an open/closed state that runs
  through the article; curly marks take the shape of their side, straight ones stay straight),
  curly contractions (``n’t``, ``’s``), hyphenated words split by the tokenizer (``Trump - era``,
  ``nine - and ten - year - old``, ``red- flag``) except for the real dashes listed in KEEP_DASH;
* one paragraph per sentence, except that a quotation running over several sentences stays in one
  paragraph and sentences split after a title abbreviation ("Rep.") or without end punctuation
  ("The Bipartisan Safer Communities" / "Act, …") are re-joined;
* a first sentence that repeats the headline is left out (the header line carries the title);
* in-line promos glued to the next sentence (PROMOS) are put on their own line.

Only the dev split is used: a record whose ``split`` is not "dev" is dropped as soon as its line is
parsed, before any of its text is looked at (the test split must stay out of fixtures).
By default existing files are never overwritten; ``--compare`` diffs what the script would write for
the eight hand-made files (stories 99, 101, 107, 116) against them instead (exit 1 if any differs).
``--check-anchors`` checks expectation files (fixtures/expected*/) against the texts, reading files only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from nltk.tokenize.treebank import TreebankWordDetokenizer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "benchmarks" / "pac_news_pairs" / "pac_pairs_text.jsonl"
OUT = ROOT / "fixtures" / "pac"

# Stories already turned into fixtures by hand (fixtures/README.md); --compare checks them.
EXISTING = ("99", "101", "107", "116")
# Stories this script wrote (fixtures/README.md says why these); the default for --stories.
GENERATED = ("95", "96", "97", "98", "102", "103", "105", "106", "109", "110", "111", "114", "115")

# " - " between two words is a hyphen the tokenizer split off, except in these token contexts,
# where the source had a dash (compared on the tokenized text).
KEEP_DASH = ("pattern - the", "Fund - which")

# Words after which a hyphen belongs to the word before ("nine- and ten-year-old").
SUSPENDED_HYPHEN_BEFORE = {"and", "or"}

# In-line promos that the tokenizer glued to the following sentence; each goes on its own line.
PROMOS = (
    re.compile(r"^\( RELATED : .*? \) "),
    re.compile(r"^INFLATION SOARS 8\.3 % IN APRIL , HOVERING NEAR 40 - YEAR HIGH "),
    re.compile(r"^4 REASONS WHY YOU NEVER GET A TAX REFUND "),
    re.compile(r"^GET FOX BUSINESS ON THE GO BY CLICKING HERE "),
    re.compile(r"^CLICK HERE TO READ MORE ON FOX BUSINESS "),
    re.compile(r"^CLICK HERE TO GET THE FOX NEWS APP "),
    re.compile(r"^WHITE HOUSE SAYS IT OPPOSES DESANTIS TAKING ACTION AGAINST DISNEY "),
    re.compile(r"^DISNEY STOCK TUMBLES AMID FLORIDA BILL CONTROVERSY "),
)

# A sentence ending in one of these (tokenized as "Rep ." or "Rep.") was split after an abbreviation
# ("Republican Kentucky Rep." / "Thomas Massie said"; "overturn Roe v." / "Wade").
SPLIT_ABBREVIATIONS = {"Rep", "Reps", "Sen", "Sens", "Gov", "Dr", "Mr", "Mrs", "Ms", "Lt", "Gen", "Col", "Sgt", "Atty", "Rev", "St", "v", "vs"}

# Stand-alone single marks (quotes and possessive apostrophes, not contractions) are written straight,
# as in the eight hand-made fixtures ("officials' obligations", "To 'Abolish' The Filibuster").
STRAIGHT_SINGLE = True

# A short attribution the tokenizer split off a quotation ('… a categorical ban on abortion?”' /
# 'Casey said in a statement.') goes back into the quotation's paragraph.
ATTRIBUTION = re.compile(r"^[A-Z][\w.’' -]{0,60}? (said|says|told|added|wrote|asked|explained|argued)\b[^“”\"]{0,60}\.$")
CLOSING_MARKS = ("”", '"', "’", "'")

# Words that follow the closing mark of a quotation: '…, " she said'.
SPEECH_AFTER = {"he", "she", "they", "said", "says", "added", "told", "asked", "wrote", "continued", "argued"}

DOUBLE = {"“": "open", "”": "close", '"': None, "``": "open", "''": "close"}
SINGLE = {"‘": "open", "’": "close", "'": None, "`": "open"}
CONTRACTION = re.compile(r"^(n[’']t|[’'](s|re|ve|ll|d|m|t))$", re.IGNORECASE)
PUNCT_AFTER = {",", ".", ";", ":", "?", "!", ")", "]", "...", "…", "—", "–"}
PUNCT_BEFORE = {"(", "[", "—", "–", ":"}
END_PUNCT = (".", "?", "!", "…", "”", '"', "’", "'", ")")

_detok = TreebankWordDetokenizer()


@dataclass
class QuoteState:
    """Whether a double / single quotation is open; runs across the sentences of one article."""

    double: bool = False
    single: bool = False


def slug(source: str) -> str:
    """Outlet slug for a file name: 'NBC News (Online)' -> 'nbc-news'."""
    name = re.sub(r"\(.*?\)", "", source).strip().lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-")


def _is_word(tok: str | None) -> bool:
    return tok is not None and any(ch.isalnum() for ch in tok)


def _side(prev: str | None, nxt: str | None, is_open: bool, hint: str | None) -> str:
    """Open or close a quotation mark.

    Context decides first (punctuation after it or the sentence end: close; sentence start or an
    opening bracket / colon before it: open). Between two words a curly mark keeps the side its shape
    says (the source's "adopt “ red flag ” laws" after an unclosed quotation); otherwise the running
    state decides (the source's mismatched 'go , “ said').
    """
    if nxt is None or nxt in PUNCT_AFTER:
        return "close"
    if prev is None or prev in PUNCT_BEFORE:
        return "open"
    if hint is not None and _is_word(prev) and _is_word(nxt):
        return hint
    if prev in (",", "?", "!", ".") and nxt in SPEECH_AFTER and hint != "open":
        return "close"  # 'this baby , " she said' (opening mark missing in the source)
    return "close" if is_open else "open"


def _next_double_mark_opens(sentences: list[str]) -> bool | None:
    """Side of the first double quotation mark in these sentences, by context and shape alone.

    Used when a quotation is still open at the end of a sentence: if the next mark opens a quotation,
    the source left the earlier one unclosed and the sentences in between are not part of it.
    None: no double mark follows.
    """
    for sentence in sentences:
        toks = sentence.split()
        for i, tok in enumerate(toks):
            if tok not in DOUBLE:
                continue
            prev = toks[i - 1] if i else None
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            return _side(prev, nxt, True, DOUBLE[tok]) == "open"
    return None


def _place_quotes(tokens: list[str], state: QuoteState) -> list[tuple[str, str]]:
    """Tag each token as ('w', text), ('open', mark) or ('close', mark) and update the quote state."""
    out: list[tuple[str, str]] = []
    state.single = False  # single quotes rarely span sentences; a stray one must not flip the next sentence
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok in DOUBLE:
            side = _side(prev, nxt, state.double, DOUBLE[tok])
            state.double = side == "open"
            mark = {"“": "“”", "”": "“”"}.get(tok, '""' if tok in ('"', "``", "''") else tok)
            out.append((side, mark[0] if side == "open" else mark[-1]))
        elif tok in SINGLE:
            if not state.single and tok in ("’", "'") and prev is not None and prev[-1:] in ("s", "S", "z") and not CONTRACTION.match(prev[-2:]):
                out.append(("attach", "'" if STRAIGHT_SINGLE else tok))  # possessive apostrophe: "officials'"
                continue
            if nxt in DOUBLE:
                side = "close"  # nested: 'decisions , ' "'
            elif prev in DOUBLE:
                side = "open"
            else:
                side = _side(prev, nxt, state.single, SINGLE[tok])
            state.single = side == "open"
            mark = "''" if STRAIGHT_SINGLE or tok in ("'", "`") else "‘’"
            out.append((side, mark[0] if side == "open" else mark[-1]))
        else:
            out.append(("w", tok))
    return out


def _join_hyphens(tokens: list[str]) -> list[str]:
    """Re-join words the tokenizer split at a hyphen ('Trump - era' -> 'Trump-era')."""
    text = " ".join(tokens)
    keep = {k: f"\x00{n}\x00" for n, k in enumerate(KEEP_DASH)}
    for k, v in keep.items():
        text = text.replace(k, v)
    toks = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok == "-" and out and _is_word(out[-1]) and i + 1 < len(toks) and _is_word(toks[i + 1]):
            if toks[i + 1] in SUSPENDED_HYPHEN_BEFORE:
                out[-1] += "-"
                i += 1
                continue
            out[-1] += "-" + toks[i + 1]
            i += 2
            continue
        if tok.endswith("-") and len(tok) > 1 and i + 1 < len(toks) and _is_word(toks[i + 1]) and toks[i + 1] not in SUSPENDED_HYPHEN_BEFORE and tok[:-1].isalpha():
            out.append(tok + toks[i + 1])  # 'red- flag' -> 'red-flag'
            i += 2
            continue
        out.append(tok)
        i += 1
    text = " ".join(out)
    for k, v in keep.items():
        text = text.replace(v, k)
    return text.split(" ")


def _merge_contractions(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if out and CONTRACTION.match(tok):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def detokenize(sentence: str, state: QuoteState) -> str:
    """One tokenized sentence back to text (quotes, contractions, hyphens, then Treebank rules)."""
    tokens = _merge_contractions(_join_hyphens(sentence.split()))
    tagged = _place_quotes(tokens, state)
    marks: list[tuple[str, str]] = []
    words: list[str] = []
    for kind, tok in tagged:
        if kind == "w":
            words.append(tok)
        else:
            words.append(f"QQ{len(marks)}QQ")
            marks.append((kind, tok))
    text = _detok.detokenize(words)
    for n, (kind, mark) in enumerate(marks):
        ph = f"QQ{n}QQ"
        if kind == "open":
            text = re.sub(rf"{ph}\s*", lambda _m: mark, text, count=1)
        else:  # close / attach: no space before
            text = re.sub(rf"\s*{ph}", lambda _m: mark, text, count=1)
    return text


def _split_promos(sentence: str) -> list[str]:
    for pat in PROMOS:
        m = pat.match(sentence)
        if m:
            return [m.group(0).strip(), sentence[m.end() :]]
    return [sentence]


def _ends_in_abbreviation(sentence: str) -> bool:
    toks = sentence.replace(".", " .").split()
    return len(toks) >= 2 and toks[-1] == "." and toks[-2] in SPLIT_ABBREVIATIONS


def _norm_title(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def article_text(article: dict) -> str:
    """The fixture text of one PAC article: header line, then paragraphs separated by blank lines."""
    sentences = [s for raw in article["sentences"] for s in _split_promos(raw.strip()) if s.strip()]
    if sentences and _norm_title(sentences[0]) == _norm_title(article["title"]):
        sentences = sentences[1:]
    state = QuoteState()
    paragraphs: list[str] = []
    glue = False  # the next sentence continues the current paragraph
    for i, raw in enumerate(sentences):
        text = detokenize(raw, state)
        if paragraphs and paragraphs[-1].endswith(CLOSING_MARKS) and ATTRIBUTION.match(text):
            glue = True
        if glue and paragraphs:
            paragraphs[-1] += " " + text
        else:
            paragraphs.append(text)
        if state.double and _next_double_mark_opens(sentences[i + 1 :]) is not False:
            state.double = False  # left open in the source: the quotation ends with this paragraph
        promo = any(p.match(raw + " ") for p in PROMOS)
        glue = not promo and (state.double or _ends_in_abbreviation(raw) or not text.rstrip().endswith(END_PUNCT))
    return f"date {article['date']} {article['title']}\n\n" + "\n\n".join(paragraphs) + "\n"


def load_dev(source: Path) -> dict[str, dict]:
    """Dev-split records by story number; records of any other split are dropped on parsing."""
    stories = {}
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("split") != "dev":
                continue
            stories[rec["story_id"].removeprefix("STORY_")] = rec
    return stories


def shown(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def target(story: str, article: dict, out: Path) -> Path:
    return out / f"story-{story}-{slug(article['source'])}.txt"


HEADER = re.compile(r"^date \d{4}-\d{2}-\d{2}\b")  # metadata line, not a claim
KINDS = {
    "contradiction",
    "attributed_disagreement",
    "disputed",
    "quote_mismatch",
    "numeric_mismatch",
    "entity_mismatch",
    "different_time",
    "superseded",
    "agreement",
    "only_in",
    "only_in_a",
    "only_in_b",
}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
_MASK = str.maketrans({'"': " ", "“": " ", "”": " "})


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def _alternatives(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _sentences(paragraph: str, splitter) -> list[str]:
    """Sentences of a paragraph roughly as the checker's segmenter sees them (pysbd, quotes masked)."""
    masked = paragraph.translate(_MASK)
    return [paragraph[sp.start : sp.end] for sp in splitter.segment(masked)]


def check_expectations(paths: list[Path]) -> int:
    """Every anchor an exact substring of its document, inside one paragraph and (roughly) one sentence.

    Reads only the fixture texts and the JSON files (no checker code): 'a' anchors must be in the
    first document, 'b' anchors in the second, 'with' anchors in either; kinds must be known and
    every item needs a 'why'. Anchors that only match after whitespace / quote normalisation, or
    that pysbd would split across two sentences, are reported as warnings.
    """
    import pysbd

    splitter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    errors = warnings = 0
    for spec_path in paths:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        docs = [(ROOT / d).read_text(encoding="utf-8") for d in spec["documents"]]
        paras = [[p for p in re.split(r"\n\s*\n", d) if p.strip() and not HEADER.match(p)] for d in docs]
        for section in ("must_report", "must_not_report"):
            for n, item in enumerate(spec.get(section, [])):
                where = f"{spec_path.name} {section}[{n}] {item.get('kind')}"
                problems = []
                if item.get("kind") not in KINDS or any(k not in KINDS for k in item.get("alt_kinds", [])):
                    problems.append("unknown kind")
                if not item.get("why"):
                    problems.append("no why")
                sides = [("a", [0]), ("b", [1])] + [("with", [0, 1])] * len(item.get("with", []))
                values = [item.get("a"), item.get("b")] + [[w] for w in item.get("with", [])]
                if not any(_alternatives(v) for v in values):
                    problems.append("no anchors")
                notes = []
                for (side, doc_ids), value in zip(sides, values):
                    for alt in _alternatives(value):
                        hits = [p for i in doc_ids for p in paras[i] if alt in p]
                        loose = [p for i in doc_ids for p in paras[i] if _norm(alt) in _norm(p)]
                        if not loose:
                            problems.append(f"{side} anchor not in its document: {alt!r}")
                            continue
                        if not hits:
                            notes.append(f"{side} anchor matches only after normalisation: {alt!r}")
                        bare = _norm(alt).replace('"', "").strip()
                        if not any(bare in _norm(s).replace('"', "") for p in loose for s in _sentences(p, splitter)):
                            notes.append(f"{side} anchor may span two sentences: {alt!r}")
                for msg in problems:
                    print(f"ERROR {where}: {msg}")
                for msg in notes:
                    print(f"WARN  {where}: {msg}")
                errors += len(problems)
                warnings += len(notes)
        print(f"{spec_path.name}: {sum(len(spec.get(k, [])) for k in ('must_report', 'must_not_report'))} items checked")
    print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--stories", nargs="+", default=list(GENERATED), help=f"story numbers (default: {' '.join(GENERATED)})")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--overwrite", action="store_true", help="replace files that already exist")
    ap.add_argument("--compare", action="store_true", help=f"diff the output for stories {', '.join(EXISTING)} against the files there")
    ap.add_argument(
        "--check-anchors", nargs="+", type=Path, default=None, metavar="JSON_OR_DIR", help="check the anchors of expectation files against the fixture texts (reads files only)"
    )
    args = ap.parse_args(argv)

    if args.check_anchors:
        specs = [q for p in args.check_anchors for q in (sorted(p.glob("*.json")) if p.is_dir() else [p])]
        return check_expectations(specs)

    if not args.source.is_file():
        print(f"{args.source}: no such file (the PAC pairs, see fixtures/README.md)", file=sys.stderr)
        return 2
    stories = load_dev(args.source)
    if args.compare:
        differ = 0
        for sid in EXISTING:
            for art in stories[sid]["articles"]:
                path = target(sid, art, args.out)
                if not path.is_file():
                    print(f"{shown(path)}: missing", file=sys.stderr)
                    differ += 1
                    continue
                new = article_text(art).splitlines(keepends=True)
                old = path.read_text(encoding="utf-8").splitlines(keepends=True)
                diff = list(difflib.unified_diff(old, new, str(shown(path)), "make_pac_fixtures.py"))
                differ += bool(diff)
                sys.stdout.writelines(diff)
        print(f"{differ} of {2 * len(EXISTING)} existing files differ", file=sys.stderr)
        return 1 if differ else 0

    args.out.mkdir(parents=True, exist_ok=True)
    for sid in args.stories:
        if sid not in stories:
            print(f"story {sid}: not in the dev split", file=sys.stderr)
            return 2
        for art in stories[sid]["articles"]:
            if not art.get("date"):
                print(f"story {sid}: {art['id']} has no date; skipped", file=sys.stderr)
                continue
            path = target(sid, art, args.out)
            if path.exists() and not args.overwrite:
                print(f"{shown(path)}: exists, kept", file=sys.stderr)
                continue
            path.write_text(article_text(art), encoding="utf-8")
            print(f"{shown(path)}: written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
