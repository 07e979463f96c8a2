"""The sentences an answer may quote: every quotable sentence of the top hits' whole sections,
with the table block (caption and rows) each one sits in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compendium.records import Chunk
from compendium.sentences import quotable_spans

if TYPE_CHECKING:
    from compendium.search import Hit, Searcher

_BLOCK_LINE_WORDS = 12
#: The rank given to a section of the best card that the search did not return (beyond the
#: ten a results page shows, whatever ``k`` the caller asked for).
UNRANKED = 11
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# "2. Familias líderes…": a list item's number, not a figure.
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s")
_BULLETS = ("•", "-", "–", "*", "▪", "●")
_CAPTION_LINES = 3
#: (doc_id, section ordinal, start, end) of a block of short lines, in section coordinates.
Block = tuple[str, int, int, int]


@dataclass(frozen=True)
class Candidate:
    """One quotable sentence: ``chunk.text[start:end]``, found through the hit ranked ``hit_rank``."""

    chunk: Chunk
    start: int
    end: int
    hit_rank: int
    hit_score: float
    block: Block | None = None
    #: ``(start, end)`` in the chunk of what the sentence needs to be understood alone: a table
    #: row's caption, a list item's lead-in line ("Resultados alcanzados:"); None when whole.
    lead: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    @property
    def quoted(self) -> str:
        """All the answer shows of this candidate: its lead (if any), then the sentence."""
        lead = self.chunk.text[self.lead[0] : self.lead[1]] if self.lead else ""
        return f"{lead} {self.text}".strip()


@dataclass(frozen=True)
class Source:
    """A section an answer may quote: found by the search at ``rank`` (with its ``score``), or
    added as a section of the best-ranked card (rank :data:`UNRANKED`, score 0)."""

    rank: int
    score: float
    chunk: Chunk


def answer_sources(searcher: Searcher, hits: Sequence[Hit], top_hits: int, cards: int) -> list[Source]:
    """The ``top_hits`` best sections, then every other section of the ``cards`` best-ranked
    cards: the search finds the practice far more often than the section, and the section it
    misses (a fee stated under *sustainability*) is then still quoted."""
    sources = [Source(hit.rank, hit.score, hit.chunk) for hit in hits[:top_hits]]
    taken = {(s.chunk.doc_id, s.chunk.section_ordinal) for s in sources}
    ranked = {(h.chunk.doc_id, h.chunk.section_ordinal): h for h in hits}
    best_cards = list(dict.fromkeys(h.chunk.doc_id for h in hits))[:cards]
    for doc_id in best_cards:
        for chunk in searcher.card_sections(doc_id):
            key = (chunk.doc_id, chunk.section_ordinal)
            if key in taken:
                continue
            taken.add(key)
            hit = ranked.get(key)
            sources.append(Source(hit.rank, hit.score, hit.chunk) if hit else Source(UNRANKED, 0.0, chunk))
    return sources


def candidates(searcher: Searcher, hits: Sequence[Hit | Source]) -> list[Candidate]:
    """Sentences of the hits' whole sections: search keeps one window per section, but the
    answer may sit in a sibling window (the total row of a table split in two)."""
    found: dict[tuple[str, int, int], Candidate] = {}
    for hit in hits:
        siblings = sorted(searcher.section_windows(hit.chunk), key=lambda c: c.chunk_id != hit.chunk.chunk_id)
        for chunk in siblings:
            blocks = _blocks(chunk.text)
            for start, end in quotable_spans(chunk.text):
                where = (chunk.doc_id, chunk.section_ordinal, chunk.start + start)
                lead = lead_in(chunk.text, start, end)
                # Windows overlap: one sentence is read once, from the window that also holds
                # its caption or lead-in when the first one cut it off.
                if where in found and (found[where].lead is not None or lead is None):
                    continue
                block = next(((s, e) for s, e in blocks if s <= start and end <= e), None)
                key = None if block is None else (chunk.doc_id, chunk.section_ordinal, *_shift(block, chunk))
                rank, score = (
                    (found[where].hit_rank, found[where].hit_score)
                    if where in found
                    else (hit.rank, hit.score)
                )
                found[where] = Candidate(chunk, start, end, rank, score, key, lead)
    return list(found.values())


def block_context(found: Sequence[Candidate], coverages: Sequence[float], share: float) -> list[float]:
    """For each candidate inside a block of short lines, ``share`` of the best coverage of the
    lines above it in that block: a row ("Total general 74.004") says little alone; its
    caption says what it counts."""
    context = [0.0] * len(found)
    for index, candidate in enumerate(found):
        if candidate.block is None:
            continue
        begin = candidate.chunk.start + candidate.start
        above = [
            coverages[other]
            for other, peer in enumerate(found)
            if peer.block == candidate.block and peer.chunk.start + peer.start < begin
        ]
        context[index] = share * max(above, default=0.0)
    return context


def figures(text: str) -> list[str]:
    """The numbers of ``text`` that are not years ("74.004", "12")."""
    body = _ENUMERATOR.sub("", text, count=1)
    return [number for number in _NUMBERS.findall(body) if not _YEAR.match(number)]


def is_figure_row(candidate: Candidate) -> bool:
    """A short line carrying a figure: a table row ("Total general 74.004")."""
    return bool(figures(candidate.text)) and len(candidate.text.split()) <= _BLOCK_LINE_WORDS


def lead_in(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The caption above a table row, or the line that introduces a list item (one ending in
    ":"), as a span of ``text``; None for a sentence that stands alone."""
    row = text[start:end]
    if figures(row) and len(row.split()) <= _BLOCK_LINE_WORDS:
        return _caption(text, start)
    if _ENUMERATOR.match(row) or row.lstrip().startswith(_BULLETS):
        return _introduction(text, start)
    return None


def _lines_above(text: str, start: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each line before the one holding ``start``, nearest first."""
    lines = []
    end = text.rfind("\n", 0, start)
    while end >= 0:
        begin = text.rfind("\n", 0, end) + 1
        lines.append((begin, end))
        end = begin - 1
    return lines


def _caption(text: str, start: int) -> tuple[int, int] | None:
    # Walk up over the table's other rows and blank lines; the short lines without figures
    # right above them are its caption.
    caption: list[tuple[int, int]] = []
    for begin, end in _lines_above(text, start)[:40]:
        line = text[begin:end].strip()
        is_caption = 0 < len(line.split()) <= _BLOCK_LINE_WORDS and not line.endswith((".", ";", "!", "?"))
        if not line or (figures(line) and is_caption and not caption):
            if caption and not line:
                break
            continue
        if not is_caption or figures(line) or len(caption) == _CAPTION_LINES:
            break
        caption.append((begin, end))
    if not caption:
        return None
    return _trimmed(text, caption[-1][0], caption[0][1])


def _introduction(text: str, start: int) -> tuple[int, int] | None:
    for begin, end in _lines_above(text, start)[:60]:
        line = text[begin:end].strip()
        if not line or _ENUMERATOR.match(line) or line.startswith(_BULLETS):
            continue
        # Lines of the items before this one wrap; the list's lead-in ends with a colon.
        if line.endswith(":"):
            sentence_start = max(text.rfind(". ", begin, end) + 2, begin)
            return _trimmed(text, sentence_start if sentence_start > begin + 1 else begin, end)
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return (start + left, start + right) if right > left else None


def _shift(block: tuple[int, int], chunk: Chunk) -> tuple[int, int]:
    # Positions within the section: one block may have been read from two overlapping windows.
    return chunk.start + block[0], chunk.start + block[1]


def _blocks(chunk_text: str) -> list[tuple[int, int]]:
    """Runs of consecutive short lines without final punctuation: captions, headings and the
    rows of a table."""
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
