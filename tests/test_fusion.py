"""Fusion is a pure, deterministic function of its input rankings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compendium.fusion import convex_combination, get_fusion, reciprocal_rank_fusion

IDS = st.sampled_from([f"c{i}" for i in range(12)])


def ranking_strategy():
    return st.lists(
        st.tuples(IDS, st.floats(min_value=0.01, max_value=100)), max_size=12, unique_by=lambda p: p[0]
    ).map(lambda pairs: sorted(pairs, key=lambda p: -p[1]))


FUSERS = [reciprocal_rank_fusion, convex_combination]


@pytest.mark.parametrize("fuse", FUSERS)
@given(a=ranking_strategy(), b=ranking_strategy())
def test_a_chunk_first_in_both_lists_is_first(fuse, a, b):
    a = [("top", 1000.0), *[p for p in a]]
    b = [("top", 1000.0), *[p for p in b]]
    assert fuse([a, b])[0][0] == "top"


@pytest.mark.parametrize("fuse", FUSERS)
@given(a=ranking_strategy(), b=ranking_strategy())
def test_order_of_the_input_lists_does_not_matter(fuse, a, b):
    assert fuse([a, b]) == fuse([b, a])


@pytest.mark.parametrize("fuse", FUSERS)
@given(a=ranking_strategy(), b=ranking_strategy())
def test_output_is_sorted_and_ties_are_broken_by_id(fuse, a, b):
    fused = fuse([a, b])
    keys = [(-score, chunk_id) for chunk_id, score in fused]
    assert keys == sorted(keys)
    assert len({chunk_id for chunk_id, _ in fused}) == len(fused)


def test_rrf_scores_by_hand():
    fused = dict(reciprocal_rank_fusion([[("a", 9), ("b", 5)], [("b", 0.9)]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)


def test_exact_ties_fall_back_to_id_order():
    fused = reciprocal_rank_fusion([[("b", 1.0)], [("a", 1.0)]])
    assert [chunk_id for chunk_id, _ in fused] == ["a", "b"]


def test_convex_normalises_each_list():
    fused = dict(
        convex_combination([[("a", 10.0), ("b", 0.0)], [("b", 0.9), ("a", 0.1)]], weights=[0.5, 0.5])
    )
    assert fused == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}


def test_unknown_fusion_names_fail_loudly():
    assert get_fusion("rrf") is reciprocal_rank_fusion
    with pytest.raises(ValueError, match="convex, rrf"):
        get_fusion("borda")
