"""Acronyms a card spells out are shown beside the quotes that use them, never inside."""

from __future__ import annotations

from compendium.acronyms import expansions_in, spelled_out
from compendium.answer import Answer, Quote
from compendium.views import render_answer


def test_the_seed_card_spells_out_its_ministry_and_its_conditions(seed_card):
    found = spelled_out("\n".join(section.text for section in seed_card.sections))
    assert found["MIES"] == "Ministerio de Inclusión Económica y social"
    assert found["CBDF"] == "condiciones Básicas de Desarrollo Familiar"
    assert found["CDH"] == "Crédito de Desarrollo Humano"


def test_forms_before_and_after_the_acronym_and_what_is_no_spelling_out():
    text = (
        "La Agencia Brasileña de Cooperación (ABC) financió. CamSEN, the Cambodian Social Economy Network, "
        "led. El MIES apoyó. La OIT y la FAO participaron."
    )
    found = spelled_out(text)
    assert found["ABC"] == "Agencia Brasileña de Cooperación"
    assert found["CamSEN"] == "Cambodian Social Economy Network"
    assert "MIES" not in found and "OIT" not in found and "FAO" not in found


def test_a_quote_gets_the_expansions_it_lacks_and_stays_verbatim():
    known = {"MIES": "Ministerio de Inclusión Económica y Social", "CDH": "Crédito de Desarrollo Humano"}
    assert expansions_in("ECUADOR: MIES, el ministerio ejecutor.", known) == (("MIES", known["MIES"]),)
    assert expansions_in("acceso al Crédito de Desarrollo Humano CDH de manera individual", known) == ()
    quote = Quote(
        "ECUADOR: MIES, el ministerio ejecutor.", 1, "c1", 0, 38, "es", 1.0, (("MIES", known["MIES"]),)
    )
    html = render_answer(Answer(query="q", quotes=(quote,), citations=(), clear=True), "en")
    assert "ECUADOR: MIES, el ministerio ejecutor.</span>" in html
    assert '<span class="expansion">(MIES: Ministerio de Inclusión Económica y Social)</span>' in html


def test_answers_carry_the_expansions_of_their_card(keyword_searcher):
    from compendium.answer import build_answer

    query = "¿Qué ministerio ecuatoriano ejecutó la estrategia?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    mies = [quote for quote in answer.quotes if "MIES" in quote.text and "Inclusión" not in quote.text]
    assert mies, answer.text
    assert all(("MIES", "Ministerio de Inclusión Económica y social") in quote.expansions for quote in mies)
