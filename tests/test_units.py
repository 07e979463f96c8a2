"""A figure asked per unit (per hour, por alumno, par mois) is answered only from a passage that
states something per that unit; otherwise the answer says the figure is not given."""

from __future__ import annotations

import pytest

from compendium.answer.units import load_units, unstated_units


def _keys(units) -> list[str]:
    return [unit.key for unit in units]


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("What do the cooperatives charge per hour for the pumps?", "hour"),
        ("¿Qué tarifa por hora pagan los agricultores?", "hour"),
        ("Quel tarif horaire les coopératives font-elles payer ?", "hour"),
        ("Combien gagnent-elles de l'heure ?", "hour"),
        ("Quanto custa uma refeição por aluno?", "pupil"),
        ("How much does a family pay a month?", "month"),
        ("¿Cuánto cobran al mes los aprendices?", "month"),
        ("Quanto é que o produtor passou a receber por litro?", "litre"),
    ],
)
def test_a_figure_asked_per_unit_that_no_passage_states_is_unstated(question, unit):
    passages = ["The cooperatives charge farmers a seasonal fee of BDT 1,200 for irrigation."]
    assert _keys(unstated_units(question, passages)) == [unit]


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("What do they charge per hour?", "Farmers pay BDT 90 an hour of pumping."),
        ("What do they charge per hour?", "La tarifa es de 90 takas por hora de bombeo."),
        ("Quel tarif horaire ?", "Le pompage coûte 90 takas/h."),
        ("Quanto custa por aluno?", "Each pupil's meal costs USD 0.35."),
        ("How much per kilo?", "Les femmes vendent le beurre 1 500 FCFA le kilo."),
        ("¿Cuánto ganan al mes?", "Their monthly income rose to USD 180."),
    ],
)
def test_a_passage_stating_the_rate_in_any_language_answers_it(question, passage):
    assert unstated_units(question, ["Nothing here.", passage]) == ()


@pytest.mark.parametrize(
    "question",
    [
        "How large is a typical loan to a member of the village banks?",  # a member of: no rate
        "Which partners worked with the cooperatives each year?",  # asks no figure
        "How many cooperatives were certified?",  # a figure, per nothing
        "¿Qué hicieron el año pasado las cooperativas?",  # an article, not "per"
    ],
)
def test_a_question_asking_no_figure_per_unit_is_left_alone(question):
    assert unstated_units(question, ["Nothing is stated per anything here."]) == ()


def test_every_unit_names_itself_in_the_four_languages():
    for unit in load_units():
        assert set(unit.shown_as) == {"en", "es", "fr", "pt"}, unit.key
        assert unit.shown_as["en"].startswith("per ")


def test_a_rate_without_a_figure_does_not_answer():
    # The practice sells power by the hour, but says nothing of the price: not an answer.
    passages = ["Cooperatives also sell power by the hour to irrigation pumps."]
    assert _keys(unstated_units("What do they charge per hour?", passages)) == ["hour"]


def test_asked_per_month_a_sentence_giving_a_monthly_figure_is_quoted_first():
    import numpy as np

    from compendium.answer.builder import _units_first
    from compendium.answer.units import UnitEvidence

    sentences = ["Donors gave USD 900,000 in total.", "Each group pays XOF 1,000 par mois."]
    evidence = UnitEvidence.of("How much does each group pay a month?", sentences)
    assert evidence.gives_all.tolist() == [False, True] and not evidence.unstated
    scores = _units_first(np.array([3.0, 0.5]), evidence)
    assert int(np.argmax(scores)) == 1


def test_without_an_asked_unit_the_scores_stay():
    import numpy as np

    from compendium.answer.builder import _units_first
    from compendium.answer.units import UnitEvidence

    evidence = UnitEvidence.of("Who funded it?", ["Donors gave USD 900,000.", "Members pay 5 a month."])
    assert _units_first(np.array([3.0, 0.5]), evidence).tolist() == [3.0, 0.5]
