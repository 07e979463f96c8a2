"""Metrics against hand-computed cases."""

from __future__ import annotations

import math

import pytest

from compendium.metrics import mean, mrr_at, ndcg_at, recall_at


def test_perfect_ranking():
    marks = [1, 1, 0, 0]
    assert recall_at(marks, 2, 1) == 0.5
    assert recall_at(marks, 2, 3) == 1.0
    assert mrr_at(marks, 10) == 1.0
    assert ndcg_at(marks, 2, 10) == pytest.approx(1.0)


def test_no_hit():
    marks = [0, 0, 0]
    assert recall_at(marks, 1, 10) == 0.0
    assert mrr_at(marks, 10) == 0.0
    assert ndcg_at(marks, 1, 10) == 0.0


def test_first_relevant_at_rank_three():
    marks = [0, 0, 1]
    assert mrr_at(marks, 10) == pytest.approx(1 / 3)
    assert mrr_at(marks, 2) == 0.0
    assert ndcg_at(marks, 1, 10) == pytest.approx(1 / math.log2(4))


def test_several_golds_partly_found():
    marks = [1, 0, 1, 0, 0]
    assert recall_at(marks, 3, 5) == pytest.approx(2 / 3)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(marks, 3, 5) == pytest.approx((1 + 1 / math.log2(4)) / ideal)


def test_ties_in_the_gold_count_never_exceed_one():
    assert recall_at([1, 1, 1], 2, 3) == 1.0


def test_no_gold_and_empty_mean():
    assert recall_at([1], 0, 1) == 0.0 and ndcg_at([1], 0, 1) == 0.0
    assert mean([]) == 0.0 and mean([1.0, 0.0]) == 0.5
