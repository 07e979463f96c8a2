"""The domain glossary: the keyword side's bridge across languages.

``data/glossary.tsv`` lists concepts of the field (SSE, SSTC, decent work, social protection,
family accompaniment, …) with their terms in Spanish, English, French and Portuguese. When a
query contains a term of a concept, the concept's terms in the other languages join the BM25
query at a lower weight, so "family accompaniment" finds "acompañamiento familiar" even with
no embedding model.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from compendium.analyzer import Analyzer, QueryTerm
from compendium.taxonomy import LANGUAGES

HEADER = ("concept", "es", "en", "fr", "pt")


@dataclass(frozen=True)
class Concept:
    """One glossary row: an id, its terms per language (first term is the preferred one) and
    the number of the file's section it is listed under ("9": institutions)."""

    concept_id: str
    terms: tuple[tuple[str, tuple[str, ...]], ...]
    group: str = ""

    def terms_in(self, lang: str) -> tuple[str, ...]:
        return dict(self.terms).get(lang, ())


@dataclass(frozen=True)
class Expansion:
    """What the glossary adds to a query: the concepts it recognised, their extra terms, and
    for each query word (by surface form) the stems of its translations."""

    concepts: tuple[str, ...]
    terms: tuple[QueryTerm, ...]
    translations: tuple[tuple[str, frozenset[tuple[str, ...]]], ...] = ()

    def translations_of(self, surface: str) -> frozenset[tuple[str, ...]]:
        """Phrases (tuples of stems) that translate the query word ``surface``; a passage
        contains a translation when it contains every stem of one of them."""
        return dict(self.translations).get(surface, frozenset())


class Glossary:
    """Concepts plus a phrase index built for one analyzer."""

    def __init__(self, concepts: list[Concept], version: str, analyzer: Analyzer) -> None:
        self.concepts = tuple(concepts)
        self.version = version
        self.analyzer = analyzer
        # lang -> a stem of the phrase -> [(phrase stems, concept index)]
        self._phrases: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {
            lang: {} for lang in LANGUAGES
        }
        # concept index -> the stem tuples of all its terms, in every language
        self._stems: list[frozenset[tuple[str, ...]]] = []
        self._index = {concept.concept_id: index for index, concept in enumerate(self.concepts)}
        for index, concept in enumerate(self.concepts):
            phrases: set[tuple[str, ...]] = set()
            for lang, terms in concept.terms:
                for term in terms:
                    stems = analyzer.phrase_stems(term, lang)
                    if not stems:
                        continue
                    self._phrases[lang].setdefault(min(stems), []).append((stems, index))
                    phrases.add(stems)
            self._stems.append(frozenset(phrases))

    def __len__(self) -> int:
        return len(self.concepts)

    def phrases_of(self, concept_id: str) -> frozenset[tuple[str, ...]]:
        """The stems of every term of the concept, in every language."""
        return self._stems[self._index[concept_id]]

    def expand(self, query: str, already: set[str] | frozenset[str] = frozenset()) -> Expansion:
        """Concepts named in ``query`` (in any language) and their terms' stems in every
        language, minus stems in ``already`` (the query's own variants)."""
        analyzer = self.analyzer
        words = analyzer.content_words(query)
        matched: dict[int, set[str]] = {}
        for lang in LANGUAGES:
            sequence = [analyzer.stem(word, lang) for word in words]
            for position, stem in enumerate(sequence):
                for phrase, index in self._phrases[lang].get(stem, ()):
                    covered = _find_phrase(sequence, position, phrase)
                    if covered is not None:
                        matched.setdefault(index, set()).update(words[i] for i in covered)
        terms: dict[str, QueryTerm] = {}
        translations: dict[str, set[tuple[str, ...]]] = {}
        for index, surfaces in matched.items():
            for surface in surfaces:
                translations.setdefault(surface, set()).update(self._stems[index])
            for stem in sorted({stem for phrase in self._stems[index] for stem in phrase}):
                if stem not in already and stem not in terms:
                    terms[stem] = QueryTerm(surface=stem, variants=frozenset({stem}))
        return Expansion(
            concepts=tuple(self.concepts[index].concept_id for index in matched),
            terms=tuple(terms.values()),
            translations=tuple((surface, frozenset(stems)) for surface, stems in translations.items()),
        )


def _find_phrase(sequence: list[str], anchor: int, phrase: tuple[str, ...]) -> list[int] | None:
    """Positions of ``phrase``'s stems around ``anchor`` (which holds its smallest stem), in any
    order within a window two words wider than the phrase: questions reorder words ("people
    did the plan serve" still names "people served")."""
    window = len(phrase) + 2
    for begin in range(max(0, anchor - window + 1), anchor + 1):
        span = sequence[begin : begin + window]
        if all(stem in span for stem in phrase):
            return [begin + span.index(stem) for stem in phrase]
    return None


def glossary_path() -> Path:
    """The glossary shipped with the package."""
    return Path(str(resources.files("compendium.data").joinpath("glossary.tsv")))


def load_glossary(analyzer: Analyzer, path: Path | None = None) -> Glossary:
    """Read and validate the glossary TSV; raise ``ValueError`` naming the bad line."""
    path = path or glossary_path()
    raw = path.read_bytes()
    concepts: list[Concept] = []
    seen: set[str] = set()
    header_seen = False
    group = ""
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        heading = re.match(r"#\s*(\d+)\.", line)
        if heading:
            group = heading.group(1)
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cell.strip() for cell in cells) != HEADER:
                raise ValueError(f"{path}:{number}: header must be {' '.join(HEADER)!r}")
            header_seen = True
            continue
        if len(cells) != len(HEADER):
            raise ValueError(f"{path}:{number}: expected {len(HEADER)} tab-separated cells, got {len(cells)}")
        concept_id = cells[0].strip()
        if not concept_id or concept_id in seen:
            raise ValueError(f"{path}:{number}: empty or repeated concept id {concept_id!r}")
        seen.add(concept_id)
        terms = []
        for lang, cell in zip(HEADER[1:], cells[1:], strict=True):
            variants = tuple(term.strip() for term in cell.split("|") if term.strip())
            if not variants:
                raise ValueError(f"{path}:{number}: no {lang} term for {concept_id!r}")
            terms.append((lang, variants))
        concepts.append(Concept(concept_id=concept_id, terms=tuple(terms), group=group))
    if not header_seen:
        raise ValueError(f"{path}: no header line")
    version = hashlib.sha256(raw).hexdigest()[:12]
    return Glossary(concepts, version, analyzer)
