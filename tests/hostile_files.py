"""Hostile and damaged files for the ingest: the kinds an audit found stalling it or slipping
through, each built small (for the tests) or full size (for ``bench/hostile_ingest.py``).

Every builder writes one file (or special file) into a folder and returns its path. PDFs are
written as raw bytes (:func:`raw_pdf`), so a hostile structure is exactly what it says, or drawn
with ``tests/pdf_builder.py`` and then damaged. ``scale`` multiplies the size of the hostile part:
1.0 is the full corpus, the tests use a small share.
"""

from __future__ import annotations

import os
import random
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: What a file should come to: "parsed" (a document), "refused" (one clean problem line), or
#: "either" (a hostile file that may parse to something or be refused, but never hang).
PARSED, REFUSED, EITHER = "parsed", "refused", "either"

_CARD_TEXT = """PARTE IA: CONTRIBUCIONES DE PRUEBA

Cooperativas de recicladores en la ciudad de Bogotá

(por Ana Pérez)

Objetivo(s)
Formalizar el trabajo de las personas recicladoras en cooperativas de la ciudad.

Resultados
Se formalizaron 120 recicladores y se abrieron tres centros de acopio en dos años.
"""


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, how to build it at a scale, and what ingest should make of it."""

    name: str
    build: Callable[[Path, float], Path]
    expect: str
    note: str
    #: Cheap enough to build and ingest in a unit test at the test scale.
    fast: bool = True


# --- raw PDFs -------------------------------------------------------------------------------


def raw_pdf(
    objects: list[bytes], *, root: int = 1, missing: frozenset[int] | set[int] = frozenset()
) -> bytes:
    """A PDF of ``objects`` (object ``i + 1`` is ``objects[i]``) with a correct xref table;
    the objects numbered in ``missing`` are left out and marked free."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries = []
    for number, body in enumerate(objects, start=1):
        if number in missing:
            entries.append(b"0000000000 00001 f \n")
            continue
        entries.append(b"%010d 00000 n \n" % len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(entries)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return bytes(out)


def stream(data: bytes, *, compress: bool = True, extra: bytes = b"") -> bytes:
    """A stream object body, Flate-compressed by default (that is what makes a bomb small)."""
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page_pdf(content: bytes, *, resources: bytes = b"", compress: bool = True) -> bytes:
    """A one-page PDF whose page draws ``content`` with Helvetica as /F1."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> " + resources + b">> >>"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            font,
            stream(content, compress=compress),
            page,
        ]
    )


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def pdf_many_rects(folder: Path, scale: float) -> Path:
    """A few KB that inflate to hundreds of thousands of ruled rectangles: every one is four
    table edges for pdfplumber to intersect."""
    count = int(400_000 * scale)
    cells = b"".join(
        b"%d %d 4 4 re S\n" % (50 + (i % 40) * 12, 50 + (i // 40 % 25) * 12) for i in range(count)
    )
    return _write(folder, "rects.pdf", one_page_pdf(cells))


def pdf_many_lines(folder: Path, scale: float) -> Path:
    """A grid of ruling lines, each drawn many times over: a table finder's worst case."""
    count = int(300_000 * scale)
    strokes = []
    for i in range(count):
        offset = 50 + (i % 200) * 2.5
        strokes.append(b"%.1f 50 m %.1f 792 l S\n50 %.1f m 545 %.1f l S\n" % (offset, offset, offset, offset))
    return _write(folder, "grid.pdf", one_page_pdf(b"".join(strokes)))


def pdf_many_chars(folder: Path, scale: float) -> Path:
    """A compressed page showing hundreds of thousands of glyphs, most on top of each other."""
    count = int(3_000 * scale)
    rows = [
        b"BT /F1 6 Tf %d %d Td (Resultados de la cooperativa) Tj ET\n" % (40 + i % 7, 60 + i % 700)
        for i in range(count)
    ]
    return _write(folder, "glyphs.pdf", one_page_pdf(b"".join(rows)))


def pdf_deep_nesting(folder: Path, scale: float) -> Path:
    """A content stream that opens arrays inside arrays a hundred thousand levels deep."""
    depth = int(200_000 * scale)
    content = b"BT /F1 9 Tf 72 720 Td " + b"[" * depth + b"(x)" + b"]" * depth + b" TJ ET\n"
    return _write(folder, "nested.pdf", one_page_pdf(content))


def pdf_deep_dict(folder: Path, scale: float) -> Path:
    """A page resource dictionary nested a hundred thousand levels deep (object parser)."""
    depth = int(100_000 * scale)
    nested = b"<< /A " * depth + b"1" + b" >>" * depth
    content = b"BT /F1 9 Tf 72 720 Td (Hola) Tj ET\n"
    return _write(folder, "nested-dict.pdf", one_page_pdf(content, resources=b"/X " + nested + b" "))


def pdf_many_xref(folder: Path, scale: float) -> Path:
    """An xref table claiming millions of objects (and one page): a reader must not walk them."""
    count = int(2_000_000 * scale)
    body = one_page_pdf(b"BT /F1 9 Tf 72 720 Td (Hola) Tj ET\n")
    cut = body.rindex(b"xref")
    tail = b"xref\n0 %d\n" % count + b"0000000000 65535 f \n" * count
    tail += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, cut)
    return _write(folder, "xref.pdf", body[:cut] + tail)


def pdf_page_tree_loop(folder: Path, scale: float) -> Path:
    """A page tree whose node lists itself as its own kid."""
    data = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 2 >>"])
    return _write(folder, "page-loop.pdf", data)


def pdf_many_pages(folder: Path, scale: float) -> Path:
    """Just under the page cap, every page cheap: the cap alone does not bound the time."""
    count = max(2, int(590 * scale))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(count):
        content = b"BT /F1 9 Tf 72 720 Td (Pagina %d de la cooperativa) Tj ET\n" % page
        objects.append(stream(content))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % len(objects)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % count
    return _write(folder, "many-pages.pdf", raw_pdf(objects))


def pdf_bomb(folder: Path, scale: float) -> Path:
    """One megabyte that inflates to a gigabyte of content stream (blanks): a memory bomb."""
    inflated = int(1024**3 * scale)
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = [packer.compress(chunk) for _ in range(inflated // len(chunk))]
    packed.append(packer.flush())
    data = b"".join(packed)
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        font,
        content,
        page,
    ]
    return _write(folder, "bomb.pdf", raw_pdf(objects))


def _text_page(lines: list[str]) -> bytes:
    shown = []
    for row, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        shown.append(b"BT /F1 10 Tf 60 %d Td (%s) Tj ET\n" % (780 - 14 * row, escaped.encode("latin-1")))
    return b"".join(shown)


def pdf_partial_copy(folder: Path, scale: float) -> Path:
    """A four-page card whose last two pages have lost their content objects (their xref
    entries are free), as a half-merged or badly repaired copy leaves it: pdfminer shows those
    pages blank, without an error."""
    pages = [
        [
            "Cooperativas de recicladores en Bogota",
            "(por Ana Perez)",
            "Objetivo(s)",
            "Formalizar el trabajo.",
        ],
        ["Metodologia", "Las cooperativas organizaron la recoleccion en barrios enteros."],
        ["Resultados", "Se formalizaron 120 recicladores y se abrieron tres centros."],
        ["Fondos", "El proyecto fue financiado por la cooperacion sur-sur."],
    ]
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + i) for i in range(count)), count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for number in range(count):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (4 + count + number)
        )
    objects += [stream(_text_page(lines)) for lines in pages]
    lost = {len(objects) - 1, len(objects)}
    return _write(folder, "partial-copy.pdf", raw_pdf(objects, missing=lost))


# --- damaged copies of a real card PDF --------------------------------------------------------


def card_pdf_bytes(folder: Path) -> bytes:
    """A two-card compendium-like PDF drawn with ``tests/pdf_builder.py`` (built once per folder)."""
    from tests.pdf_builder import CardSpec, build_cards_pdf

    cached = folder / ".card-source.pdf"
    if not cached.exists():
        paragraph = "Las cooperativas de recicladores organizaron la recolección en barrios enteros. " * 12
        sections = [
            ("objectives", "Objetivo(s)", [paragraph] * 3),
            ("methodology", "Metodología", [paragraph] * 4),
            ("results", "Resultados", [paragraph] * 4),
            ("funding", "Fondos", ["El proyecto fue financiado por la cooperación sur-sur."]),
        ]
        cards = [
            CardSpec(
                "Cooperativas de recicladores en Bogotá", "(por Ana Pérez)", sections, "PARTE IA: PRUEBA"
            ),
            CardSpec("Bancos comunales andinos", "(por Luis Gómez)", sections),
        ]
        build_cards_pdf(cards, cached, first_printed_page=3)
    return cached.read_bytes()


def pdf_truncated(folder: Path, scale: float) -> Path:
    """Two thirds of a card PDF, as a copy interrupted part-way leaves it."""
    data = card_pdf_bytes(folder)
    return _write(folder, "truncated.pdf", data[: len(data) * 2 // 3])


def pdf_no_xref(folder: Path, scale: float) -> Path:
    """A whole card PDF whose xref table and trailer were cut off (the last 2 KB)."""
    data = card_pdf_bytes(folder)
    return _write(folder, "no-xref.pdf", data[: data.rindex(b"xref")])


def pdf_bad_stream(folder: Path, scale: float) -> Path:
    """A card PDF with 40 bytes inside the compressed content of its middle page overwritten
    (the object around it intact), as a bad disk or transfer leaves it."""
    data = bytearray(card_pdf_bytes(folder))
    starts = [
        i for i in range(len(data)) if data.startswith(b"stream\r\n", i) or data.startswith(b"stream\n", i)
    ]
    begin = data.index(b"\n", starts[len(starts) // 2]) + 1 + 10
    junk = random.Random(7).randbytes(40)
    data[begin : begin + len(junk)] = junk
    return _write(folder, "bad-stream.pdf", bytes(data))


# --- text and Markdown ------------------------------------------------------------------------


def _text(folder: Path, name: str, text: str) -> Path:
    return _write(folder, name, text.encode("utf-8"))


def _size(scale: float, full: int) -> int:
    return max(1, int(full * scale))


def text_one_line(folder: Path, scale: float) -> Path:
    """A megabyte of words with no line break, justified with double spaces like PDF text."""
    words = "Cooperación  entre  instituciones  y  países  para  lograr  los  objetivos  "
    return _text(folder, "one-line.txt", _CARD_TEXT + words * (_size(scale, 1_000_000) // len(words) + 1))


def text_no_spaces(folder: Path, scale: float) -> Path:
    """A card, then a megabyte of one word: no space, no line break."""
    return _text(folder, "no-spaces.txt", _CARD_TEXT + "a@b." * (_size(scale, 1_000_000) // 4))


def text_short_lines(folder: Path, scale: float) -> Path:
    """Hundreds of thousands of one-character lines (after a card)."""
    return _text(folder, "short-lines.txt", _CARD_TEXT + "a\n" * (_size(scale, 1_000_000) // 2))


def text_footers(folder: Path, scale: float) -> Path:
    """Inside a card, page-number lines one after another, every one a plausible footer."""
    count = _size(scale, 150_000)
    return _text(folder, "footers.txt", _CARD_TEXT + "\n".join(f"texto\n\n{n}\n" for n in range(1, count)))


def text_label_runs(folder: Path, scale: float) -> Path:
    """Long runs of lines that each begin a section label, justified in columns, inside a card:
    every line could start a label wrapped over the next six."""
    line = "Cooperación  entre  instituciones  y  países  para  lograr  los  objetivos\n"
    return _text(folder, "label-runs.txt", _CARD_TEXT + line * (_size(scale, 500_000) // len(line)))


def text_many_cards(folder: Path, scale: float) -> Path:
    """Thousands of author lines and part headings: cards and parts to pair up."""
    block = "PARTE IA: PRUEBA\nTítulo\n(por Ana)\nObjetivo(s)\nAlgo.\n"
    return _text(folder, "many-cards.txt", block * (_size(scale, 1_000_000) // len(block)))


def text_many_headings(folder: Path, scale: float) -> Path:
    """Front matter heading lines by the hundred thousand, page footers between them."""
    block = "Prefacio\n\n{n}\n\nTexto del prefacio.\n"
    count = _size(scale, 1_000_000) // len(block)
    return _text(folder, "many-headings.txt", "".join(block.format(n=n) for n in range(1, count)))


def text_space_runs(folder: Path, scale: float) -> Path:
    """Lines made of long runs of spaces ending in a non-digit (the footer pattern's worst case)."""
    line = " " * 50_000 + "x\n"
    return _text(folder, "space-runs.txt", _CARD_TEXT + line * max(1, _size(scale, 1_000_000) // len(line)))


def text_instructions(folder: Path, scale: float) -> Path:
    """A section repeating a template instruction thousands of times: each is cut out."""
    sentence = "Explicar los resultados principales de la buena práctica Sur-Sur y triangular.\n"
    return _text(
        folder, "instructions.txt", _CARD_TEXT + sentence * (_size(scale, 1_000_000) // len(sentence))
    )


def text_abbreviations(folder: Path, scale: float) -> Path:
    """One long sentence of abbreviations ("p. A p. A …"): no boundary is a sentence end."""
    return _text(
        folder, "abbreviations.txt", _CARD_TEXT + "Ver p. A " * (_size(scale, 1_000_000) // 9) + "\n"
    )


def text_long_title(folder: Path, scale: float) -> Path:
    """An author line under a title line of a megabyte (clause breaks everywhere)."""
    title = "Cooperativas, mujeres: " * (_size(scale, 1_000_000) // 23)
    return _text(folder, "long-title.txt", f"{title}\n(por Ana Pérez)\nObjetivo(s)\nAlgo.\n")


def markdown_big(folder: Path, scale: float) -> Path:
    """0.8 MB of Markdown: headings, emphasis that never closes, label headings by the thousand."""
    block = "## Objetivo(s)\n**Cooperativas **de __mujeres en **Bolivia\n# Resultados\n* Se crearon **120** empleos\n"
    text = "# Cooperativas\n\n(por Ana Pérez)\n\n" + block * (_size(scale, 800_000) // len(block))
    return _text(folder, "big.md", text)


def markdown_emphasis(folder: Path, scale: float) -> Path:
    """One Markdown line of emphasis markers with no closing pair."""
    return _text(
        folder, "emphasis.md", "# Título\n(por Ana Pérez)\n" + "**a_" * (_size(scale, 800_000) // 4) + "\n"
    )


# --- binary and encodings ---------------------------------------------------------------------


def _after_head(scale: float, tail: bytes) -> bytes:
    head = _CARD_TEXT.encode("utf-8") * 40  # well past the first 8 KiB
    return head + tail * max(1, int(2000 * scale))


def nul_after_head(folder: Path, scale: float) -> Path:
    """Clean text for 10 KB, then NUL bytes."""
    return _write(folder, "nul-tail.txt", _after_head(scale, b"\x00" * 64))


def controls_after_head(folder: Path, scale: float) -> Path:
    """Clean text for 10 KB, then control characters."""
    return _write(folder, "control-tail.txt", _after_head(scale, bytes(range(1, 9)) * 8))


def random_after_head(folder: Path, scale: float) -> Path:
    """Clean text for 10 KB, then random bytes (which may happen to be valid UTF-8)."""
    rng = random.Random(3)
    tail = bytes(rng.choice([b for b in range(0x80) if b not in b"\n\r\t"]) for _ in range(64))
    return _write(folder, "random-tail.txt", _after_head(scale, tail))


def _encoded(folder: Path, name: str, codec: str, bom: bytes = b"") -> Path:
    return _write(folder, name, bom + _CARD_TEXT.encode(codec))


def utf32_bom(folder: Path, scale: float) -> Path:
    """The card in UTF-32 with a byte order mark: must parse."""
    return _write(folder, "utf32.txt", _CARD_TEXT.encode("utf-32"))


def utf32_no_bom(folder: Path, scale: float) -> Path:
    """The card in UTF-32-LE without a byte order mark (three NULs per character)."""
    return _encoded(folder, "utf32-nobom.txt", "utf-32-le")


def utf16_no_bom(folder: Path, scale: float) -> Path:
    """The card in UTF-16-BE without a byte order mark (a NUL before every ASCII letter)."""
    return _encoded(folder, "utf16-nobom.txt", "utf-16-be")


# --- special files ----------------------------------------------------------------------------


def fifo(folder: Path, scale: float) -> Path:
    """A named pipe called ``.txt``: opening it for reading blocks until a writer comes."""
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def unix_socket(folder: Path, scale: float) -> Path:
    """A Unix socket called ``.md`` (left bound: the socket object is closed, the node stays)."""
    path = folder / "socket.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
    return path


def symlink_loop(folder: Path, scale: float) -> Path:
    """Two links pointing at each other."""
    first, second = folder / "loop-a.txt", folder / "loop-b.txt"
    first.symlink_to(second.name)
    second.symlink_to(first.name)
    return first


def dangling_link(folder: Path, scale: float) -> Path:
    """A link to a file that does not exist."""
    path = folder / "gone.txt"
    path.symlink_to("nowhere.txt")
    return path


def folder_named_pdf(folder: Path, scale: float) -> Path:
    """A folder called ``notes.pdf`` (with nothing ingestible inside)."""
    path = folder / "notes.pdf"
    path.mkdir()
    return path


def device_link(folder: Path, scale: float) -> Path:
    """A link called ``.txt`` to ``/dev/zero``: reading it never ends."""
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def huge_text(folder: Path, scale: float) -> Path:
    """Tens of megabytes of plausible card text, under the size cap."""
    body = _CARD_TEXT.split("\n\n", 1)[1]
    return _text(folder, "huge.txt", body * (_size(scale, 45_000_000) // len(body)))


HOSTILE: tuple[Hostile, ...] = (
    Hostile("rects.pdf", pdf_many_rects, EITHER, "compressed rectangles (table edges)"),
    Hostile("grid.pdf", pdf_many_lines, EITHER, "ruling lines drawn over and over"),
    Hostile("glyphs.pdf", pdf_many_chars, EITHER, "glyphs stacked on each other"),
    Hostile("nested.pdf", pdf_deep_nesting, EITHER, "arrays nested 200k deep in a content stream"),
    Hostile("nested-dict.pdf", pdf_deep_dict, EITHER, "dictionaries nested 100k deep"),
    Hostile("xref.pdf", pdf_many_xref, EITHER, "xref table of millions of entries"),
    Hostile("page-loop.pdf", pdf_page_tree_loop, REFUSED, "page tree that contains itself"),
    Hostile("many-pages.pdf", pdf_many_pages, EITHER, "590 cheap pages", fast=False),
    Hostile("bomb.pdf", pdf_bomb, EITHER, "1 MB inflating to 1 GB of content stream"),
    Hostile("partial-copy.pdf", pdf_partial_copy, REFUSED, "linearized-style card PDF cut at 60%"),
    Hostile("truncated.pdf", pdf_truncated, REFUSED, "card PDF cut at two thirds"),
    Hostile("no-xref.pdf", pdf_no_xref, REFUSED, "card PDF without its xref table"),
    Hostile("bad-stream.pdf", pdf_bad_stream, REFUSED, "card PDF with one content stream overwritten"),
    Hostile("one-line.txt", text_one_line, EITHER, "1 MB, no line break, double-spaced"),
    Hostile("no-spaces.txt", text_no_spaces, EITHER, "1 MB, one word"),
    # Linear, 7 s at full size on an idle 2-core machine: on a busy one the budget may stop them.
    Hostile("short-lines.txt", text_short_lines, EITHER, "500k one-letter lines after a card"),
    Hostile("footers.txt", text_footers, EITHER, "150k page footers"),
    Hostile("label-runs.txt", text_label_runs, PARSED, "label-like lines in columns inside a card"),
    Hostile("many-cards.txt", text_many_cards, EITHER, "20k cards and part headings"),
    Hostile("many-headings.txt", text_many_headings, PARSED, "front matter headings and footers"),
    Hostile("space-runs.txt", text_space_runs, PARSED, "runs of 50k spaces"),
    Hostile("instructions.txt", text_instructions, PARSED, "a template instruction repeated"),
    Hostile("abbreviations.txt", text_abbreviations, PARSED, "one sentence of abbreviations"),
    Hostile("long-title.txt", text_long_title, PARSED, "a 1 MB title"),
    Hostile("big.md", markdown_big, PARSED, "0.8 MB Markdown"),
    Hostile("emphasis.md", markdown_emphasis, PARSED, "emphasis markers that never close"),
    Hostile("nul-tail.txt", nul_after_head, REFUSED, "NUL bytes after the first 10 KB"),
    Hostile("control-tail.txt", controls_after_head, REFUSED, "control characters after 10 KB"),
    Hostile("random-tail.txt", random_after_head, REFUSED, "random ASCII bytes after 10 KB"),
    Hostile("utf32.txt", utf32_bom, PARSED, "UTF-32 with BOM"),
    Hostile("utf32-nobom.txt", utf32_no_bom, PARSED, "UTF-32-LE without BOM"),
    Hostile("utf16-nobom.txt", utf16_no_bom, PARSED, "UTF-16-BE without BOM"),
    Hostile("pipe.txt", fifo, REFUSED, "a FIFO"),
    Hostile("socket.md", unix_socket, REFUSED, "a Unix socket"),
    Hostile("loop-a.txt", symlink_loop, REFUSED, "a symlink loop (two links)"),
    Hostile("gone.txt", dangling_link, REFUSED, "a dangling symlink"),
    Hostile("notes.pdf", folder_named_pdf, REFUSED, "a folder named .pdf"),
    Hostile("zero.txt", device_link, REFUSED, "a link to /dev/zero"),
    Hostile("huge.txt", huge_text, EITHER, "45 MB of card text", fast=False),
)


def build_all(folder: Path, scale: float, *, only_fast: bool = False) -> dict[str, Hostile]:
    """Write every hostile file into ``folder``; returns them by the name ingest reports."""
    folder.mkdir(parents=True, exist_ok=True)
    built = {}
    for hostile in HOSTILE:
        if only_fast and not hostile.fast:
            continue
        hostile.build(folder, scale)
        built[hostile.name] = hostile
    return built
