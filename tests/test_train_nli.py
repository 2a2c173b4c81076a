"""scripts/train_nli.py: a run interrupted after a checkpoint and resumed ends where an unbroken run ends.

A 2-layer BERT made here (conftest.save_tiny_nli) trains on 48 generated pairs, batch 4 (12 steps).
The interrupted run checkpoints every 5 steps and "crashes" after 7, so its resumption must skip the 5
batches already seen, restore optimizer, scheduler and RNG (dropout) state, and redo steps 6-7.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from conftest import ROOT, save_tiny_nli

SUBJECTS = ["The minister", "A spokesman", "The company", "Police", "The court", "Officials"]
VERBS = [
    ("said on Monday that talks would resume", "said talks would resume"),
    ("reported 40 arrests", "reported 80 arrests"),
    ("opened a new office in Geneva", "opened a new office in Paris"),
    ("approved the budget", "did not approve the budget"),
]


def _train_module():
    spec = importlib.util.spec_from_file_location("train_nli", ROOT / "scripts" / "train_nli.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_nli"] = module  # the Trainer pickles the module's batch-sampler class by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("train")
    base = save_tiny_nli(tmp / "base", {0: "entailment", 1: "neutral", 2: "contradiction"}, hidden=32, seed=1)
    rows = []
    for s in SUBJECTS:
        for long, other in VERBS:
            rows.append({"premise": f"{s} {long}.", "hypothesis": f"{s} {long}.", "label": "entailment"})
            rows.append({"premise": f"{s} {long}.", "hypothesis": f"{s} {other}.", "label": "contradiction"})
    data = tmp / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return _train_module(), base, data, tmp


def _args(mod, base: Path, data: Path, tmp: Path, name: str, *extra: str):
    return mod.parse_args(
        [
            "--base",
            str(base),
            "--train-jsonl",
            str(data),
            "--out",
            str(tmp / name / "out"),
            "--checkpoint-dir",
            str(tmp / name / "ckpt"),
            "--batch-size",
            "4",
            "--epochs",
            "1",
            "--lr",
            "5e-4",
            "--threads",
            "1",
            "--precision",
            "fp32",
            "--logging-steps",
            "100",
            *extra,
        ]
    )


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def test_resumed_run_matches_unbroken_run(setup):
    import torch

    mod, base, data, tmp = setup
    whole = mod.train(_args(mod, base, data, tmp, "whole"))
    assert whole["finished"] and whole["steps"] == 12

    broken = mod.train(_args(mod, base, data, tmp, "broken", "--checkpoint-steps", "5", "--stop-after-steps", "7"))
    assert not broken["finished"] and broken["steps"] == 7
    assert not (tmp / "broken" / "out").exists()  # no model is written by a run that stopped early
    assert mod.latest_checkpoint(tmp / "broken" / "ckpt").name == "checkpoint-5"

    resumed = mod.train(_args(mod, base, data, tmp, "broken", "--checkpoint-steps", "5", "--resume"))
    assert resumed["finished"] and resumed["steps"] == 12 and resumed["resumed_from"].endswith("checkpoint-5")
    assert resumed["data_fingerprint"] == whole["data_fingerprint"]
    a, b = _weights(tmp / "whole" / "out"), _weights(tmp / "broken" / "out")
    start = _weights(base)
    assert a.keys() == b.keys()
    moved = max((a[k].float() - start[k].float()).abs().max().item() for k in a if k in start)
    assert moved > 1e-3  # training changed the weights, so equality below means something
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=1e-6, msg=f"{k} differs after resuming")
    # the checkpoint keeps at most --keep-checkpoints folders, each with the wall time trained so far
    assert len(list((tmp / "broken" / "ckpt").glob("checkpoint-*"))) <= 2
    assert json.loads((mod.latest_checkpoint(tmp / "broken" / "ckpt") / "wall_seconds.json").read_text())["step"] == 10
    assert json.loads((tmp / "broken" / "out" / "training_manifest.json").read_text())["steps"] == 12


def test_resume_refuses_a_changed_run(setup):
    mod, base, data, tmp = setup
    mod.train(_args(mod, base, data, tmp, "changed", "--checkpoint-steps", "5", "--stop-after-steps", "6"))
    with pytest.raises(SystemExit, match="the run changed"):
        mod.train(_args(mod, base, data, tmp, "changed", "--checkpoint-steps", "5", "--resume", "--lr", "1e-3"))
    with pytest.raises(SystemExit, match="already holds checkpoints"):
        mod.train(_args(mod, base, data, tmp, "changed", "--checkpoint-steps", "5"))


def test_export_checkpoint_of_an_unfinished_run(setup):
    """A checkpoint shipped before its run ends says so: steps done of those planned, finished false."""
    mod, base, data, tmp = setup
    mod.train(_args(mod, base, data, tmp, "early", "--checkpoint-steps", "5", "--stop-after-steps", "6"))
    ckpt = mod.latest_checkpoint(tmp / "early" / "ckpt")
    manifest = mod.export_checkpoint(_args(mod, base, data, tmp, "early", "--export-checkpoint", str(ckpt)))
    out = tmp / "early" / "out"
    assert manifest["steps"] == 5 and manifest["max_steps"] == 12 and manifest["finished"] is False
    assert json.loads((out / "training_manifest.json").read_text())["pairs_seen"] == 20
    assert _weights(out).keys() == _weights(ckpt).keys()
    assert not (out / "optimizer.pt").exists()
    with pytest.raises(SystemExit, match="trained on other data"):
        other = tmp / "other.jsonl"
        other.write_text(data.read_text().splitlines()[0] + "\n")
        mod.export_checkpoint(mod.parse_args(["--base", str(base), "--train-jsonl", str(other), "--out", str(tmp / "x"), "--export-checkpoint", str(ckpt)]))


def test_a_later_stage_keeps_each_stage_record_as_it_was(tmp_path):
    """A stage trained from a shipped model (``--base`` holds its training_manifest.json): the new manifest
    sums the sources over the stages, and each stage's own record keeps that stage's counts."""
    train = _train_module()
    base, out = tmp_path / "base", tmp_path / "out"
    base.mkdir()
    out.mkdir()
    first = {"sources": {"snli": {"pairs": 10}}, "hard_negatives": {"month": 3}, "steps": 5}
    (base / "training_manifest.json").write_text(json.dumps(first))
    train.write_manifest({"sources": {"snli": {"pairs": 7}}, "hard_negatives": {"month": 2}, "steps": 4}, base, out)
    written = json.loads((out / "training_manifest.json").read_text())
    assert written["sources"]["snli"]["pairs"] == 17 and written["hard_negatives"]["month"] == 5
    assert [s["sources"]["snli"]["pairs"] for s in written["stages"]] == [10, 7]
    assert [s["hard_negatives"]["month"] for s in written["stages"]] == [3, 2]
