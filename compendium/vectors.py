"""Dense vector search with FAISS: exact inner product for ordinary corpora, HNSW above a
size threshold. Vectors are normalised, so inner product is cosine similarity.

FAISS ids are chunk ordinals (their line in ``chunks.jsonl``), stored explicitly in an
``IndexIDMap2`` and checked on load, so a vector can never be attributed to the wrong chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

VECTORS_FILE = "vectors.faiss"
DEFAULT_HNSW_THRESHOLD = 50_000
_HNSW_NEIGHBOURS = 32


class VectorIndex:
    """A FAISS index whose ids are chunk ordinals."""

    def __init__(self, index: Any) -> None:
        self.index = index

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def kind(self) -> str:
        return "hnsw" if "HNSW" in type(self._inner()).__name__ else "flat"

    def _inner(self) -> Any:
        import faiss

        return faiss.downcast_index(self.index.index)

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD) -> VectorIndex:
        """Index ``vectors`` (row i = chunk ordinal i)."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if count >= hnsw_threshold:
            inner = faiss.IndexHNSWFlat(dimension, _HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        else:
            inner = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIDMap2(inner)
        index.add_with_ids(vectors, np.arange(count, dtype=np.int64))
        return cls(index)

    def search(self, query: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Best ``limit`` (ordinal, similarity) pairs, best first."""
        ids, scores = self.search_arrays(query, limit)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]

    def search_arrays(self, query: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`search` as two arrays, ordinals and float32 similarities (no Python list)."""
        if self.size == 0 or limit <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        limit = min(limit, self.size)
        inner = self._inner()
        if hasattr(inner, "hnsw"):
            inner.hnsw.efSearch = max(inner.hnsw.efSearch, limit)
        scores, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), limit)
        found = ids[0] >= 0
        return ids[0][found], scores[0][found]

    def save(self, folder: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(folder / VECTORS_FILE))

    @classmethod
    def load(cls, folder: Path, expected_count: int, expected_dimension: int) -> VectorIndex:
        """Read the index and refuse it unless its ids are exactly the chunk ordinals."""
        import faiss

        return cls._checked(faiss.read_index(str(folder / VECTORS_FILE)), expected_count, expected_dimension)

    @classmethod
    def from_bytes(cls, data: bytes, expected_count: int, expected_dimension: int) -> VectorIndex:
        """:meth:`load` from the bytes of a saved index (read, and verified, by the caller)."""
        import faiss

        index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        return cls._checked(index, expected_count, expected_dimension)

    @classmethod
    def _checked(cls, index: Any, expected_count: int, expected_dimension: int) -> VectorIndex:
        """``index``, refused (``ValueError``) unless its ids are exactly the chunk ordinals."""
        import faiss

        loaded = cls(index)
        if loaded.size != expected_count or loaded.dimension != expected_dimension:
            raise ValueError(
                f"vector index holds {loaded.size} vectors of dimension {loaded.dimension}, "
                f"expected {expected_count} of dimension {expected_dimension}"
            )
        ids = faiss.vector_to_array(index.id_map)
        if not np.array_equal(np.sort(ids), np.arange(expected_count)):
            raise ValueError("vector ids do not match the chunk ordinals")
        return loaded
