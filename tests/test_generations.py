"""Index generations: atomic publish, reader leases, cleanup of what killed builds left."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compendium import generations
from compendium.analyzer import Analyzer
from compendium.glossary import load_glossary
from compendium.index_store import CorruptIndexError, build_index, load_index

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def parts():
    analyzer = Analyzer()
    return analyzer, load_glossary(analyzer)


def build(corpus_dir: Path, index_dir: Path, parts) -> None:
    analyzer, glossary = parts
    build_index([corpus_dir], index_dir, embedder=None, analyzer=analyzer, glossary=glossary)


def served(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def gens(index_dir: Path) -> list[str]:
    return [path.name for path in generations.generations(index_dir)]


def test_each_build_publishes_a_new_generation_and_removes_unused_ones(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    assert (index_dir / "CURRENT").read_text() == "gen-000001\n"
    assert (served(index_dir) / "manifest.json").is_file()
    build(corpus_dir, index_dir, parts)
    # Nobody leased gen-000001 (this process never loaded it): it is gone.
    assert gens(index_dir) == ["gen-000002"]
    assert load_index(index_dir).folder == index_dir / "gen-000002"


def test_a_leased_generation_is_kept_until_a_later_build_finds_it_unused(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    loaded = load_index(index_dir)  # this process now leases gen-000001
    build(corpus_dir, index_dir, parts)
    assert gens(index_dir) == ["gen-000001", "gen-000002"]
    assert len(loaded.chunks) == len(load_index(index_dir).chunks)
    generations.release_leases(index_dir, keep=served(index_dir))
    build(corpus_dir, index_dir, parts)
    assert gens(index_dir) == ["gen-000002", "gen-000003"]  # gen-000002 is leased now
    generations.release_leases(index_dir)


def test_another_process_lease_keeps_its_generation(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    code = (
        "import sys, time; from pathlib import Path; from compendium.index_store import load_index;"
        "load_index(Path(sys.argv[1])); print('ok', flush=True); time.sleep(60)"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code, str(index_dir)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "ok"
        build(corpus_dir, index_dir, parts)
        assert gens(index_dir) == ["gen-000001", "gen-000002"]
    finally:
        reader.kill()
        reader.wait()
    build(corpus_dir, index_dir, parts)  # the reader died: its lease went with it
    assert gens(index_dir) == ["gen-000003"]
    assert sorted(p.name for p in index_dir.iterdir()) == ["CURRENT", "gen-000003"]


def test_what_a_killed_build_left_is_removed_by_the_next_build(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    # A staging folder beside the index, a generation renamed but never published, a pointer
    # temp file: what builds killed at three different points leave.
    (tmp_path / ".index.building-abcd1234").mkdir()
    (tmp_path / ".index.building-abcd1234" / "chunks.jsonl").write_text("x")
    shutil.copytree(served(index_dir), index_dir / "gen-000002")
    (index_dir / ".CURRENT.999.tmp").write_text("gen-000002")
    assert load_index(index_dir).folder == index_dir / "gen-000001"
    generations.release_leases(index_dir)
    build(corpus_dir, index_dir, parts)
    assert not (tmp_path / ".index.building-abcd1234").exists()
    # The unpublished gen-000002 went first (under the lock), so the new build took its number.
    assert gens(index_dir) == ["gen-000002"] and served(index_dir).name == "gen-000002"
    assert not (index_dir / ".CURRENT.999.tmp").exists()


@pytest.mark.parametrize("pointer", ["", "gen-0000", "gen-000009\n", "../etc\n", "\x00\x01"])
def test_a_torn_or_edited_pointer_is_refused_then_rebuilt(corpus_dir, tmp_path, parts, pointer):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    (index_dir / "CURRENT").write_text(pointer)
    with pytest.raises(CorruptIndexError, match="CURRENT"):
        load_index(index_dir)
    build(corpus_dir, index_dir, parts)
    # The pointer named nothing served, so the old generation went too: one, whole, remains.
    assert gens(index_dir) == [served(index_dir).name]
    assert load_index(index_dir).folder == served(index_dir)
    generations.release_leases(index_dir)


def test_the_old_layout_is_read_then_rebuilt_into_generations(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    legacy = tmp_path / "legacy"
    shutil.copytree(served(index_dir), legacy)
    (legacy / "README.md").write_text("my notes")
    loaded = load_index(legacy)
    assert loaded.folder == legacy and loaded.chunks
    build(corpus_dir, legacy, parts)
    assert sorted(p.name for p in legacy.iterdir()) == ["CURRENT", "README.md", "gen-000001"]
    assert len(load_index(legacy).chunks) == len(loaded.chunks)
    generations.release_leases(legacy)


def test_sigterm_during_a_build_exits_cleanly_and_leaves_the_last_generation(corpus_dir, tmp_path, parts):
    index_dir = tmp_path / "index"
    build(corpus_dir, index_dir, parts)
    # A build that pauses inside its lock (reading the corpus), then gets SIGTERM.
    code = (
        "import sys, time; from pathlib import Path; from compendium import index_store as s;"
        "from compendium.analyzer import Analyzer; from compendium.glossary import load_glossary;"
        "real = s.load_corpus\n"
        "def slow(*a, **k):\n    print('building', flush=True); time.sleep(30); return real(*a, **k)\n"
        "s.load_corpus = slow; a = Analyzer()\n"
        "s.build_index([Path(sys.argv[1])], Path(sys.argv[2]), embedder=None, analyzer=a,"
        " glossary=load_glossary(a))"
    )
    builder = subprocess.Popen(
        [sys.executable, "-c", code, str(corpus_dir), str(index_dir)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert builder.stdout.readline().strip() == "building"
    time.sleep(0.2)
    os.kill(builder.pid, signal.SIGTERM)
    _out, err = builder.communicate(timeout=30)
    assert builder.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert gens(index_dir) == ["gen-000001"]
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name] == []
    assert load_index(index_dir).chunks
    generations.release_leases(index_dir)


def test_a_build_that_waited_for_an_identical_one_does_not_build_again(
    corpus_dir, tmp_path, parts, monkeypatch
):
    import threading

    from compendium import index_store

    index_dir = tmp_path / "index"
    analyzer, glossary = parts
    inside = threading.Event()
    real = index_store.load_corpus
    reads: list[str] = []

    def slow(*args, **kwargs):
        reads.append(threading.current_thread().name)
        inside.set()
        time.sleep(1.5)  # the second build arrives while this one holds the lock
        return real(*args, **kwargs)

    monkeypatch.setattr(index_store, "load_corpus", slow)
    first = threading.Thread(target=build, args=(corpus_dir, index_dir, parts), name="first")
    first.start()
    assert inside.wait(30)
    messages: list[str] = []
    manifest = build_index(
        [corpus_dir], index_dir, embedder=None, analyzer=analyzer, glossary=glossary, progress=messages.append
    )
    first.join()
    assert reads == ["first"], "the second build read the corpus again"
    assert gens(index_dir) == ["gen-000001"]
    assert manifest.chunk_count == load_index(index_dir).manifest.chunk_count
    assert any("waiting" in message for message in messages)
    generations.release_leases(index_dir)


def test_a_build_that_waited_for_a_different_one_still_builds(corpus_dir, tmp_path, parts, monkeypatch):
    import threading

    from compendium import index_store

    index_dir = tmp_path / "index"
    analyzer, glossary = parts
    inside = threading.Event()
    real = index_store.load_corpus

    def slow(*args, **kwargs):
        if threading.current_thread().name == "first":
            inside.set()
            time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(index_store, "load_corpus", slow)
    first = threading.Thread(target=build, args=(corpus_dir, index_dir, parts), name="first")
    first.start()
    assert inside.wait(30)
    other = tmp_path / "other-corpus"
    shutil.copytree(corpus_dir, other)
    next(iter(sorted(other.iterdir()))).write_text("Una práctica distinta.\n", encoding="utf-8")
    build_index([other], index_dir, embedder=None, analyzer=analyzer, glossary=glossary)
    first.join()
    assert gens(index_dir)[-1] == "gen-000002"
    generations.release_leases(index_dir)
