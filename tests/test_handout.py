"""Handouts carry every quote with its full citation and a sources list, in Markdown and DOCX."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import pytest

from compendium.exports import ExportLimits, ExportStore
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
    item = replace(HandoutItem.from_chunk(chunk), quote="<b>bold</b> *star* [link](x)")
    text = to_markdown([item])
    assert "<b>" not in text and "\\<b\\>" in text and "\\*star\\*" in text


def test_character_references_in_a_quote_stay_text(keyword_searcher):
    from markdown_it import MarkdownIt  # what Gradio renders Markdown with

    item = replace(
        HandoutItem.from_chunk(keyword_searcher.chunks[0]), quote="&lt;b&gt;bold&lt;/b&gt; AT&amp;T"
    )
    text = to_markdown([item])
    assert "\\&lt;b\\&gt;" in text
    html = MarkdownIt().render(text)
    assert "<b>" not in html and "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; AT&amp;amp;T" in html


def _sessions(store: ExportStore) -> set[str]:
    return {path.parent.name for path in store.files()}


def test_a_session_keeps_only_its_latest_handout(items, tmp_path):
    store = ExportStore(tmp_path / "exports")
    store.export(items, "k3j4h5g6")
    markdown, docx = store.export(items[:1], "k3j4h5g6")
    assert store.files() == sorted([markdown, docx])
    assert markdown.read_text(encoding="utf-8") == to_markdown(items[:1])
    assert docx.parent == markdown.parent == tmp_path / "exports" / "k3j4h5g6"


@pytest.mark.parametrize(
    "session", ["", ".", "..", "../escape", "a/b", "/etc", "x\x00y", "é", "a" * 65, None, 42]
)
def test_an_invalid_session_id_gets_no_files(items, tmp_path, session):
    store = ExportStore(tmp_path / "exports")
    assert store.export(items, session) == (None, None)
    assert store.files() == [] and not (tmp_path / "escape").exists()


def test_made_up_sessions_are_bounded_in_count_and_bytes(items, tmp_path):
    store = ExportStore(tmp_path / "exports", ExportLimits(sessions=5))
    for number in range(30):
        store.export(items, f"fake{number:03d}")
    assert _sessions(store) == {f"fake{number:03d}" for number in range(25, 30)}
    assert len(store.files()) == 10
    one_handout = sum(path.stat().st_size for path in store.files()) / 5
    small = ExportStore(tmp_path / "small", ExportLimits(total_bytes=int(2.5 * one_handout)))
    for number in range(6):
        small.export(items, f"fake{number:03d}")
    assert _sessions(small) == {"fake004", "fake005"}


def test_old_handouts_expire_and_an_oversized_one_is_not_offered(items, tmp_path):
    import time

    now = [time.time()]
    store = ExportStore(tmp_path / "exports", ExportLimits(max_age_seconds=3600), clock=lambda: now[0])
    store.export(items, "earlier")
    now[0] += 3601
    store.export(items, "later")
    assert _sessions(store) == {"later"}
    tiny = ExportStore(tmp_path / "tiny", ExportLimits(session_bytes=1000))
    assert tiny.export(items, "session1") == (None, None) and tiny.files() == []


def test_refs_rebuild_the_items_and_drop_what_does_not_resolve(keyword_searcher):
    from compendium.handout import HandoutRef, resolve

    chunks = keyword_searcher.chunk_by_id
    first, second = keyword_searcher.chunks[:2]
    kept = [HandoutRef.whole(first).to_dict(), HandoutRef.of(second, 0, 10).to_dict()]
    good = HandoutRef.of(first, 0, 5).to_dict()
    planted = [
        {**good, "chunk_id": "no-such-chunk"},
        {**good, "end": len(first.text) + 1},
        {**good, "start": "0"},
        {**good, "start": True},
        {**good, "end": 6},  # the text there is no longer the text chosen
        {key: value for key, value in good.items() if key != "digest"},
        "not a ref",
        None,
    ]
    handout = resolve([*kept, *planted, kept[0]], chunks)
    assert [item.quote for item in handout.items] == [first.text, second.text[:10]]
    assert [ref.to_dict() for ref in handout.refs] == kept and handout.dropped == len(planted)
    assert handout.items[0].citation == first.citation


def test_refs_are_added_once_moved_and_removed_within_bounds(keyword_searcher):
    from compendium.handout import HandoutRef, added, moved, removed, resolve

    a, b, c = (HandoutRef.whole(chunk) for chunk in keyword_searcher.chunks[:3])
    assert added([a], [a, b, c], limit=2) == [a, b]
    assert moved([a, b, c], 2, -1) == [a, c, b] and moved([a, b, c], 0, -1) == [a, b, c]
    assert moved([a, b, c], 0, 5) == [b, c, a] and moved([a, b], 7, 1) == [a, b]
    assert removed([a, b, c], 1) == [a, c] and removed([a], 3) == [a]
    many = [HandoutRef.of(chunk, 0, 1).to_dict() for chunk in keyword_searcher.chunks]
    assert len(resolve(many, keyword_searcher.chunk_by_id, limit=4).refs) == 4


def test_the_files_speak_the_interface_language_and_are_named_for_what_they_are(items, tmp_path):
    from datetime import date

    from compendium.handout import file_name

    spanish = to_markdown(items, today=date(2025, 12, 2), lang="es")
    assert spanish.startswith("# Buenas prácticas de CSST")
    assert "Preparado el 2 de diciembre de 2025 a partir del compendio." in spanish
    assert "## Fuentes" in spanish and "sección “Resultados”" in spanish and "en español" in spanish
    assert "Prepared on" not in spanish and "Sources" not in spanish
    english = to_markdown(items, today=date(2025, 12, 2))
    assert "Prepared on 2 December 2025 from the compendium." in english and "in Spanish" in english
    assert file_name("es", "docx", date(2025, 12, 2)) == "material-buenas-practicas-csst-2025-12-02.docx"
    assert file_name("en", "md", date(2025, 12, 2)) == "sstc-good-practices-handout-2025-12-02.md"
    markdown, docx = ExportStore(tmp_path / "exports").export(items, "session1", "es")
    assert markdown.name.startswith("material-buenas-practicas-csst-") and docx.suffix == ".docx"


def test_the_word_file_has_proper_properties_and_no_library_as_author(items, tmp_path):
    from docx import Document as WordDocument

    path = write_docx(items, tmp_path, lang="es")
    properties = WordDocument(str(path)).core_properties
    assert properties.title.startswith("Buenas prácticas de CSST") and properties.language == "es"
    assert properties.author == "" and properties.last_modified_by == ""
    assert properties.subject.startswith("OIT, Colección") and properties.created is not None
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
        body = archive.read("word/document.xml").decode("utf-8")
    assert "python-docx" not in core
    assert "Fuentes" in body and "Preparado el" in body and "Sources" not in body
