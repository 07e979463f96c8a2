"""The seed compendium parses into its front matter and one faithful practice card."""

from __future__ import annotations

import re

import pytest

from compendium.ingest import load_file
from compendium.records import Document
from compendium.taxonomy import CARD_KEYS
from compendium.textnorm import fold
from tests.conftest import SEED

PRINTED_LABELS = [
    "Objetivo (s)",
    "Cooperación entre instituciones y países para lograr los objetivos",
    "Eficacia del enfoque metodológico",
    "Innovación de la práctica Sur-Sur",
    "Elementos que hacen la buena práctica sostenible",
    "Capacidad de adaptación",
    "Resultados",
    "Contactos",
    "Materiales y Fotos",
    "Fondos",
]
INSTRUCTIONS = [
    "Explicar los resultados principales de la buena práctica Sur-Sur y triangular",
    "Explicar origen de los fondos y cooperación de otros países",
]


def all_texts(document: Document) -> list[str]:
    texts = [section.text for section in document.front_matter]
    for card in document.cards:
        texts.extend(section.text for section in card.sections)
    return texts


def test_seed_has_exactly_one_card_with_its_metadata(seed_document, seed_card):
    assert len(seed_document.cards) == 1
    assert seed_card.title.startswith("Generación de la Estrategia de Acompañamiento Familiar, Plan Familia")
    assert "  " not in seed_card.title and "\n" not in seed_card.title
    assert seed_card.title.endswith("vinculadas a las transferencias Condicionadas")
    assert seed_card.author == "Carmen Scott Alava"
    assert "BECARIOS" in seed_card.part
    assert seed_card.language == "es"
    assert {"EC", "CL"} <= set(seed_card.countries)


def test_card_has_the_ten_sections_in_source_order_with_printed_labels(seed_card):
    assert [section.key for section in seed_card.sections] == list(CARD_KEYS)
    assert [section.label for section in seed_card.sections] == PRINTED_LABELS
    starts = [section.span[0] for section in seed_card.sections]
    assert starts == sorted(starts)


def test_section_spans_point_at_their_labels_in_the_source(seed_card):
    source = SEED.read_text(encoding="utf-8")
    for section in seed_card.sections:
        start, end = section.span
        first_label_word = section.label.split()[0]
        assert source[start:end].lstrip().startswith(first_label_word)


def test_results_keep_the_total_and_one_zone_row_per_line(seed_card):
    results = seed_card.section("results").text
    assert "74.004" in results
    lines = results.split("\n")
    assert "Zona Planificación 1 10448" in lines
    assert "Zona Planificación 8: Guayaquil 1625" in lines
    assert "Total general 74.004" in lines
    assert sum(line.startswith("Zona Planificación") for line in lines) == 9


def test_contacts_hold_both_email_addresses(seed_card):
    contacts = seed_card.section("contacts").text
    assert "cscotta@hotmail.com" in contacts
    assert "pato.barriga@gmail.com" in contacts


def test_template_instructions_appear_nowhere(seed_document):
    for text in all_texts(seed_document):
        folded = fold(" ".join(text.split()))
        for instruction in INSTRUCTIONS:
            assert fold(instruction) not in folded


def test_subheadings_stay_inside_their_section(seed_card):
    objectives = seed_card.section("objectives").text
    assert "Objetivo general" in objectives.split("\n")
    assert "Objetivos específicos" in objectives.split("\n")
    assert seed_card.section("cooperation").text.startswith("Cooperación Internacional")


def test_no_section_starts_with_the_tail_of_a_wrapped_label(seed_card):
    for section in seed_card.sections:
        words = fold(section.label).split()
        text = fold(section.text)
        for cut in range(1, len(words)):
            assert not text.startswith(" ".join(words[cut:])), (section.key, words[cut:])


def test_justified_spacing_is_joined_and_lists_keep_their_breaks(seed_card):
    methodology = seed_card.section("methodology").text
    assert "  " not in methodology
    lines = methodology.split("\n")
    assert any(line.startswith("a) Familias extremadamente pobres") for line in lines)
    assert any(line.startswith("1) Aplicación de una encuesta por escrito a 466 TAF") for line in lines)
    materials = seed_card.section("materials").text.split("\n")
    assert "Tarjetas de dimensiones" in materials
    assert "Cuaderno de trabajo para las familias" in materials


def test_front_matter_has_preface_and_introduction_in_spanish_and_english(seed_document):
    found = {(section.key, section.language) for section in seed_document.front_matter}
    assert found == {("preface", "es"), ("preface", "en"), ("introduction", "es"), ("introduction", "en")}
    labels = [section.label for section in seed_document.front_matter]
    assert labels == ["Prefacio", "Preface", "Introducción", "Introduction"]


def test_lone_page_number_is_dropped_and_used_as_a_page_marker(seed_document, seed_card):
    for text in all_texts(seed_document):
        assert "10" not in [line.strip() for line in text.split("\n")]
    preface_en = seed_document.front_matter[1]
    assert preface_en.text.endswith("International Training Centre of the ILO")
    # "10" closes page 10: the English preface ends there. Nothing after it prints a page
    # number, so nothing after it may cite one (inferring "11" would be a guess).
    assert preface_en.page == 10
    assert seed_document.front_matter[2].page is None
    assert seed_card.page is None
    assert all(section.page is None for section in seed_card.sections)
    # Text before the first footer has no known page: better none than a wrong one.
    assert seed_document.front_matter[0].page is None


def test_card_id_is_a_readable_stable_slug(seed_card, tools):
    assert (
        seed_card.card_id == "parte-ia-01-generacion-de-la-estrategia-de-acompanamiento-familiar-plan-familia"
    )
    assert re.fullmatch(r"[a-z0-9-]+", seed_card.card_id)
    assert load_file(SEED, tools=tools).cards[0].card_id == seed_card.card_id


def test_short_title_fits_a_citation(seed_card):
    assert seed_card.short_title == "Generación de la Estrategia de Acompañamiento Familiar, Plan Familia"


def test_missing_section_is_a_warning_not_a_failure(tmp_path, tools):
    text = SEED.read_text(encoding="utf-8")
    without_contacts = re.sub(r"Contactos Carmen Scott.*?\n\n", "", text, flags=re.S)
    assert without_contacts != text
    path = tmp_path / "no-contacts.txt"
    path.write_text(without_contacts, encoding="utf-8")
    document = load_file(path, tools=tools)
    card = document.cards[0]
    assert "contacts" not in [section.key for section in card.sections]
    assert len(card.sections) == 9
    assert any("missing sections: contacts" in warning for warning in document.warnings)


def test_prose_starting_with_an_earlier_label_word_stays_prose(tmp_path, tools):
    original = SEED.read_text(encoding="utf-8")
    text = original.replace(
        "Los fondos   provenientes", "Objetivos: Resultados del BID.\nLos fondos   provenientes"
    )
    assert text != original
    path = tmp_path / "tricky.txt"
    path.write_text(text, encoding="utf-8")
    card = load_file(path, tools=tools).cards[0]
    assert [section.key for section in card.sections] == list(CARD_KEYS)
    assert "Objetivos: Resultados del BID." in card.section("funding").text


@pytest.mark.parametrize("author_line", ["(by Jane Doe)", "(par Jeanne Dupont)", "(por João Silva)"])
def test_author_lines_in_other_languages_open_a_card(tmp_path, tools, author_line):
    text = (
        "Improving cooperatives in Senegal\n\n"
        + author_line
        + "\nObjective(s) Build jobs for youth.\nResults\n"
    )
    text += "More than 200 jobs were created in Senegal.\n"
    path = tmp_path / "card.md"
    path.write_text(text, encoding="utf-8")
    document = load_file(path, tools=tools)
    assert len(document.cards) == 1
    card = document.cards[0]
    assert card.author == author_line[1:-1].split(" ", 1)[1]
    assert [section.key for section in card.sections] == ["objectives", "results"]
    assert card.countries == ("SN",)


def test_hostile_markup_in_the_corpus_is_kept_as_plain_text(tmp_path, tools):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    original = SEED.read_text(encoding="utf-8")
    text = original.replace("Tarjetas de dimensiones", payload)
    assert text != original
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    card = load_file(path, tools=tools).cards[0]
    assert payload in card.section("materials").text
