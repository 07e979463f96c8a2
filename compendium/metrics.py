"""Ranking metrics over binary relevance lists.

``relevance[i]`` is 1 when the hit at rank ``i + 1`` answers the question (and is the first hit
to satisfy that gold target), else 0; ``n_relevant`` is the number of gold targets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def recall_at(relevance: Sequence[int], n_relevant: int, k: int) -> float:
    """Share of the gold targets found in the top ``k``."""
    if n_relevant <= 0:
        return 0.0
    return min(sum(relevance[:k]), n_relevant) / n_relevant


def mrr_at(relevance: Sequence[int], k: int) -> float:
    """Reciprocal rank of the first relevant hit within the top ``k`` (0 if none)."""
    for rank, relevant in enumerate(relevance[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(relevance: Sequence[int], n_relevant: int, k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` with binary gains."""
    if n_relevant <= 0:
        return 0.0
    dcg = sum(relevant / math.log2(rank + 1) for rank, relevant in enumerate(relevance[:k], start=1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    return dcg / ideal


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0 for no values."""
    return sum(values) / len(values) if values else 0.0
