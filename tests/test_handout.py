"""Handouts carry every quote with its full citation and a sources list, in Markdown and DOCX."""

from __future__ import annotations

import zipfile

import pytest

from compendium.handout import HandoutItem, add_items, to_markdown, write_docx, write_markdown


@pytest.fixture
def items(keyword_searcher):
    results = [c for c in keyword_searcher.chunks if c.section == "results"][0]
    preface = [c for c in keyword_searcher.chunks if c.section == "preface" and c.lang == "en"][0]
    sentence = preface.text.split(". ")[0]
    return [HandoutItem.from_chunk(results), HandoutItem.from_chunk(preface, sentence)]


def test_markdown_has_quotes_citations_and_sources(items):
    text = to_markdown(items)
    assert text.startswith("# ")
    assert "Carmen Scott Alava" in text and "Resultados" in text and "p. 10" in text
    assert "> 1. Fortalecimiento de la coordinación intersectorial" in text
    assert "## Sources" in text
    sources = text.split("## Sources", 1)[1]
    assert "1. Generación de la Estrategia" in sources and "2. Front matter" in sources


def test_quotes_must_come_from_their_chunk(keyword_searcher):
    chunk = keyword_searcher.chunks[0]
    with pytest.raises(ValueError):
        HandoutItem.from_chunk(chunk, "words the compendium never says")


def test_adding_twice_keeps_one_copy(items):
    assert len(add_items(items, items)) == 2


def test_files_are_written_and_the_docx_opens(items, tmp_path):
    markdown = write_markdown(items, tmp_path)
    docx = write_docx(items, tmp_path)
    assert markdown.read_text(encoding="utf-8") == to_markdown(items)
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "Carmen Scott Alava" in body and "Sources" in body and "74.004" in body


def test_markup_in_a_quote_does_not_become_markdown(keyword_searcher):
    chunk = keyword_searcher.chunks[0]
    from dataclasses import replace

    item = replace(HandoutItem.from_chunk(chunk), quote="<b>bold</b> *star* [link](x)")
    text = to_markdown([item])
    assert "<b>" not in text and "\\<b\\>" in text and "\\*star\\*" in text
