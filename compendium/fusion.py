"""Fusing the keyword and dense rankings: pure functions over ranked lists.

Ties are broken by chunk id, so the same query gives the same order on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

RRF_K = 60

Ranking = Sequence[tuple[str, float]]
"""A retriever's output: (chunk id, score) pairs, best first."""


def reciprocal_rank_fusion(
    rankings: Sequence[Ranking], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Sum of ``weight / (k + rank)`` over the rankings an id appears in (rank from 1)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (chunk_id, _score) in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank)
    return _ordered(fused)


def convex_combination(
    rankings: Sequence[Ranking], weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Weighted sum of min-max normalised scores; an id missing from a ranking scores 0 there."""
    weights = weights or [1.0 / len(rankings)] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for chunk_id, normalised in _min_max(ranking).items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * normalised
    return _ordered(fused)


def _min_max(ranking: Ranking) -> Mapping[str, float]:
    if not ranking:
        return {}
    scores = [score for _id, score in ranking]
    low, high = min(scores), max(scores)
    if high == low:
        return {chunk_id: 1.0 for chunk_id, _score in ranking}
    return {chunk_id: (score - low) / (high - low) for chunk_id, score in ranking}


def _ordered(fused: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


FUSIONS: dict[str, Callable[..., list[tuple[str, float]]]] = {
    "rrf": reciprocal_rank_fusion,
    "convex": convex_combination,
}


def get_fusion(name: str) -> Callable[..., list[tuple[str, float]]]:
    """The fusion function called ``name``; a clear ``ValueError`` lists the valid names."""
    try:
        return FUSIONS[name]
    except KeyError:
        raise ValueError(f"unknown fusion {name!r}; choose one of: {', '.join(sorted(FUSIONS))}") from None
