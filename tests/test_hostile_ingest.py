"""Hostile files next to good ones: each is parsed or stopped with one clean line, within its
budget, and the good files of the same folder are still indexed. Speed itself is measured in
bench/hostile_ingest.py; here a small budget only shows that a stall is really stopped."""

from __future__ import annotations

import os
import random
import re
import shutil
import time
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compendium import ingest
from compendium.cleaning import _ends_with_address
from compendium.cli import main
from compendium.countries import _alternation
from compendium.errors import BinaryFileError, DamagedPdfError, EncodingError, PdfError
from compendium.ingest import Limits, collect_files, load_corpus, load_file
from compendium.textnorm import fold, fold_with_offsets
from compendium.workers import ReaderPool, WorkerStartError
from tests import hostile_files as hf
from tests.conftest import EVAL_CORPUS, SEED

GOOD_PDF = EVAL_CORPUS / "fictional-en-04-sse-law-cambodia.pdf"
SCALE = 0.02


def _with_good_files(folder: Path) -> Path:
    shutil.copy(SEED, folder / "good.txt")
    shutil.copy(GOOD_PDF, folder / "good.pdf")
    return folder


def _names(problems) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {Path(problem.path).name: problem.reason for problem in problems}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Every fast hostile file, small, beside a good text and a good PDF, read as the app does."""
    folder = tmp_path_factory.mktemp("hostile")
    built = hf.build_all(folder, SCALE, only_fast=True)
    _with_good_files(folder)
    lines: list[str] = []
    corpus = load_corpus([folder], limits=Limits(seconds=10), progress=lines.append)
    return built, corpus, lines


def test_each_hostile_file_is_parsed_or_refused_as_expected(hostile_run):
    built, corpus, _lines = hostile_run
    documents = {Path(document.source).name for document in corpus.documents}
    problems = _names(corpus.problems)
    for name, hostile in built.items():
        assert (name in documents) != (name in problems), name
        if hostile.expect == hf.PARSED:
            assert name in documents, (name, problems.get(name))
        elif hostile.expect == hf.REFUSED:
            assert name in problems, name


def test_every_refusal_is_one_line_naming_its_file(hostile_run):
    _built, corpus, _lines = hostile_run
    for problem in corpus.problems:
        assert "\n" not in problem.reason and "\n" not in problem.path
        assert problem.reason and problem.kind != "error", problem
        assert str(problem.path).startswith(str(Path(problem.path).parent))


def test_the_good_files_beside_them_are_still_indexed(hostile_run):
    _built, corpus, _lines = hostile_run
    cards = {Path(document.source).name: document.cards for document in corpus.documents}
    assert cards["good.txt"][0].author == "Carmen Scott Alava"
    assert len(cards["good.pdf"]) == 1 and len(cards["good.pdf"][0].sections) == 10


def test_progress_gives_every_file_one_numbered_line(hostile_run):
    _built, corpus, lines = hostile_run
    numbered = [line for line in lines if re.match(r"\[\d+/\d+\] ", line)]
    assert len(numbered) == len(corpus.files)
    assert numbered[-1].startswith(f"[{len(corpus.files)}/{len(corpus.files)}] ")
    assert any(re.fullmatch(r"\[\d+/\d+\] .*good\.pdf: 1 card, 10 sections.*", line) for line in numbered)
    special = [line for line in lines if not line.startswith("[")]
    assert sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in special) == sorted(
        ["gone.txt", "loop-a.txt", "loop-b.txt", "notes.pdf", "pipe.txt", "socket.md", "zero.txt"]
    )


def test_a_stalling_pdf_is_stopped_by_its_budget_and_the_folder_goes_on(tmp_path):
    hf.pdf_many_rects(tmp_path, 1.0)  # 50 KB that keeps pdfplumber busy for minutes
    _with_good_files(tmp_path)
    began = time.monotonic()
    corpus = load_corpus([tmp_path], limits=Limits(seconds=2))
    assert time.monotonic() - began < 60
    [problem] = corpus.problems
    assert problem.kind == "too-slow" and problem.path.endswith("rects.pdf")
    assert problem.reason.startswith("took longer than 2 s: stopped on page 1 of 1")
    assert sorted(Path(document.source).name for document in corpus.documents) == ["good.pdf", "good.txt"]


def test_a_long_pdf_earns_time_for_each_page_it_reads(tmp_path):
    hf.pdf_many_pages(tmp_path, 0.1)  # 59 cheap pages
    corpus = load_corpus([tmp_path], limits=Limits(seconds=0.5, seconds_per_page=1.0))
    assert not corpus.problems and corpus.documents[0].pages == 59


def test_a_decompression_bomb_is_refused_without_inflating_it(tmp_path):
    path = hf.pdf_bomb(tmp_path, 0.1)  # 100 MB of content stream
    with pytest.raises(PdfError, match="decompression bomb"):
        load_file(path)


def test_a_reader_over_its_memory_cap_is_stopped_with_one_line(tmp_path):
    hf.pdf_many_rects(tmp_path, 1.0)  # pdfplumber holds a dictionary per rectangle edge
    shutil.copy(SEED, tmp_path / "good.txt")
    corpus = load_corpus([tmp_path], limits=Limits(max_memory_bytes=350 * 2**20, seconds=120))
    [problem] = corpus.problems
    assert problem.path.endswith("rects.pdf") and problem.kind in {"reader-failed", "pdf"}, problem
    assert len(corpus.documents) == 1


@pytest.mark.parametrize(
    "builder",
    [hf.pdf_truncated, hf.pdf_no_xref, hf.pdf_bad_stream, hf.pdf_partial_copy],
    ids=lambda b: b.__name__,
)
def test_a_damaged_pdf_is_refused_whole(tmp_path, builder):
    path = builder(tmp_path, 1.0)
    with pytest.raises(DamagedPdfError) as caught:
        load_file(path)
    assert "damaged PDF" in caught.value.reason and "nothing of it is indexed" in caught.value.reason


def test_a_partial_copy_beside_the_whole_card_leaves_only_the_whole(tmp_path):
    hf.pdf_partial_copy(tmp_path, 1.0)
    shutil.copy(GOOD_PDF, tmp_path / "whole.pdf")
    corpus = load_corpus([tmp_path])
    assert [Path(document.source).name for document in corpus.documents] == ["whole.pdf"]
    assert _names(corpus.problems).keys() == {"partial-copy.pdf"}


@pytest.mark.parametrize("builder", [hf.nul_after_head, hf.controls_after_head, hf.random_after_head])
def test_binary_content_after_a_clean_start_is_refused(tmp_path, builder):
    with pytest.raises(BinaryFileError, match="binary data"):
        load_file(builder(tmp_path, 0.01))


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf16_and_utf32_are_read_with_or_without_a_byte_order_mark(tmp_path, codec):
    path = tmp_path / "card.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(codec))
    document, expected = load_file(path), load_file(SEED)
    assert (document.cards, document.front_matter) == (expected.cards, expected.front_matter)


def test_a_broken_utf32_file_is_refused_as_such(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("Resultados".encode("utf-32") + b"\x00\x00\x11\x00")  # beyond U+10FFFF
    with pytest.raises(EncodingError, match="invalid UTF-32"):
        load_file(path)


def test_special_files_are_one_line_each_and_never_block(tmp_path):
    for builder in (
        hf.fifo,
        hf.unix_socket,
        hf.symlink_loop,
        hf.dangling_link,
        hf.folder_named_pdf,
        hf.device_link,
    ):
        builder(tmp_path, 1.0)
    files, problems = collect_files([tmp_path])
    assert files == []
    assert {Path(p.path).name: p.kind for p in problems} == {
        name: "not-a-file"
        for name in ("pipe.txt", "socket.md", "loop-a.txt", "loop-b.txt", "gone.txt", "notes.pdf", "zero.txt")
    }
    # Named directly, too: no path is opened before its type is known.
    corpus = load_corpus([tmp_path / "pipe.txt", tmp_path / "zero.txt", tmp_path / "missing.txt"])
    assert [p.reason for p in corpus.problems] == [
        "is a named pipe (FIFO), not a file",
        "links to something that is a device, not a file",
        "no such file or folder",
    ]


def test_a_file_swapped_for_a_pipe_after_the_check_is_not_waited_on(tmp_path):
    pipe = tmp_path / "late.txt"
    os.mkfifo(pipe)
    from compendium.files import read_bytes

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("compendium.files.not_a_file", lambda _path: None)  # the check saw a file
        with pytest.raises(Exception, match="not a regular file"):
            read_bytes(pipe, 1000)


def test_small_text_files_need_no_worker(tmp_path, monkeypatch):
    def no_pool(*_args, **_kwargs):
        raise AssertionError("a worker was started for a small text file")

    monkeypatch.setattr(ingest, "ReaderPool", no_pool)
    corpus = load_corpus([_with_good_files(tmp_path) / "good.txt"])
    assert corpus.documents[0].cards[0].author == "Carmen Scott Alava"


def test_a_worker_gives_the_same_document_as_the_calling_process(tmp_path):
    [document] = load_corpus([shutil.copy(GOOD_PDF, tmp_path / "card.pdf")]).documents
    assert document == load_file(tmp_path / "card.pdf")


def test_without_worker_processes_the_files_are_read_here_and_said_so(tmp_path, monkeypatch):
    def refuse(self):  # type: ignore[no-untyped-def]
        raise WorkerStartError("cannot start a reader process (no processes here)")

    monkeypatch.setattr(ReaderPool, "_spawn", refuse)
    lines: list[str] = []
    corpus = load_corpus([_with_good_files(tmp_path)], progress=lines.append)
    assert len(corpus.documents) == 2 and not corpus.problems
    assert any("reading the remaining files in this process, without a time budget" in line for line in lines)


def test_cli_ingest_prints_each_file_as_it_goes_on_stderr(tmp_path, capsys):
    _with_good_files(tmp_path)
    os.mkfifo(tmp_path / "pipe\x1b[31m.txt")
    out = StringIO()
    assert main(["ingest", str(tmp_path), "--budget", "30"], out=out) == 1
    err = capsys.readouterr().err
    assert f"skipped {tmp_path}/pipe\\x1b[31m.txt: is a named pipe (FIFO), not a file" in err
    assert re.search(r"\[1/2\] .*good\.txt: 1 card, 10 sections", err)
    assert re.search(r"\[2/2\] .*good\.pdf: 1 card, 10 sections", err)
    assert "\x1b" not in err and "2 document(s)" in out.getvalue()


def test_the_app_starts_with_what_it_could_read(tmp_path, seed_card, monkeypatch):
    import json

    from compendium.search import Searcher

    folder = tmp_path / "corpus"
    folder.mkdir()
    broken = (
        hf.pdf_truncated,
        hf.pdf_partial_copy,
        hf.nul_after_head,
        hf.utf32_no_bom,
        hf.fifo,
        hf.symlink_loop,
    )
    for builder in broken:
        builder(folder, 0.01)
    _with_good_files(folder)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # keyword mode: no model to fetch, none cached
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    searcher = Searcher.open([folder], tmp_path / "index", model="intfloat/multilingual-e5-small")
    hits = searcher.search("¿Cómo se escaló el acompañamiento familiar del Plan Familia?", k=3)
    assert hits[0].chunk.doc_id == seed_card.card_id
    report = json.loads((Path(searcher.status()["index"]) / "ingest_report.json").read_text(encoding="utf-8"))
    assert sorted(Path(problem["path"]).name for problem in report["problems"]) == [
        "loop-a.txt",
        "loop-b.txt",
        "nul-tail.txt",
        "partial-copy.pdf",
        "pipe.txt",
        "truncated.pdf",
    ]


# --- the linear rewrites agree with the patterns they replace ---------------------------------

_OLD_ADDRESS = re.compile(r"(?:\S+@\S+\.\w+|https?://\S+|www\.\S+)$")


@given(st.text(alphabet="a@.b _-:/é1", min_size=1, max_size=16).map(str.strip).filter(bool))
def test_the_address_check_agrees_with_the_regex_it_replaces(text):
    assert _ends_with_address(text) == bool(_OLD_ADDRESS.search(text))


def _flat(forms: dict[str, str], flags: int = 0) -> re.Pattern[str]:
    alternatives = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)", flags)


@given(
    st.lists(
        st.sampled_from(["Niger", "Nigeria", "Guinea", "Guinea-Bissau", "de", "Costa Rica", "x", "-"]),
        max_size=12,
    )
)
def test_the_country_trie_finds_what_the_flat_alternation_found(words):
    forms = dict.fromkeys(["Niger", "Nigeria", "Guinea", "Guinea-Bissau", "Costa Rica", "Costa"], "X")
    text = " ".join(words) + " " + "".join(words)
    for flags in (0, re.IGNORECASE):
        expected = [m.span() for m in _flat(forms, flags).finditer(text)]
        assert [m.span() for m in _alternation(forms, flags).finditer(text)] == expected


def _reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_the_fast_fold_is_the_fold():
    rng = random.Random(4)
    for _ in range(2000):
        text = "".join(
            chr(rng.choice([rng.randint(32, 126), rng.randint(0xC0, 0x24F), 0x301, 0xDF, 0xFB01]))
            for _ in range(12)
        )
        assert fold(text) == _reference_fold(text)
        folded, offsets = fold_with_offsets(text)
        assert folded == "".join(_reference_fold(ch) for ch in text) and len(offsets) == len(folded)


def test_interleaved_label_search_is_bounded_per_line(tools, monkeypatch):
    """Work (label comparisons) grows with the number of label-like lines, not faster."""
    from compendium.parser import parse_lines
    from compendium.text_reader import read_text

    calls = {"n": 0}
    real = type(tools.taxonomy).words_progress

    def counting(self, words, keys):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return real(self, words, keys)

    monkeypatch.setattr(type(tools.taxonomy), "words_progress", counting)
    line = "Cooperación  entre  instituciones  y  países  para  lograr  los  objetivos\n"
    counts = []
    for repeat in (50, 200):
        calls["n"] = 0
        text = hf._CARD_TEXT + line * repeat
        parse_lines(read_text(text), doc_id="d", path="d.txt", kind="text", tools=tools)
        counts.append(calls["n"])
    assert counts[1] <= 4.5 * counts[0], counts
