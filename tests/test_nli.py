"""The NLI backend: label order from config, path/hub loading, batch invariance, the shipped model."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from checker.errors import ModelError, SettingsError
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
    assert ref.name == "nli-mpnet-base" and ref.local
    assert Path(ref.location) == models_dir() / "nli-mpnet-base"


def test_int8_rowwise_storage_round_trips(tiny_model_dir, tmp_path):
    """scripts/export_nli_int8.py's file loads through load_nli with probabilities within rounding of fp32."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import export_nli_int8

    from checker.nli import INT8_WEIGHTS, CrossEncoderNLI

    out = tmp_path / "int8"
    assert export_nli_int8.main([str(tiny_model_dir), str(out)]) == 0
    assert (out / INT8_WEIGHTS).is_file() and not (out / "model.safetensors").exists()
    pairs = [("A man is here.", "Nobody is here."), ("The talks were held in Geneva.", "The talks were held in Riyadh.")]
    full = CrossEncoderNLI(str(tiny_model_dir), local_only=True).predict(pairs)
    small = CrossEncoderNLI(str(out), local_only=True).predict(pairs)
    for a, b in zip(full, small):
        assert a.keys() == b.keys()
        for k in a:
            assert b[k] == pytest.approx(a[k], abs=0.02)


def test_int8_export_without_weights_is_exit_2(tmp_path, capsys):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import export_nli_int8

    assert export_nli_int8.main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "model.safetensors not found" in capsys.readouterr().err


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


def _card_sha256(model: str, weights: str) -> str:
    card = (models_dir() / model / "MODEL_CARD.md").read_text()
    m = re.search(re.escape(weights) + r"[^\n]*?([0-9a-f]{64})", card)
    assert m, f"{model}/MODEL_CARD.md must state the sha256 of {weights}"
    return m.group(1)


@pytest.mark.parametrize(("model", "weights"), [("nli-mpnet-base", "model.int8.safetensors"), ("nli-minilm-l6", "model.safetensors")])
def test_shipped_weights_match_card(model, weights):
    path = models_dir() / model / weights
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == _card_sha256(model, weights)
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


# --------------------------------------------------------------------------- number format (bf16 / fp32)

MIXED = [
    ("A man is here.", "Nobody is here."),
    ("Senior US and Russian officials will meet in Riyadh on Tuesday to discuss the war.", "Officials will meet."),
    ("The talks were held in Geneva.", "The talks were held in Riyadh."),
    ("Tens of thousands of soldiers from both sides have been killed, and cities across the country's south and east have been flattened.", "Soldiers died."),
    ("It rained.", "It did not rain."),
]


@pytest.fixture(scope="module")
def nli_bf16():
    """The shipped model forced to bfloat16 autocast (native where the CPU has BF16, emulated elsewhere)."""
    from checker.nli import load_nli

    return load_nli(dtype="bfloat16")


def test_bf16_is_batch_invariant(nli_bf16):
    """In bf16 the padding shows in the logits (~2e-3), so pairs are padded to their own length bucket:
    a pair gets exactly the same probabilities alone, in a batch of mixed lengths, in any order."""
    assert nli_bf16.dtype == "bfloat16"
    batched = nli_bf16.predict(MIXED)
    reordered = nli_bf16.predict(MIXED[::-1], batch_size=3)[::-1]
    for pair, b, r in zip(MIXED, batched, reordered):
        (alone,) = nli_bf16.predict([pair])
        assert alone == b == r
    # with a long batch-mate in the same call, padding would otherwise differ
    (first, _long) = nli_bf16.predict([MIXED[0], (MIXED[3][0] * 2, MIXED[3][1])])
    assert first == batched[0]


def test_bf16_agrees_with_fp32_on_held_out_pairs(nli, nli_bf16):
    pairs = [(p, h) for p, h, _ in HELD_OUT] + MIXED
    for a, b in zip(nli.predict(pairs), nli_bf16.predict(pairs)):
        assert max(a, key=a.get) == max(b, key=b.get)
        assert max(abs(a[k] - b[k]) for k in a) < 0.05


def test_auto_dtype_follows_the_cpu(monkeypatch):
    import checker.nli as nli_mod

    monkeypatch.setattr(nli_mod, "cpu_has_native_bf16", lambda: True)
    assert nli_mod.compute_dtype("cpu") == "bfloat16"
    assert nli_mod.compute_dtype("cpu", "float32") == "float32"
    assert nli_mod.compute_dtype("cpu", quantize="dynamic-int8") == "int8-dynamic"
    monkeypatch.setattr(nli_mod, "cpu_has_native_bf16", lambda: False)
    assert nli_mod.compute_dtype("cpu") == "float32"
    assert nli_mod.compute_dtype("cpu", "bfloat16") == "bfloat16"
    assert nli_mod.compute_dtype("mps") == "float32"
    with pytest.raises(ModelError, match="unknown NLI dtype 'int3'"):
        nli_mod.compute_dtype("cpu", "int3")


def test_native_bf16_detection_reads_cpu_flags(monkeypatch):
    import checker.nli as nli_mod

    for flags, expected in (({"avx512f", "avx512_bf16"}, True), ({"amx_bf16", "avx2"}, True), ({"avx2", "avx512f"}, False), (set(), False)):
        monkeypatch.setattr(nli_mod, "_cpu_flags", lambda flags=flags: frozenset(flags))
        assert nli_mod.cpu_has_native_bf16() is expected


def test_cache_identity_includes_the_number_format(monkeypatch):
    """Results computed in bf16 must never be served to an fp32 run, or the other way round."""
    import checker.nli as nli_mod
    from checker.cache import model_identity

    fp32 = model_identity("nli", "default", "float32")[1]
    bf16 = model_identity("nli", "default", "bfloat16")[1]
    assert fp32.endswith(":cpu-float32") and bf16.endswith(":cpu-bfloat16")
    assert model_identity("nli", "nli-minilm-l6-int8")[1].endswith(":cpu-int8-dynamic")
    # the backend reports the same tag the cache keys by
    assert nli_mod.load_nli(dtype="bfloat16").precision == "cpu-bfloat16"


def test_the_number_format_is_a_setting(tmp_path):
    """``nli_dtype`` reaches both the cache identity and the model load (nothing loads until used)."""
    from checker.cache import cached_models
    from checker.config import Settings
    from checker.nli import compute_dtype

    _, backend = cached_models(Settings(nli_dtype="bfloat16", cache_dir=str(tmp_path)))
    assert backend.model_id.endswith(":cpu-bfloat16")
    _, backend = cached_models(Settings(cache_dir=str(tmp_path)))
    assert backend.model_id.endswith(f":cpu-{compute_dtype('cpu')}")  # auto: as the CPU decides
    with pytest.raises(SettingsError, match="nli_dtype"):
        Settings(nli_dtype="int3")


# --------------------------------------------------------------------------- lean loading, hub names


def test_transformers_path_matches_sentence_transformers(tiny_model_dir):
    """The backend calls transformers directly (no sentence_transformers import at run time); its
    probabilities are the ones sentence-transformers' CrossEncoder gives for the same model (the
    fp32 MiniLM entry: CrossEncoder cannot read the default's int8 row-wise file)."""
    import numpy as np
    import torch
    from sentence_transformers.cross_encoder import CrossEncoder

    location = resolve("nli", "nli-minilm-l6").location
    ce = CrossEncoder(location, device="cpu", max_length=256)
    logits = np.asarray(ce.predict(MIXED, activation_fn=torch.nn.Identity(), apply_softmax=False), dtype=np.float64)
    expected = np.exp(logits - logits.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    from checker.nli import load_nli

    backend = load_nli("nli-minilm-l6", dtype="float32")
    got = backend.predict(MIXED)
    index = backend.index
    for row, probs in zip(expected, got):
        for label, i in index.items():
            assert probs[label] == pytest.approx(row[i], abs=1e-6)


def test_hub_name_loads_from_the_local_hf_cache_offline(tiny_model_dir, tmp_path, monkeypatch):
    """A hub name (not a registry name or folder) whose files are in the Hugging Face cache loads
    with no network, through the same call; the cache layout is the hub's own."""
    import huggingface_hub.constants as hub_constants

    from checker.nli import load_nli

    snapshot = tmp_path / "models--some-org--tiny-nli" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_model_dir, snapshot)
    (tmp_path / "models--some-org--tiny-nli" / "refs").mkdir()
    (tmp_path / "models--some-org--tiny-nli" / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = load_nli("some-org/tiny-nli", dtype="float32")
    (probs,) = backend.predict([("A man is here.", "Nobody is here.")])
    assert backend.name == "some-org/tiny-nli" and probs["contradiction"] > 0.99


def test_unreachable_hub_fails_fast_without_hf_offline(monkeypatch):
    """No HF_HUB_OFFLINE and no network (the session's socket guard refuses every connection): the
    up-front check finds the hub unreachable, so the error comes at once instead of after ~100 s of
    download retries."""
    import time

    from checker.nli import load_nli
    from checker.registry import hub_offline

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    hub_offline.cache_clear()
    try:
        t0 = time.perf_counter()
        assert hub_offline() is True
        with pytest.raises(ModelError, match="hub is unreachable"):
            load_nli("some-org/no-such-nli-model")
        assert time.perf_counter() - t0 < 5
    finally:
        hub_offline.cache_clear()


def test_embedder_lean_path_matches_sentence_transformers():
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from checker.embed import lean_pipeline, load_embedder

    ref = resolve("embedding", "default")
    assert lean_pipeline(Path(ref.location)) == {"pooling": "mean", "max_length": 256}
    texts = [p for p, _ in MIXED] + ["  padded with spaces  ", "x"]
    got = load_embedder().encode(texts)
    want = SentenceTransformer(ref.location, device="cpu").encode(texts, normalize_embeddings=True)
    assert got.shape == want.shape and np.abs(got - want).max() < 1e-5
    assert load_embedder().encode([]).shape == (0, 384)


def test_check_available_fails_before_any_model_loads(tiny_model_dir, tmp_path, monkeypatch):
    """The up-front check a command runs on its settings: one ModelError line for a hub name with no
    network and no cached copy; registry names, folders and cached hub names pass."""
    import time

    import huggingface_hub.constants as hub_constants

    from checker.registry import check_available, hub_offline

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path))
    hub_offline.cache_clear()
    try:
        t0 = time.perf_counter()
        with pytest.raises(ModelError, match="cannot load NLI model 'someorg/name'.*hub is unreachable"):
            check_available("nli", "someorg/name")
        assert time.perf_counter() - t0 < 5
        assert check_available("nli", "default").name == "nli-mpnet-base"
        assert check_available("nli", str(tiny_model_dir)).local
        snapshot = tmp_path / "models--someorg--cached" / "snapshots" / ("0" * 40)
        shutil.copytree(tiny_model_dir, snapshot)
        (tmp_path / "models--someorg--cached" / "refs").mkdir()
        (tmp_path / "models--someorg--cached" / "refs" / "main").write_text("0" * 40)
        assert check_available("nli", "someorg/cached").location == "someorg/cached"
    finally:
        hub_offline.cache_clear()


def test_bf16_weights_stored_once_give_autocasts_probabilities(tiny_model_dir):
    """Linear weights are cast to bf16 at load (autocast would recast them every batch); the
    probabilities are exactly those of autocast over the fp32 weights, and LayerNorm stays fp32."""
    import torch

    from checker.nli import CrossEncoderNLI

    def linears(model) -> list:
        return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]

    backend = CrossEncoderNLI(str(tiny_model_dir), dtype="bfloat16")
    assert linears(backend.model) and all(m.weight.dtype == torch.bfloat16 for m in linears(backend.model))
    norms = [m for m in backend.model.modules() if isinstance(m, torch.nn.LayerNorm)]
    assert norms and all(m.weight.dtype == torch.float32 for m in norms)
    cast = backend.predict(MIXED)
    fp32 = CrossEncoderNLI(str(tiny_model_dir), dtype="float32").model
    for mine, orig in zip(linears(backend.model), linears(fp32), strict=True):  # back to fp32 weights: plain autocast
        mine.weight.data, mine.bias.data = orig.weight.data, orig.bias.data
    assert linears(backend.model)[0].weight.dtype == torch.float32
    assert backend.predict(MIXED) == cast
