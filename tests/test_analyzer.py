"""One analyzer for documents and queries: inflections, accents, numbers, stopwords."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compendium.analyzer import Analyzer, normalize_number

ANALYZER = Analyzer()


def matches(query: str, document: str, lang: str = "es") -> bool:
    """Does any query term reach any document term?"""
    terms = set(ANALYZER.document_terms(document, lang))
    return any(term.variants & terms for term in ANALYZER.query_terms(query))


@pytest.mark.parametrize(
    ("query", "document", "lang"),
    [
        ("familias", "la familia", "es"),
        ("acompanamiento", "acompañamiento familiar", "es"),
        ("ACOMPAÑAMIENTO", "el acompañamiento", "es"),
        ("74004", "Total general 74.004", "es"),
        ("74.004", "74004 usuarios", "es"),
        ("74,004", "Total general 74.004", "es"),
        ("families", "the family", "en"),
        ("scaling", "it was scaled", "en"),
        ("cooperatives", "a cooperative", "en"),
        ("familles", "la famille", "fr"),
        ("cooperação", "cooperações", "pt"),
        ("informacion", "información", "es"),
        ("capacitacao", "capacitação", "pt"),
        ("organizacoes", "organização", "pt"),
    ],
)
def test_inflections_accents_and_numbers_match(query, document, lang):
    assert matches(query, document, lang)


def test_different_words_do_not_match():
    assert not matches("salud", "educación")
    assert not matches("7", "74.004")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("de la familia y los niños", "es", ["famili", "nin"]),
        ("the families of the workers", "en", ["famili", "worker"]),
        ("les familles et les travailleurs", "fr", ["famill", "travailleur"]),
        ("as famílias e os trabalhadores", "pt", ["famil", "trabalh"]),
    ],
)
def test_stopwords_are_removed_per_language(text, lang, expected):
    assert ANALYZER.document_terms(text, lang) == expected


def test_domain_words_in_stopword_lists_are_kept():
    assert ANALYZER.document_terms("presupuesto del estado", "es") == ["presupuest", "estad"]


def test_query_words_carry_stems_of_every_language_once():
    terms = ANALYZER.query_terms("How was family accompaniment scaled? family")
    assert [term.surface for term in terms] == ["family", "accompaniment", "scaled"]
    family = terms[0]
    assert "famili" in family.variants and len(family.variants) >= 1


def test_query_stopwords_are_those_of_its_language_and_shared_ones():
    assert [t.surface for t in ANALYZER.query_terms("¿Cómo se escaló el plan de la OIT?")] == [
        "escaló",
        "plan",
        "oit",
    ]
    assert [t.surface for t in ANALYZER.query_terms("Quels sont les résultats du plan ?")] == [
        "résultats",
        "plan",
    ]
    # "sur" is a French stopword but Spanish for "south": a Spanish query keeps it.
    assert "sur" in [t.surface for t in ANALYZER.query_terms("la cooperación Sur-Sur en Ecuador")]
    assert "sur" not in [t.surface for t in ANALYZER.query_terms("la coopération sur le terrain au Maroc")]


@given(st.text())
def test_tokens_are_never_empty_and_numbers_are_normalised_once(text):
    for token in ANALYZER.tokens(text):
        assert token
        if token[0].isdigit():
            assert normalize_number(token) == token


def test_number_normalisation():
    assert normalize_number("74.004") == "74004"
    assert normalize_number("1,234,567") == "1234567"
    assert normalize_number("2,5") == "2.5"
    assert normalize_number("2018") == "2018"
