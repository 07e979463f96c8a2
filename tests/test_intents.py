"""Which sections a question asks for: whole words, in four languages, the longest cue first."""

import pytest

from compendium.intents import SectionIntents


@pytest.fixture(scope="module")
def intents():
    return SectionIntents.from_taxonomy()


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuántas socias tiene la cooperativa de recicladores?",
        "Quelles coopératives de femmes ont vendu le karité ?",
        "What did the cooperative members learn in the South-South cooperation exchange?",
    ],
)
def test_naming_a_cooperative_or_cooperation_does_not_ask_for_the_cooperation_section(intents, question):
    # A stemmer makes "cooperativa" and "cooperación" one word, and nearly every question of
    # the field names one of them: the cooperation section would then be asked for always.
    assert "cooperation" not in intents.asked(question)


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Who paid for the training of the fishers?", "funding"),
        ("¿Quién financió la escuela de dirigentes?", "funding"),
        ("Qui contacter pour en savoir plus ?", "contacts"),
        ("Quais foram os resultados do projeto?", "results"),
        ("Which partners worked with the ministry?", "cooperation"),
        ("¿Se puede replicar en otro país?", "adaptability"),
    ],
)
def test_a_cue_word_in_any_language_asks_for_its_section(intents, question, section):
    assert section in intents.asked(question)


def test_a_longer_cue_claims_its_words_before_a_shorter_one(intents):
    # "número de teléfono" asks for contacts; "número de" alone would ask for results.
    asked = intents.asked("¿Cuál es el número de teléfono de la coordinadora?")
    assert "contacts" in asked and "results" not in asked
    assert "results" in intents.asked("¿Cuál es el número de familias atendidas?")


def test_cues_match_whole_words_not_parts_of_words(intents):
    # "cost" is a funding cue; "costa" (a coast, or Costa Rica) is not.
    assert "funding" not in intents.asked("¿Qué hicieron las cooperativas de Costa Rica?")


@pytest.mark.parametrize(
    "question",
    [
        "How much does each member pay per month to use the app?",
        "¿Cuánto cobran al mes los aprendices?",
        "Combien coûte la cotisation d'une famille ?",
        "Quanto custa a mensalidade por pessoa?",
    ],
)
def test_a_rate_question_does_not_ask_for_funding(intents, question):
    assert "funding" in intents.ruled_out(question)
    assert "funding" not in intents.asked(question)


def test_a_funding_question_without_a_rate_still_asks_for_funding(intents):
    assert "funding" in intents.asked("How much did the project cost and who paid for it?")
    assert not intents.ruled_out("How much did the project cost and who paid for it?")
