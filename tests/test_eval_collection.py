"""The FICTIONAL many-card evaluation collection ingests whole: every card with its ten
sections, title, author, language, countries and printed pages, as its fact sheet records."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from compendium.ingest import load_corpus
from compendium.settings import EVAL_CORPUS, PROJECT_ROOT
from compendium.taxonomy import CARD_KEYS
from compendium.textnorm import one_line

FACTS = PROJECT_ROOT / "eval" / "facts"


@pytest.fixture(scope="module")
def collection(tools):
    corpus = load_corpus([EVAL_CORPUS], tools=tools)
    assert not corpus.problems
    return {doc.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]: doc for doc in corpus.documents}


@pytest.fixture(scope="module")
def sheets():
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(FACTS.glob("*.json"))}


def test_the_collection_is_marked_fictional_and_sized_as_promised(collection, sheets):
    assert all(name.startswith("fictional-") for name in collection)
    assert "FICTIONAL" in (EVAL_CORPUS / "README.md").read_text(encoding="utf-8")
    languages = Counter(sheet["language"] for sheet in sheets.values())
    assert languages == {"es": 8, "en": 6, "fr": 5, "pt": 5}
    assert set(collection) == set(sheets)
    assert sum(doc.kind == "pdf" for doc in collection.values()) >= 3


def test_every_card_has_its_ten_sections_in_order(collection):
    for name, doc in collection.items():
        assert len(doc.cards) == 1, name
        assert [section.key for section in doc.cards[0].sections] == list(CARD_KEYS), name


def test_every_card_has_the_title_author_and_language_it_was_written_with(collection, sheets):
    for name, doc in collection.items():
        card, sheet = doc.cards[0], sheets[name]
        assert card.title == one_line(sheet["title"]), name
        assert card.author == sheet["author"], name
        assert card.language == sheet["language"], name
        assert all(section.language == sheet["language"] for section in card.sections), name


def test_every_card_names_its_countries(collection, sheets):
    for name, doc in collection.items():
        assert set(sheets[name]["countries"]) <= set(doc.cards[0].countries), name


def test_pages_are_the_printed_ones_or_none(collection, sheets):
    """A section cites a page between the card's first and last printed page, or none at all;
    most sections know their page."""
    known = 0
    for name, doc in collection.items():
        first, last = sheets[name]["first_page"], sheets[name]["last_page"]
        pages = [section.page for section in doc.cards[0].sections]
        assert all(page is None or first <= page <= last for page in pages), (name, pages)
        assert pages[0] == first, name
        known += sum(page is not None for page in pages)
    assert known >= 0.95 * 10 * len(collection)


def test_no_template_instruction_survives(collection):
    for name, doc in collection.items():
        for section in doc.cards[0].sections:
            for opener in (
                "Explicar ",
                "Explain ",
                "Expliquer ",
                "Describir ",
                "Describe ",
                "Décrire ",
                "Descrever ",
            ):
                assert not section.text.startswith(opener), (name, section.key, section.text[:80])


def test_the_part_heading_never_leaks_into_a_title(collection):
    for name, doc in collection.items():
        card = doc.cards[0]
        assert not card.title.isupper(), name
        if card.part:
            assert card.part.split()[-1] not in card.title, name
