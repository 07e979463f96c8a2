"""The PDF path gives the same structure as the text path, plus the pages the PDF prints."""

from __future__ import annotations

import pytest

from compendium.errors import EncryptedPdfError, PdfError, TooManyPagesError
from compendium.ingest import Limits, load_file
from tests.pdf_builder import build_compendium_pdf

INSTRUCTIONS = {
    "results": "Explicar los resultados principales de la buena práctica Sur-Sur y triangular.",
    "funding": "Explicar origen de los fondos y cooperación de otros países.",
}


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf_round_trip(seed_document, tools, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "compendium.pdf"
    label_pages = build_compendium_pdf(seed_document, path, first_printed_page=9, instructions=INSTRUCTIONS)
    return load_file(path, tools=tools), label_pages, path


def test_pdf_gives_the_same_cards_sections_and_texts(seed_document, pdf_round_trip):
    parsed, _pages, _path = pdf_round_trip
    assert parsed.kind == "pdf"
    assert len(parsed.cards) == len(seed_document.cards) == 1
    expected, got = seed_document.cards[0], parsed.cards[0]
    assert got.card_id == expected.card_id
    assert got.title == expected.title
    assert got.author == expected.author
    assert got.part == expected.part
    assert [s.key for s in got.sections] == [s.key for s in expected.sections]
    assert [s.label for s in got.sections] == [s.label for s in expected.sections]
    for mine, theirs in zip(got.sections, expected.sections, strict=True):
        assert squash(mine.text) == squash(theirs.text), mine.key


def test_pdf_front_matter_matches_the_text_path(seed_document, pdf_round_trip):
    parsed, _pages, _path = pdf_round_trip
    assert [(s.key, s.language) for s in parsed.front_matter] == [
        (s.key, s.language) for s in seed_document.front_matter
    ]
    for mine, theirs in zip(parsed.front_matter, seed_document.front_matter, strict=True):
        assert squash(mine.text) == squash(theirs.text)


def test_pdf_pages_are_the_printed_page_numbers(pdf_round_trip):
    parsed, label_pages, _path = pdf_round_trip
    card = parsed.cards[0]
    assert {section.key: section.page for section in card.sections} == label_pages
    # The table runs over several pages, so the test means something.
    assert len(set(label_pages.values())) >= 3
    assert parsed.pages is not None and parsed.pages >= 4


def test_a_section_running_over_a_page_break_knows_both_pages(pdf_round_trip):
    parsed, _pages, _path = pdf_round_trip
    spanning = [s for s in parsed.cards[0].sections if len({page for _offset, page in s.page_starts}) > 1]
    assert spanning, "the layout should split at least one section over two pages"
    section = spanning[0]
    (first_offset, first_page), (second_offset, second_page) = section.page_starts[:2]
    assert second_page == first_page + 1
    assert section.page_at(first_offset) == first_page
    assert section.page_at(len(section.text) - 1) == section.page_starts[-1][1]


def test_pdf_path_drops_template_instructions(pdf_round_trip):
    parsed, _pages, _path = pdf_round_trip
    for section in parsed.cards[0].sections:
        assert "Explicar" not in section.text
    assert sum("dropped template instruction" in w for w in parsed.warnings) == 2


def test_truncated_pdf_is_a_pdf_error(pdf_round_trip, tmp_path, tools):
    _parsed, _pages, path = pdf_round_trip
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(PdfError) as caught:
        load_file(broken, tools=tools)
    assert "broken.pdf" in str(caught.value)


def test_encrypted_pdf_is_refused_with_a_clear_reason(seed_document, tmp_path, tools):
    path = tmp_path / "locked.pdf"
    build_compendium_pdf(seed_document, path, encrypt="secret")
    with pytest.raises(EncryptedPdfError) as caught:
        load_file(path, tools=tools)
    assert "locked.pdf" in str(caught.value) and "encrypted" in str(caught.value)


def test_pdf_over_the_page_cap_is_refused(pdf_round_trip, tools):
    _parsed, _pages, path = pdf_round_trip
    with pytest.raises(TooManyPagesError) as caught:
        load_file(path, tools=tools, limits=Limits(max_pages=2))
    assert "2-page limit" in str(caught.value)
