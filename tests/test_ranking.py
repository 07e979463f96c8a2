"""Array rankings order, rank and fuse exactly as the list fusions do (compendium.fusion)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from compendium import fusion
from compendium.ranking import (
    ChunkOrder,
    FilterIndex,
    Ranking,
    best_per_section,
    convex_combination,
    reciprocal_rank_fusion,
)

SIZE = 30
IDS = [f"c{(7 * i) % SIZE:02d}" for i in range(SIZE)]  # ordinal order is not id order
ORDER = ChunkOrder.of(IDS)
# Few distinct values, so ties (broken by chunk id) are common.
SCORES = st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.25, 3.0]), min_size=SIZE, max_size=SIZE)
MEMBERS = st.sets(st.integers(0, SIZE - 1))


def ranking(scores, members) -> Ranking:
    return Ranking(np.array(scores, dtype=np.float64), np.array(sorted(members), dtype=np.int64), ORDER)


def as_list(scores, members) -> list[tuple[str, float]]:
    return sorted(((IDS[i], float(scores[i])) for i in members), key=lambda item: (-item[1], item[0]))


@given(scores=SCORES, members=MEMBERS, count=st.integers(1, SIZE + 2))
def test_the_top_is_the_sorted_lists_prefix_and_ranks_are_positions(scores, members, count):
    listed = as_list(scores, members)
    ranked = ranking(scores, members)
    assert [IDS[i] for i in ranked.top(count)] == [chunk_id for chunk_id, _ in listed[:count]]
    positions = {chunk_id: rank for rank, (chunk_id, _) in enumerate(listed, start=1)}
    assert [ranked.rank(i) for i in range(SIZE)] == [positions.get(chunk_id) for chunk_id in IDS]


@given(a=SCORES, a_members=MEMBERS, b=SCORES, b_members=MEMBERS, weight=st.sampled_from([0.0, 0.3, 0.7]))
def test_convex_fusion_gives_the_list_fusions_order_and_scores(a, a_members, b, b_members, weight):
    expected = fusion.convex_combination(
        [as_list(a, a_members), as_list(b, b_members)], weights=[1 - weight, weight]
    )
    fused = convex_combination([ranking(a, a_members), ranking(b, b_members)], [1 - weight, weight])
    got = [(IDS[i], float(fused.scores[i])) for i in fused.top(SIZE)]
    assert got == expected


@given(a=SCORES, a_members=MEMBERS, b=SCORES, b_members=MEMBERS)
def test_rrf_gives_the_list_fusions_order_and_scores(a, a_members, b, b_members):
    expected = fusion.reciprocal_rank_fusion(
        [as_list(a, a_members), as_list(b, b_members)], k=60, weights=[0.6, 1.4]
    )
    fused = reciprocal_rank_fusion([ranking(a, a_members), ranking(b, b_members)], 60, [0.6, 1.4])
    assert [(IDS[i], float(fused.scores[i])) for i in fused.top(SIZE)] == expected


@given(scores=SCORES, members=MEMBERS, k=st.integers(1, 12), sections=st.integers(1, 4))
def test_one_per_section_walks_the_whole_order_when_the_top_is_one_section(scores, members, k, sections):
    ranked = ranking(scores, members)
    section = lambda ordinal: ordinal % sections  # noqa: E731 - few sections: the top must grow
    expected, seen = [], set()
    for chunk_id, _ in as_list(scores, members):
        ordinal = IDS.index(chunk_id)
        if section(ordinal) not in seen and len(expected) < k:
            seen.add(section(ordinal))
            expected.append(ordinal)
    assert best_per_section(ranked, k, section) == expected


def test_best_per_section_reads_past_its_first_top():
    # 200 windows of one section outrank everything: the first top (64) holds one section only.
    scores = np.concatenate([np.full(200, 5.0), np.arange(10) / 10])
    ids = [f"{i:04d}" for i in range(210)]
    ranked = Ranking(scores, np.arange(210), ChunkOrder.of(ids))
    picked = best_per_section(ranked, 3, lambda i: "big" if i < 200 else i)
    assert picked == [0, 209, 208]


def test_positive_keeps_allowed_passages_that_score():
    ranked = Ranking.positive(
        np.array([0.0, 2.0, 1.0, 3.0]), np.array([True, True, True, False]), ChunkOrder.of("abcd")
    )
    assert ranked.members.tolist() == [1, 2]


def test_filter_masks_agree_with_the_fields():
    class Stub:
        def __init__(self, lang, section, doc_id, countries):
            self.lang, self.section, self.doc_id, self.countries = lang, section, doc_id, countries

    chunks = [
        Stub("es", "results", "a", ("EC",)),
        Stub("en", "results", "b", ("EC", "PE")),
        Stub("es", "funding", "b", ()),
    ]
    index = FilterIndex.of(chunks)
    none = frozenset()
    assert index.mask({"langs": none, "sections": none}) is None
    assert index.mask({"langs": frozenset({"es"}), "countries": none}).tolist() == [True, False, True]
    assert index.mask({"countries": frozenset({"PE", "EC"}), "doc_ids": frozenset({"b"})}).tolist() == [
        False,
        True,
        False,
    ]
    assert index.mask({"sections": frozenset({"contacts"})}).tolist() == [False, False, False]
