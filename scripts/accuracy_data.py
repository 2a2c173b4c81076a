"""Readers for the document-level consistency benchmarks in ../shared/benchmarks (issue 8).

Every reader yields :class:`Item` records: a claim (summary, headline or sentence), the document
it is checked against, a binary label (1 = consistent / supported) and a split. Splits are the
benchmark's own where it has them (SummEdits evaluation/test, the SummaC val/test cut of XSumFaith
and PolyTope, WiCE dev/test); sets without one are split 50/50 by a hash of the *document* (TRUE
parts, FNC-1 bodies) or of the claim (CLIMATE-FEVER), so no document is in both splits. Thresholds
are chosen on ``dev`` and reported on ``test``; the test split is never used for tuning.

Labels, per the sources' SOURCE.md files:
* SummEdits: ``label`` (1 consistent).
* TRUE parts (FRANK-valid, QAGS-CNNDM, QAGS-XSum, SummEval): TRUE's standardized ``label``.
* XSumFaith: ``label_summac_rule`` (SummaC's rule, the one its published numbers use).
* PolyTope: ``label_overall`` (SummaC's strict label: no error of any kind; 93% inconsistent,
  mostly omissions) and, as a second row, ``label_no_inaccuracy`` (factual errors only).
* WiCE: supported = 1, partially/not supported = 0 (LLM-AggreFact's mapping); evidence sentences
  joined one per line.
* CLIMATE-FEVER: claim-evidence pairs; SUPPORTS = 1, REFUTES / NOT_ENOUGH_INFO = 0.
* FNC-1: headline (claim) vs body (document); ``stance`` kept for the 4-way FNC evaluation, and
  label 1 = agree. ``fnc1_related`` keeps the related pairs only (agree / disagree / discuss): the
  stance question, and enough disagree pairs for an F1 in a sampled run (25,413 pairs are 72%
  unrelated and 2.7% disagree).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
SUMMEDITS_DOMAINS = ("news", "podcast", "samsum", "sales_call", "sales_email", "scitldr", "qmsumm", "ectsum")
TRUE_PARTS = ("frank", "qags_cnndm", "qags_xsum", "summeval")


@dataclass
class Item:
    dataset: str
    split: str  # dev | test
    id: str
    claim: str
    document: str
    label: int  # 1 consistent / supported
    extra: dict = field(default_factory=dict)


def _open(path: Path) -> io.TextIOBase:
    """``name`` or ``name.gz``, whichever exists."""
    for p in (path, path.with_name(path.name + ".gz")):
        if p.exists():
            return gzip.open(p, "rt", encoding="utf-8") if p.suffix == ".gz" else open(p, encoding="utf-8")
    raise FileNotFoundError(f"{path} (or .gz) not found: is ../shared/benchmarks there?")


def _jsonl(path: Path) -> Iterator[dict]:
    with _open(path) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _half(key: str) -> str:
    return "dev" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "test"


def summedits(shared: Path, domain: str) -> list[Item]:
    with _open(shared / "benchmarks" / "summedits" / f"summedits_{domain}.json") as f:
        rows = json.load(f)
    return [Item(f"summedits_{domain}", "dev" if r["split"] == "evaluation" else "test", r["id"], r["summary"], r["doc"], int(r["label"])) for r in rows]


def true_part(shared: Path, part: str) -> list[Item]:
    with _open(shared / "benchmarks" / "true_summarization" / f"{part}.csv") as f:
        rows = list(csv.DictReader(f))
    return [Item(f"true_{part}", _half(r["grounding"]), str(n), r["generated_text"], r["grounding"], int(float(r["label"]))) for n, r in enumerate(rows)]


def xsumfaith(shared: Path) -> list[Item]:
    base = shared / "benchmarks" / "xsumfaith"
    docs = {r["bbcid"]: r["document"] for r in _jsonl(base / "xsumfaith_documents.jsonl")}
    return [
        Item("xsumfaith", "dev" if r["summac_cut"] == "val" else "test", f"{r['bbcid']}-{r['system']}", r["summary"], docs[r["bbcid"]], int(r["label_summac_rule"]))
        for r in _jsonl(base / "xsumfaith_summaries.jsonl")
        if r["bbcid"] in docs
    ]


def polytope(shared: Path, label: str = "label_overall") -> list[Item]:
    base = shared / "benchmarks" / "polytope"
    name = "polytope" if label == "label_overall" else "polytope_no_inaccuracy"
    return [
        Item(name, split, f"{r['id']}-{r['system']}", r["summary"], r["document"], int(r[label]))
        for split, file in (("dev", "polytope_val.jsonl"), ("test", "polytope_test.jsonl"))
        for r in _jsonl(base / file)
    ]


def wice(shared: Path) -> list[Item]:
    base = shared / "benchmarks" / "wice"
    return [
        Item("wice", split, r["meta"]["id"], r["claim"], "\n".join(r["evidence"]), int(r["label"] == "supported"), {"label": r["label"]})
        for split, file in (("dev", "claim_dev.jsonl"), ("test", "claim_test.jsonl"))
        for r in _jsonl(base / file)
    ]


def climate_fever(shared: Path) -> list[Item]:
    out = []
    for r in _jsonl(shared / "benchmarks" / "climate_fever" / "climate-fever.jsonl"):
        for e in r["evidences"]:
            out.append(
                Item(
                    "climate_fever",
                    _half(str(r["claim_id"])),
                    f"{r['claim_id']}-{e['evidence_id']}",
                    r["claim"],
                    e["evidence"],
                    int(e["evidence_label"] == "SUPPORTS"),
                    {"evidence_label": e["evidence_label"]},
                )
            )
    return out


def fnc1(shared: Path, related_only: bool = False) -> list[Item]:
    base = shared / "benchmarks" / "fnc1_stance"
    with _open(base / "competition_test_bodies.csv") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    with _open(base / "competition_test_stances.csv") as f:
        rows = list(csv.DictReader(f))
    name = "fnc1_related" if related_only else "fnc1"
    return [
        Item(name, _half(r["Body ID"]), f"{n}", r["Headline"], bodies[r["Body ID"]], int(r["Stance"] == "agree"), {"stance": r["Stance"]})
        for n, r in enumerate(rows)
        if not (related_only and r["Stance"] == "unrelated")
    ]


def load(name: str, shared: Path = DEFAULT_SHARED) -> list[Item]:
    if name.startswith("summedits_"):
        return summedits(shared, name.removeprefix("summedits_"))
    if name.startswith("true_"):
        return true_part(shared, name.removeprefix("true_"))
    readers = {
        "xsumfaith": xsumfaith,
        "polytope": polytope,
        "polytope_no_inaccuracy": lambda s: polytope(s, "label_no_inaccuracy"),
        "wice": wice,
        "climate_fever": climate_fever,
        "fnc1": fnc1,
        "fnc1_related": lambda s: fnc1(s, related_only=True),
    }
    if name not in readers:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return readers[name](shared)


# In the order a run scores them: the headline targets first.
DATASETS = (
    ["summedits_news"]
    + [f"true_{p}" for p in TRUE_PARTS]
    + ["fnc1_related"]
    + [f"summedits_{d}" for d in SUMMEDITS_DOMAINS[1:]]
    + ["xsumfaith", "polytope", "polytope_no_inaccuracy", "wice", "climate_fever", "fnc1"]
)
# Sets that are another labelling (or a subset) of one source share its cached scores.
SCORES_OF = {"polytope_no_inaccuracy": "polytope", "fnc1_related": "fnc1"}


def sample(items: list[Item], limit: int | None, seed: int = 0) -> list[Item]:
    """At most ``limit`` items per split, drawn at random with a fixed seed (stable across runs),
    keeping the label mix; ``None`` keeps everything."""
    if not limit:
        return items
    out = []
    for split in ("dev", "test"):
        pool = [n for n, it in enumerate(items) if it.split == split]
        if len(pool) > limit:
            pool = sorted(random.Random(f"{seed}-{split}-{len(pool)}").sample(pool, limit))
        out += [items[n] for n in pool]
    return out
