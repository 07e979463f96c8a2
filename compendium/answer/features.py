"""What is known about each candidate sentence, as numbers a fitted scorer weighs: how much of
the question it covers (in its own words or the glossary's translations), how close it is in
meaning, how well its section ranked, whether it is the section the question asks for, and
whether it holds the kind of fact asked (a figure, a date, a name)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from compendium.answer.candidates import Candidate, block_context, figures
from compendium.glossary import Expansion

if TYPE_CHECKING:
    from compendium.search import Searcher

#: The feature columns, in order; the weights file must list exactly these.
FEATURES = (
    "coverage",
    "coverage_z",
    "focus",
    "context",
    "dense_z",
    "dense_rank",
    "dense_card_z",
    "section_dense_z",
    "inverse_rank",
    "top_hit",
    "hit_score",
    "asked_section",
    "section_prior",
    "other_section",
    "objectives_unasked",
    "shared_number",
    "shared_year",
    "figure_for_figure",
    "date_for_date",
    "shared_name",
    "fragment",
)
_BLOCK_SHARE = 0.7
_NAMES = re.compile(r"\b[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*[A-ZÁÉÍÓÚÑ]\w*\b|\b[A-Z]{2,}\b")
_FRAGMENT_WORDS = 5
_YEAR = re.compile(r"^(?:19|20)\d\d$")
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


@dataclass(frozen=True)
class QuestionCues:
    """The question, analysed once for the answer: its weighted word slots, figures, names,
    the kind of fact it asks for, and the sections it names."""

    slots: tuple[tuple[frozenset[str], frozenset[tuple[str, ...]], float], ...]
    numbers: frozenset[str]
    names: frozenset[str]
    asks_figure: bool
    asks_date: bool
    asked_sections: frozenset[str]
    #: Section key -> probability that the question asks for it, read from its query vector by
    #: the section probe; empty without the model the probe was fitted for.
    section_prior: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(
        cls, searcher: Searcher, query: str, use_glossary: bool, vector: np.ndarray | None = None
    ) -> QuestionCues:
        """The question analysed for the answer; ``vector`` (its embedding, when the model
        runs) lets the section probe say which section it asks for."""
        analyzer = searcher.analyzer
        terms = analyzer.query_terms(query)
        own = {variant for term in terms for variant in term.variants}
        expansion = searcher.glossary.expand(query, own) if use_glossary else Expansion(concepts=(), terms=())
        keyword = searcher.index.keyword
        slots = []
        for term in terms:
            # A question word is met by itself or by a glossary translation; it weighs what its
            # rarest known form weighs (an English word has no idf in a Spanish corpus).
            translations = expansion.translations_of(term.surface)
            own_idf = max((keyword.idf(variant) for variant in term.variants), default=0.0) or 0.1
            weight = max([own_idf] + [max(map(keyword.idf, phrase), default=0.0) for phrase in translations])
            slots.append((frozenset(term.variants), translations, weight))
        return cls(
            slots=tuple(slots),
            numbers=frozenset(t for t in analyzer.tokens(query) if t[0].isdigit()),
            names=frozenset(_NAMES.findall(query)),
            asks_figure=bool(_NUMERIC_QUESTION.search(query)),
            asks_date=bool(_DATE_QUESTION.search(query)),
            asked_sections=frozenset(searcher.asked_sections(query)),
            section_prior=_without(searcher.section_prior(vector), searcher.intents.ruled_out(query))
            if vector is not None
            else {},
        )

    def coverage(self, sentence_terms: set[str]) -> float:
        """Share of the question's idf weight that the sentence's terms meet."""
        total = sum(slot[2] for slot in self.slots) or 1.0
        return sum(slot[2] for slot in self.slots if self.meets(slot, sentence_terms)) / total

    @staticmethod
    def meets(
        slot: tuple[frozenset[str], frozenset[tuple[str, ...]], float], sentence_terms: set[str]
    ) -> bool:
        """The sentence holds the question word, or one of its glossary translations whole."""
        own, translations, _weight = slot
        return bool(own & sentence_terms) or any(set(phrase) <= sentence_terms for phrase in translations)


def _without(prior: dict[str, float], ruled_out: frozenset[str]) -> dict[str, float]:
    """The section probe's shares with ``ruled_out`` sections at zero, the rest rescaled: the
    probe reads "pay" and "cost" as funding, which a rate question does not ask for."""
    kept = {key: (0.0 if key in ruled_out else share) for key, share in prior.items()}
    total = sum(kept.values())
    return {key: share / total for key, share in kept.items()} if total > 0 else prior


def coverages(searcher: Searcher, cues: QuestionCues, found: Sequence[Candidate]) -> np.ndarray:
    """Each candidate's lexical coverage of the question."""
    return np.array([cues.coverage(terms) for terms in _terms(searcher, found)], dtype=np.float64)


def _terms(searcher: Searcher, found: Sequence[Candidate]) -> list[set[str]]:
    return [set(searcher.analyzer.document_terms(c.text, c.chunk.lang)) for c in found]


def focus_coverages(cues: QuestionCues, found: Sequence[Candidate], terms: list[set[str]]) -> np.ndarray:
    """Coverage counting each question word by how rare it is *within the sentence's card*: the
    words naming the practice ("Thiès", "mutuelles") are in most of its sentences and tell
    none apart; the words of what is asked ("cotisation annuelle") are in few."""
    by_card: dict[str, list[int]] = {}
    for index, candidate in enumerate(found):
        by_card.setdefault(candidate.chunk.doc_id, []).append(index)
    focus = np.zeros(len(found))
    for members in by_card.values():
        met = [[cues.meets(slot, terms[i]) for slot in cues.slots] for i in members]
        share = np.mean(np.array(met, dtype=np.float64), axis=0) if met else np.zeros(len(cues.slots))
        weights = np.array([slot[2] for slot in cues.slots]) * (1.0 - share)
        total = weights.sum() or 1.0
        for row, index in zip(met, members, strict=True):
            focus[index] = float(np.dot(np.array(row, dtype=np.float64), weights)) / total
    return focus


def feature_matrix(
    searcher: Searcher, cues: QuestionCues, found: Sequence[Candidate], dense: np.ndarray | None
) -> np.ndarray:
    """One row per candidate, one column per name in :data:`FEATURES`. ``dense`` holds the
    sentences' similarities to the question (None in keyword mode: those columns are 0)."""
    terms = _terms(searcher, found)
    coverage = np.array([cues.coverage(t) for t in terms], dtype=np.float64)
    count = len(found)
    zeros = np.zeros(count)
    top_score = max((c.hit_score for c in found), default=0.0) or 1.0
    sections = [c.chunk.section for c in found]
    texts = [c.text for c in found]
    has_figure = np.array([bool(figures(text)) for text in texts])
    numbers = [cues.numbers & set(searcher.analyzer.tokens(text)) for text in texts]
    columns = {
        "coverage": coverage,
        "coverage_z": _standardised(coverage),
        "focus": focus_coverages(cues, found, terms),
        "context": np.array(block_context(found, list(coverage), _BLOCK_SHARE)),
        "dense_z": zeros if dense is None else _standardised(dense),
        "dense_rank": zeros if dense is None else 1.0 / (1.0 + np.argsort(np.argsort(-dense))),
        "dense_card_z": zeros if dense is None else _grouped_z(dense, [c.chunk.doc_id for c in found]),
        "section_dense_z": zeros if dense is None else _section_means_z(dense, found),
        "inverse_rank": np.array([1.0 / c.hit_rank for c in found]),
        "top_hit": np.array([float(c.hit_rank == 1) for c in found]),
        "hit_score": np.array([c.hit_score / top_score for c in found]),
        "asked_section": np.array([float(s in cues.asked_sections) for s in sections]),
        "section_prior": zeros
        if dense is None
        else np.array([cues.section_prior.get(s, 0.0) for s in sections]),
        "other_section": np.array(
            [float(bool(cues.asked_sections) and s not in cues.asked_sections) for s in sections]
        ),
        # The objectives open every card and echo its title: the usual wrong pick.
        "objectives_unasked": np.array(
            [float(s == "objectives" and "objectives" not in cues.asked_sections) for s in sections]
        ),
        # A shared figure ("1625") pins the sentence; a shared year ("2019") only dates it.
        "shared_number": np.array([float(bool(_non_years(cues.numbers) & shared)) for shared in numbers]),
        "shared_year": np.array(
            [float(bool((cues.numbers - _non_years(cues.numbers)) & shared)) for shared in numbers]
        ),
        "figure_for_figure": has_figure * float(cues.asks_figure),
        "date_for_date": np.array([float(cues.asks_date and bool(_DATE_WORDS.search(t))) for t in texts]),
        "shared_name": np.array([float(any(name in t for name in cues.names)) for t in texts]),
        "fragment": np.array([float(len(t.split()) < _FRAGMENT_WORDS) for t in texts]),
    }
    return np.column_stack([columns[name] for name in FEATURES]) if count else np.zeros((0, len(FEATURES)))


def _non_years(numbers: frozenset[str]) -> frozenset[str]:
    return frozenset(n for n in numbers if not _YEAR.match(n))


def _grouped_z(values: np.ndarray, groups: Sequence[object]) -> np.ndarray:
    """``values`` standardised within each group (a card's sentences against each other)."""
    out = np.zeros(len(values))
    for group in set(groups):
        members = [i for i, g in enumerate(groups) if g == group]
        out[members] = _standardised(values[members])
    return out


def _section_means_z(dense: np.ndarray, found: Sequence[Candidate]) -> np.ndarray:
    """How close each candidate's whole section is to the question (mean of its sentences),
    standardised over the sections: it tells the sections apart where the search ranked none."""
    keys = [(c.chunk.doc_id, c.chunk.section_ordinal) for c in found]
    means = {key: float(np.mean([dense[i] for i, k in enumerate(keys) if k == key])) for key in set(keys)}
    ordered = sorted(means)
    standard = dict(zip(ordered, _standardised(np.array([means[k] for k in ordered])), strict=True))
    return np.array([standard[key] for key in keys])


def _standardised(values: np.ndarray) -> np.ndarray:
    """Within one question: how far each value stands above the others (the question's own
    scale, so one cut-off serves short and long questions alike)."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return values
    return (values - values.mean()) / (values.std() + 1e-6)
