"""Bad files get a typed, one-line error naming them; good files next to them still parse."""

from __future__ import annotations

import json
import os
import shutil
from io import StringIO

import pytest

from compendium.cli import main
from compendium.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    PdfError,
    UnsupportedFileError,
    printable,
)
from compendium.ingest import Limits, load_corpus, load_file
from tests.conftest import HOSTILE_NAME, SEED, refuse_to_read


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "empty.txt": (b"", EmptyFileError),
        "blank.md": (b"  \n\n \t\n", EmptyFileError),
        "binary.txt": (bytes(range(256)) * 8, BinaryFileError),
        "latin1.txt": ("Resultados de la cooperación en España".encode("latin-1"), EncodingError),
        "truncated.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", PdfError),
        "not-a-pdf.pdf": (b"This is plain text with a .pdf name\n", PdfError),
        "slides.pptx": (b"PK\x03\x04", UnsupportedFileError),
    }
    for name, (data, _error) in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path, files


def test_each_bad_file_gets_a_typed_error_naming_it(bad_files, tools):
    folder, files = bad_files
    for name, (_data, error_type) in files.items():
        with pytest.raises(error_type) as caught:
            load_file(folder / name, tools=tools)
        assert name in str(caught.value)
        assert caught.value.path.endswith(name)
        assert "\n" not in str(caught.value)


def test_latin1_error_says_how_to_fix_it(bad_files, tools):
    folder, _files = bad_files
    with pytest.raises(EncodingError, match="iconv"):
        load_file(folder / "latin1.txt", tools=tools)


def test_a_folder_mixing_good_and_bad_files_parses_the_good_ones(bad_files, tools):
    folder, files = bad_files
    shutil.copy(SEED, folder / "compendium.txt")
    corpus = load_corpus([folder], tools=tools)
    assert [len(document.cards) for document in corpus.documents] == [1]
    assert corpus.documents[0].cards[0].author == "Carmen Scott Alava"
    # The .pptx is not collected from a folder; every other bad file is reported once.
    reported = sorted(problem.path.rsplit("/", 1)[-1] for problem in corpus.problems)
    assert reported == sorted(name for name in files if not name.endswith(".pptx"))


def test_oversized_file_is_refused_before_reading(tmp_path, tools):
    path = tmp_path / "big.txt"
    path.write_text("x" * 5000, encoding="utf-8")
    with pytest.raises(FileTooLargeError, match="limit"):
        load_file(path, tools=tools, limits=Limits(max_bytes=1000))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks_are_understood(tmp_path, tools, encoding):
    path = tmp_path / "bom.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    document = load_file(path, tools=tools)
    assert document.cards[0].author == "Carmen Scott Alava"


def test_markdown_headings_are_read_as_labels(tmp_path, tools):
    path = tmp_path / "card.md"
    path.write_text(
        "# Cooperativas de mujeres en Bolivia\n\n(por Ana Pérez)\n\n## Objetivo(s)\nCrear empleo.\n"
        "## Resultados\nSe crearon **120** empleos.\n",
        encoding="utf-8",
    )
    card = load_file(path, tools=tools).cards[0]
    assert card.title == "Cooperativas de mujeres en Bolivia"
    assert [section.key for section in card.sections] == ["objectives", "results"]
    assert card.section("results").text == "Se crearon 120 empleos."


def test_the_same_card_in_two_files_is_indexed_once(tmp_path, tools):
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "b.txt")
    corpus = load_corpus([tmp_path], tools=tools)
    assert sum(len(document.cards) for document in corpus.documents) == 1
    assert any("skipped" in warning for warning in corpus.documents[1].warnings)
    assert corpus.documents[1].front_matter_id == "front-matter-b"


def test_cli_ingest_json_shows_the_structure(tools):
    out = StringIO()
    code = main(["ingest", str(SEED), "--json", "--chunks"], out=out)
    assert code == 0
    payload = json.loads(out.getvalue())
    card = payload["documents"][0]["cards"][0]
    assert card["author"] == "Carmen Scott Alava"
    assert [section["key"] for section in card["sections"]][:2] == ["objectives", "cooperation"]
    chunk = payload["chunks"][-1]
    assert {"chunk_id", "doc_id", "section", "section_label", "lang", "page", "citation", "text"} <= set(
        chunk
    )
    assert payload["problems"] == []


def test_cli_exit_code_says_a_file_failed(bad_files):
    folder, _files = bad_files
    shutil.copy(SEED, folder / "compendium.txt")
    out = StringIO()
    code = main(["ingest", str(folder)], out=out)
    assert code == 1
    text = out.getvalue()
    assert "1 card(s)" in text
    assert "error:" in text and "latin1.txt" in text and "file is empty" in text


def test_an_unreadable_file_is_one_problem_and_the_others_still_parse(tmp_path, tools, monkeypatch):
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "locked.txt").write_text("Resultados\nAlgo.\n", encoding="utf-8")
    refuse_to_read(monkeypatch, "locked.txt")
    corpus = load_corpus([tmp_path], tools=tools)
    assert [document.cards[0].author for document in corpus.documents] == ["Carmen Scott Alava"]
    assert [(p.path.rsplit("/", 1)[-1], p.reason, p.kind) for p in corpus.problems] == [
        ("locked.txt", "cannot read: Permission denied", "unreadable")
    ]
    out = StringIO()
    assert main(["ingest", str(tmp_path)], out=out) == 1
    assert f"error: {tmp_path / 'locked.txt'}: cannot read: Permission denied\n" in out.getvalue()


def test_a_file_name_that_is_not_utf8_is_reported_escaped_on_one_line(tmp_path, tools):
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / HOSTILE_NAME).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    corpus = load_corpus([tmp_path], tools=tools)
    assert len(corpus.documents) == 1
    [problem] = corpus.problems
    assert problem.kind == "file-name" and "not valid UTF-8" in problem.reason
    assert problem.path.endswith("card-\\xff\\x1b[31m\\n.txt")
    out = StringIO()
    assert main(["ingest", str(tmp_path)], out=out) == 1
    text = out.getvalue()
    assert "\x1b" not in text and "\udcff" not in text
    assert [line for line in text.splitlines() if "card-" in line] == [
        f"error: {problem.path}: {problem.reason}"
    ]


def test_a_valid_but_hostile_file_name_is_printed_escaped(tmp_path):
    name = "evil\x1b]0;pwned\x07\u202e.txt"
    shutil.copy(SEED, tmp_path / name)
    out = StringIO()
    assert main(["ingest", str(tmp_path)], out=out) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "evil\\x1b]0;pwned\\x07\\u202e.txt" in text


def test_printable_keeps_accents_and_escapes_the_rest():
    assert printable("Bogotá/Résultats ñ.txt") == "Bogotá/Résultats ñ.txt"
    assert printable("a\nb\tc\x1b[0m" + os.fsdecode(b"\xfe")) == "a\\nb\\tc\\x1b[0m\\xfe"
