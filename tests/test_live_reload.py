"""Live reload: a running app's handlers pick up the generation a later build published."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from compendium.analyzer import Analyzer
from compendium.exports import ExportStore
from compendium.glossary import load_glossary
from compendium.index_store import build_index
from compendium.search import Searcher
from compendium.views import render_status
from compendium.webapp import Handlers

REPO = Path(__file__).resolve().parent.parent
NEW_CARD = REPO / "eval" / "corpus" / "fictional-en-02-shea-women-northern-ghana.txt"


@pytest.fixture
def keyword_env(monkeypatch, tmp_path):
    """No model can be had (offline, empty cache): the app runs in keyword mode, fast."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    return "intfloat/multilingual-e5-small"


def rebuild(corpus_dir: Path, index_dir: Path) -> None:
    analyzer = Analyzer()
    build_index([corpus_dir], index_dir, embedder=None, analyzer=analyzer, glossary=load_glossary(analyzer))


def test_the_next_search_after_a_rebuild_finds_the_new_card(corpus_dir, tmp_path, keyword_env):
    index_dir = tmp_path / "index"
    searcher = Searcher.open([corpus_dir], index_dir, model=keyword_env)
    handlers = Handlers(searcher, ExportStore(tmp_path / "exports"), reload_interval=0.0)
    query = "shea butter women Northern Ghana"
    before = {hit["doc_id"] for hit in handlers.api_search(query, 10)["hits"]}
    assert handlers.status()["generation"] == "gen-000001"
    shutil.copy(NEW_CARD, corpus_dir / NEW_CARD.name)
    rebuild(corpus_dir, index_dir)
    after = {hit["doc_id"] for hit in handlers.api_search(query, 10)["hits"]}
    new = after - before
    assert len(new) == 1 and "shea" in handlers.api_search(query, 1)["hits"][0]["title"].lower()
    status = handlers.status()
    assert status["generation"] == "gen-000002"
    assert "gen-000002" in render_status(status, "en")
    assert new <= set(handlers.facets.doc_ids)  # the filters offer the new card too


def test_searches_keep_working_while_the_index_is_rebuilt(corpus_dir, tmp_path, keyword_env):
    index_dir = tmp_path / "index"
    searcher = Searcher.open([corpus_dir], index_dir, model=keyword_env)
    handlers = Handlers(searcher, ExportStore(tmp_path / "exports"), reload_interval=0.0)
    shutil.copy(NEW_CARD, corpus_dir / NEW_CARD.name)
    failures: list[BaseException] = []
    done = threading.Event()

    def search_all_along() -> None:
        while not done.is_set():
            try:
                assert handlers.api_search("familias", 3)["hits"]
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)
                return

    searching = threading.Thread(target=search_all_along)
    searching.start()
    try:
        for _ in range(3):
            rebuild(corpus_dir, index_dir)
    finally:
        done.set()
        searching.join()
    assert failures == []
    handlers.api_search("familias", 3)
    assert handlers.status()["generation"] == "gen-000004"


def test_a_generation_built_by_other_code_settings_is_not_switched_to(
    corpus_dir, tmp_path, keyword_env, capsys
):
    from dataclasses import replace

    from compendium.index_store import DEFAULT_INDEX_CONFIG

    index_dir = tmp_path / "index"
    searcher = Searcher.open([corpus_dir], index_dir, model=keyword_env)
    handlers = Handlers(searcher, ExportStore(tmp_path / "exports"), reload_interval=0.0)
    shutil.copy(NEW_CARD, corpus_dir / NEW_CARD.name)
    other = replace(DEFAULT_INDEX_CONFIG, chunking=replace(DEFAULT_INDEX_CONFIG.chunking, max_words=120))
    analyzer = Analyzer()
    build_index(
        [corpus_dir],
        index_dir,
        embedder=None,
        analyzer=analyzer,
        glossary=load_glossary(analyzer),
        config=other,
    )
    assert handlers.api_search("familias", 3)["hits"]
    assert handlers.status()["generation"] == "gen-000001"
    assert "chunk settings changed" in capsys.readouterr().err
