"""Build a compendium-like PDF from a parsed document, for the PDF round-trip tests.

The layout mimics the real compendium: front matter as headed paragraphs, then a part
heading, the card title, the author line and a two-column table (label cell | content cell)
that runs over several pages, with the printed page number in each footer. While drawing we
record the page each section label lands on: that is the ground truth for page citations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from compendium.records import Document

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceAfter=6)
TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=12, leading=15)


@dataclass(frozen=True)
class CardSpec:
    """A card to draw: ``sections`` are ``(key, printed label, paragraphs)``; a paragraph whose
    cells are separated by " | " is drawn as a row of a table of figures."""

    title: str
    author_line: str
    sections: Sequence[tuple[str, str, Sequence[str]]]
    part: str | None = None


class _RecordingParagraph(Paragraph):
    """A paragraph that remembers the page it was drawn on."""

    def __init__(self, text: str, style: ParagraphStyle, sink: dict[str, int], key: str) -> None:
        super().__init__(text, style)
        self._sink = sink
        self._key = key

    def draw(self) -> None:
        self._sink.setdefault(self._key, self.canv.getPageNumber())
        super().draw()


def build_compendium_pdf(
    document: Document,
    path: Path,
    *,
    first_printed_page: int = 9,
    instructions: dict[str, str] | None = None,
    encrypt: str | None = None,
) -> dict[str, int]:
    """Write ``document`` as a PDF at ``path``; return the printed page of each card section.

    ``instructions`` puts template instruction sentences back at the top of the given
    sections, as the original template had them, so the PDF path must drop them too.
    """
    instructions = instructions or {}
    drawn: dict[str, int] = {}
    offset = first_printed_page - 1
    story: list = []
    for section in document.front_matter:
        story.append(Paragraph(escape(section.label), HEADING))
        story.extend(Paragraph(escape(paragraph), BODY) for paragraph in section.text.split("\n"))
        story.append(Spacer(1, 0.4 * cm))
    if document.front_matter:
        story.append(PageBreak())
    specs = []
    for card in document.cards:
        sections = []
        for section in card.sections:
            paragraphs = section.text.split("\n")
            if section.key in instructions:
                paragraphs.insert(0, instructions[section.key])
            sections.append((section.key, section.label, paragraphs))
        specs.append(CardSpec(card.title, f"(por {card.author})", sections, card.part))
    story.extend(card_story(specs, drawn))
    _build(story, path, offset, encrypt)
    return {key: page + offset for key, page in drawn.items()}


def build_cards_pdf(cards: Sequence[CardSpec], path: Path, *, first_printed_page: int) -> dict[str, int]:
    """Write ``cards`` alone (no front matter) as a compendium-like PDF; return the printed page
    on which each section label was drawn (keyed ``"<card number>:<section key>"``)."""
    drawn: dict[str, int] = {}
    story: list = []
    for number, card in enumerate(cards):
        keyed = [(f"{number}:{key}", label, paragraphs) for key, label, paragraphs in card.sections]
        story.extend(card_story([CardSpec(card.title, card.author_line, keyed, card.part)], drawn))
    offset = first_printed_page - 1
    _build(story, path, offset, None)
    return {key: page + offset for key, page in drawn.items()}


def card_story(cards: Sequence[CardSpec], drawn: dict[str, int]) -> list:
    """Flowables of cards: part heading, title, author line, then the two-column table."""
    story: list = []
    for card in cards:
        if card.part:
            story.append(Paragraph(escape(card.part), HEADING))
        story.append(Paragraph(escape(card.title), TITLE))
        story.append(Spacer(1, 0.3 * cm))
        story.append(Paragraph(escape(card.author_line), BODY))
        story.append(Spacer(1, 0.3 * cm))
        rows = []
        for key, label, paragraphs in card.sections:
            cell = [_flowable(paragraph) for paragraph in paragraphs if paragraph.strip()]
            rows.append([_RecordingParagraph(escape(label), BODY, drawn, key), cell])
        table = Table(rows, colWidths=[4 * cm, 12.5 * cm], splitInRow=1, repeatRows=0)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    return story


def _flowable(paragraph: str):  # type: ignore[no-untyped-def]
    if " | " not in paragraph:
        return Paragraph(escape(paragraph), BODY)
    # A row of figures: drawn as cells separated by wide gaps, as the compendium's tables print.
    return Paragraph(
        "&nbsp;&nbsp;&nbsp;&nbsp;".join(escape(cell.strip()) for cell in paragraph.split(" | ")), BODY
    )


def _build(story: list, path: Path, offset: int, encrypt: str | None) -> None:
    def footer(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, str(canvas.getPageNumber() + offset))

    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        topMargin=2 * cm,
        bottomMargin=2.5 * cm,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        encrypt=encrypt,
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)
