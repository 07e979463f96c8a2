"""PDF -> lines with pages, using pdfplumber (MIT).

Cards are laid out as two-column tables (label cell | content cell). pdfplumber reads the
cells, so a label is known to be a label by its position, not guessed from its wording; text
outside tables (front matter, part headings, titles, author lines) is read line by line. A
lone number near the bottom of a page is its printed page number, used for citations (and
dropped from the text); pages without one cite the PDF's own page index.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

from compendium.errors import EncryptedPdfError, PdfError, TooManyPagesError
from compendium.records import Line, SourceText

_FOOTER_NUMBER = re.compile(r"^\s*[-–—]?\s*(\d{1,4})\s*[-–—]?\s*$")
_FOOTER_ZONE = 0.9  # the bottom tenth of a page
_SECONDS_PER_PAGE = 20.0
# Glyphs without a Unicode mapping come out as "(cid:127)". At the start of a line they are
# almost always list bullets; elsewhere they carry nothing we can read.
_CID = re.compile(r"(^\s*)?\(cid:\d+\)\s*", re.MULTILINE)


def _cid_replacement(match: re.Match[str]) -> str:
    return "• " if match.group(1) is not None else ""


def read_pdf(path: Path | str, data: bytes, *, max_pages: int) -> SourceText:
    """Extract the lines of every page; raise a :class:`PdfError` subclass on a bad PDF."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(path, "not a PDF file (no %PDF header); is the file name wrong?")
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        page_count = len(pdf.pages)
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        if _is_password_error(error):
            raise EncryptedPdfError(
                path, "PDF is encrypted (password protected); save an unprotected copy"
            ) from error
        raise PdfError(path, f"corrupt or truncated PDF ({_describe(error)})") from error
    with pdf:
        if page_count > max_pages:
            raise TooManyPagesError(path, f"PDF has {page_count} pages, over the {max_pages}-page limit")
        if page_count == 0:
            raise PdfError(path, "PDF has no pages")
        deadline = time.monotonic() + _SECONDS_PER_PAGE * page_count
        rows: list[tuple[str, int, str]] = []
        for index, page in enumerate(pdf.pages, start=1):
            if time.monotonic() > deadline:
                raise PdfError(path, f"reading stopped at page {index}: the PDF is too slow to parse")
            try:
                rows.extend(_page_lines(page, index))
            except Exception as error:
                if _is_password_error(error):
                    raise EncryptedPdfError(
                        path, "PDF is encrypted (password protected); save an unprotected copy"
                    ) from error
                raise PdfError(path, f"page {index} cannot be read ({_describe(error)})") from error
    lines: list[Line] = []
    offset = 0
    for text, page_number, role in rows:
        lines.append(Line(text=text, start=offset, page=page_number, role=role))
        offset += len(text) + 1
    joined = "\n".join(text for text, _page, _role in rows)
    return SourceText(text=joined, lines=tuple(lines), markers=(), pages=page_count)


def _page_lines(page: Any, index: int) -> list[tuple[str, int, str]]:
    """One page as ``(text, page number, role)`` rows in reading order."""
    tables = [table for table in page.find_tables(_table_settings(page)) if _is_card_table(table)]
    outside = page
    for table in tables:
        outside = outside.outside_bbox(table.bbox)
    items: list[tuple[float, float, list[tuple[str, str]]]] = []
    footer: int | None = None
    for line in outside.extract_text_lines(strip=True):
        text = _CID.sub(_cid_replacement, line["text"])
        number = _FOOTER_NUMBER.match(text)
        if number and line["top"] > _FOOTER_ZONE * page.height:
            footer = int(number.group(1))
            continue
        items.append((line["top"], line["x0"], [(text, "text")]))
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=True):
            label, content = (cells + [None, None])[:2]
            label = _CID.sub(_cid_replacement, label or "")
            content = _CID.sub(_cid_replacement, content or "")
            pieces = [(text, "label") for text in label.splitlines() if text.strip()]
            pieces += [(text, "cell") for text in content.splitlines()]
            items.append((row.bbox[1], row.bbox[0], pieces))
    page_number = footer if footer is not None else index
    items.sort(key=lambda item: (round(item[0], 1), item[1]))
    return [(text, page_number, role) for _top, _x, pieces in items for text, role in pieces]


def _table_settings(page: Any) -> dict[str, Any]:
    """Close tables that run over a page break.

    A row split across pages is drawn without a bottom rule on the first page and without a
    top rule on the next, so its cell is open and pdfplumber would not see it. A rule at the
    top and bottom of the page's vertical rules closes it.
    """
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not verticals:
        return {}
    top = min(edge["top"] for edge in verticals)
    bottom = max(edge["bottom"] for edge in verticals)
    return {"explicit_horizontal_lines": [top, bottom]}


def _is_card_table(table: Any) -> bool:
    """A card table has two columns: a narrow label column and a wide content column."""
    cells = table.extract()
    return bool(cells) and all(len(row) == 2 for row in cells)


def _is_password_error(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        name = type(seen).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(seen).lower():
            return True
        seen = (
            seen.__cause__
            or seen.__context__
            or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
        )
    return False


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 120 else text[:117] + "…"
