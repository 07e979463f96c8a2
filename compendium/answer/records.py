"""What an answer is made of: verbatim quotes, their citations, or a plain reason to decline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from compendium.records import Chunk

NO_CLEAR_ANSWER = "No passage answers this clearly; the closest passages are below."


def not_covered_message(missing: Sequence[str]) -> str:
    """The plain reply to a question about something the collection never mentions."""
    return (
        f"Not covered: no practice in the collection mentions {', '.join(missing)}. "
        "The closest passages are below, as related reading, not as an answer."
    )


def not_given_message(per: str) -> str:
    """The plain reply to a question asking a figure per unit that the closest passages never
    state (``per``: "per hour")."""
    return (
        f"Not covered: the closest practices give no figure {per}. "
        "Their passages are below, as related reading, not as an answer."
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
    #: What the quote needs to be read alone (a table row's caption, a list's lead-in), also
    #: verbatim: ``chunk.text[lead_start:lead_end] == lead``; empty when the quote stands alone.
    lead: str = ""
    lead_start: int = 0
    lead_end: int = 0
    #: Why the scorer chose it, strongest first (feature names of
    #: :data:`~compendium.answer.features.FEATURES`: "asked_section", "shared_number"…).
    reasons: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The quote as shown: its lead (whitespace collapsed), an ellipsis, then the quote."""
        return f"{' '.join(self.lead.split())} … {self.text}" if self.lead else self.text


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
    #: Language -> the unit a figure was asked per that the closest passages never state
    #: ("per hour", "por hora"): why the answer declines although the practice was found.
    unstated: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The answer as one line of text: each quote followed by its marker."""
        if not self.clear:
            return self.message
        return " ".join(f"{quote.display} [{quote.marker}]" for quote in self.quotes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "clear": self.clear,
            "text": self.text,
            "message": self.message,
            "missing": list(self.missing),
            "unstated": dict(self.unstated),
            "quotes": [quote.__dict__ for quote in self.quotes],
            "citations": [citation.__dict__ for citation in self.citations],
        }
