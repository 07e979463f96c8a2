"""The keyword scorer as it was before postings: rank-bm25's ``BM25Okapi``, one query variant at
a time over every document. Kept in the tests as the reference the postings must reproduce."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi

from compendium.analyzer import QueryTerm


class ReferenceOkapi:
    """The former ``OkapiIndex``: a term scores its best variant, at least zero; the glossary's
    terms are a second full pass, added at their weight."""

    backend = "rank-bm25-okapi"

    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25):
        self.size = len(documents)
        self.bm25 = BM25Okapi(documents, k1=k1, b=b, epsilon=epsilon) if any(documents) else None

    def __len__(self) -> int:
        return self.size

    def idf(self, term: str) -> float:
        if self.bm25 is None:
            return 0.0
        return max(0.0, float(self.bm25.idf.get(term, 0.0)))

    def term_scores(self, term: str) -> np.ndarray:
        if self.bm25 is None or term not in self.bm25.idf:
            return np.zeros(self.size)
        return np.asarray(self.bm25.get_scores([term]), dtype=np.float64)

    def one_pass(self, terms: Sequence[QueryTerm]) -> np.ndarray:
        total = np.zeros(self.size)
        for term in terms:
            best = np.zeros(self.size)
            for variant in sorted(term.variants):
                np.maximum(best, self.term_scores(variant), out=best)
            total += best
        return total

    def scores(
        self, terms: Sequence[QueryTerm], extra: Sequence[QueryTerm] = (), extra_weight: float = 0.0
    ) -> np.ndarray:
        scores = self.one_pass(terms)
        if extra:
            scores = scores + extra_weight * self.one_pass(extra)
        return scores
