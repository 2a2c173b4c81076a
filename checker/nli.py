"""NLI backends: pairs of (premise, hypothesis) -> entailment / neutral / contradiction probabilities.

One backend interface, one implementation for Hugging Face sequence-classification models
(loaded through sentence-transformers' ``CrossEncoder``, which handles device, dtype and
batching). The label order is read from the model's ``config.id2label``, never assumed, so any
MNLI-style model on the hub or on disk works. Results are the same for a pair alone or in any
batch: pairs are sorted by length only to save padding, and attention masks make padding inert.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

from checker.errors import ModelError
from checker.registry import resolve

LABELS = ("entailment", "neutral", "contradiction")
Probs = dict[str, float]
Progress = Callable[[int, int], None]


class NLIBackend(Protocol):
    name: str

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        """One {"entailment", "neutral", "contradiction"} -> probability mapping per pair."""
        ...


def _label_index(id2label: dict) -> dict[str, int]:
    """Map our three labels to the model's output indices from its config, tolerating common spellings."""
    aliases = {"entailment": "entailment", "entails": "entailment", "neutral": "neutral", "contradiction": "contradiction", "contradicts": "contradiction"}
    found: dict[str, int] = {}
    for idx, label in id2label.items():
        key = aliases.get(str(label).strip().lower())
        if key:
            found[key] = int(idx)
    missing = [name for name in LABELS if name not in found]
    if missing:
        raise ModelError(f"the model's config.id2label {dict(id2label)} lacks NLI labels {missing}; set id2label to entailment/neutral/contradiction")
    return found


class CrossEncoderNLI:
    """A sequence-classification NLI model by local path or hub name."""

    def __init__(self, location: str, *, name: str | None = None, device: str | None = None, max_length: int = 256, local_only: bool = True) -> None:
        import torch
        from sentence_transformers.cross_encoder import CrossEncoder

        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            self.model = CrossEncoder(location, device=device, max_length=max_length, local_files_only=local_only or os.environ.get("HF_HUB_OFFLINE") == "1")
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
            raise ModelError(f"cannot load NLI model {location!r}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
        self.model.model.eval()
        self.name = name or location
        self.device = device
        self.index = _label_index(self.model.model.config.id2label)

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        import numpy as np
        import torch

        pairs = [(str(p), str(h)) for p, h in pairs]
        if not pairs:
            return []
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        probs = np.zeros((len(pairs), len(self.index)), dtype=np.float64)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out = self.model.predict([pairs[i] for i in chunk], batch_size=batch_size, activation_fn=torch.nn.Identity(), apply_softmax=False, convert_to_numpy=True, show_progress_bar=False)
            logits = np.asarray(out, dtype=np.float64).reshape(len(chunk), -1)
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            probs[chunk] = e / e.sum(axis=1, keepdims=True)
            if progress:
                progress(min(start + batch_size, len(order)), len(order))
        return [{label: float(row[self.index[label]]) for label in LABELS} for row in probs]


@lru_cache(maxsize=4)
def load_nli(name: str | None = None, *, device: str | None = None) -> NLIBackend:
    """Load an NLI backend by registry name, local path or hub name; cached so models load once."""
    ref = resolve("nli", name)
    if ref.backend != "hf-sequence-classification":
        raise ModelError(f"unknown NLI backend {ref.backend!r} for model {ref.name!r}")
    return CrossEncoderNLI(ref.location, name=ref.name, device=device, local_only=ref.local)
