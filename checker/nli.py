"""NLI backends: pairs of (premise, hypothesis) -> entailment / neutral / contradiction probabilities.

One backend interface, one implementation for Hugging Face sequence-classification models
(loaded through sentence-transformers' ``CrossEncoder``, which handles device, dtype and
batching). The label order is read from the model's ``config.id2label``, never assumed, so any
MNLI-style model on the hub or on disk works. Results are the same for a pair alone or in any
batch: pairs are sorted by length only to save padding, and attention masks make padding inert.

``quantize="dynamic-int8"`` (a registry field or a ``load_nli`` keyword) swaps every ``nn.Linear``
for torch's dynamically quantized int8 version, on CPU only (other devices keep the fp32 model).
Dynamic quantization picks one activation scale per input tensor, so a padded batch would make a
pair's probabilities depend on its batch-mates; the quantized model therefore runs each pair in
its own forward pass, which keeps results identical alone or in any batch. The registry names it
as a separate entry (``nli-minilm-l6-int8``) so cached results never mix with the fp32 model's.
scripts/bench_frontier.py measures what it costs and gains (BENCHMARKS.md, "frontier"): on 2 CPU
cores it is not faster than fp32 and flips ~10 % of labels, so the default stays fp32.
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
QUANTIZE_MODES = ("dynamic-int8",)
_FROM_REGISTRY = "registry"


class NLIBackend(Protocol):
    name: str

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        """One {"entailment", "neutral", "contradiction"} -> probability mapping per pair."""
        ...


def _normalise_quantize(quantize: str | None) -> str | None:
    if quantize in (None, "", "none", "fp32"):
        return None
    if quantize not in QUANTIZE_MODES:
        raise ModelError(f"unknown quantize mode {quantize!r}; expected one of {list(QUANTIZE_MODES)} or none")
    return quantize


def quantize_dynamic_int8(model):
    """Replace the model's ``nn.Linear`` layers in place by dynamically quantized int8 ones (CPU kernels)."""
    import warnings

    import torch

    with warnings.catch_warnings():  # torch.ao eager quantization announces its move to torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


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

    def __init__(self, location: str, *, name: str | None = None, device: str | None = None, max_length: int = 256, local_only: bool = True,
                 quantize: str | None = None) -> None:
        import torch
        from sentence_transformers.cross_encoder import CrossEncoder

        quantize = _normalise_quantize(quantize)
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            self.model = CrossEncoder(location, device=device, max_length=max_length, local_files_only=local_only or os.environ.get("HF_HUB_OFFLINE") == "1")
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear line
            raise ModelError(f"cannot load NLI model {location!r}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
        self.model.model.eval()
        self.name = name or location
        self.device = device
        #: the quantization actually applied: None off the CPU, where the fp32 (or fp16) model stays
        self.quantize = quantize if quantize and torch.device(device).type == "cpu" else None
        if self.quantize == "dynamic-int8":
            quantize_dynamic_int8(self.model.model)
        self.index = _label_index(self.model.model.config.id2label)

    def predict(self, pairs: Sequence[tuple[str, str]], *, batch_size: int = 32, progress: Progress | None = None) -> list[Probs]:
        import numpy as np
        import torch

        pairs = [(str(p), str(h)) for p, h in pairs]
        if not pairs:
            return []
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        probs = np.zeros((len(pairs), len(self.index)), dtype=np.float64)
        # quantized: one forward pass per pair (a per-tensor activation scale must not see batch-mates)
        forward_batch = 1 if self.quantize else batch_size
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out = self.model.predict([pairs[i] for i in chunk], batch_size=forward_batch, activation_fn=torch.nn.Identity(), apply_softmax=False, convert_to_numpy=True, show_progress_bar=False)
            logits = np.asarray(out, dtype=np.float64).reshape(len(chunk), -1)
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            probs[chunk] = e / e.sum(axis=1, keepdims=True)
            if progress:
                progress(min(start + batch_size, len(order)), len(order))
        return [{label: float(row[self.index[label]]) for label in LABELS} for row in probs]


@lru_cache(maxsize=4)
def load_nli(name: str | None = None, *, device: str | None = None, quantize: str | None = _FROM_REGISTRY) -> NLIBackend:
    """Load an NLI backend by registry name, local path or hub name; cached so models load once.

    ``quantize``: by default the registry entry's ``quantize`` field (none for paths and hub names);
    ``"dynamic-int8"`` or ``None`` overrides it. Quantization applies on CPU only."""
    ref = resolve("nli", name)
    if ref.backend != "hf-sequence-classification":
        raise ModelError(f"unknown NLI backend {ref.backend!r} for model {ref.name!r}")
    mode = ref.quantize if quantize == _FROM_REGISTRY else quantize
    return CrossEncoderNLI(ref.location, name=ref.name, device=device, local_only=ref.local, quantize=mode)
