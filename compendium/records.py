"""The records that cross module lines: files -> Document/Card/Section -> Chunk -> Hit -> Answer.

All are frozen dataclasses: a parsed corpus is a value, never mutated after parsing, so a
search result can always be traced back to the text it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any

FRONT_MATTER_ID = "front-matter"
# Sorts after any page number: (offset, _LAST) follows every page start at that offset.
_LAST = float("inf")


@dataclass(frozen=True)
class Section:
    """A labelled part of a card (or of the front matter), with cleaned text.

    ``span`` is the character range of the section (label included) in the source text;
    ``page_starts`` lists ``(offset in text, page)`` wherever the page changes inside the
    cleaned text, so a window of a long section can cite its own page.
    """

    key: str
    label: str
    text: str
    language: str
    page: int | None
    span: tuple[int, int]
    page_starts: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int | None:
        """Page on which the character at ``offset`` of :attr:`text` was printed."""
        # page_starts is sorted by offset: bisect, as a long section is cut into many windows.
        before = bisect_right(self.page_starts, (offset, _LAST))
        return self.page_starts[before - 1][1] if before else self.page


@dataclass(frozen=True)
class Card:
    """One good practice: title, author, part of the compendium and its ordered sections."""

    card_id: str
    title: str
    short_title: str
    author: str | None
    part: str | None
    ordinal: int
    language: str
    countries: tuple[str, ...]
    sections: tuple[Section, ...]
    page: int | None
    span: tuple[int, int]
    title_countries: tuple[str, ...] = ()

    @property
    def place(self) -> str:
        """Where the practice happens, for citations: the countries its title names (at most
        two), else the country its text names most."""
        codes = self.title_countries[:2] or self.countries[:1]
        return ", ".join(country_name(code) for code in codes)

    def section(self, key: str) -> Section | None:
        """The section with canonical ``key``, if the card has it."""
        return next((sec for sec in self.sections if sec.key == key), None)


@dataclass(frozen=True)
class Document:
    """One ingested file: its front matter sections, its cards and what the parser noticed."""

    doc_id: str
    source: str
    kind: str
    front_matter: tuple[Section, ...]
    cards: tuple[Card, ...]
    warnings: tuple[str, ...] = ()
    pages: int | None = None
    front_matter_id: str = FRONT_MATTER_ID

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready structure (used by ``ingest --json`` and the index)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`."""

        def section(data: dict[str, Any]) -> Section:
            return Section(
                **{
                    **data,
                    "span": tuple(data["span"]),
                    "page_starts": tuple(tuple(pair) for pair in data["page_starts"]),
                }
            )

        cards = tuple(
            Card(
                **{
                    **card,
                    "countries": tuple(card["countries"]),
                    "title_countries": tuple(card["title_countries"]),
                    "span": tuple(card["span"]),
                    "sections": tuple(section(s) for s in card["sections"]),
                }
            )
            for card in record["cards"]
        )
        return cls(
            **{
                **record,
                "front_matter": tuple(section(s) for s in record["front_matter"]),
                "cards": cards,
                "warnings": tuple(record["warnings"]),
            }
        )


@dataclass(frozen=True)
class Chunk:
    """The unit of retrieval: one section, or one window of a long section.

    ``start``/``end`` locate :attr:`text` inside the section's cleaned text; ``text`` is always
    exactly that slice, which is what lets an answer verify its quotes.
    """

    chunk_id: str
    doc_id: str
    kind: str
    title: str
    short_title: str
    author: str | None
    part: str | None
    section: str
    section_label: str
    section_ordinal: int
    lang: str
    page: int | None
    countries: tuple[str, ...]
    text: str
    start: int
    end: int
    window: int
    windows: int
    source: str
    place: str = ""

    @property
    def citation(self) -> str:
        """Human citation: ``Title (Country) — Author — Section label — p. N``."""
        title = f"{self.short_title} ({self.place})" if self.place else self.short_title
        parts = [title]
        if self.author:
            parts.append(self.author)
        parts.append(self.section_label)
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return " — ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record, citation included (the chunk JSONL and ``--json`` shape)."""
        record = asdict(self)
        record["countries"] = list(self.countries)
        record["citation"] = self.citation
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Chunk:
        """Inverse of :meth:`to_dict` (derived fields are ignored)."""
        fields_ = {name: record[name] for name in cls.__dataclass_fields__}
        fields_["countries"] = tuple(fields_["countries"])
        return cls(**fields_)


def country_name(alpha_2: str) -> str:
    """English short name of an ISO 3166 alpha-2 code (``"EC"`` -> ``"Ecuador"``)."""
    import pycountry  # deferred: only needed when a citation is rendered

    country = pycountry.countries.get(alpha_2=alpha_2)
    if country is None:
        return alpha_2
    return getattr(country, "common_name", None) or country.name


@dataclass(frozen=True)
class IngestProblem:
    """Why one file could not be ingested (the others still are)."""

    path: str
    reason: str
    kind: str = field(default="error")


@dataclass(frozen=True)
class Line:
    """One line of a source as the readers hand it to the parser.

    ``role`` says what the layout told us: ``"text"`` (plain text, labels must be recognised
    by their wording), ``"label"`` (the label cell of a card table) or ``"cell"`` (a content
    cell, which never opens a section).
    """

    text: str
    start: int
    page: int | None
    role: str = "text"


@dataclass(frozen=True)
class SourceText:
    """A file reduced to lines. ``markers`` are ``(line index, printed page)`` for each lone
    page-number line that was dropped: the page number belongs to the lines before it."""

    text: str
    lines: tuple[Line, ...]
    markers: tuple[tuple[int, int], ...] = ()
    pages: int | None = None
