"""Extractive answers: the one to three sentences of the top hits that best answer a question,
each verified to be a verbatim slice of the chunk it cites.

No language model writes anything: a quote is the compendium's own words in its own language,
with a marker [n] pointing at practice, author, section, page and language. Sentences are
ranked by a linear scorer fitted on the evaluation collection's dev split (see
:mod:`compendium.answer.scorer`); when nothing answers clearly, the answer says so instead of
forcing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from compendium.acronyms import expansions_in
from compendium.answer.candidates import Candidate, answer_sources, candidates, is_figure_row
from compendium.answer.features import FEATURES, QuestionCues, coverages, feature_matrix
from compendium.answer.named import absent_organisations
from compendium.answer.records import (
    NO_CLEAR_ANSWER,
    Answer,
    Citation,
    Quote,
    not_covered_message,
    not_given_message,
)
from compendium.answer.scorer import AnswerWeights, load_weights
from compendium.answer.units import Unit, UnitEvidence
from compendium.records import Chunk

if TYPE_CHECKING:
    from compendium.search import Hit, Searcher, SearchOptions

MAX_QUOTES = 3
#: An answer may quote the best-ranked sections and every section of the best-ranked card.
CANDIDATE_HITS = 3
CANDIDATE_CARDS = 1
# Share of the question's (idf-weighted) words a sentence must contain to count as an answer.
_MIN_COVERAGE = 0.2
# With a real embedding model, a sentence this similar to the question answers it even when
# it shares no word with it (a question in another language).
_MIN_DENSE = 0.82
# How far above its total row (in characters) a table's other rows may start.
_TABLE_REACH = 1500


def build_answer(
    searcher: Searcher,
    query: str,
    hits: Sequence[Hit],
    max_quotes: int = MAX_QUOTES,
    *,
    dense: bool = True,
    options: SearchOptions | None = None,
    weights: AnswerWeights | None = None,
) -> Answer:
    """Pick and verify the sentences of ``hits`` that best answer ``query``.

    ``dense`` lets sentence similarity use the embedding model when one is loaded; ``options``
    (the search's) decide whether glossary translations count as the question's words;
    ``weights`` replaces the shipped scorer (the fitting script passes its own).
    """
    query = " ".join(query.split())
    missing = searcher.coverage.missing(query) + absent_organisations(searcher, query)
    if missing:
        return _declined(query, not_covered_message(missing), missing)
    found = candidates(searcher, answer_sources(searcher, hits, CANDIDATE_HITS, CANDIDATE_CARDS))
    if not query or not found:
        return _declined(query, NO_CLEAR_ANSWER)
    units = UnitEvidence.of(query, [candidate.quoted for candidate in found])
    if units.unstated:
        return _not_given(query, units.unstated)
    use_glossary = options.glossary if options is not None else searcher.options.glossary
    use_dense = dense and searcher.embedder is not None and searcher.index.vectors is not None
    cues = QuestionCues.of(searcher, query, use_glossary, searcher.query_vector(query) if use_dense else None)
    similarity = sentence_similarities(searcher, query, found) if use_dense else None
    coverage = coverages(searcher, cues, found)
    if coverage.max() < _MIN_COVERAGE and not (similarity is not None and similarity.max() >= _MIN_DENSE):
        return _declined(query, NO_CLEAR_ANSWER)
    weights = weights or load_weights()
    mode = "dense" if use_dense else "keyword"
    matrix = feature_matrix(searcher, cues, found, similarity)
    scores = _units_first(sentence_scores(weights, matrix, mode, found, cues), units)
    chosen = choose(found, scores, max_quotes, weights.follower_margin)
    picked = [(found[i], float(scores[i]), weights.reasons(matrix[i], mode)) for i in chosen]
    return _quoted(searcher, query, picked)


def choose(found: Sequence[Candidate], scores: np.ndarray, max_quotes: int, margin: float) -> list[int]:
    """Indices of the quotes: the best-scored sentence, then up to ``max_quotes - 1`` more whose
    score is within ``margin`` of it, skipping captions, overlaps and a second figure row of one table
    (after its total, the other rows only repeat the pattern). Reading order within a chunk,
    chunks in rank order, so quotes read as the source does."""
    captions = _captions(found)
    order = sorted(
        (i for i in range(len(found)) if i not in captions),
        key=lambda i: (-scores[i], found[i].hit_rank, found[i].start),
    )
    chosen: list[int] = []
    for index in order:
        if len(chosen) == max_quotes or scores[index] < scores[order[0]] - margin:
            break
        candidate = found[index]
        if any(_clashes(candidate, found[other]) for other in chosen):
            continue
        chosen.append(index)
    return sorted(chosen, key=lambda i: (found[i].hit_rank, found[i].start))


def sentence_scores(
    weights: AnswerWeights,
    matrix: np.ndarray,
    mode: str,
    found: Sequence[Candidate],
    cues: QuestionCues,
) -> np.ndarray:
    """The fitted score of each candidate, totals lifted for "how many" questions."""
    scores = weights.scores(matrix, mode)
    if not cues.asks_figure:
        return scores
    return totals_first(found, scores, matrix[:, FEATURES.index("coverage")])


def totals_first(found: Sequence[Candidate], scores: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """A total row scores as well as the best figure row above it in its section that matches
    the question no better than the total: asked "how many", the total answers for the whole
    table ("Total general 74.004"); asked about one zone, that zone's row still wins. Rows are
    matched by section position, as a table may be split across two windows."""
    scores = scores.copy()
    rows = [i for i, candidate in enumerate(found) if is_figure_row(candidate)]
    for total in rows:
        if not found[total].text.lstrip().lower().startswith("total"):
            continue
        section, at = _section_position(found[total])
        above = [
            scores[i]
            for i in rows
            if coverage[i] <= coverage[total]
            and _section_position(found[i])[0] == section
            and 0 < at - _section_position(found[i])[1] <= _TABLE_REACH
        ]
        if above:
            scores[total] = max(scores[total], max(above) + 1e-6)
    return scores


def _section_position(candidate: Candidate) -> tuple[tuple[str, int], int]:
    chunk = candidate.chunk
    return (chunk.doc_id, chunk.section_ordinal), chunk.start + candidate.start


def verify_quote(quote: Quote, chunk: Chunk) -> bool:
    """True when the quote (and its lead) is exactly the slice of the chunk it claims to be."""
    return (
        chunk.chunk_id == quote.chunk_id
        and chunk.text[quote.start : quote.end] == quote.text
        and chunk.text[quote.lead_start : quote.lead_end] == quote.lead
    )


def sentence_similarities(searcher: Searcher, query: str, found: Sequence[Candidate]) -> np.ndarray:
    """Cosine similarity of each candidate sentence to the question (vectors stored at build)."""
    return searcher.embed_sentences([c.text for c in found]) @ searcher.query_vector(query)


def _quoted(
    searcher: Searcher, query: str, chosen: Sequence[tuple[Candidate, float, tuple[str, ...]]]
) -> Answer:
    """The answer quoting ``chosen`` (candidate, score, reasons) in order, one marker per chunk."""
    markers: dict[str, int] = {}
    quotes: list[Quote] = []
    for candidate, score, reasons in chosen:
        chunk = candidate.chunk
        text = candidate.text
        if not text or text not in chunk.text:  # never show what the source does not say
            continue
        marker = markers.setdefault(chunk.chunk_id, len(markers) + 1)
        lead_start, lead_end = candidate.lead or (0, 0)
        lead = chunk.text[lead_start:lead_end]
        expansions = expansions_in(lead + "\n" + text, searcher.acronyms(chunk.doc_id))
        quotes.append(
            Quote(
                text,
                marker,
                chunk.chunk_id,
                candidate.start,
                candidate.end,
                chunk.lang,
                round(score, 4),
                expansions,
                lead,
                lead_start,
                lead_end,
                reasons,
            )
        )
    if not quotes:
        return _declined(query, NO_CLEAR_ANSWER)
    by_id = {candidate.chunk.chunk_id: candidate.chunk for candidate, _score, _reasons in chosen}
    citations = tuple(Citation.of(marker, by_id[chunk_id]) for chunk_id, marker in markers.items())
    return Answer(query=query, quotes=tuple(quotes), citations=citations, clear=True)


def _units_first(scores: np.ndarray, units: UnitEvidence) -> np.ndarray:
    """Asked a figure per hour, the sentences that give one outrank every other: a figure per
    season answers another question, however well it matches."""
    if not units.asked:
        return scores
    lift = float(scores.max() - scores.min()) + 1.0
    return scores + lift * units.gives_all


def _not_given(query: str, unstated: Sequence[Unit]) -> Answer:
    per = {
        lang: " / ".join(unit.shown_as.get(lang, unit.key) for unit in unstated)
        for lang in ("en", "es", "fr", "pt")
    }
    return Answer(query, (), (), clear=False, message=not_given_message(per["en"]), unstated=per)


def _declined(query: str, message: str, missing: tuple[str, ...] = ()) -> Answer:
    return Answer(query=query, quotes=(), citations=(), clear=False, message=message, missing=missing)


def _captions(found: Sequence[Candidate]) -> set[int]:
    """Candidates that are the caption or lead-in of another: shown with what they introduce
    ("Población atendida … Total general 74.004"), never quoted alone."""
    leads = [
        (c.chunk.doc_id, c.chunk.section_ordinal, c.chunk.start + c.lead[0], c.chunk.start + c.lead[1])
        for c in found
        if c.lead is not None
    ]
    captions = set()
    for index, candidate in enumerate(found):
        where = (candidate.chunk.doc_id, candidate.chunk.section_ordinal)
        start, end = candidate.chunk.start + candidate.start, candidate.chunk.start + candidate.end
        if any(lead[:2] == where and lead[2] <= start and end <= lead[3] for lead in leads):
            captions.add(index)
    return captions


def _clashes(a: Candidate, b: Candidate) -> bool:
    """Two quotes that would say the same thing twice: overlapping text (a caption quoted and
    also shown as the lead of its row), or two figure rows of one table."""
    return _overlaps(a, b) or _in_lead(a, b) or _in_lead(b, a) or _same_table_rows(a, b)


def _in_lead(a: Candidate, b: Candidate) -> bool:
    """``a`` overlaps the lead shown with ``b``."""
    same_section = a.chunk.doc_id == b.chunk.doc_id and a.chunk.section_ordinal == b.chunk.section_ordinal
    if b.lead is None or not same_section:
        return False
    start, end = b.chunk.start + b.lead[0], b.chunk.start + b.lead[1]
    return start < a.chunk.start + a.end and a.chunk.start + a.start < end


def _same_table_rows(a: Candidate, b: Candidate) -> bool:
    return a.block is not None and a.block == b.block and is_figure_row(a) and is_figure_row(b)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.chunk.chunk_id == b.chunk.chunk_id and a.start < b.end and b.start < a.end
