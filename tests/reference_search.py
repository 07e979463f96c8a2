"""Search as it ran before rankings became arrays: Python lists of every allowed passage, list
fusion (:mod:`compendium.fusion`), then one hit per section. Kept in the tests as the reference
the array rankings must reproduce. The keyword scores (BM25, glossary, section boost) are the
searcher's own, so this reference follows any change to how they are computed."""

from __future__ import annotations

from compendium.fusion import get_fusion
from compendium.search import DENSE, HYBRID, KEYWORD, Filters, Hit, Searcher, SearchOptions


def keyword_list(searcher: Searcher, query: str, allowed: list[int], options: SearchOptions):
    scores = searcher._keyword_ranking(query, None, options).scores
    ranked = [(searcher.chunks[i].chunk_id, float(scores[i])) for i in allowed if scores[i] > 0]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


def dense_list(searcher: Searcher, query: str, allowed: set[int], limit: int):
    pairs = searcher.index.vectors.search(searcher.query_vector(query), limit)
    ranked = [(searcher.chunks[i].chunk_id, score) for i, score in pairs if i in allowed]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


def search_as_before(
    searcher: Searcher, query: str, k: int, filters: Filters, options: SearchOptions, dense_limit: int
) -> list[Hit]:
    """The former ``Searcher.search`` (``dense_limit``: how many vectors FAISS returned)."""
    query = " ".join(query.split())
    retrievers = options.retrievers
    if retrievers in (HYBRID, DENSE) and not searcher._dense_ready:
        retrievers = KEYWORD
    allowed = [i for i, chunk in enumerate(searcher.chunks) if filters.accepts(chunk)]
    keyword = keyword_list(searcher, query, allowed, options) if retrievers in (HYBRID, KEYWORD) else []
    dense = dense_list(searcher, query, set(allowed), dense_limit) if retrievers in (HYBRID, DENSE) else []
    if retrievers == HYBRID:
        fuse = get_fusion(options.fusion)
        weights = [1.0 - options.dense_weight, options.dense_weight]
        if options.fusion == "rrf":
            fused = fuse([keyword, dense], k=options.rrf_k, weights=[2 * w for w in weights])
        else:
            fused = fuse([keyword, dense], weights=weights)
    else:
        fused = keyword or dense
    keyword_pos = {chunk_id: (rank, score) for rank, (chunk_id, score) in enumerate(keyword, start=1)}
    dense_pos = {chunk_id: (rank, score) for rank, (chunk_id, score) in enumerate(dense, start=1)}
    hits: list[Hit] = []
    seen: set[tuple[str, int]] = set()
    for chunk_id, score in fused:
        chunk = searcher.chunk_by_id[chunk_id]
        if (chunk.doc_id, chunk.section_ordinal) in seen:
            continue
        seen.add((chunk.doc_id, chunk.section_ordinal))
        kw_rank, kw_score = keyword_pos.get(chunk_id, (None, None))
        de_rank, de_score = dense_pos.get(chunk_id, (None, None))
        hits.append(Hit(len(hits) + 1, score, chunk, retrievers, kw_rank, kw_score, de_rank, de_score))
        if len(hits) == k:
            break
    return hits
