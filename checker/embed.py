"""Sentence embeddings for alignment, from the packaged all-MiniLM-L6-v2 (offline) or any
sentence-transformers model by name or path.

A local sentence-transformers folder whose pipeline is the common one (a transformer, mean or CLS
pooling, optionally normalisation: all-MiniLM-L6-v2, all-mpnet-base-v2, ...) runs through
transformers directly, because importing sentence_transformers costs seconds on every cold run
(BENCHMARKS.md, "cold-start"); the arithmetic is the one sentence-transformers does (stripped
texts, longest-first truncation at ``max_seq_length``, masked mean, unit length). Anything else
(prompts, Dense layers, a hub name) loads through sentence_transformers' ``SentenceTransformer``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from checker.errors import ModelError
from checker.registry import hub_offline, offline_hub_error, resolve

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


def _load_error(location: str, exc: Exception) -> ModelError:
    return ModelError(f"cannot load embedding model {location!r}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def lean_pipeline(folder: Path) -> dict | None:
    """The settings of a sentence-transformers folder that transformers alone can run, else None.

    Returns {"pooling": "mean" | "cls", "max_length": int | None}."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"] for m in modules]
        if kinds not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]) or modules[0].get("path", "") != "":
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        st_config = folder / "config_sentence_transformers.json"
        if st_config.is_file() and json.loads(st_config.read_text(encoding="utf-8")).get("prompts"):
            return None  # prompts are prepended by sentence-transformers: leave them to it
        bert = folder / "sentence_bert_config.json"
        max_length = json.loads(bert.read_text(encoding="utf-8")).get("max_seq_length") if bert.is_file() else None
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v}
    mode = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(next(iter(modes))) if len(modes) == 1 else None
    return {"pooling": mode, "max_length": max_length} if mode else None


class _LeanSentenceModel:
    """transformers model + tokenizer + pooling, standing in for ``SentenceTransformer.encode``."""

    def __init__(self, folder: Path, pooling: str, max_length: int | None, device: str | None) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        self.pooling = pooling
        self.max_length = max_length or self.tokenizer.model_max_length

    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str], batch_size: int):
        import numpy as np
        import torch

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension()), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            enc = self.tokenizer([texts[i].strip() for i in chunk], padding=True, truncation="longest_first", max_length=self.max_length, return_tensors="pt").to(self.device)
            with torch.inference_mode():
                hidden = self.model(**enc).last_hidden_state
                if self.pooling == "cls":
                    vec = hidden[:, 0]
                else:
                    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vec = torch.nn.functional.normalize(vec.float(), p=2, dim=1)
            out[chunk] = vec.cpu().numpy()
        return out


class Embedder:
    def __init__(self, location: str, *, name: str, local_only: bool, device: str | None = None) -> None:
        self.name = name
        lean = lean_pipeline(Path(location)) if local_only else None
        try:
            if lean:
                self._lean: _LeanSentenceModel | None = _LeanSentenceModel(Path(location), lean["pooling"], lean["max_length"], device)
                self.model = None
            else:
                from sentence_transformers import SentenceTransformer

                offline = not local_only and hub_offline()
                self._lean = None
                self.model = SentenceTransformer(location, device=device, local_files_only=local_only or offline)
        except Exception as exc:  # noqa: BLE001 - one clear line for the user
            if not local_only and hub_offline():
                raise offline_hub_error("embedding", location) from exc
            raise _load_error(location, exc) from exc

    def encode(self, texts: Sequence[str], batch_size: int = 64):
        """Unit-normalised float32 vectors, so a dot product is the cosine similarity."""
        import numpy as np

        if self._lean is not None:
            if not texts:
                return np.zeros((0, self._lean.dimension()), dtype=np.float32)
            return self._lean.encode([str(t) for t in texts], batch_size)
        if not texts:
            return np.zeros((0, self.model.get_sentence_embedding_dimension() or 384), dtype=np.float32)
        return self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


@lru_cache(maxsize=2)
def load_embedder(name: str | None = None, device: str | None = None) -> Embedder:
    ref = resolve("embedding", name)
    return Embedder(ref.location, name=ref.name, local_only=ref.local, device=device)
