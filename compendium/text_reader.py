"""Plain text (as extracted from the compendium PDF, or Markdown) -> lines with pages.

A line holding only a number is a page footer: it is dropped from the text and remembered,
and the lines after it belong to the next page. Form feeds, which ``pdftotext`` writes between
pages, are honoured too.
"""

from __future__ import annotations

import re

from compendium.records import Line, SourceText

# Matched against the stripped line; no two \s* may touch (a run of spaces would be tried
# split every way between them), and a footer is short ("página – 123 –").
_PAGE_FOOTER = re.compile(
    r"(?:(?:page|p[áa]gina|pag|p)\.?\s*)?(?:[-–—]\s*)?(\d{1,4})\s*[-–—]?", re.IGNORECASE
)
_FOOTER_MAX = 24
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# A footer never jumps far ahead of the previous one; a bigger jump is a number in the text.
_MAX_PAGE_STEP = 40
_PROSE_LETTERS = 15
# A table cell extracted on its own line: a figure, maybe with separators or a unit sign.
_NUMERIC_CELL = re.compile(r"^[\d\s.,%$€+–-]+$")
# Non-blank lines on a page of the compendium's two-column layout: never more than about this.
_PAGE_LINES = 60


def read_text(text: str, *, markdown: bool = False) -> SourceText:
    """Split ``text`` into :class:`Line` records, dropping page footers as page markers.

    A line's page is the number printed in the footer that closes its page, and only when the
    text shows that the line is on that page: the page before it also ended in a footer (or a
    form feed), or the stretch is no longer than one page of this file. Text after the last
    footer, or a stretch that may span unnumbered pages, gets no page: a citation never names
    a page the source does not print.
    """
    raw_lines = text.splitlines(keepends=True)
    pieces: list[tuple[str, int, int]] = []  # (text, offset, page segment)
    markers: list[tuple[int, int]] = []
    closers: dict[int, int | None] = {}  # segment -> printed number of its footer (None: form feed)
    segment = 0
    last_printed: int | None = None
    offset = 0
    for index, raw in enumerate(raw_lines):
        body = raw.rstrip("\r\n")
        for _ in range(body.count("\f")):
            closers.setdefault(segment, None)
            segment += 1
        body = body.replace("\f", "")
        footer = _footer(body)
        if footer and _is_footer(int(footer.group(1)), last_printed, raw_lines, index):
            printed = int(footer.group(1))
            markers.append((len(pieces), printed))
            last_printed = printed
            closers[segment] = printed
            segment += 1
        else:
            if markdown:
                body = _MARKDOWN_EMPHASIS.sub(r"\2", _MARKDOWN_HEADING.sub("", body))
            pieces.append((body, offset, segment))
        offset += len(raw)
    pages = _segment_pages(pieces, closers, physical="\f" in text and not markers)
    lines = tuple(Line(text=body, start=start, page=pages.get(seg)) for body, start, seg in pieces)
    return SourceText(text=text, lines=lines, markers=tuple(markers))


def _footer(body: str) -> re.Match[str] | None:
    stripped = body.strip()
    return _PAGE_FOOTER.fullmatch(stripped) if len(stripped) <= _FOOTER_MAX else None


def _segment_pages(
    pieces: list[tuple[str, int, int]], closers: dict[int, int | None], *, physical: bool
) -> dict[int, int]:
    """Printed page of each page segment that the text proves (see :func:`read_text`)."""
    if physical:  # form feeds but no printed numbers: the physical page is all there is
        return {seg: seg + 1 for seg in range(max(closers, default=0) + 2)}
    sizes: dict[int, int] = {}
    for body, _start, seg in pieces:
        if body.strip():
            sizes[seg] = sizes.get(seg, 0) + 1
    proven = {seg for seg, printed in closers.items() if printed is not None and _follows_page(closers, seg)}
    # The longest proven page says how much text a page holds; a stretch no longer than that
    # before its footer fits on that one page.
    capacity = max([sizes.get(seg, 0) for seg in proven] + [_PAGE_LINES])
    pages: dict[int, int] = {}
    for seg, printed in closers.items():
        if printed is not None and (seg in proven or 0 < sizes.get(seg, 0) <= capacity):
            pages[seg] = printed
    return pages


def _follows_page(closers: dict[int, int | None], seg: int) -> bool:
    """Whether the page before segment ``seg`` ended in a form feed or in the previous number."""
    if seg == 0 or (seg - 1) not in closers:
        return False
    previous, printed = closers[seg - 1], closers[seg]
    return previous is None or (printed is not None and previous == printed - 1)


def _is_footer(number: int, last_printed: int | None, raw_lines: list[str], index: int) -> bool:
    if number < 1:
        return False
    if last_printed is not None and not last_printed < number <= last_printed + _MAX_PAGE_STEP:
        return False
    # Footers stand apart from the text around them (a blank line), or sit alone between two
    # lines of prose where a page broke mid-sentence; a number among the one-per-line cells of
    # a table has short, number-like neighbours.
    before = raw_lines[index - 1].strip() if index > 0 else ""
    after = raw_lines[index + 1].strip() if index + 1 < len(raw_lines) else ""
    if not before or not after:
        return True
    if _NUMERIC_CELL.match(before) or _NUMERIC_CELL.match(after):
        return False
    continues = last_printed is not None and number == last_printed + 1
    return continues or _is_prose(before) or _is_prose(after)


def _is_prose(line: str) -> bool:
    return sum(ch.isalpha() for ch in line) >= _PROSE_LETTERS
