"""Sentence embeddings for alignment, from the packaged all-MiniLM-L6-v2 (offline) or any
sentence-transformers model by name or path."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from checker.errors import ModelError
from checker.registry import resolve


class Embedder:
    def __init__(self, location: str, *, name: str, local_only: bool, device: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self.model = SentenceTransformer(location, device=device, local_files_only=local_only)
        except Exception as exc:  # noqa: BLE001 - one clear line for the user
            raise ModelError(f"cannot load embedding model {location!r}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
        self.name = name

    def encode(self, texts: Sequence[str], batch_size: int = 64):
        """Unit-normalised float32 vectors, so a dot product is the cosine similarity."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.model.get_sentence_embedding_dimension() or 384), dtype=np.float32)
        return self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


@lru_cache(maxsize=2)
def load_embedder(name: str | None = None, device: str | None = None) -> Embedder:
    ref = resolve("embedding", name)
    return Embedder(ref.location, name=ref.name, local_only=ref.local, device=device)
