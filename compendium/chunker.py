"""Documents -> chunks: one chunk per section; long sections become overlapping windows.

Windows end on sentence boundaries so a quote never starts mid-sentence. Every chunk's text
is an exact slice of its section's text, and its id is derived from where it sits (document,
section position, window number), so ids stay stable across runs for unchanged text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compendium.records import Card, Chunk, Document, Section
from compendium.sentences import sentence_spans

#: Above this many words a window risks the 512-token limit of the embedding models we use
#: (Spanish runs at about 1.5 tokens a word, plus the title and label we prepend).
MAX_WORDS_LIMIT = 300
FRONT_MATTER_TITLE = "Front matter"


@dataclass(frozen=True)
class ChunkConfig:
    """How big a chunk may be and how much consecutive windows share, in words."""

    max_words: int = 200
    overlap_words: int = 40

    def __post_init__(self) -> None:
        if not 20 <= self.max_words <= MAX_WORDS_LIMIT:
            raise ValueError(f"max_words must be between 20 and {MAX_WORDS_LIMIT}, got {self.max_words}")
        if not 0 <= self.overlap_words <= self.max_words // 2:
            raise ValueError(f"overlap_words must be between 0 and max_words/2, got {self.overlap_words}")


def chunk_documents(documents: Iterable[Document], config: ChunkConfig = ChunkConfig()) -> list[Chunk]:
    """All chunks of ``documents``, front matter first, then cards, in source order."""
    chunks: list[Chunk] = []
    for document in documents:
        for ordinal, section in enumerate(document.front_matter, start=1):
            chunks.extend(_section_chunks(document, None, section, ordinal, config))
        for card in document.cards:
            for ordinal, section in enumerate(card.sections, start=1):
                chunks.extend(_section_chunks(document, card, section, ordinal, config))
    return chunks


def window_spans(text: str, config: ChunkConfig = ChunkConfig()) -> list[tuple[int, int]]:
    """``(start, end)`` windows over ``text``: at most ``max_words`` each, cut between
    sentences, each starting with up to ``overlap_words`` of the previous window's end."""
    if len(text.split()) <= config.max_words:
        return [(0, len(text))] if text.strip() else []
    units = _units(text, config.max_words // 2)
    words = [len(text[start:end].split()) for start, end in units]
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(units):
        last, total = first, 0
        while last < len(units) and total + words[last] <= config.max_words:
            total += words[last]
            last += 1
        windows.append((units[first][0], units[last - 1][1]))
        if last >= len(units):
            break
        # Step back over whole sentences for the overlap, but always move forward.
        following, shared = last, 0
        while following - 1 > first and shared + words[following - 1] <= config.overlap_words:
            shared += words[following - 1]
            following -= 1
        if shared + words[last] > config.max_words:
            following = last
        first = following
    return windows


def _units(text: str, max_unit_words: int) -> list[tuple[int, int]]:
    """Sentences, with any sentence longer than ``max_unit_words`` cut at word boundaries."""
    units: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        tokens = list(_word_spans(piece))
        if len(tokens) <= max_unit_words:
            units.append((start, end))
            continue
        for index in range(0, len(tokens), max_unit_words):
            group = tokens[index : index + max_unit_words]
            units.append((start + group[0][0], start + group[-1][1]))
    return units


def _word_spans(text: str) -> Iterable[tuple[int, int]]:
    position = 0
    for word in text.split():
        begin = text.index(word, position)
        position = begin + len(word)
        yield begin, position


def _section_chunks(
    document: Document, card: Card | None, section: Section, ordinal: int, config: ChunkConfig
) -> list[Chunk]:
    spans = window_spans(section.text, config)
    doc_id = card.card_id if card else document.front_matter_id
    chunks = []
    for window, (start, end) in enumerate(spans):
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}:{ordinal:02d}-{section.key}:{window}",
                doc_id=doc_id,
                kind="card" if card else "front-matter",
                title=card.title if card else FRONT_MATTER_TITLE,
                short_title=card.short_title if card else FRONT_MATTER_TITLE,
                author=card.author if card else None,
                part=card.part if card else None,
                section=section.key,
                section_label=section.label,
                section_ordinal=ordinal,
                lang=section.language,
                page=section.page_at(start),
                countries=card.countries if card else (),
                text=section.text[start:end],
                start=start,
                end=end,
                window=window,
                windows=len(spans),
                source=document.source,
                place=card.place if card else "",
            )
        )
    return chunks


def index_text(chunk: Chunk) -> str:
    """What the retrievers see of a chunk: its card title and section label, then the text.

    The title lets "results of Plan Familia" reach the results section; the label lets a
    question about funding reach the section printed as "Fondos".
    """
    return f"{chunk.short_title} — {chunk.section_label}\n{chunk.text}"
