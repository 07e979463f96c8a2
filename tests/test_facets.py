"""Filters offer only the values a collection has and refuse the others by name."""

from __future__ import annotations

import pytest

from compendium.facets import Facets, UnknownFilterError
from compendium.search import Filters


def test_facets_are_the_values_present_in_order(keyword_searcher):
    facets = Facets.of(keyword_searcher.chunks)
    assert facets.langs == ("en", "es")
    assert facets.sections[0] == "objectives" and facets.sections[-2:] == ("preface", "introduction")
    assert set(facets.countries) >= {"EC", "CL"}
    assert facets.doc_ids == tuple(dict.fromkeys(chunk.doc_id for chunk in keyword_searcher.chunks))


def test_unknown_values_are_named_with_the_known_ones(keyword_searcher):
    facets = Facets.of(keyword_searcher.chunks)
    assert facets.unknown(Filters.from_lists(["es"], ["results"], [], ["EC"])) == []
    problems = facets.unknown(Filters.from_lists(["fr", "xx"], ["resultz"], [], []))
    assert problems[0] == "unknown lang 'fr', 'xx'; known: 'en', 'es'"
    assert problems[1].startswith("unknown section 'resultz'; known: 'objectives'")
    with pytest.raises(UnknownFilterError, match="unknown practice 'nope'"):
        facets.check(Filters.from_lists(doc_ids=["nope"]))
