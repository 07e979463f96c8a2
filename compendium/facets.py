"""The filter values a collection really has, so that only those are offered, and a filter
value it does not have is refused with a clear message instead of silently matching nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from compendium.records import Chunk
from compendium.search import Filters
from compendium.taxonomy import CARD_KEYS, FRONT_MATTER_KEYS

_SECTION_ORDER = {key: position for position, key in enumerate(CARD_KEYS + FRONT_MATTER_KEYS)}


class UnknownFilterError(ValueError):
    """A filter names a language, section, country or practice the collection does not have."""


@dataclass(frozen=True)
class Facets:
    """Every value each filter can take in one collection, in display order."""

    langs: tuple[str, ...]
    sections: tuple[str, ...]
    countries: tuple[str, ...]
    doc_ids: tuple[str, ...]

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> Facets:
        """The values present in ``chunks``: sections in card order, practices in reading order."""
        chunks = list(chunks)
        sections = {chunk.section for chunk in chunks}
        return cls(
            langs=tuple(sorted({chunk.lang for chunk in chunks})),
            sections=tuple(
                sorted(sections, key=lambda key: (_SECTION_ORDER.get(key, len(_SECTION_ORDER)), key))
            ),
            countries=tuple(sorted({code for chunk in chunks for code in chunk.countries})),
            doc_ids=tuple(dict.fromkeys(chunk.doc_id for chunk in chunks)),
        )

    def unknown(self, filters: Filters) -> list[str]:
        """One line per filter naming values the collection lacks (empty when all are known)."""
        problems = []
        for name, asked, known in (
            ("lang", filters.langs, self.langs),
            ("section", filters.sections, self.sections),
            ("country", filters.countries, self.countries),
            ("practice", filters.doc_ids, self.doc_ids),
        ):
            missing = sorted(set(asked) - set(known))
            if missing:
                problems.append(f"unknown {name} {_listed(missing)}; known: {_listed(known)}")
        return problems

    def check(self, filters: Filters) -> None:
        """Raise :class:`UnknownFilterError` when ``filters`` names a value the collection lacks."""
        problems = self.unknown(filters)
        if problems:
            raise UnknownFilterError("; ".join(problems))


def _listed(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values) if values else "none"
