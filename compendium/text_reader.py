"""Plain text (as extracted from the compendium PDF, or Markdown) -> lines with pages.

A line holding only a number is a page footer: it is dropped from the text and remembered,
and the lines after it belong to the next page. Form feeds, which ``pdftotext`` writes between
pages, are honoured too.
"""

from __future__ import annotations

import re

from compendium.records import Line, SourceText

_PAGE_FOOTER = re.compile(
    r"^\s*(?:(?:page|p[áa]gina|pag|p)\.?\s*)?[-–—]?\s*(\d{1,4})\s*[-–—]?\s*$", re.IGNORECASE
)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# A footer never jumps far ahead of the previous one; a bigger jump is a number in the text.
_MAX_PAGE_STEP = 40


def read_text(text: str, *, markdown: bool = False) -> SourceText:
    """Split ``text`` into :class:`Line` records, dropping page footers as page markers."""
    lines: list[Line] = []
    markers: list[tuple[int, int]] = []
    raw_lines = text.splitlines(keepends=True)
    physical_page = 1 if "\f" in text else None
    page: int | None = physical_page
    last_printed: int | None = None
    offset = 0
    for index, raw in enumerate(raw_lines):
        body = raw.rstrip("\r\n")
        if "\f" in body:
            physical_page = (physical_page or 1) + body.count("\f")
            page = physical_page if last_printed is None else last_printed + 1
            body = body.replace("\f", "")
        footer = _PAGE_FOOTER.match(body)
        if footer and _is_footer(int(footer.group(1)), last_printed, raw_lines, index):
            printed = int(footer.group(1))
            markers.append((len(lines), printed))
            last_printed = printed
            page = printed + 1
        else:
            if markdown:
                body = _MARKDOWN_EMPHASIS.sub(r"\2", _MARKDOWN_HEADING.sub("", body))
            lines.append(Line(text=body, start=offset, page=page))
        offset += len(raw)
    return SourceText(text=text, lines=tuple(lines), markers=tuple(markers))


def _is_footer(number: int, last_printed: int | None, raw_lines: list[str], index: int) -> bool:
    if number < 1:
        return False
    if last_printed is not None and not last_printed < number <= last_printed + _MAX_PAGE_STEP:
        return False
    # Footers stand apart from the text around them; a number inside a list or table does not.
    before = raw_lines[index - 1].strip() if index > 0 else ""
    after = raw_lines[index + 1].strip() if index + 1 < len(raw_lines) else ""
    return not before or not after
