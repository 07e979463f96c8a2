"""The coverage the build stores is the coverage of the passages, read back unchanged."""

from __future__ import annotations

import pytest

from compendium.countries import CountryFinder
from compendium.coverage import Coverage

QUESTIONS = [
    "When was the SSE Academy held in Morocco?",
    "Any practice from Madagascar?",
    "What did the cooperatives do during the COVID-19 lockdowns?",
    "¿Qué aprendieron de la experiencia brasileña?",
    "How did ODS 8 and the FIFA help in Kenya?",
]


@pytest.mark.parametrize("searcher", ["keyword_searcher", "collection_keyword"])
def test_the_stored_coverage_is_the_coverage_of_every_passage(searcher, request):
    searcher = request.getfixturevalue(searcher)
    stored = searcher.coverage
    computed = Coverage.of(searcher.chunks)
    assert stored.countries == computed.countries
    assert stored.vocabulary == computed.vocabulary
    for question in QUESTIONS:
        assert stored.missing(question) == computed.missing(question)


def test_a_coverage_saved_then_loaded_is_equal(tmp_path):
    coverage = Coverage(frozenset({"EC", "MA"}), frozenset({"covid-19", "ods", "é-x"}), CountryFinder())
    coverage.save(tmp_path)
    loaded = Coverage.load(tmp_path)
    assert (loaded.countries, loaded.vocabulary) == (coverage.countries, coverage.vocabulary)
