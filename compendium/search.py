"""The search API: open (or build) an index, then ``search(query, k, filters) -> list[Hit]``.

Keyword retrieval (BM25 + glossary bridge) always runs; dense retrieval runs when the model is
loaded. The two rankings are fused (by default a convex combination of normalised scores),
filters are applied, and overlapping windows of one section collapse to the best one. Every hit says which mode
produced it, so a keyword-only answer is never passed off as a semantic one.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from compendium.acronyms import spelled_out
from compendium.analyzer import Analyzer, QueryTerm
from compendium.chunk_table import ChunkTable
from compendium.coverage import Coverage
from compendium.cue_shortlist import CueShortlist
from compendium.embedding import Embedder, ModelStatus, load_embedder, requested_model
from compendium.embedding.threads import single_query_faiss
from compendium.fusion import RRF_K, get_fusion
from compendium.glossary import Glossary, load_glossary
from compendium.index_store import (
    DEFAULT_INDEX_CONFIG,
    CorruptIndexError,
    IndexConfig,
    LoadedIndex,
    MissingIndexError,
    Progress,
    StaleIndexError,
    build_index,
    fingerprint,
    load_index,
)
from compendium.intents import SectionIntents
from compendium.ranking import (
    ChunkOrder,
    FilterIndex,
    Ranking,
    best_per_section,
    convex_combination,
    reciprocal_rank_fusion,
)
from compendium.records import Chunk
from compendium.section_probe import load_probe
from compendium.settings import DEFAULT_CORPUS, DEFAULT_INDEX

MAX_QUERY_CHARS = 1000
_HNSW_SHORTLIST = 2000
# Tuned with the bundled model on the many-card dev split (eval/decisions.md): convex fusion
# at 0.7 dense beats reciprocal rank fusion (MRR@10 0.566 -> 0.592, hit@1 0.352 -> 0.398).
DEFAULT_FUSION = "convex"
DEFAULT_DENSE_WEIGHT = 0.7
DEFAULT_GLOSSARY_WEIGHT = 0.5
DEFAULT_SECTION_BOOST = 0.5
DEFAULT_SECTION_FLOOR = 0.2
HYBRID = "hybrid"
KEYWORD = "keyword"
DENSE = "dense"

# Vector searches running at once beside keyword scoring (one per concurrent request, up to this).
_DENSE_THREADS = 4
# Recent query vectors kept: a search and its answer share one, so do repeated questions.
_QUERY_CACHE = 256


@dataclass(frozen=True)
class Filters:
    """Restrict results; an empty field means no restriction."""

    langs: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()
    doc_ids: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()

    def accepts(self, chunk: Chunk) -> bool:
        return (
            (not self.langs or chunk.lang in self.langs)
            and (not self.sections or chunk.section in self.sections)
            and (not self.doc_ids or chunk.doc_id in self.doc_ids)
            and (not self.countries or bool(self.countries & set(chunk.countries)))
        )

    @classmethod
    def from_lists(
        cls,
        langs: Sequence[str] = (),
        sections: Sequence[str] = (),
        doc_ids: Sequence[str] = (),
        countries: Sequence[str] = (),
    ) -> Filters:
        """Build from plain lists (CLI and UI values); country codes are upper-cased."""
        return cls(
            langs=frozenset(lang.strip().lower() for lang in langs if lang.strip()),
            sections=frozenset(key.strip().lower() for key in sections if key.strip()),
            doc_ids=frozenset(doc_id.strip() for doc_id in doc_ids if doc_id.strip()),
            countries=frozenset(code.strip().upper() for code in countries if code.strip()),
        )


@dataclass(frozen=True)
class SearchOptions:
    """How to search. The defaults are the tuned ones (see eval/report.md)."""

    retrievers: str = HYBRID
    fusion: str = DEFAULT_FUSION
    rrf_k: int = RRF_K
    dense_weight: float = DEFAULT_DENSE_WEIGHT
    glossary: bool = True
    glossary_weight: float = DEFAULT_GLOSSARY_WEIGHT
    section_boost: float = DEFAULT_SECTION_BOOST
    section_floor: float = DEFAULT_SECTION_FLOOR


@dataclass(frozen=True)
class Hit:
    """One result: the chunk, its fused rank and score, and each retriever's rank and score."""

    rank: int
    score: float
    chunk: Chunk
    mode: str
    keyword_rank: int | None = None
    keyword_score: float | None = None
    dense_rank: int | None = None
    dense_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a hit (CLI ``--json``, the app's API)."""
        chunk = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "doc_id": chunk.doc_id,
            "chunk_id": chunk.chunk_id,
            "title": chunk.title,
            "short_title": chunk.short_title,
            "author": chunk.author,
            "section": chunk.section,
            "section_label": chunk.section_label,
            "lang": chunk.lang,
            "page": chunk.page,
            "countries": list(chunk.countries),
            "text": chunk.text,
            "citation": chunk.citation,
            "mode": self.mode,
            "keyword_rank": self.keyword_rank,
            "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 6),
            "dense_rank": self.dense_rank,
            "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
        }


@dataclass
class Searcher:
    """An opened index plus the analyzer, glossary and (maybe) embedder that query it."""

    index: LoadedIndex
    analyzer: Analyzer
    glossary: Glossary
    embedder: Embedder | None
    model_status: ModelStatus
    options: SearchOptions = field(default_factory=SearchOptions)
    intents: SectionIntents = field(default_factory=SectionIntents.from_taxonomy, repr=False)
    # Vectors of sentences the index did not store, embedded once.
    _sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _query_vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _acronym_cache: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def embed_sentences(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors of ``texts``: stored at index build for every quotable sentence;
        anything else is embedded once and cached."""
        assert self.embedder is not None
        stored, extra = self.index.sentence_vectors, self._sentence_vectors
        missing = list(dict.fromkeys(text for text in texts if text not in stored and text not in extra))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_passages(missing), strict=True):
                extra[text] = vector
        return np.stack([stored[text] if text in stored else extra[text] for text in texts])

    @classmethod
    def open(
        cls,
        corpus: Sequence[Path | str] = (DEFAULT_CORPUS,),
        index_dir: Path | str = DEFAULT_INDEX,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        read_only: bool = False,
        config: IndexConfig = DEFAULT_INDEX_CONFIG,
        progress: Progress | None = None,
    ) -> Searcher:
        """Open the index for ``corpus``, building or rebuilding it first when it is missing
        or stale (or raising :class:`StaleIndexError`/:class:`MissingIndexError` when
        ``read_only``). ``embedder`` overrides model loading (tests pass a tiny model)."""
        say = progress or (lambda _message: None)
        analyzer = Analyzer()
        glossary = load_glossary(analyzer)
        if embedder is not None:
            status = ModelStatus(model_id=embedder.model_id, available=True, backend=embedder.backend)
        else:
            embedder, status = load_embedder(requested_model(model))
            if not status.available:
                say(status.notice)
            elif status.reason:  # a fallback: the console says which model runs, and why
                say(f"Embedding model: {status.model_id}, because {status.reason}")
        current = fingerprint(corpus, embedder, glossary, config)
        try:
            index = load_index(Path(index_dir), current)
        except (MissingIndexError, StaleIndexError, CorruptIndexError) as problem:
            if read_only:
                raise
            say(f"{problem}; building the index")
            build_index(
                corpus,
                Path(index_dir),
                embedder=embedder,
                analyzer=analyzer,
                glossary=glossary,
                config=config,
                progress=progress,
            )
            index = load_index(Path(index_dir), fingerprint(corpus, embedder, glossary, config))
        if embedder is not None and index.has_vectors:
            single_query_faiss()
        return cls(index=index, analyzer=analyzer, glossary=glossary, embedder=embedder, model_status=status)

    @property
    def mode(self) -> str:
        """``"hybrid"`` when dense vectors can be queried, else ``"keyword"``."""
        return HYBRID if self._dense_ready else KEYWORD

    @property
    def _dense_ready(self) -> bool:
        return self.embedder is not None and self.index.has_vectors

    @property
    def chunks(self) -> ChunkTable:
        """Every passage, in index order (records are read as they are asked for)."""
        return self.index.chunks

    @cached_property
    def chunk_by_id(self) -> dict[str, Chunk]:
        """Every chunk under its id (reads every record: for the app and the evaluation)."""
        return {chunk.chunk_id: chunk for chunk in self.chunks}

    def section_windows(self, chunk: Chunk) -> tuple[Chunk, ...]:
        """All windows of the section ``chunk`` belongs to, in order."""
        ordinals = self.chunks.section_of(chunk.doc_id, chunk.section_ordinal)
        return tuple(self.chunks[i] for i in ordinals.tolist()) or (chunk,)

    def card_sections(self, doc_id: str) -> tuple[Chunk, ...]:
        """The first window of every section of card ``doc_id``, in the card's order."""
        ordinals = self.chunks.of_doc(doc_id)
        sections = self.chunks.column("section_ordinal")[ordinals]
        # The first window of each section: index order within a section, sections by ordinal.
        _values, first = np.unique(sections, return_index=True)
        return tuple(self.chunks[i] for i in ordinals[first].tolist())

    def search(
        self, query: str, k: int = 5, filters: Filters | None = None, options: SearchOptions | None = None
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query`` (one per section), best first."""
        options = options or self.options
        filters = filters or Filters()
        query = " ".join(query.split())[:MAX_QUERY_CHARS]
        if not query or k <= 0:
            return []
        retrievers = options.retrievers
        if retrievers in (HYBRID, DENSE) and not self._dense_ready:
            retrievers = KEYWORD
        # Rankings stay numpy arrays over all chunks; only the hits become Python objects.
        wanted = asdict(filters)  # FilterIndex names Filters' fields
        allowed = self._filter_index.mask(wanted) if any(wanted.values()) else None
        if retrievers == HYBRID:
            # The vector search runs beside the keyword scoring: they are independent, and
            # FAISS releases the GIL, so on two cores a hybrid search costs the slower of them.
            pending = _dense_searches().submit(self._dense_ranking, query, allowed)
            try:
                keyword = self._keyword_ranking(query, allowed, options)
            finally:
                dense = pending.result()
        else:
            keyword = self._keyword_ranking(query, allowed, options) if retrievers == KEYWORD else None
            dense = self._dense_ranking(query, allowed) if retrievers == DENSE else None
        if keyword is not None and dense is not None:
            fused = self._fuse(keyword, dense, options)
        else:
            fused = keyword if keyword is not None else dense
        assert fused is not None
        chunks = self.chunks
        sections = chunks.sections_of
        hits: list[Hit] = []
        for ordinal in best_per_section(fused, k, lambda i: int(sections[i])):
            kw_rank, kw_score = _rank_and_score(keyword, ordinal)
            de_rank, de_score = _rank_and_score(dense, ordinal)
            score = float(fused.scores[ordinal])
            hits.append(
                Hit(len(hits) + 1, score, chunks[ordinal], retrievers, kw_rank, kw_score, de_rank, de_score)
            )
        return hits

    def _fuse(self, keyword: Ranking, dense: Ranking, options: SearchOptions) -> Ranking:
        get_fusion(options.fusion)  # an unknown name fails as it always did, naming the valid ones
        weights = [1.0 - options.dense_weight, options.dense_weight]
        if options.fusion == "rrf":
            return reciprocal_rank_fusion([keyword, dense], k=options.rrf_k, weights=[2 * w for w in weights])
        return convex_combination([keyword, dense], weights=weights)

    @property
    def _chunk_order(self) -> ChunkOrder:
        return self.chunks.order

    @property
    def _filter_index(self) -> FilterIndex:
        return self.chunks.filter_index

    def _keyword_ranking(self, query: str, allowed: np.ndarray | None, options: SearchOptions) -> Ranking:
        terms = self.analyzer.query_terms(query)
        bridge: tuple[QueryTerm, ...] = ()
        if options.glossary and options.glossary_weight > 0:
            own = {variant for term in terms for variant in term.variants}
            bridge = self.glossary.expand(query, own).terms
        # The query's words and the glossary's in one pass over their postings.
        scores = self.index.keyword.scores(terms, bridge, options.glossary_weight)
        if options.section_boost > 0 or options.section_floor > 0:
            # A question that names a section ("what were the outcomes") prefers that section
            # of every practice. The floor also lifts asked-for sections that share no word
            # with the question (a contacts section is names and e-mails).
            wanted = self.asked_sections(query)
            if wanted:
                asked = self.chunks.in_values("sections", wanted)
                top = float(scores.max()) if len(scores) else 0.0
                scores = scores * np.where(asked, 1.0 + options.section_boost, 1.0)
                scores = scores + asked * options.section_floor * (top if top > 0 else 1.0)
        return Ranking.positive(scores, allowed, self._chunk_order)

    def asked_sections(self, query: str) -> set[str]:
        """Section keys the query asks for by name or synonym, in any language."""
        return set(self._cues.asked(query))

    @cached_property
    def _cues(self) -> CueShortlist:
        return CueShortlist.of(self.intents)

    def section_prior(self, vector: np.ndarray) -> dict[str, float]:
        """Section key -> probability that the question embedded as ``vector`` asks for it; empty
        when the shipped section probe was fitted for another model."""
        probe = load_probe()
        if probe is None or self.embedder is None or not probe.fits(self.embedder.model_id):
            return {}
        return probe.probabilities(vector)

    def acronyms(self, doc_id: str) -> dict[str, str]:
        """Acronym -> long form, as the card (or front matter) ``doc_id`` spells them out
        (read from that card's passages the first time it is asked for)."""
        found = self._acronym_cache.get(doc_id)
        if found is None:
            chunks = [self.chunks[i] for i in self.chunks.of_doc(doc_id).tolist()]
            parts = [chunks[0].title, *(chunk.text for chunk in chunks)] if chunks else []
            found = self._acronym_cache[doc_id] = spelled_out("\n".join(parts)) if chunks else {}
        return found

    @cached_property
    def coverage(self) -> Coverage:
        """What the indexed collection mentions (countries, words), to tell "not covered":
        stored at index build, read on first use."""
        return self.index.coverage()

    def query_vector(self, query: str) -> np.ndarray:
        """The embedding of ``query``, computed once however many steps (search, answer) use it."""
        assert self.embedder is not None
        query = " ".join(query.split())
        vector = self._query_vectors.get(query)
        if vector is None:
            vector = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
            if len(self._query_vectors) >= _QUERY_CACHE:
                self._query_vectors.pop(next(iter(self._query_vectors)))
            self._query_vectors[query] = vector
        return vector

    def _dense_ranking(self, query: str, allowed: np.ndarray | None) -> Ranking:
        assert self.embedder is not None and self.index.vectors is not None
        vector = self.query_vector(query)
        # Exact search ranks everything (filters then cut); HNSW returns a generous shortlist.
        size = self.index.vectors.size
        limit = size if self.index.vectors.kind == "flat" else min(size, _HNSW_SHORTLIST)
        ordinals, scores = self.index.vectors.search_arrays(vector, limit)
        return Ranking.of_pairs(ordinals, scores, len(self.chunks), allowed, self._chunk_order)

    def status(self) -> dict[str, Any]:
        """What is indexed and how search runs, for status lines."""
        chunks = self.chunks
        cards = chunks.in_values("kinds", {"card"})
        return {
            "mode": self.mode,
            "model": self.model_status.model_id,
            "notice": self.model_status.notice,
            "practices": len(np.unique(chunks.column("doc_ids")[cards])),
            "chunks": len(chunks),
            "languages": sorted({chunks.values["langs"][code] for code in np.unique(chunks.column("langs"))}),
            "glossary_concepts": len(self.glossary),
            "index": str(self.index.folder),
            "built": self.index.manifest.created,
        }


@lru_cache(maxsize=1)
def _dense_searches() -> ThreadPoolExecutor:
    """The threads hybrid searches run their vector search in (made on first use). FAISS's
    thread count is per calling thread, so each of them is set to one, as the searcher's is."""
    return ThreadPoolExecutor(
        max_workers=_DENSE_THREADS, thread_name_prefix="dense-search", initializer=single_query_faiss
    )


def _rank_and_score(ranking: Ranking | None, ordinal: int) -> tuple[int | None, float | None]:
    """A hit's rank and score in one retriever's ranking (None, None when it is not in it)."""
    rank = ranking.rank(ordinal) if ranking is not None else None
    return (None, None) if rank is None else (rank, float(ranking.scores[ordinal]))
