"""Our keyword index scores exactly as rank-bm25 does, and takes the best variant of a term."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from compendium.analyzer import QueryTerm
from compendium.bm25 import OkapiIndex

VOCAB = st.sampled_from(["famili", "acompan", "resultad", "fond", "74004", "chil", "ecuador", "mies"])
DOCS = st.lists(st.lists(VOCAB, min_size=1, max_size=15), min_size=1, max_size=12)


@settings(deadline=None)
@given(docs=DOCS, query=st.lists(VOCAB, min_size=1, max_size=4, unique=True))
def test_single_variant_terms_score_like_rank_bm25(docs, query):
    ours = OkapiIndex(docs).scores([QueryTerm(t, frozenset({t})) for t in query])
    reference = BM25Okapi(docs)
    # rank-bm25 can give a term in most documents of a tiny corpus a negative weight; we floor
    # each term's contribution at zero (matching a word must never hurt).
    expected = sum(np.maximum(reference.get_scores([t]), 0) for t in query)
    assert np.allclose(ours, expected)


@settings(deadline=None)
@given(docs=DOCS, a=VOCAB, b=VOCAB)
def test_a_term_scores_its_best_variant_not_the_sum(docs, a, b):
    index = OkapiIndex(docs)
    both = index.scores([QueryTerm("x", frozenset({a, b}))])
    best = np.maximum(
        index.scores([QueryTerm(a, frozenset({a}))]), index.scores([QueryTerm(b, frozenset({b}))])
    )
    assert np.allclose(both, best)


def test_save_and_load_round_trip(tmp_path):
    index = OkapiIndex([["a", "b"], ["b", "c", "c"]], k1=1.2, b=0.7)
    index.save(tmp_path)
    loaded = OkapiIndex.load(tmp_path)
    terms = [QueryTerm("c", frozenset({"c"}))]
    assert np.allclose(index.scores(terms), loaded.scores(terms))
    assert loaded.params["k1"] == 1.2


def test_an_empty_corpus_scores_nothing():
    assert OkapiIndex([]).scores([QueryTerm("a", frozenset({"a"}))]).shape == (0,)
