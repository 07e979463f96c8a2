"""Search ranks exactly as it did before the keyword postings (rank-bm25 over every passage):
the same chunks, in the same order, with the same scores, for every evaluation question."""

from __future__ import annotations

import dataclasses
import json

import pytest

from compendium.chunker import index_text
from compendium.search import KEYWORD, Filters, Searcher, SearchOptions
from tests.conftest import EVAL_CORPUS, REPO
from tests.reference_bm25 import ReferenceOkapi

KEYWORD_ONLY = SearchOptions(retrievers=KEYWORD)
SEED_QUESTIONS = (REPO / "eval" / "questions.jsonl", REPO / "eval" / "blind_questions.jsonl")


def questions(*paths) -> list[str]:
    return [
        json.loads(line)["question"]
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def as_before(searcher: Searcher) -> Searcher:
    """The same searcher with the former keyword scorer in place of the postings."""
    documents = [searcher.analyzer.document_terms(index_text(c), c.lang) for c in searcher.chunks]
    index = searcher.index.with_keyword(ReferenceOkapi(documents))
    return dataclasses.replace(searcher, index=index)


def ranking(searcher: Searcher, query: str, options: SearchOptions, filters: Filters | None = None):
    hits = searcher.search(query, k=10, filters=filters, options=options)
    return [(hit.chunk.chunk_id, hit.score, hit.keyword_rank, hit.keyword_score) for hit in hits]


def test_the_compendium_questions_rank_as_before_in_keyword_mode(keyword_searcher):
    before = as_before(keyword_searcher)
    for query in questions(*SEED_QUESTIONS):
        assert ranking(keyword_searcher, query, KEYWORD_ONLY) == ranking(before, query, KEYWORD_ONLY), query


@pytest.mark.parametrize("filters", [None, Filters.from_lists(langs=["es", "fr"])], ids=["all", "es+fr"])
def test_the_collection_questions_rank_as_before_in_keyword_mode(collection_keyword, filters):
    before = as_before(collection_keyword)
    asked = questions(EVAL_CORPUS / "questions.jsonl")
    assert len(asked) > 200
    for query in asked:
        now, then = (
            ranking(collection_keyword, query, KEYWORD_ONLY, filters),
            ranking(before, query, KEYWORD_ONLY, filters),
        )
        assert now == then, query


# --- array rankings (top-k, masks, fusion over arrays) against the former list code ----------

OPTION_SETS = {
    "hybrid-convex": SearchOptions(),
    "hybrid-rrf": SearchOptions(fusion="rrf"),
    "keyword": KEYWORD_ONLY,
    "dense": SearchOptions(retrievers="dense"),
}
FILTER_SETS = {
    "all": Filters(),
    "es+fr": Filters.from_lists(langs=["es", "fr"]),
    "results+funding in EC,KE": Filters.from_lists(
        sections=["results", "funding"], countries=["EC", "KE", "BR"]
    ),
}


@pytest.fixture(scope="module", params=["flat", "hnsw"])
def collection_hybrid(request, tmp_path_factory, tiny_embedder):
    """The evaluation collection with the tiny model, its vectors exact (flat) or in HNSW."""
    from compendium.index_store import IndexConfig
    from tests.conftest import _open_copy

    threshold = 10**9 if request.param == "flat" else 50
    root = tmp_path_factory.mktemp(f"same-{request.param}")
    searcher = _open_copy(
        root, EVAL_CORPUS, embedder=tiny_embedder, config=IndexConfig(hnsw_threshold=threshold)
    )
    assert searcher.index.vectors.kind == request.param
    return searcher


@pytest.mark.parametrize("filters", FILTER_SETS.values(), ids=FILTER_SETS.keys())
@pytest.mark.parametrize("options", OPTION_SETS.values(), ids=OPTION_SETS.keys())
def test_every_mode_returns_the_former_hits_exactly(collection_hybrid, options, filters):
    from tests.reference_search import search_as_before

    size = collection_hybrid.index.vectors.size
    limit = size if collection_hybrid.index.vectors.kind == "flat" else min(size, 2000)
    for query in questions(EVAL_CORPUS / "questions.jsonl")[::3]:
        for k in (3, 10):
            now = collection_hybrid.search(query, k=k, filters=filters, options=options)
            then = search_as_before(collection_hybrid, query, k, filters, options, limit)
            assert now == then, (query, k)
