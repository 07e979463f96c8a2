"""Each artefact that PDF-to-text extraction leaves in a card, on a small card that has it.

The cards are built from one template so that each test changes only the artefact it is about;
the evaluation collection (tests/test_eval_collection.py) has them all, mixed, in 24 cards.
"""

from __future__ import annotations

import pytest

from compendium.parser import parse_lines
from compendium.records import Card
from compendium.taxonomy import CARD_KEYS
from compendium.text_reader import read_text

TEN_SECTIONS = """\
Objective(s) To organise 300 waste pickers of Lusaka into cooperatives.
Cooperation between institutions and countries to achieve the objectives
The Zambian union worked with a Brazilian movement of recyclers.
Effectiveness of the methodological approach
Peer training in three phases over eighteen months.
Innovation of the South-South practice
Trainers are waste pickers themselves.
Elements that make the good practice sustainable
Sorting centres belong to the cooperatives.
Capacity for adaptation The method was adapted to Zambian municipal law.
Results
Five cooperatives were registered in 2018.
Contacts
Ana Lima, ana.lima@example.org
Materials and photos
A training guide and a video.
Funds
The Brazilian Cooperation Agency paid USD 120,000.
"""


def parse_card(text: str, tools) -> Card:
    document = parse_lines(read_text(text), doc_id="t", path="t.txt", kind="text", tools=tools)
    assert len(document.cards) == 1, document.warnings
    return document.cards[0]


def card_text(body: str = TEN_SECTIONS, title: str = "Waste pickers in Lusaka") -> str:
    return f"{title}\n(by Maria Tembo)\n{body}"


def sections(card: Card) -> dict[str, str]:
    return {section.key: section.text for section in card.sections}


def test_the_template_card_has_its_ten_sections(tools):
    card = parse_card(card_text(), tools)
    assert [section.key for section in card.sections] == list(CARD_KEYS)


def test_a_label_wrapped_over_several_lines_is_one_label(tools):
    body = TEN_SECTIONS.replace(
        "Elements that make the good practice sustainable\n",
        "Elements that  make\nthe good practice\nsustainable\n",
    )
    card = parse_card(card_text(body), tools)
    assert sections(card)["sustainability"] == "Sorting centres belong to the cooperatives."


def test_a_label_sharing_its_line_with_the_first_words(tools):
    card = parse_card(card_text(), tools)
    assert sections(card)["adaptability"] == "The method was adapted to Zambian municipal law."
    assert sections(card)["objectives"].startswith("To organise 300")


def test_label_and_content_interleaved_line_by_line(tools):
    body = TEN_SECTIONS.replace(
        "Effectiveness of the methodological approach\nPeer training in three phases over eighteen months.\n",
        "Effectiveness of the  Each cohort follows a four-stage path:\n"
        "methodological approach  (1) idea validation, (2) prototyping,\n"
        "(3) piloting and (4) scaling.\n",
    )
    card = parse_card(card_text(body), tools)
    methodology = next(s for s in card.sections if s.key == "methodology")
    assert methodology.label == "Effectiveness of the methodological approach"
    assert methodology.text.startswith("Each cohort follows a four-stage path:")
    assert "(1) idea validation, (2) prototyping," in methodology.text
    assert "methodological" not in methodology.text


def test_interleaving_in_spanish_with_a_label_over_four_lines(tools):
    body = """\
Objetivo (s) Organizar a 300 recicladores.
Cooperación entre  La red trabajó con el movimiento
instituciones y países  brasileño y con la alcaldía,
para lograr los  que cedió dos bodegas.
objetivos
Resultados Cinco cooperativas registradas.
"""
    card = parse_card(card_text(body, "Recicladores de Lima"), tools)
    found = sections(card)
    assert (
        found["cooperation"]
        == "La red trabajó con el movimiento brasileño y con la alcaldía, que cedió dos bodegas."
    )
    assert found["results"] == "Cinco cooperativas registradas."


@pytest.mark.parametrize(
    ("label", "instruction"),
    [
        ("Resultados", "Explicar los resultados principales de la buena práctica Sur-Sur y triangular."),
        ("Results", "Explain the main results of the South-South and triangular good practice."),
        ("Résultats", "Expliquer les principaux résultats de la bonne pratique Sud-Sud et triangulaire."),
        ("Resultados", "Explicar os principais resultados da boa prática Sul-Sul e triangular."),
    ],
)
def test_a_template_instruction_left_in_is_dropped_in_each_language(tools, label, instruction):
    body = f"Objective(s) To organise 300 waste pickers.\n{label} {instruction}\nFive cooperatives were registered.\n"
    card = parse_card(card_text(body), tools)
    assert sections(card)["results"] == "Five cooperatives were registered."


def test_an_unknown_instruction_wrapped_at_the_top_of_a_section_is_dropped(tools):
    body = "Objetivo(s) Descrever os objetivos da boa prática Sul-Sul e triangular e o problema\na que responde.\nOrganizar 300 catadores.\n"
    card = parse_card(card_text(body, "Catadores de Maputo"), tools)
    assert sections(card)["objectives"] == "Organizar 300 catadores."


def test_a_page_number_line_mid_sentence_is_a_page_break_not_text(tools):
    body = TEN_SECTIONS.replace(
        "Peer training in three phases over eighteen months.",
        "Peer training in three phases over eighteen months, with\n41\nmonthly visits to the sorting centres.",
    ).replace("USD 120,000.", "USD 120,000.\n42")
    card = parse_card(card_text(body), tools)
    methodology = next(s for s in card.sections if s.key == "methodology")
    assert "41" not in methodology.text
    assert "eighteen months, with monthly visits" in methodology.text
    assert methodology.page == 41
    assert next(s for s in card.sections if s.key == "funding").page == 42


def test_no_page_is_cited_where_none_is_printed(tools):
    # One footer, then more text: what follows it is on some later page, but which one the text
    # does not say.
    body = TEN_SECTIONS.replace("Results\n", "41\nResults\n")
    card = parse_card(card_text(body), tools)
    pages = {section.key: section.page for section in card.sections}
    assert pages["objectives"] == 41
    assert pages["results"] is None and pages["funding"] is None


def test_a_table_whose_cells_come_out_one_per_line(tools):
    body = TEN_SECTIONS.replace(
        "Five cooperatives were registered in 2018.",
        "Members per year\nYear\n2016\n2017\n2018\nMembers\n120\n210\n340\nFive cooperatives were registered in 2018.",
    )
    card = parse_card(card_text(body), tools)
    results = sections(card)["results"]
    assert "Members per year" in results and "340" in results
    assert results.endswith("Five cooperatives were registered in 2018.")
    # The cells are no page footers: nothing was taken for a page number.
    assert all(section.page is None for section in card.sections)


def test_bullets_and_numbered_items_stay_one_per_line(tools):
    body = TEN_SECTIONS.replace(
        "A training guide and a video.",
        "• A training guide for peer\ntrainers\n▪ A video\n1) A sorting manual\na) Photos of the centres",
    )
    card = parse_card(card_text(body), tools)
    assert sections(card)["materials"].split("\n") == [
        "• A training guide for peer trainers",
        "▪ A video",
        "1) A sorting manual",
        "a) Photos of the centres",
    ]


def test_curly_quotes_odd_spacing_and_hyphenation_are_read_as_words(tools):
    body = TEN_SECTIONS.replace(
        "Trainers are waste pickers themselves.",
        "  Trainers  are “waste  pickers” themselves, in  coope-\nratives   they run.  ",
    )
    card = parse_card(card_text(body), tools)
    assert (
        sections(card)["innovation"] == "Trainers are “waste pickers” themselves, in cooperatives they run."
    )


def test_a_blank_line_after_every_line_changes_nothing(tools):
    spaced = "\n\n".join(card_text().splitlines()) + "\n"
    spaced = spaced.replace("Waste pickers in Lusaka", "Waste pickers in Lusaka:\n\nthe peer method")
    card = parse_card(spaced, tools)
    assert card.title == "Waste pickers in Lusaka: the peer method"
    assert [section.key for section in card.sections] == list(CARD_KEYS)


def test_a_part_heading_wrapped_over_two_lines_stays_out_of_the_title(tools):
    text = "PARTE IB: CONTRIBUCIONES DE LOS\nPARTICIPANTES DE LA ACADEMIA\n" + card_text()
    card = parse_card(text, tools)
    assert card.part == "PARTE IB: CONTRIBUCIONES DE LOS PARTICIPANTES DE LA ACADEMIA"
    assert card.title == "Waste pickers in Lusaka"


def test_european_portuguese_spelling_of_labels(tools):
    body = "Objectivo(s) Organizar 300 catadores.\nCooperação entre instituições e países para atingir os objectivos\nA ABC financiou.\nContactos Ana Lima\n"
    card = parse_card(card_text(body, "Catadores de Maputo"), tools)
    assert [section.key for section in card.sections] == ["objectives", "cooperation", "contacts"]


def test_countries_come_from_country_names_not_look_alikes(tools):
    body = "Objetivo (s) Artesanas de la región San Martín, en el Perú, y de Santa Elena.\n"
    card = parse_card(card_text(body, "Artesanas textiles"), tools)
    assert card.countries == ("PE",)
