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
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compendium.errors import DamagedPdfError, EncryptedPdfError, PdfError, TooManyPagesError
from compendium.records import Line, SourceText

# Matched against stripped text: no leading or trailing \s* that a run of spaces backtracks into.
_FOOTER_NUMBER = re.compile(r"[-–—]?\s*(\d{1,4})\s*[-–—]?")
_FOOTER_ZONE = 0.9  # the bottom tenth of a page
# A PDF ends with "%%EOF" (writers may add a little after it); one without is cut short.
_EOF_WINDOW = 2048
_INFLATE_SLICE = 1 << 20
# A page's drawing instructions: a dense real page takes well under 1 MB; beyond this it is a
# decompression bomb, whose parsing alone would take minutes.
_MAX_PAGE_CONTENT = 64 << 20
_NOT_KEPT = "; nothing of it is indexed (repair or re-export it)"
# Glyphs without a Unicode mapping come out as "(cid:127)". At the start of a line they are
# almost always list bullets; elsewhere they carry nothing we can read.
_CID = re.compile(r"(^\s*)?\(cid:\d+\)\s*", re.MULTILINE)


def _cid_replacement(match: re.Match[str]) -> str:
    return "• " if match.group(1) is not None else ""


def read_pdf(
    path: Path | str, data: bytes, *, max_pages: int, on_page: Callable[[int, int], None] | None = None
) -> SourceText:
    """Extract the lines of every page, telling ``on_page`` (pages read, pages in all) as it
    goes; raise a :class:`PdfError` subclass on a bad PDF.

    A damaged PDF (cut short, its page tree or a page's content missing or corrupt) is refused
    whole: pdfminer would read what it can and a partial copy of a card would then compete
    with the whole card in results, so none of its text is kept.
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(path, "not a PDF file (no %PDF header); is the file name wrong?")
    if data.rfind(b"%%EOF", max(0, len(data) - _EOF_WINDOW)) < 0:
        raise DamagedPdfError(
            path, f"damaged PDF: it ends before its end-of-file marker (truncated copy?){_NOT_KEPT}"
        )
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
        _check_pages(path, pdf, page_count, max_pages)
        rows = _read_pages(path, pdf, page_count, on_page or (lambda _done, _pages: None))
    lines: list[Line] = []
    offset = 0
    for text, page_number, role in rows:
        lines.append(Line(text=text, start=offset, page=page_number, role=role))
        offset += len(text) + 1
    joined = "\n".join(text for text, _page, _role in rows)
    return SourceText(text=joined, lines=tuple(lines), markers=(), pages=page_count)


def _check_pages(path: Path | str, pdf: Any, page_count: int, max_pages: int) -> None:
    if page_count > max_pages:
        raise TooManyPagesError(path, f"PDF has {page_count} pages, over the {max_pages}-page limit")
    if page_count == 0:
        raise PdfError(path, "PDF has no pages")
    from pdfminer.pdftypes import resolve1

    tree = resolve1(pdf.doc.catalog.get("Pages"))
    listed = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    if isinstance(listed, int) and listed > page_count:
        raise DamagedPdfError(
            path,
            f"damaged PDF: its page tree lists {listed} pages, only {page_count} can be found{_NOT_KEPT}",
        )


def _read_pages(
    path: Path | str, pdf: Any, page_count: int, on_page: Callable[[int, int], None]
) -> list[tuple[str, int, str]]:
    rows: list[tuple[str, int, str]] = []
    on_page(0, page_count)
    for index, page in enumerate(pdf.pages, start=1):
        try:
            _check_contents(path, page, index)
            rows.extend(_page_lines(page, index))
        except (PdfError, MemoryError, RecursionError):
            raise  # the last two are the reader's limits, not the file's fault: said as such
        except Exception as error:
            if _is_password_error(error):
                raise EncryptedPdfError(
                    path, "PDF is encrypted (password protected); save an unprotected copy"
                ) from error
            raise PdfError(path, f"page {index} cannot be read ({_describe(error)})") from error
        finally:
            page.close()  # drop the page's cached objects: memory stays one page deep
        on_page(index, page_count)
    return rows


def _check_contents(path: Path | str, page: Any, index: int) -> None:
    """Refuse a page whose content streams are missing (a partial copy), do not inflate
    (corrupt), or inflate to more than any page draws (a decompression bomb)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    declared = page.page_obj.attrs.get("Contents")
    if declared is None:
        return  # a blank page declares no content
    streams = resolve1(declared)
    inflated = 0
    for item in streams if isinstance(streams, list) else [streams]:
        stream = resolve1(item)
        if not isinstance(stream, PDFStream):
            raise DamagedPdfError(
                path, f"damaged PDF: page {index} has lost its content (partial copy?){_NOT_KEPT}"
            )
        size = _inflated_size(stream, _MAX_PAGE_CONTENT - inflated)
        if size is None:
            raise DamagedPdfError(path, f"damaged PDF: the content of page {index} is corrupt{_NOT_KEPT}")
        inflated += size
        if inflated > _MAX_PAGE_CONTENT:
            raise PdfError(
                path,
                f"page {index} inflates to over {_MAX_PAGE_CONTENT >> 20} MB of drawing instructions "
                "(a decompression bomb?); not read",
            )


def _inflated_size(stream: Any, limit: int) -> int | None:
    """Bytes a Flate-compressed stream inflates to, counted in slices and only up to just
    over ``limit`` (a bomb costs neither time nor memory), or None if it does not inflate.
    Streams of other filters, or encrypted, count as their raw size: pdfminer judges them."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    raw = stream.rawdata
    filters = stream.get_filters()
    if raw is None or stream.decipher or not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return len(raw or b"")
    inflater = zlib.decompressobj()
    pending, size = raw, 0
    try:
        while pending and not inflater.eof and size <= limit:
            size += len(inflater.decompress(pending, _INFLATE_SLICE))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return None
    return size


def _page_lines(page: Any, index: int) -> list[tuple[str, int, str]]:
    """One page as ``(text, page number, role)`` rows in reading order."""
    # Each table's cells are extracted once: that is the costly step of table reading.
    tables = [(table, table.extract()) for table in page.find_tables(_table_settings(page))]
    tables = [(table, cells) for table, cells in tables if _is_card_table(cells)]
    outside = _outside(page, [table.bbox for table, _cells in tables])
    items: list[tuple[float, float, list[tuple[str, str]]]] = []
    footer: int | None = None
    for line in outside.extract_text_lines(strip=True):
        text = _CID.sub(_cid_replacement, line["text"])
        number = _FOOTER_NUMBER.fullmatch(text.strip())
        if number and line["top"] > _FOOTER_ZONE * page.height:
            footer = int(number.group(1))
            continue
        items.append((line["top"], line["x0"], [(text, "text")]))
    for table, rows in tables:
        for row, cells in zip(table.rows, rows, strict=True):
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


def _is_card_table(cells: list[list[str | None]]) -> bool:
    """A card table has two columns: a narrow label column and a wide content column."""
    return bool(cells) and all(len(row) == 2 for row in cells)


def _outside(page: Any, boxes: list[tuple[float, float, float, float]]) -> Any:
    """The page without what overlaps the tables, as ``outside_bbox`` keeps it, in one filter
    (a chain of one crop per table nests as deep as there are tables)."""
    if not boxes:
        return page
    from pdfplumber.utils import get_bbox_overlap, obj_to_bbox

    def outside(obj: dict[str, Any]) -> bool:
        bbox = obj_to_bbox(obj)
        return all(get_bbox_overlap(bbox, box) is None for box in boxes)

    return page.filter(outside)


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
