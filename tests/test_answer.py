"""Extractive answers quote the compendium verbatim, cite it, and admit when nothing answers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compendium.answer import NO_CLEAR_ANSWER, build_answer, verify_quote

QUESTIONS = [
    "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?",
    "How was family accompaniment scaled?",
    "Quem financiou a estratégia?",
    "Quels ministères ont coordonné le plan ?",
    "correo de contacto",
    "What share of employment does the social economy represent?",
    "Turín",
    "BDH MIES",
]


def test_how_many_people_quotes_the_total_and_cites_results(keyword_searcher):
    query = "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert answer.clear
    assert "74.004" in answer.text
    quote = next(q for q in answer.quotes if "74.004" in q.text)
    citation = next(c for c in answer.citations if c.marker == quote.marker)
    assert citation.section == "results"
    assert citation.section_label == "Resultados"
    assert citation.author == "Carmen Scott Alava"
    assert f"[{quote.marker}]" in answer.text


def test_a_table_row_is_quoted_with_its_caption_both_verbatim(keyword_searcher):
    query = "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    total = next(q for q in answer.quotes if q.text == "Total general 74.004")
    # The total answers for the whole table; the caption says what it counts.
    assert "Población atendida" in total.lead and "diciembre2018" in total.lead
    assert not any(q.text.startswith("Zona Planificación") for q in answer.quotes)
    chunk = keyword_searcher.chunk_by_id[total.chunk_id]
    assert verify_quote(total, chunk)
    from dataclasses import replace

    assert not verify_quote(replace(total, lead=total.lead + " (edited)"), chunk)
    assert answer.text.index("Población atendida") < answer.text.index("Total general 74.004")


@pytest.mark.parametrize("query", QUESTIONS)
def test_every_quote_is_a_verbatim_slice_of_its_cited_chunk(keyword_searcher, query):
    hits = keyword_searcher.search(query, k=5)
    answer = build_answer(keyword_searcher, query, hits)
    chunks = {chunk.chunk_id: chunk for chunk in keyword_searcher.chunks}
    assert len(answer.quotes) <= 3
    for quote in answer.quotes:
        assert verify_quote(quote, chunks[quote.chunk_id])
        assert quote.text in chunks[quote.chunk_id].text
        assert any(c.marker == quote.marker and c.chunk_id == quote.chunk_id for c in answer.citations)


WORDS = st.sampled_from(
    "familia family familles família plan resultados results fondos funds OIT ILO Chile Ecuador "
    "cooperación social economía economy 74.004 2018 acompañamiento accompaniment zona MIES BDH "
    "cómo how quién who combien quanto escaló scaled xyz qwerty".split()
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=1, max_size=8))
def test_quotes_verify_for_any_question(hybrid_searcher, words):
    query = " ".join(words)
    answer = build_answer(hybrid_searcher, query, hybrid_searcher.search(query, k=5))
    chunks = {chunk.chunk_id: chunk for chunk in hybrid_searcher.chunks}
    for quote in answer.quotes:
        assert verify_quote(quote, chunks[quote.chunk_id])
    assert answer.clear == bool(answer.quotes)


@pytest.mark.parametrize("query", ["xyzzy plugh frobnicate", "qwertyuiop asdfgh", "zzz"])
def test_a_nonsense_question_gets_no_forced_answer(keyword_searcher, query):
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert not answer.clear
    assert answer.quotes == () and answer.citations == ()
    assert answer.text == NO_CLEAR_ANSWER


def test_answers_keep_the_source_language(keyword_searcher):
    query = "How many people did Plan Familia serve?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    chunks = {chunk.chunk_id: chunk for chunk in keyword_searcher.chunks}
    assert answer.quotes
    for quote in answer.quotes:
        assert quote.lang == chunks[quote.chunk_id].lang


def test_a_tampered_quote_does_not_verify(keyword_searcher):
    query = "correo de contacto de Carmen Scott"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=3))
    chunks = {chunk.chunk_id: chunk for chunk in keyword_searcher.chunks}
    quote = answer.quotes[0]
    from dataclasses import replace

    assert verify_quote(quote, chunks[quote.chunk_id])
    assert not verify_quote(replace(quote, text=quote.text + " (edited)"), chunks[quote.chunk_id])
    assert not verify_quote(replace(quote, start=quote.start + 1), chunks[quote.chunk_id])


@pytest.mark.parametrize("query", ["xyzzy plugh frobnicate", "penguins glaciers volcanoes auroras"])
def test_a_nonsense_question_gets_no_forced_answer_from_the_dense_side(hybrid_searcher, query):
    # Every passage has some similarity to any text; only a high one counts as an answer.
    hits = hybrid_searcher.search(query, k=5)
    assert hits
    assert not build_answer(hybrid_searcher, query, hits).clear


def test_a_question_the_passages_barely_cover_is_declined(collection_keyword):
    # An unanswerable question of the evaluation set (a country no card names), in keyword
    # mode without glossary: declined whatever the passages share with it.
    from compendium.search import KEYWORD, SearchOptions

    query = (
        "Existe-t-il une bonne pratique sur les coopératives de récupérateurs de déchets à Antananarivo, "
        "à Madagascar ? Je cherche du matériel de formation à réutiliser."
    )
    options = SearchOptions(retrievers=KEYWORD, glossary=False)
    hits = collection_keyword.search(query, k=10, options=options)
    assert hits
    assert not build_answer(collection_keyword, query, hits, options=options).clear


def test_a_country_no_practice_names_is_not_covered_and_said_so(collection_keyword):
    query = "¿Hay alguna práctica de cooperativas de recicladores en Antananarivo, en Madagascar?"
    answer = build_answer(collection_keyword, query, collection_keyword.search(query, k=5))
    assert not answer.clear and answer.quotes == ()
    assert answer.missing == ("Madagascar",)
    assert "no practice in the collection mentions Madagascar" in answer.message


def test_a_code_no_practice_mentions_is_not_covered(collection_keyword):
    query = "What did the cooperatives do during the COVID-19 lockdowns?"
    answer = build_answer(collection_keyword, query, collection_keyword.search(query, k=5))
    assert not answer.clear and "COVID-19" in answer.missing


@pytest.mark.parametrize(
    "query",
    [
        "How much does the Bogotá city pay the waste pickers per tonne?",  # Colombia, by its capital
        "Quelles institutions du Vietnam ont aidé le Cambodge ?",  # names in another language
        "¿Qué aprendieron de la experiencia brasileña?",  # a demonym
    ],
)
def test_countries_the_collection_names_are_never_a_reason_to_decline(collection_keyword, query):
    assert collection_keyword.coverage.missing(query) == ()


def test_countries_named_only_in_the_front_matter_count_as_covered(keyword_searcher):
    # The introduction lists the Academy's editions (Italy, Canada, Morocco, …): no card does.
    assert keyword_searcher.coverage.missing("When was the SSE Academy held in Morocco?") == ()
    assert keyword_searcher.coverage.missing("Any practice from Madagascar?") == ("Madagascar",)


# What each example question of the page must be answered with: the first quote holds the fact,
# from the section that gives it.
EXAMPLE_ANSWERS = {
    "Who funded the family accompaniment strategy?": ("BID", "funding"),
    "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?": ("74.004", "results"),
    "Quelle part de l'emploi représente l'économie sociale ?": ("7%", "preface"),
    "Quantas famílias foram atendidas pelo Plano Família até dezembro de 2018?": ("74.004", "results"),
}


def test_the_pages_example_questions_are_answered_right_in_each_language(bundled_searcher):
    from compendium.ui_text import EXAMPLE_QUESTIONS

    assert set(EXAMPLE_QUESTIONS) == set(EXAMPLE_ANSWERS)
    languages = {bundled_searcher.analyzer.query_language(question) for question in EXAMPLE_QUESTIONS}
    assert languages == {"en", "es", "fr", "pt"}
    for question, (fact, section) in EXAMPLE_ANSWERS.items():
        answer = build_answer(bundled_searcher, question, bundled_searcher.search(question, k=5))
        assert answer.clear, question
        first = answer.quotes[0]
        cited = next(c for c in answer.citations if c.marker == first.marker)
        assert fact in " ".join(q.text for q in answer.quotes if q.marker == first.marker), (
            question,
            answer.text,
        )
        assert cited.section == section, (question, answer.text)


def test_the_shipped_scorer_weighs_exactly_the_features_the_code_computes():
    import json

    from compendium.answer.features import FEATURES
    from compendium.answer.scorer import MODES, AnswerWeights, load_weights, weights_path

    weights = load_weights()
    assert set(weights.weights) == set(MODES)
    assert all(len(values) == len(FEATURES) for values in weights.weights.values())
    payload = json.loads(weights_path().read_text(encoding="utf-8"))
    # A feature added or renamed without a refit must stop the scorer, not shift its columns.
    with pytest.raises(ValueError, match="refit"):
        AnswerWeights.parse({**payload, "features": payload["features"][1:]})
    with pytest.raises(ValueError, match="finite"):
        AnswerWeights.parse(
            {**payload, "weights": {**payload["weights"], "dense": [float("nan")] * len(FEATURES)}}
        )


def test_followers_are_quoted_only_within_the_margin_and_never_twice(keyword_searcher):
    import numpy as np

    from compendium.answer.builder import choose
    from compendium.answer.candidates import candidates

    hits = keyword_searcher.search("Plan Familia resultados", k=3)
    found = candidates(keyword_searcher, hits)
    scores = np.linspace(5.0, 0.0, num=len(found))
    assert choose(found, scores, 3, margin=0.0) == [0]
    chosen = choose(found, scores, 3, margin=100.0)
    assert len(chosen) == 3
    spans = [(found[i].chunk.doc_id, found[i].chunk.start + found[i].start) for i in chosen]
    assert len(set(spans)) == 3


def test_each_quote_states_why_it_was_chosen(keyword_searcher):
    from compendium.answer.features import FEATURES

    query = "¿Quién financió el Plan Familia?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert answer.clear
    for quote in answer.quotes:
        assert quote.reasons and set(quote.reasons) <= set(FEATURES)
    # The question asks for the funding section: a quote from it says so.
    chunks = keyword_searcher.chunk_by_id
    funding = [q for q in answer.quotes if chunks[q.chunk_id].section == "funding"]
    assert funding and all("asked_section" in q.reasons for q in funding)


@pytest.mark.parametrize(
    "query",
    [
        "How much did the World Bank lend to Ecuador for Plan Familia?",
        "¿Cuánto prestó el Banco Mundial al Plan Familia?",
        "Quel rôle a joué la Banque mondiale dans le Plan Familia ?",
    ],
)
def test_an_organisation_the_collection_never_mentions_is_not_covered(keyword_searcher, query):
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert not answer.clear and answer.missing == ("World Bank",)


def test_an_organisation_the_collection_mentions_in_another_language_is_answered(keyword_searcher):
    # The card writes "BID"; the glossary knows it as the Inter-American Development Bank.
    query = "How did the Inter-American Development Bank support Plan Familia?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert answer.clear and not answer.missing


@pytest.mark.parametrize(
    "query",
    [
        "How much does Plan Familia pay each family per month?",
        "¿Cuánto cobra un técnico de Plan Familia por hora de acompañamiento?",
    ],
)
def test_a_figure_per_unit_the_card_never_gives_is_not_covered(keyword_searcher, query):
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert not answer.clear and ("per month" in answer.unstated["en"] or answer.unstated["en"] == "per hour")
    assert "give no figure" in answer.message


def test_a_figure_per_unit_the_collection_gives_is_answered(keyword_searcher):
    # The front matter gives one: 40 million more people "every year" enter the labour market.
    query = "How many more people enter the labour market every year?"
    answer = build_answer(keyword_searcher, query, keyword_searcher.search(query, k=5))
    assert answer.clear and not answer.unstated
