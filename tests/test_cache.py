"""The embeddings/NLI cache: only uncached inputs reach a model, nothing loads when all is cached,
model identities never mix, a broken cache is not fatal, two processes can share one cache, and
a re-check of an unchanged draft makes zero model calls with the real pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from checker.cache import Cache, CachedEmbedder, CachedNLI, default_cache_dir, folder_signature, open_cache, pair_key
from checker.config import Settings
from conftest import AFP, FT, ROOT

DRAFT = ROOT / "tests" / "data" / "check" / "draft_consistent.md"


class FakeNLI:
    name = "fake-nli"

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, str]]] = []

    def predict(self, pairs, *, batch_size=32, progress=None):
        self.batches.append(list(pairs))
        if progress:
            progress(len(pairs), len(pairs))
        return [{"entailment": len(p) / 100, "neutral": 0.25, "contradiction": len(h) / 100} for p, h in pairs]


class FakeEmbedder:
    name = "fake-embedding"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def encode(self, texts, batch_size=64):
        self.batches.append(list(texts))
        return np.array([[len(t), t.count("e"), 1.0] for t in texts], dtype=np.float32)


def test_default_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_CACHE_DIR", raising=False)
    assert default_cache_dir(tmp_path) == tmp_path / ".factcheck-cache"
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir(tmp_path) == tmp_path / "elsewhere"


def test_round_trip_and_gitignore(tmp_path):
    with Cache(tmp_path / "c") as cache:
        cache.put_vectors("m", {"k": np.array([0.5, -1.0], dtype=np.float32)})
        cache.put_nli("m", {"p": {"entailment": 0.1, "neutral": 0.2, "contradiction": 0.7}})
        assert cache.get_vectors("m", ["k", "missing"])["k"].tolist() == [0.5, -1.0]
        assert cache.get_nli("m", ["p"]) == {"p": {"entailment": 0.1, "neutral": 0.2, "contradiction": 0.7}}
        assert cache.get_nli("other-model", ["p"]) == {}  # keys are per model
        assert cache.counts() == {"embeddings": 1, "nli": 1}
    assert (tmp_path / "c" / ".gitignore").read_text().strip().endswith("*")
    with Cache(tmp_path / "c") as cache:  # persisted
        assert "k" in cache.get_vectors("m", ["k"])


def test_only_uncached_pairs_reach_the_model(tmp_path):
    backend = FakeNLI()
    nli = CachedNLI(backend, Cache(tmp_path), model_id="nli:test")
    first = nli.predict([("a", "b"), ("c", "d"), ("a", "b")])
    assert backend.batches == [[("a", "b"), ("c", "d")]]  # duplicates asked once
    assert first[0] == first[2] == {"entailment": 0.01, "neutral": 0.25, "contradiction": 0.01}
    progress: list[tuple[int, int]] = []
    second = nli.predict([("c", "d"), ("e", "ff"), ("a", "b")], progress=lambda d, t: progress.append((d, t)))
    assert backend.batches[1] == [("e", "ff")]
    assert second[0] == first[1] and second[2] == first[0]
    assert progress[-1] == (3, 3)
    nli.predict([("a", "b"), ("e", "ff")])
    assert len(backend.batches) == 2 and (nli.calls, nli.computed) == (2, 3)


def test_nothing_loads_when_everything_is_cached(tmp_path):
    loads: list[str] = []

    def factory():
        loads.append("nli")
        return FakeNLI()

    def emb_factory():
        loads.append("embedding")
        return FakeEmbedder()

    CachedNLI(factory, Cache(tmp_path), model_id="n").predict([("x", "y")])
    CachedEmbedder(emb_factory, Cache(tmp_path), model_id="e").encode(["x", "y"])
    assert loads == ["nli", "embedding"]
    nli = CachedNLI(factory, Cache(tmp_path), model_id="n", name="shown")
    emb = CachedEmbedder(emb_factory, Cache(tmp_path), model_id="e")
    assert nli.predict([("x", "y")])[0]["entailment"] == 0.01
    assert emb.encode(["y", "x"]).tolist() == [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]
    assert loads == ["nli", "embedding"] and (nli.loads, emb.loads, nli.calls, emb.calls) == (0, 0, 0, 0)
    assert nli.name == "shown"


def test_embedder_keeps_order_and_dtype(tmp_path):
    backend = FakeEmbedder()
    emb = CachedEmbedder(backend, Cache(tmp_path), model_id="e")
    emb.encode(["one", "three"])
    out = emb.encode(["three", "seven", "one"])
    assert backend.batches == [["one", "three"], ["seven"]]
    assert out.dtype == np.float32 and out[:, 0].tolist() == [5.0, 5.0, 3.0]


def test_pair_keys_are_unambiguous():
    assert pair_key("ab", "c") != pair_key("a", "bc")


def test_folder_signature_follows_the_weights(tmp_path):
    (tmp_path / "config.json").write_text('{"a": 1}')
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"\0" * 2_000_000)
    before = folder_signature(tmp_path)
    assert folder_signature(tmp_path) == before
    os.utime(weights, ns=(time.time_ns(), time.time_ns() + 10**9))  # retrained: rewritten weights
    after = folder_signature(tmp_path)
    assert after != before
    (tmp_path / "config.json").write_text('{"a": 2}')
    assert folder_signature(tmp_path) != after


def test_a_corrupt_cache_is_moved_aside_and_rebuilt_once(tmp_path, capsys):
    garbage = b"this is not a database" * 100
    (tmp_path / "cache-v1.sqlite3").write_bytes(garbage)
    cache = open_cache(tmp_path)
    assert cache is not None  # rebuilt, not given up on
    err = capsys.readouterr().err
    assert err.count("factcheck: warning: cache:") == 1
    assert (tmp_path / "cache-v1.sqlite3.corrupt").read_bytes() == garbage
    backend = FakeNLI()
    assert CachedNLI(backend, cache, model_id="n").predict([("a", "b")])[0]["neutral"] == 0.25
    assert CachedNLI(backend, cache, model_id="n").predict([("a", "b")])[0]["neutral"] == 0.25
    assert len(backend.batches) == 1  # the rebuilt cache answers the second call
    cache.close()
    assert open_cache(tmp_path) is not None
    assert "warning" not in capsys.readouterr().err  # the next run is silent


WORKER = r"""
import json, sys, time
from checker.cache import Cache, CachedEmbedder, CachedNLI

class SlowNLI:
    name = "slow"
    def __init__(self):
        self.pairs = 0
    def predict(self, pairs, *, batch_size=32, progress=None):
        time.sleep(0.002 * len(pairs))  # widen the window in which the two writers overlap
        self.pairs += len(pairs)
        return [{"entailment": (len(p) % 7) / 10, "neutral": 0.3, "contradiction": (len(h) % 5) / 10} for p, h in pairs]

class Emb:
    name = "emb"
    def encode(self, texts, batch_size=64):
        import numpy as np
        return np.array([[len(t), t.count("1"), 1.0] for t in texts], dtype=np.float32)

worker, directory, start = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
while time.time() < start:
    time.sleep(0.005)
backend, results = SlowNLI(), {}
for rnd in (range(25) if worker == 0 else reversed(range(25))):  # the two meet in the middle
    cache = Cache(directory)  # a new connection per round, like separate runs
    nli = CachedNLI(backend, cache, model_id="nli:shared")
    emb = CachedEmbedder(Emb(), cache, model_id="emb:shared")
    ids = range(rnd * 4, rnd * 4 + 30)
    if worker:
        ids = reversed(list(ids))
    pairs = [(f"premise {i}", f"hypothesis {i * 7 % 13}") for i in ids]
    for pair, probs in zip(pairs, nli.predict(pairs)):
        results["|".join(pair)] = probs
    emb.encode([p for p, _ in pairs])
    cache.close()
print(json.dumps({"computed": backend.pairs, "results": results}))
"""


def test_two_processes_share_one_cache(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, str(script), str(w), str(tmp_path / "cache"), str(start)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in (0, 1)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "warning" not in err, err  # a locked database would have disabled the cache
    a, b = (json.loads(out) for out, _ in outputs)
    assert a["results"].keys() == b["results"].keys()
    assert all(a["results"][k] == b["results"][k] for k in a["results"])
    unique = len(a["results"])
    assert unique == 126
    with Cache(tmp_path / "cache") as cache:
        assert cache.counts() == {"embeddings": unique, "nli": unique}
    assert unique <= a["computed"] + b["computed"] < 2 * unique  # each process reused the other's work


# -- the real pipeline ---------------------------------------------------------------------------


class Counting:
    """A real backend that counts what reaches it."""

    def __init__(self, inner) -> None:
        self.inner, self.name = inner, inner.name
        self.calls = self.items = 0

    def predict(self, pairs, **kwargs):
        self.calls += 1
        self.items += len(pairs)
        return self.inner.predict(pairs, **kwargs)

    def encode(self, texts, **kwargs):
        self.calls += 1
        self.items += len(texts)
        return self.inner.encode(texts, **kwargs)


@pytest.fixture
def counted(monkeypatch, nli):
    from checker import embed
    from checker import nli as nli_module

    backends = {"nli": Counting(nli), "embedding": Counting(embed.load_embedder())}
    loads = {"nli": 0, "embedding": 0}

    def load_nli(name=None, **kwargs):
        loads["nli"] += 1
        return backends["nli"]

    def load_embedder(name=None, **kwargs):
        loads["embedding"] += 1
        return backends["embedding"]

    monkeypatch.setattr(nli_module, "load_nli", load_nli)
    monkeypatch.setattr(embed, "load_embedder", load_embedder)
    return backends, loads


def test_recheck_of_an_unchanged_draft_makes_no_model_call(counted, tmp_path):
    from checker.check import check_draft

    backends, loads = counted
    settings = Settings(cache_dir=str(tmp_path / "cache"))
    dates = [None, date(2025, 2, 17), None]
    first = check_draft(DRAFT, [FT, AFP], dates=dates, settings=settings)
    assert loads == {"nli": 1, "embedding": 1} and backends["nli"].items > 0 and backends["embedding"].items > 0
    calls = {k: (b.calls, b.items) for k, b in backends.items()}

    second = check_draft(DRAFT, [FT, AFP], dates=dates, settings=settings)
    assert loads == {"nli": 1, "embedding": 1}  # not loaded again
    assert {k: (b.calls, b.items) for k, b in backends.items()} == calls  # zero model calls
    assert [(f.rule, f.claims, f.scores) for f in second.findings] == [(f.rule, f.claims, f.scores) for f in first.findings]
    assert second.models == first.models == {"nli": backends["nli"].name, "embedding": backends["embedding"].name}

    # one edited sentence: only it is embedded, and only its pairs go to the NLI model
    edited = tmp_path / "draft.md"
    edited.write_text(DRAFT.read_text().replace("since the invasion", "since the invasion began"), encoding="utf-8")
    before = backends["embedding"].items
    check_draft(edited, [FT, AFP], dates=dates, settings=settings)
    assert backends["embedding"].items - before == 1
