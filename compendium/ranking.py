"""Rankings as arrays over all passages, never as Python lists of every passage.

A retriever's ranking is a score per passage plus the passages it ranks (its members). Its
order (score descending, then chunk id, as :mod:`compendium.fusion` orders lists) is only ever
materialised for its top, after a partition (``np.partition``); one passage's rank is a count.
Fusion runs over whole arrays in numpy with the list fusions' arithmetic in the same order, so
hits, ranks and scores are those the list fusions give, to the last bit, for a few numpy passes
over the collection instead of Python work for every passage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from compendium.records import Chunk


@dataclass(frozen=True)
class ChunkOrder:
    """Each chunk ordinal's place among the chunk ids sorted as strings: the tie-break."""

    places: np.ndarray

    @classmethod
    def of(cls, chunk_ids: Sequence[str]) -> ChunkOrder:
        """The order of ``chunk_ids`` (ordinal i has id ``chunk_ids[i]``)."""
        places = np.empty(len(chunk_ids), dtype=np.int64)
        places[sorted(range(len(chunk_ids)), key=chunk_ids.__getitem__)] = np.arange(len(chunk_ids))
        return cls(places)


@dataclass(frozen=True)
class Ranking:
    """``members`` (ordinals, ascending) ranked by ``scores`` (one float64 per passage of the
    collection, meaningful for members only), best first, ties by chunk id."""

    scores: np.ndarray
    members: np.ndarray
    order: ChunkOrder

    @classmethod
    def positive(cls, scores: np.ndarray, allowed: np.ndarray | None, order: ChunkOrder) -> Ranking:
        """The allowed passages that score above zero (the keyword retriever's ranking)."""
        keep = scores > 0 if allowed is None else allowed & (scores > 0)
        return cls(np.asarray(scores, dtype=np.float64), np.flatnonzero(keep), order)

    @classmethod
    def of_pairs(
        cls,
        ordinals: np.ndarray,
        scores: np.ndarray,
        size: int,
        allowed: np.ndarray | None,
        order: ChunkOrder,
    ) -> Ranking:
        """The allowed ones among ``ordinals`` with their ``scores`` (a vector search's result)."""
        full = np.zeros(size, dtype=np.float64)
        full[ordinals] = scores
        found = np.zeros(size, dtype=bool)
        found[ordinals] = True  # a mask, not a sort: members come out ascending
        return cls(full, np.flatnonzero(found if allowed is None else found & allowed), order)

    def __len__(self) -> int:
        return len(self.members)

    def top(self, count: int) -> np.ndarray:
        """Ordinals of the best ``count`` members, best first."""
        members = self.members
        if count < len(members):
            values = self.scores[members]
            # Keep everything tied with the count-th best score: the chunk id decides among them.
            cut = np.partition(values, len(values) - count)[len(values) - count]
            members = members[values >= cut]
        values = self.scores[members]
        ranked = members[np.lexsort((self.order.places[members], -values))]
        return ranked[:count]

    def rank(self, ordinal: int) -> int | None:
        """The 1-based rank of ``ordinal``, or None when it is not a member."""
        at = int(np.searchsorted(self.members, ordinal))
        if at == len(self.members) or self.members[at] != ordinal:
            return None
        score = self.scores[ordinal]
        values = self._member_scores
        tied = self.members[values == score]
        ahead = np.count_nonzero(self.order.places[tied] < self.order.places[ordinal])
        return 1 + int(np.count_nonzero(values > score)) + int(ahead)

    @cached_property
    def _member_scores(self) -> np.ndarray:
        """The members' scores, gathered once for every hit whose rank is asked."""
        return self.scores[self.members]

    def ranks(self) -> np.ndarray:
        """Every member's rank, as an array over all passages (0 for non-members)."""
        ranks = np.zeros(len(self.scores), dtype=np.int64)
        ranks[self.top(len(self.members))] = np.arange(1, len(self.members) + 1)
        return ranks


def convex_combination(rankings: Sequence[Ranking], weights: Sequence[float]) -> Ranking:
    """:func:`compendium.fusion.convex_combination` over arrays: the weighted sum of min-max
    normalised scores, a passage missing from a ranking scoring 0 there."""
    fused = np.zeros(len(rankings[0].scores), dtype=np.float64)
    for ranking, weight in zip(rankings, weights, strict=True):
        if not len(ranking):
            continue
        values = ranking.scores[ranking.members]
        low, high = values.min(), values.max()
        normalised = np.ones(len(values)) if high == low else (values - low) / (high - low)
        fused[ranking.members] = fused[ranking.members] + weight * normalised
    return _union(fused, rankings)


def reciprocal_rank_fusion(rankings: Sequence[Ranking], k: int, weights: Sequence[float]) -> Ranking:
    """:func:`compendium.fusion.reciprocal_rank_fusion` over arrays: the sum of
    ``weight / (k + rank)`` over the rankings a passage is in (this one sorts every member)."""
    fused = np.zeros(len(rankings[0].scores), dtype=np.float64)
    for ranking, weight in zip(rankings, weights, strict=True):
        if not len(ranking):
            continue
        ranks = ranking.ranks()[ranking.members]
        fused[ranking.members] = fused[ranking.members] + weight / (k + ranks)
    return _union(fused, rankings)


def _union(fused: np.ndarray, rankings: Sequence[Ranking]) -> Ranking:
    # A mask, not np.unique: the same ascending members without sorting their concatenation.
    found = np.zeros(len(fused), dtype=bool)
    for ranking in rankings:
        found[ranking.members] = True
    return Ranking(fused, np.flatnonzero(found), rankings[0].order)


def best_per_section(ranking: Ranking, k: int, section: Callable[[int], object]) -> list[int]:
    """The first ``k`` ordinals of ``ranking`` whose ``section`` has not been seen before.
    Reads a top that grows until it holds ``k`` sections or the whole ranking."""
    count = max(4 * k, 64)
    while True:
        picked: list[int] = []
        seen: set[object] = set()
        for ordinal in ranking.top(count).tolist():
            key = section(ordinal)
            if key not in seen:
                seen.add(key)
                picked.append(ordinal)
                if len(picked) == k:
                    return picked
        if count >= len(ranking):
            return picked
        count *= 4


@dataclass(frozen=True)
class FilterIndex:
    """For each filterable field, each value's chunk ordinals: a filter becomes a mask in a
    few numpy operations instead of a test of every chunk."""

    size: int
    postings: dict[str, dict[str, np.ndarray]]

    @classmethod
    def of(cls, chunks: Sequence[Chunk]) -> FilterIndex:
        """Index the languages, sections, cards and countries of ``chunks``."""
        lists: dict[str, dict[str, list[int]]] = {"langs": {}, "sections": {}, "doc_ids": {}, "countries": {}}
        for ordinal, chunk in enumerate(chunks):
            lists["langs"].setdefault(chunk.lang, []).append(ordinal)
            lists["sections"].setdefault(chunk.section, []).append(ordinal)
            lists["doc_ids"].setdefault(chunk.doc_id, []).append(ordinal)
            for code in set(chunk.countries):
                lists["countries"].setdefault(code, []).append(ordinal)
        postings = {
            name: {value: np.asarray(ordinals, dtype=np.int64) for value, ordinals in values.items()}
            for name, values in lists.items()
        }
        return cls(len(chunks), postings)

    def mask(self, wanted: dict[str, frozenset[str]]) -> np.ndarray | None:
        """Chunks that have one of the wanted values in every field that names some (as
        ``Filters.accepts``); None when no field does (everything is allowed)."""
        mask = None
        for name, values in wanted.items():
            if not values:
                continue
            field_mask = np.zeros(self.size, dtype=bool)
            for value in values:
                field_mask[self.postings[name].get(value, np.empty(0, dtype=np.int64))] = True
            mask = field_mask if mask is None else mask & field_mask
        return mask
