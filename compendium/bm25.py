"""Keyword scoring: BM25 (rank-bm25's Okapi variant) behind a small interface.

The index stores each chunk's analysed terms as JSON; loading re-fits BM25 from them, which
takes milliseconds for a compendium and needs no pickle. A query term carries several variants
(its stems in several languages): a chunk scores the best variant, never their sum.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from compendium.analyzer import QueryTerm

BM25_FILE = "bm25.json"


class KeywordIndex(Protocol):
    """What the searcher needs from a keyword backend."""

    backend: str

    def scores(self, terms: Sequence[QueryTerm]) -> np.ndarray:
        """One score per document: the sum over terms of the best variant's score."""
        ...

    def save(self, folder: Path) -> None: ...


class OkapiIndex:
    """BM25 Okapi over pre-analysed documents, using rank-bm25.

    Each term contributes at least zero: in a tiny corpus rank-bm25 can weigh a term found in
    most documents negatively, and matching a word must never lower a score.
    """

    backend = "rank-bm25-okapi"

    def __init__(
        self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ) -> None:
        from rank_bm25 import BM25Okapi

        self.documents = documents
        self.params = {"k1": k1, "b": b, "epsilon": epsilon}
        # rank-bm25 divides by the average document length: an empty corpus has none.
        self._bm25: Any = BM25Okapi(documents, k1=k1, b=b, epsilon=epsilon) if any(documents) else None

    def __len__(self) -> int:
        return len(self.documents)

    def idf(self, term: str) -> float:
        """Inverse document frequency of ``term`` (0 when unknown), floored at zero."""
        if self._bm25 is None:
            return 0.0
        return max(0.0, float(self._bm25.idf.get(term, 0.0)))

    def _term_scores(self, term: str) -> np.ndarray:
        if self._bm25 is None or term not in self._bm25.idf:
            return np.zeros(len(self.documents))
        return np.asarray(self._bm25.get_scores([term]), dtype=np.float64)

    def scores(self, terms: Sequence[QueryTerm]) -> np.ndarray:
        total = np.zeros(len(self.documents))
        for term in terms:
            best = np.zeros(len(self.documents))
            for variant in sorted(term.variants):
                np.maximum(best, self._term_scores(variant), out=best)
            total += best
        return total

    def save(self, folder: Path) -> None:
        payload = {"backend": self.backend, "params": self.params, "documents": self.documents}
        (folder / BM25_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> OkapiIndex:
        payload = json.loads((folder / BM25_FILE).read_text(encoding="utf-8"))
        if payload.get("backend") != cls.backend:
            raise ValueError(f"{folder / BM25_FILE}: unknown keyword backend {payload.get('backend')!r}")
        return cls(payload["documents"], **payload["params"])
