"""The app's handlers without a server: the page's button events and the API's filter checks."""

from __future__ import annotations

import pytest

from compendium.exports import ExportStore
from compendium.facets import UnknownFilterError
from compendium.webapp import Action, Handlers


@pytest.mark.parametrize(
    "data",
    [
        None,
        "add",
        {"action": "delete-everything"},
        {"action": "add", "target": 3},
        {"action": "add", "target": "x" * 201},
    ],
)
def test_page_events_that_are_not_actions_are_ignored(data):
    assert Action.parse(data) is None


def test_actions_carry_a_target_and_maybe_a_number():
    assert Action.parse({"action": "open", "target": "card-01"}) == Action("open", "card-01")
    assert Action.parse({"action": "example", "target": "2"}).number() == 2
    assert Action("example", "-1").number() is None and Action("example", "1e3").number() is None


def test_the_api_refuses_filter_values_the_collection_lacks(keyword_searcher, tmp_path):
    handlers = Handlers(keyword_searcher, ExportStore(tmp_path))
    assert handlers.api_search("familias", 3, lang="es", section="results")["hits"]
    with pytest.raises(UnknownFilterError, match="unknown lang 'xx'; known: 'en', 'es'"):
        handlers.api_search("familias", 3, lang="es,xx")
    with pytest.raises(UnknownFilterError, match="unknown country 'ZZ'"):
        handlers.api_search("familias", 3, country="zz")


def test_filter_choices_are_only_the_values_present_in_the_interface_language(keyword_searcher, tmp_path):
    handlers = Handlers(keyword_searcher, ExportStore(tmp_path))
    assert handlers.language_choices("es") == [("inglés", "en"), ("español", "es")]
    sections = dict((key, name) for name, key in handlers.section_choices("en"))
    assert sections["funding"] == "Funding" and "other" not in sections
    assert set(sections) == {chunk.section for chunk in keyword_searcher.chunks}


def test_handout_actions_add_move_and_remove_by_number(keyword_searcher, tmp_path):
    handlers = Handlers(keyword_searcher, ExportStore(tmp_path))
    first, second = (chunk.chunk_id for chunk in keyword_searcher.chunks[:2])
    refs = handlers.handout_after([], Action("add", first))
    refs = handlers.handout_after([r.to_dict() for r in refs], Action("add", second))
    records = [ref.to_dict() for ref in refs]
    assert [ref.chunk_id for ref in refs] == [first, second]
    assert [ref.chunk_id for ref in handlers.handout_after(records, Action("up", "1"))] == [second, first]
    assert [ref.chunk_id for ref in handlers.handout_after(records, Action("remove", "0"))] == [second]
    assert handlers.handout_after(records, Action("add", "no-such-chunk")) == refs
    assert handlers.handout_after(records, Action("up", "x")) is None
    assert handlers.handout_after(records, Action("open", first)) is None
