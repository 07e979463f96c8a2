"""The app, launched for real: its named API, escaping, and the files it refuses to serve."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from compendium.exports import ExportStore
from compendium.webapp import Handlers
from tests.conftest import HIT_KEYS, SEED

pytestmark = pytest.mark.app


def test_api_search_returns_cited_hits_and_an_answer(running_app):
    from gradio_client import Client

    client = Client(running_app["url"], verbose=False)
    result = client.predict("How was family accompaniment scaled?", 5, "", "", "", "", api_name="/search")
    assert result["mode"] == "hybrid" and result["notice"] == ""
    assert 1 <= len(result["hits"]) <= 5
    assert all(HIT_KEYS <= set(hit) for hit in result["hits"])
    assert any("Plan Familia" in hit["citation"] for hit in result["hits"])
    answer = result["answer"]
    assert set(answer) >= {"text", "quotes", "citations", "clear"}
    for quote in answer["quotes"]:
        hit_texts = [c for c in running_app["searcher"].chunks if c.chunk_id == quote["chunk_id"]]
        assert quote["text"] in hit_texts[0].text


def test_api_filters_and_empty_query(running_app):
    from gradio_client import Client

    client = Client(running_app["url"], verbose=False)
    only_results = client.predict("familias", 5, "es", "results", "", "", api_name="/search")
    assert only_results["hits"] and {hit["section"] for hit in only_results["hits"]} == {"results"}
    empty = client.predict("   ", 5, "", "", "", "", api_name="/search")
    assert empty["hits"] == [] and empty["answer"]["clear"] is False


def test_hostile_card_text_is_escaped_in_every_view(running_app):
    handlers = Handlers(running_app["searcher"], ExportStore(running_app["root"] / "exports"))
    view = handlers.search("recicladores cooperativas", "en")
    assert "recicladores" in view.results_html
    hostile = next(doc for doc in handlers.documents() if doc.cards and "recicladores" in doc.cards[0].title)
    card = handlers.card_html(hostile.cards[0].card_id, "es", ["results"])
    for html in (view.results_html, view.answer_html, card):
        assert "<script" not in html and "<img" not in html and "${" not in html
    assert "&lt;script&gt;" in card


def test_long_and_empty_queries_get_messages(running_app):
    handlers = Handlers(running_app["searcher"], ExportStore(running_app["root"] / "exports"))
    assert "Type a question" in handlers.search("", "en").message
    long = handlers.search("familia " * 200, "es")
    assert "500" in long.message


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    "path",
    [
        "gradio_api/file=" + str(SEED),
        "file=" + str(SEED),
        "gradio_api/file=/etc/passwd",
        "gradio_api/file=../../../../etc/passwd",
        "gradio_api/file=" + str(SEED.parent.parent / "compendium" / "search.py"),
    ],
)
def test_files_outside_the_exports_are_refused(running_app, path):
    assert _status(running_app["url"] + path) in {403, 404}


def test_the_api_page_lists_only_search(running_app):
    with urllib.request.urlopen(running_app["url"] + "gradio_api/info", timeout=10) as response:
        info = json.loads(response.read())
    assert list(info["named_endpoints"]) == ["/search"]


def test_the_app_starts_past_an_unreadable_file_a_bad_file_name_and_a_broken_manifest(
    corpus_dir, tmp_path, monkeypatch, capsys
):
    import app
    from compendium import webapp
    from tests.conftest import HOSTILE_NAME, refuse_to_read

    (corpus_dir / "locked.txt").write_text("Resultados\nAlgo.\n", encoding="utf-8")
    (corpus_dir / HOSTILE_NAME).write_text("Resultados\nAlgo.\n", encoding="utf-8")
    refuse_to_read(monkeypatch, "locked.txt")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "manifest.json").write_text("3", encoding="utf-8")
    served = []
    monkeypatch.setattr(webapp, "launch", lambda web_app, *args, **kwargs: served.append(web_app))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    where = ["--corpus", str(corpus_dir), "--index", str(tmp_path / "index")]
    assert app.main([*where, "--model", "intfloat/multilingual-e5-small"]) == 0
    err = capsys.readouterr().err
    assert len(served) == 1 and "Traceback" not in err and "\x1b" not in err
    assert "manifest.json is unreadable" in err
    # A file's line may carry its place in the batch ("[2/3] skipped …").
    assert sum(re.sub(r"^\[\d+/\d+\] ", "", line).startswith("skipped") for line in err.splitlines()) == 2


def test_the_api_names_unknown_filter_values(running_app):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(running_app["url"], verbose=False)
    with pytest.raises(AppError, match="unknown lang 'xx'; known: 'en', 'es'"):
        client.predict("familias", 5, "xx", "", "", "", api_name="/search")
