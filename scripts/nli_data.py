"""Readers for the NLI training mix and the held-out NLI benchmarks in ../shared.

Training (train_nli.py) and evaluation (eval_nli.py) share this module so that the
benchmark items that evaluation reads are exactly the items training leaves out.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS = ("entailment", "neutral", "contradiction")
NOT_ENTAILMENT = "not_entailment"
#: Integer labels used during training. 3 marks a 2-way "not entailment" pair,
#: trained with a loss that only says "not entailment" (neutral or contradiction).
LABEL_IDS = {"entailment": 0, "neutral": 1, "contradiction": 2, NOT_ENTAILMENT: 3}

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: str
    source: str


def open_text(path: Path) -> io.TextIOBase:
    """Open a file that may be stored gzip-compressed (shared/ compresses files over 1 MB)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_jsonl(path: Path, source: str) -> Iterator[Pair]:
    with open_text(path) as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            yield Pair(row["premise"].strip(), row["hypothesis"].strip(), row["label"], source)


_DETOK = None


def detokenize(text: str) -> str:
    """Undo PTB tokenization ("ca n't", " ." ) in the TextFooler subsets, with NLTK's detokenizer."""
    global _DETOK
    if _DETOK is None:
        from nltk.tokenize.treebank import TreebankWordDetokenizer

        _DETOK = TreebankWordDetokenizer()
    return _DETOK.detokenize(text.split())


def normalise(text: str) -> str:
    """Key used to match a pair across sources regardless of spacing, case and tokenization."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


# --------------------------------------------------------------------------- benchmarks


def mnli_snli_subset(shared: Path, name: str) -> list[Pair]:
    path = shared / "benchmarks" / "mnli_snli_textfooler_subsets" / f"{name}.tsv"
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            label, premise, hypothesis = line.rstrip("\n").split("\t")
            out.append(Pair(detokenize(premise), detokenize(hypothesis), label, name))
    return out


def sick(shared: Path, sets: tuple[str, ...] = ("TEST",)) -> list[Pair]:
    path = shared / "benchmarks" / "sick" / "SICK.txt"
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["SemEval_set"] in sets:
                out.append(Pair(row["sentence_A"], row["sentence_B"], row["entailment_label"].lower(), "sick_" + "_".join(sets).lower()))
    return out


_ANLI = {"e": "entailment", "n": "neutral", "c": "contradiction"}


def anli(shared: Path, rnd: int) -> list[Pair]:
    path = shared / "benchmarks" / "anli_dev" / f"ANLI_analysis_r{rnd}_dev.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
        rows = [{k.lower(): v for k, v in r.items()} for r in csv.DictReader(fh)]
    return [Pair(r["context"], r["statement"], _ANLI[r["gold_label"]], f"anli_r{rnd}") for r in rows]


def wanli(shared: Path) -> list[Pair]:
    return list(read_jsonl(shared / "nli-train" / "wanli_sample" / "train_sample.jsonl", "wanli_sample"))


def nan_nli(shared: Path) -> list[Pair]:
    return list(read_jsonl(shared / "nli-train" / "nan_nli" / "test.jsonl", "nan_nli"))


def held_out_sets(shared: Path) -> dict[str, list[Pair]]:
    """Every held-out evaluation set, by name, in the order BENCHMARKS.md reports them."""
    return {
        "mnli_m": mnli_snli_subset(shared, "mnli_matched"),
        "mnli_mm": mnli_snli_subset(shared, "mnli_mismatched"),
        "snli_test": mnli_snli_subset(shared, "snli"),
        "sick_test": sick(shared),
        "anli_r1": anli(shared, 1),
        "anli_r2": anli(shared, 2),
        "anli_r3": anli(shared, 3),
        "wanli_sample": wanli(shared),
        "nan_nli": nan_nli(shared),
    }


def held_out_keys(shared: Path) -> set[str]:
    """Normalised premise+hypothesis keys of every held-out item (and SNLI test, whose subset is a sample)."""
    keys = set()
    for pairs in held_out_sets(shared).values():
        keys.update(normalise(p.premise) + "|" + normalise(p.hypothesis) for p in pairs)
    snli_test = shared / "nli-train" / "snli_dev_test_esnli" / "snli_test.jsonl.gz"
    keys.update(normalise(p.premise) + "|" + normalise(p.hypothesis) for p in read_jsonl(snli_test, "snli_test"))
    return keys


def held_out_hypotheses(shared: Path) -> set[str]:
    """Normalised hypotheses of held-out items: a training pair that reuses one is dropped too."""
    return {normalise(p.hypothesis) for pairs in held_out_sets(shared).values() for p in pairs}
