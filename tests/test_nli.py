"""The NLI backend: label order from config, path/hub loading, batch invariance, the shipped model."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from checker.errors import ModelError
from conftest import save_tiny_nli
from checker.registry import models_dir, resolve


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A 2-layer BERT classifier made here, with its labels in a non-standard order and a bias that
    makes output index 0 win, so the test can see whether the backend reads id2label."""
    import torch

    def init(model) -> None:
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([6.0, 0.0, 0.0]))

    return save_tiny_nli(tmp_path_factory.mktemp("tiny-nli"), {0: "CONTRADICTION", 1: "entailment", 2: "Neutral"}, hidden=32, seed=0, init=init)


def test_label_order_comes_from_config(tiny_model_dir):
    from checker.nli import load_nli

    nli = load_nli(str(tiny_model_dir))
    (probs,) = nli.predict([("A man is here.", "Nobody is here.")])
    assert set(probs) == {"entailment", "neutral", "contradiction"}
    assert probs["contradiction"] > 0.99
    assert abs(sum(probs.values()) - 1) < 1e-6


def test_unknown_labels_are_a_clear_error(tiny_model_dir, tmp_path):
    import json

    from checker.nli import load_nli

    bad = tmp_path / "bad"
    shutil.copytree(tiny_model_dir, bad)
    cfg = json.loads((bad / "config.json").read_text())
    cfg["id2label"] = {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}
    (bad / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelError, match="lacks NLI labels"):
        load_nli(str(bad))


def test_hub_name_offline_is_a_clear_error(monkeypatch):
    from checker.nli import load_nli

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ref = resolve("nli", "some-org/some-nli-model")
    assert ref.local is False and ref.location == "some-org/some-nli-model"
    with pytest.raises(ModelError, match="cannot load NLI model 'some-org/some-nli-model'"):
        load_nli("some-org/some-nli-model")


def test_folder_without_config_is_rejected(tmp_path):
    with pytest.raises(ModelError, match="not a model folder"):
        resolve("nli", str(tmp_path))


def test_default_resolves_to_shipped_model():
    ref = resolve("nli", "default")
    assert ref.name == "nli-minilm-l6" and ref.local
    assert Path(ref.location) == models_dir() / "nli-minilm-l6"


def test_same_probabilities_alone_or_batched(nli):
    pairs = [
        ("Senior US and Russian officials will meet in Riyadh on Tuesday.", "Officials will meet in Riyadh."),
        ("The talks were held in Geneva.", "The talks were held in Riyadh."),
        ("Tens of thousands of soldiers from both sides have been killed, and cities across the country's south and east have been flattened.", "Soldiers died."),
    ]
    batched = nli.predict(pairs)
    for pair, expected in zip(pairs, batched):
        (alone,) = nli.predict([pair])
        for k in expected:
            assert alone[k] == pytest.approx(expected[k], abs=1e-5)
    assert nli.predict([]) == []


def _card_sha256() -> str:
    card = (models_dir() / "nli-minilm-l6" / "MODEL_CARD.md").read_text()
    m = re.search(r"model\.safetensors[^\n]*?([0-9a-f]{64})", card)
    assert m, "MODEL_CARD.md must state the sha256 of model.safetensors"
    return m.group(1)


def test_shipped_weights_match_card():
    path = models_dir() / "nli-minilm-l6" / "model.safetensors"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == _card_sha256()
    assert path.stat().st_size < 120 * 1024 * 1024


# Real held-out items (SNLI test, SICK TEST, MNLI-mm dev subsets in ../shared/benchmarks; excluded from
# training by scripts/nli_data.py) that the shipped model labels correctly: a regression check that
# the committed weights are the evaluated ones and the label order is read right.
HELD_OUT = [
    ("A woman holding a newborn baby.", "woman holds baby", "entailment"),
    ("Two men help each other cut a sheet of plastic.", "Two men cut some plastic.", "entailment"),
    ("a young woman siting on a park bench in the sun.", "The young woman is sitting on a bench in the rain.", "contradiction"),
    ("A man cooking over high flames.", "A man is cooking for his friends.", "neutral"),
    ("Two dogs are wrestling and hugging", "There is no dog wrestling and hugging", "contradiction"),
    ("Kids in red shirts are playing in the leaves", "Children in red shirts are playing in the leaves", "entailment"),
    ("They claimed they had a bomb.", "They did not say anything.", "contradiction"),
    ("If my father bought it, it would have to be a Dodge.", "My father is an avid car collector and loves driving.", "neutral"),
]


def test_shipped_model_labels_held_out_pairs(nli):
    probs = nli.predict([(p, h) for p, h, _ in HELD_OUT])
    assert [max(pr, key=pr.get) for pr in probs] == [label for _, _, label in HELD_OUT]
