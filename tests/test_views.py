"""Rendered HTML escapes corpus and query text, highlights matches and groups by practice."""

from __future__ import annotations

import re

from compendium.analyzer import Analyzer
from compendium.answer import build_answer
from compendium.records import Document
from compendium.views import escape, highlight, render_answer, render_card, render_results

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> ${alert(2)}'


def test_escape_neutralises_markup_and_template_syntax():
    out = escape(HOSTILE)
    assert "<script" not in out and "<img" not in out and "${" not in out
    assert "&lt;script&gt;" in out


def test_highlight_marks_query_words_and_escapes_the_rest():
    analyzer = Analyzer()
    stems = {v for t in analyzer.query_terms("familias") for v in t.variants}
    out = highlight("La familia <b>unida</b>", "es", stems, analyzer)
    assert "<mark>familia</mark>" in out
    assert "&lt;b&gt;unida&lt;/b&gt;" in out


def test_results_read_in_rank_order_and_group_consecutive_passages_of_a_practice(collection_keyword):
    hits = collection_keyword.search("cooperativas de mujeres resultados", k=10)
    html = render_results(hits, "cooperativas de mujeres", collection_keyword.analyzer, "en")
    assert [int(rank) for rank in re.findall(r'class="rank">(\d+)\.', html)] == list(range(1, len(hits) + 1))
    runs = 1 + sum(a.chunk.doc_id != b.chunk.doc_id for a, b in zip(hits, hits[1:], strict=False))
    assert len({hit.chunk.doc_id for hit in hits}) > 1 and html.count('<section class="practice"') == runs
    for hit in hits:
        assert escape(hit.chunk.citation) in html and f'id="passage-{hit.rank}"' in html
        assert f'data-action="add" data-target="{escape(hit.chunk.chunk_id)}"' in html


def test_section_names_follow_the_interface_language_with_the_card_label_beside():
    from compendium.views import section_heading

    english = section_heading("objectives", "Objetivo (s)", "en", "es")
    assert ">Objectives<" in english and "“Objetivo (s)”" in english
    assert "section-original" not in section_heading("results", "Resultados", "es", "es")
    assert "“Resultados”" in section_heading("results", "Resultados", "en", "es")


def test_answer_markers_link_to_the_passages_they_quote(keyword_searcher):
    from compendium.views import passage_targets

    query = "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?"
    hits = keyword_searcher.search(query, k=5)
    answer = build_answer(keyword_searcher, query, hits)
    targets = passage_targets(hits, keyword_searcher.section_windows)
    html = render_answer(answer, "en", targets)
    assert answer.quotes
    for quote in answer.quotes:
        assert f'href="#passage-{targets[quote.chunk_id]}"' in html
    assert 'data-action="add-answer"' in html
    # A quote no shown passage holds keeps a plain marker, never a dead link.
    assert "href=" not in render_answer(answer, "en", {})


def test_a_quote_lead_is_shown_before_the_quote_and_escaped(keyword_searcher):
    from compendium.answer import Answer, Quote

    quote = Quote("Total general 74.004", 1, "c1", 0, 20, "es", 1.0, (), lead="<b>Población</b>\natendida")
    html = render_answer(Answer(query="q", quotes=(quote,), citations=(), clear=True), "en")
    assert "&lt;b&gt;Población&lt;/b&gt; atendida</span> … " in html and "<b>" not in html
    assert html.index("atendida") < html.index("Total general 74.004")


def test_a_hostile_card_renders_as_text(keyword_searcher):
    document = keyword_searcher.index.documents[0]
    card = document.cards[0]
    from dataclasses import replace

    section = replace(card.sections[0], text=HOSTILE)
    hostile = replace(document, cards=(replace(card, title=HOSTILE, sections=(section,)),))
    html = render_card(Document.from_dict(hostile.to_dict()), card.card_id, "es", ["objectives"])
    assert "<script" not in html and "<img" not in html and "${" not in html
    assert "&lt;script&gt;" in html and 'class="card-section is-match"' in html


def test_answer_html_shows_markers_language_and_citations(keyword_searcher):
    query = "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    html = render_answer(answer, "en")
    assert "[1]" in html and "Spanish" in html and 'id="citation-1"' in html


def test_the_handout_list_renders_hostile_text_inert():
    from compendium.handout import HandoutItem
    from compendium.views import render_handout

    hostile = '<script>window.__xss = 1</script><img src=x onerror="alert(1)"> ${window.__xss}'
    item = HandoutItem(
        quote=hostile,
        chunk_id="c1",
        doc_id="d1",
        practice="P",
        place="",
        author=None,
        section_label="Results",
        page=None,
        lang='es" onmouseover="alert(2)',
        citation=hostile,
    )
    html = render_handout([item], "en")
    assert "<script>" not in html and "<img" not in html and "${" not in html
    assert 'onmouseover="' not in html
    assert "&lt;script&gt;" in html


def test_a_not_covered_answer_names_what_is_missing_in_the_interface_language():
    from compendium.answer import Answer

    answer = Answer(query="q", quotes=(), citations=(), clear=False, message="x", missing=("Madagascar",))
    assert "ninguna práctica de la colección menciona Madagascar" in render_answer(answer, "es")
    assert "no practice in the collection mentions Madagascar" in render_answer(answer, "en")


def test_a_figure_the_practices_do_not_give_is_named_in_the_interface_language():
    from compendium.answer import Answer

    per = {"en": "per hour", "es": "por hora", "fr": "par heure", "pt": "por hora"}
    answer = Answer(query="q", quotes=(), citations=(), clear=False, message="x", unstated=per)
    assert "no dan ninguna cifra por hora" in render_answer(answer, "es")
    assert "give no figure per hour" in render_answer(answer, "en")


def _status(**changes):
    status = {
        "mode": "keyword",
        "model": "intfloat/multilingual-e5-small",
        "notice": "Keyword mode: the embedding model is not available (ConnectError). Pass --model PATH.",
        "practices": 1,
        "chunks": 27,
        "languages": ["en", "es"],
        "glossary_concepts": 462,
        "index": "/srv/index",
        "built": "2025-01-01T00:00:00",
    }
    return {**status, **changes}


def _summary_and_details(html: str) -> tuple[str, str]:
    before, _, details = html.partition("<details")
    return before, details


def test_the_status_line_is_short_and_in_the_interface_language():
    from compendium.views import render_status

    english, details = _summary_and_details(render_status(_status(mode="hybrid", notice=""), "en"))
    assert "1 practice indexed · semantic + keyword search" in english
    spanish, _ = _summary_and_details(render_status(_status(practices=3), "es", "/srv/corpus"))
    assert "3 prácticas indexadas · búsqueda solo por palabras clave" in spanish
    assert "<summary>Detalles</summary>" in render_status(_status(), "es")


def test_model_errors_and_flags_are_only_in_the_details():
    from compendium.views import render_status

    summary, details = _summary_and_details(render_status(_status(), "es", "/srv/corpus"))
    for technical in ("ConnectError", "--model", "multilingual-e5-small", "/srv/index"):
        assert technical not in summary and technical in details
    assert "/srv/corpus" in details and "462 conceptos" in details


def test_an_incomplete_collection_is_said_plainly_with_how_to_add_the_compendium():
    from compendium.ui_text import COMPENDIUM_PRACTICES
    from compendium.views import render_status

    sample, _ = _summary_and_details(render_status(_status(practices=1), "en"))
    assert "Only 1 of the compendium&#x27;s 54 practices is loaded" in sample
    assert "corpus folder" in sample and "restart" in sample
    assert "Solo está cargada 1 de las 54" in render_status(_status(practices=1), "es")
    assert "Solo están cargadas 2 de las 54" in render_status(_status(practices=2), "es")
    whole = render_status(_status(practices=COMPENDIUM_PRACTICES), "en")
    assert 'id="collection-note"' not in whole and "54 practices indexed" in whole


def test_a_card_marks_matched_sections_in_words_and_names_sections_in_the_interface_language(seed_document):
    card = seed_document.cards[0]
    html = render_card(seed_document, card.card_id, "en", ["results"])
    assert html.count('class="card-section is-match"') == 1 and html.count("matches your search") == 1
    assert '<span class="section-name">Objectives</span>' in html and "“Objetivo (s)”" in html
    assert 'class="matched' not in html


def test_every_practice_row_opens_its_card(seed_document):
    from compendium.views import render_practice_list

    html = render_practice_list([seed_document], "es")
    card = seed_document.cards[0]
    assert f'data-action="open" data-target="{escape(card.card_id)}"' in html
    assert 'data-label="Autor"' in html and "<th>Idioma</th>" in html


def test_each_handout_quote_can_move_up_or_down_or_be_removed(keyword_searcher):
    from compendium.handout import HandoutItem
    from compendium.views import render_handout

    items = [HandoutItem.from_chunk(chunk) for chunk in keyword_searcher.chunks[:3]]
    html = render_handout(items, "es", dropped=1)
    assert html.count('data-action="remove"') == 3 and 'aria-label="Bajar la cita 2"' in html
    assert re.search(r'data-action="up" data-target="0"[^>]* disabled', html)
    assert re.search(r'data-action="down" data-target="2"[^>]* disabled', html)
    assert not re.search(r'data-action="down" data-target="1"[^>]* disabled', html)
    assert "1 cita ya no está en la colección" in html and "3 citas en el material" in html
    assert "El material está vacío" in render_handout([], "es")
