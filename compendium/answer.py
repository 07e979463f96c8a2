"""Extractive answers: the one to three sentences of the top hits that best answer a question,
each verified to be a verbatim slice of the chunk it cites.

No language model writes anything: a quote is the compendium's own words in its own language,
with a marker [n] pointing at practice, author, section, page and language. When nothing
answers clearly, the answer says so instead of forcing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from compendium.acronyms import expansions_in
from compendium.analyzer import QueryTerm
from compendium.glossary import Expansion
from compendium.records import Chunk
from compendium.sentences import quotable_spans

if TYPE_CHECKING:
    from compendium.search import Hit, Searcher, SearchOptions

MAX_QUOTES = 3
_CANDIDATE_HITS = 5
# Share of the question's (idf-weighted) words a sentence must contain to count as an answer.
_MIN_COVERAGE = 0.2
# With a real embedding model, a sentence this similar to the question answers it even when
# it shares no word with it (a question in another language).
_MIN_DENSE = 0.82
_FOLLOWER_SHARE = 0.7
_FOLLOWER_EVIDENCE = 0.5
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_BLOCK_LINE_WORDS = 12
_BLOCK_SHARE = 0.7
_NUMERIC_QUESTION = re.compile(
    r"\b(?:cu[aá]nt[oa]s?|how (?:many|much)|combien|quant[oa]s?|n[uú]mero|number|nombre|total|cifra|figure)\b",
    re.IGNORECASE,
)
_DATE_QUESTION = re.compile(
    r"\b(?:cu[aá]ndo|when|quand|quando|what year|which year|en qu[eé] año|em que ano|en quelle ann[ée]e|dates?|fecha)\b",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:(?:19|20)\d\d|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|janvier|février|mars|"
    r"avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|janeiro|fevereiro|março|maio|junho|julho|"
    r"agosto|setembro|outubro|novembro|dezembro)\b",
    re.IGNORECASE,
)
NO_CLEAR_ANSWER = "No passage answers this clearly; the closest passages are below."


def not_covered_message(missing: Sequence[str]) -> str:
    """The plain reply to a question about something the collection never mentions."""
    return (
        f"Not covered: no practice in the collection mentions {', '.join(missing)}. "
        "The closest passages are below, as related reading, not as an answer."
    )


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from: enough to find it in the printed compendium."""

    marker: int
    chunk_id: str
    doc_id: str
    title: str
    author: str | None
    section: str
    section_label: str
    page: int | None
    lang: str
    text: str

    @classmethod
    def of(cls, marker: int, chunk: Chunk) -> Citation:
        return cls(
            marker=marker,
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            title=chunk.short_title,
            author=chunk.author,
            section=chunk.section,
            section_label=chunk.section_label,
            page=chunk.page,
            lang=chunk.lang,
            text=chunk.citation,
        )


@dataclass(frozen=True)
class Quote:
    """A sentence quoted verbatim: ``chunk.text[start:end] == text``."""

    text: str
    marker: int
    chunk_id: str
    start: int
    end: int
    lang: str
    score: float
    #: (acronym, long form) for each acronym of the quote that its card spells out elsewhere:
    #: shown beside the quote, never inside it.
    expansions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Answer:
    """The answer to one question: quotes with markers, their citations, or a plain 'no'."""

    query: str
    quotes: tuple[Quote, ...]
    citations: tuple[Citation, ...]
    clear: bool
    message: str = ""
    #: Key concepts of the question that the collection never mentions (why it is not covered).
    missing: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The answer as one line of text: each quote followed by its marker."""
        if not self.clear:
            return self.message
        return " ".join(f"{quote.text} [{quote.marker}]" for quote in self.quotes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "clear": self.clear,
            "text": self.text,
            "message": self.message,
            "missing": list(self.missing),
            "quotes": [quote.__dict__ for quote in self.quotes],
            "citations": [citation.__dict__ for citation in self.citations],
        }


@dataclass(frozen=True)
class _Candidate:
    chunk: Chunk
    start: int
    end: int
    hit_rank: int
    coverage: float
    dense: float
    score: float
    block: tuple[str, int, int, int] | None = None


def build_answer(
    searcher: Searcher,
    query: str,
    hits: Sequence[Hit],
    max_quotes: int = MAX_QUOTES,
    *,
    dense: bool = True,
    options: SearchOptions | None = None,
) -> Answer:
    """Pick and verify the sentences of ``hits`` that best answer ``query``.

    ``dense`` lets sentence similarity use the embedding model when one is loaded; ``options``
    (the search's) decide whether glossary translations count as the question's words.
    """
    query = " ".join(query.split())
    missing = searcher.coverage.missing(query)
    if missing:
        return Answer(
            query=query,
            quotes=(),
            citations=(),
            clear=False,
            message=not_covered_message(missing),
            missing=missing,
        )
    candidates = _candidates(searcher, hits[:_CANDIDATE_HITS])
    if not query or not candidates:
        return Answer(query=query, quotes=(), citations=(), clear=False, message=NO_CLEAR_ANSWER)
    use_glossary = options.glossary if options is not None else searcher.options.glossary
    use_dense = dense and searcher.embedder is not None and searcher.index.vectors is not None
    scored = _score(searcher, query, candidates, use_glossary=use_glossary, use_dense=use_dense)
    best = max(scored, key=lambda c: c.score)
    best_coverage = max(c.coverage for c in scored)
    best_dense = max(c.dense for c in scored)
    if best_coverage < _MIN_COVERAGE and not (use_dense and best_dense >= _MIN_DENSE):
        return Answer(query=query, quotes=(), citations=(), clear=False, message=NO_CLEAR_ANSWER)
    chosen: list[_Candidate] = []
    for candidate in sorted(scored, key=lambda c: (-c.score, c.hit_rank, c.start)):
        if len(chosen) == max_quotes or candidate.score < _FOLLOWER_SHARE * best.score:
            break
        # A follower must share real evidence with the question, not just bonuses, unless it
        # continues the table whose caption was chosen.
        same_table = candidate.block is not None and any(candidate.block == other.block for other in chosen)
        if chosen and candidate.coverage < _FOLLOWER_EVIDENCE * best.coverage and not same_table:
            continue
        # One figure per table: after its total, the other rows only repeat the pattern.
        if any(_same_block_rows(candidate, other) for other in chosen):
            continue
        if any(_overlaps(candidate, other) for other in chosen):
            continue
        chosen.append(candidate)
    # Reading order within a chunk, chunks in rank order: quotes read as the source does.
    chosen.sort(key=lambda c: (c.hit_rank, c.start))
    markers: dict[str, int] = {}
    quotes: list[Quote] = []
    for candidate in chosen:
        text = candidate.chunk.text[candidate.start : candidate.end]
        if not text or text not in candidate.chunk.text:  # never show what the source does not say
            continue
        marker = markers.setdefault(candidate.chunk.chunk_id, len(markers) + 1)
        quotes.append(
            Quote(
                text,
                marker,
                candidate.chunk.chunk_id,
                candidate.start,
                candidate.end,
                candidate.chunk.lang,
                round(candidate.score, 4),
                expansions_in(text, searcher.acronyms(candidate.chunk.doc_id)),
            )
        )
    by_id = {candidate.chunk.chunk_id: candidate.chunk for candidate in chosen}
    citations = tuple(Citation.of(marker, by_id[chunk_id]) for chunk_id, marker in markers.items())
    return Answer(
        query=query,
        quotes=tuple(quotes),
        citations=citations,
        clear=bool(quotes),
        message="" if quotes else NO_CLEAR_ANSWER,
    )


def verify_quote(quote: Quote, chunk: Chunk) -> bool:
    """True when the quote is exactly the slice of the chunk it claims to be."""
    return chunk.chunk_id == quote.chunk_id and chunk.text[quote.start : quote.end] == quote.text


def _candidates(searcher: Searcher, hits: Sequence[Hit]) -> list[_Candidate]:
    """Sentences of the top hits' whole sections: search keeps one window per section, but
    the answer may sit in a sibling window (the total row of a table split in two)."""
    found = []
    seen: set[tuple[str, int, int]] = set()
    for hit in hits:
        siblings = sorted(searcher.section_windows(hit.chunk), key=lambda c: c.chunk_id != hit.chunk.chunk_id)
        for chunk in siblings:
            for start, end in quotable_spans(chunk.text):
                where = (chunk.doc_id, chunk.section_ordinal, chunk.start + start)
                if where in seen:
                    continue
                seen.add(where)
                found.append(_Candidate(chunk, start, end, hit.rank, 0.0, 0.0, 0.0))
    return found


def _blocks(chunk_text: str) -> list[tuple[int, int]]:
    """Runs of consecutive short lines without final punctuation: captions, headings and the
    rows of a table. A row ("Total general 74.004") says little alone; its caption says what
    it counts, so rows inherit the evidence of the lines above them in the block."""
    blocks: list[tuple[int, int]] = []
    position = 0
    current: tuple[int, int] | None = None
    for line in chunk_text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        stripped = line.strip()
        short = 0 < len(stripped.split()) <= _BLOCK_LINE_WORDS and not stripped.endswith((".", ";", "!", "?"))
        if short:
            current = (current[0], end) if current else (start, end)
        else:
            if current:
                blocks.append(current)
            current = None
    if current:
        blocks.append(current)
    return blocks


def _score(
    searcher: Searcher, query: str, candidates: list[_Candidate], *, use_glossary: bool, use_dense: bool
) -> list[_Candidate]:
    analyzer = searcher.analyzer
    terms = analyzer.query_terms(query)
    own = {variant for term in terms for variant in term.variants}
    expansion = searcher.glossary.expand(query, own) if use_glossary else Expansion(concepts=(), terms=())
    # Each question word is one slot, met by the word itself or by one of its translations
    # from the glossary (which stand for the user's own word), counted once, by its idf.
    slots = []
    for term in terms:
        translations = expansion.translations_of(term.surface)
        # A word weighs what its rarest known form weighs: an English word has no idf in a
        # Spanish corpus, but its translation does.
        weight = max(
            [_idf(searcher, term)]
            + [max(map(searcher.index.keyword.idf, p), default=0.0) for p in translations]
        )
        slots.append((term.variants, translations, weight))
    total = sum(weight for _own, _translations, weight in slots) or 1.0
    numbers = {t for t in analyzer.tokens(query) if t[0].isdigit()}
    names = set(re.findall(r"\b[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*[A-ZÁÉÍÓÚÑ]\w*\b|\b[A-Z]{2,}\b", query))
    numeric_question = bool(_NUMERIC_QUESTION.search(query))
    date_question = bool(_DATE_QUESTION.search(query))
    dense = _dense_similarities(searcher, query, candidates) if use_dense else None

    coverages = []
    for candidate in candidates:
        text = candidate.chunk.text[candidate.start : candidate.end]
        sentence_terms = set(analyzer.document_terms(text, candidate.chunk.lang))
        matched = sum(
            weight
            for own_stems, translations, weight in slots
            if own_stems & sentence_terms or any(set(phrase) <= sentence_terms for phrase in translations)
        )
        coverages.append(matched / total)
    context, blocks = _block_context(candidates, coverages)

    scored = []
    for index, candidate in enumerate(candidates):
        text = candidate.chunk.text[candidate.start : candidate.end]
        coverage = coverages[index]
        evidence = coverage + context[index]
        score = evidence
        shared_numbers = numbers & set(analyzer.tokens(text))
        if shared_numbers:
            score += 0.3 if any(not _YEAR.match(number) for number in shared_numbers) else 0.1
        if names and any(name in text for name in names):
            score += 0.1
        if numeric_question and evidence > 0 and any(not _YEAR.match(t) for t in _NUMBERS.findall(text)):
            score += 0.25
            # "How many in all?" over a table is answered by its total row ("Total general",
            # "Total", "Totale", "Totais": the same word opens it in all four languages).
            if text.lstrip().lower().startswith("total"):
                score += 0.15
        if date_question and evidence > 0 and _DATE_WORDS.search(text):
            score += 0.25
        score += 0.1 / candidate.hit_rank
        similarity = float(dense[index]) if dense is not None else 0.0
        if dense is not None:
            score = 0.5 * score + 0.5 * similarity
        scored.append(
            _Candidate(
                candidate.chunk,
                candidate.start,
                candidate.end,
                candidate.hit_rank,
                evidence,
                similarity,
                score,
                blocks[index],
            )
        )
    return scored


def _block_context(
    candidates: list[_Candidate], coverages: list[float]
) -> tuple[list[float], list[tuple[str, int, int, int] | None]]:
    """For each candidate inside a block of short lines, a share of the best coverage of the
    lines above it in that block, and the block itself. Positions are taken within the
    section, since the lines of one block may have been read from two overlapping windows."""
    blocks: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for candidate in candidates:
        chunk = candidate.chunk
        section = blocks.setdefault((chunk.doc_id, chunk.section_ordinal), [])
        for start, end in _blocks(chunk.text):
            if (chunk.start + start, chunk.start + end) not in section:
                section.append((chunk.start + start, chunk.start + end))
    context = [0.0] * len(candidates)
    found: list[tuple[str, int, int, int] | None] = [None] * len(candidates)
    for index, candidate in enumerate(candidates):
        key = (candidate.chunk.doc_id, candidate.chunk.section_ordinal)
        begin = candidate.chunk.start + candidate.start
        finish = candidate.chunk.start + candidate.end
        block = next((b for b in blocks[key] if b[0] <= begin and finish <= b[1]), None)
        if block is None:
            continue
        found[index] = (*key, *block)
        above = [
            coverages[other]
            for other, peer in enumerate(candidates)
            if (peer.chunk.doc_id, peer.chunk.section_ordinal) == key
            and block[0] <= peer.chunk.start + peer.start < begin
        ]
        context[index] = _BLOCK_SHARE * max(above, default=0.0)
    return context, found


def _idf(searcher: Searcher, term: QueryTerm) -> float:
    return max((searcher.index.keyword.idf(variant) for variant in term.variants), default=0.0) or 0.1


def _dense_similarities(searcher: Searcher, query: str, candidates: list[_Candidate]) -> np.ndarray:
    texts = [c.chunk.text[c.start : c.end] for c in candidates]
    return searcher.embed_sentences(texts) @ searcher.query_vector(query)


def _is_row(candidate: _Candidate) -> bool:
    text = candidate.chunk.text[candidate.start : candidate.end]
    return (
        any(not _YEAR.match(number) for number in _NUMBERS.findall(text))
        and len(text.split()) <= _BLOCK_LINE_WORDS
    )


def _same_block_rows(a: _Candidate, b: _Candidate) -> bool:
    """Both are figure rows of the same table (the same block of short lines)."""
    return a.block is not None and a.block == b.block and _is_row(a) and _is_row(b)


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    return a.chunk.chunk_id == b.chunk.chunk_id and a.start < b.end and b.start < a.end
