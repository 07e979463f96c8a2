"""Our keyword index scores exactly as rank-bm25 does, bit for bit, and takes the best variant of
a term; it is saved, memory-mapped and checked."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from compendium.analyzer import Analyzer, QueryTerm
from compendium.bm25 import DOCS_FILE, OkapiIndex
from compendium.chunker import chunk_documents, index_text
from compendium.glossary import load_glossary
from compendium.ingest import load_corpus
from tests.conftest import EVAL_CORPUS, REPO, SEED
from tests.reference_bm25 import ReferenceOkapi

VOCAB = st.sampled_from(["famili", "acompan", "resultad", "fond", "74004", "chil", "ecuador", "mies"])
DOCS = st.lists(st.lists(VOCAB, min_size=0, max_size=15), min_size=1, max_size=12)


def single(term: str) -> QueryTerm:
    return QueryTerm(term, frozenset({term}))


@settings(deadline=None)
@given(docs=DOCS, query=st.lists(VOCAB, min_size=1, max_size=4, unique=True))
def test_single_variant_terms_score_like_rank_bm25(docs, query):
    ours = OkapiIndex.build(docs).scores([single(t) for t in query])
    if not any(docs):
        assert not ours.any()
        return
    reference = BM25Okapi(docs)
    # rank-bm25 can give a term in most documents of a tiny corpus a negative weight; we floor
    # each term's contribution at zero (matching a word must never hurt).
    expected = sum(np.maximum(reference.get_scores([t]), 0) for t in query)
    assert np.array_equal(ours, expected)


@settings(deadline=None)
@given(docs=DOCS, a=VOCAB, b=VOCAB)
def test_a_term_scores_its_best_variant_not_the_sum(docs, a, b):
    index = OkapiIndex.build(docs)
    both = index.scores([QueryTerm("x", frozenset({a, b}))])
    best = np.maximum(index.scores([single(a)]), index.scores([single(b)]))
    assert np.array_equal(both, best)


@settings(deadline=None)
@given(docs=DOCS, query=st.lists(VOCAB, min_size=1, max_size=3), bridge=st.lists(VOCAB, max_size=3))
def test_glossary_terms_in_the_same_pass_score_as_a_second_weighted_pass(docs, query, bridge):
    index = OkapiIndex.build(docs)
    terms, extra = [single(t) for t in query], [single(t) for t in bridge]
    expected = ReferenceOkapi(docs).scores(terms, extra, 0.5)
    assert np.array_equal(index.scores(terms, extra, 0.5), expected)


def test_save_and_load_round_trip_memory_maps_the_postings(tmp_path):
    index = OkapiIndex.build([["a", "b"], ["b", "c", "c"], ["d"]], k1=1.2, b=0.7)
    index.save(tmp_path)
    loaded = OkapiIndex.load(tmp_path)
    terms = [single("c"), single("b")]
    assert np.array_equal(index.scores(terms), loaded.scores(terms))
    assert loaded.params["k1"] == 1.2 and loaded.idf("c") == index.idf("c") > 0
    assert isinstance(loaded.weights, np.memmap) and isinstance(loaded.docs, np.memmap)


def test_postings_that_do_not_fit_together_are_refused(tmp_path):
    OkapiIndex.build([["a", "b"], ["b", "c", "c"]]).save(tmp_path)
    np.save(tmp_path / DOCS_FILE, np.array([0, 1, 7, 1], dtype=np.int32))
    with pytest.raises(ValueError, match="outside the index"):
        OkapiIndex.load(tmp_path)


def test_an_empty_corpus_scores_nothing():
    assert OkapiIndex.build([]).scores([single("a")]).shape == (0,)
    assert OkapiIndex.build([[], []]).scores([single("a")]).tolist() == [0.0, 0.0]


def _questions(path) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize(
    ("corpus", "questions"),
    [(SEED, REPO / "eval" / "questions.jsonl"), (EVAL_CORPUS, EVAL_CORPUS / "questions.jsonl")],
    ids=["compendium", "eval-collection"],
)
def test_every_question_scores_as_rank_bm25_on_the_real_corpora(corpus, questions, tools):
    analyzer = Analyzer()
    glossary = load_glossary(analyzer)
    chunks = chunk_documents(load_corpus([corpus], tools=tools).documents)
    documents = [analyzer.document_terms(index_text(chunk), chunk.lang) for chunk in chunks]
    ours, reference = OkapiIndex.build(documents), ReferenceOkapi(documents)
    vocabulary = {term for document in documents for term in document}
    assert [ours.idf(term) for term in sorted(vocabulary)] == [reference.idf(t) for t in sorted(vocabulary)]
    for question in _questions(questions):
        terms = analyzer.query_terms(question)
        bridge = glossary.expand(question, {v for term in terms for v in term.variants}).terms
        assert np.array_equal(ours.scores(terms, bridge, 0.5), reference.scores(terms, bridge, 0.5)), question
