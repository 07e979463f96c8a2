"""Files and folders -> Documents, one bad file never stopping the others.

Every refusal is a typed :class:`IngestError` that names the file and says why in one line
(empty, binary, not UTF-8, too large, corrupt or encrypted PDF, too many pages).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from compendium.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileNameError,
    FileTooLargeError,
    IngestError,
    UnreadableFileError,
    UnsupportedFileError,
)
from compendium.parser import Tools, parse_lines
from compendium.records import FRONT_MATTER_ID, Document, IngestProblem
from compendium.text_reader import read_text
from compendium.textnorm import nfc, slugify

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PAGES = 600
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Limits:
    """Caps that keep a huge or hostile file from stalling ingestion."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES


@dataclass(frozen=True)
class Corpus:
    """What a set of paths yielded: the documents that parsed and the files that did not."""

    documents: tuple[Document, ...]
    problems: tuple[IngestProblem, ...]
    files: tuple[str, ...]


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[IngestProblem]]:
    """Expand folders (recursively, sorted) into supported files; report the rest, and files
    whose names are not UTF-8 (they could be neither recorded nor shown)."""
    files: list[Path] = []
    problems: list[IngestProblem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = [
                child
                for child in sorted(p for p in path.rglob("*") if p.is_file())
                if not (child.name.startswith(".") or child.name.lower() in {"readme.md", "readme.txt"})
                and child.suffix.lower() in SUPPORTED_SUFFIXES
            ]
        elif path.is_file():
            candidates = [path]
        else:
            problems.append(_problem(IngestError(path, "no such file or folder"), kind="missing"))
            continue
        for candidate in candidates:
            if _utf8_name(candidate):
                files.append(candidate)
            else:
                problems.append(_problem(FileNameError(candidate, "file name is not valid UTF-8; rename it")))
    return files, problems


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _problem(error: IngestError, kind: str | None = None) -> IngestProblem:
    return IngestProblem(path=error.path, reason=error.reason, kind=kind or error.kind)


def load_corpus(
    paths: Iterable[Path | str], *, tools: Tools | None = None, limits: Limits = Limits()
) -> Corpus:
    """Parse every file under ``paths``; failures become :class:`IngestProblem` entries."""
    tools = tools or Tools.create()
    files, problems = collect_files(paths)
    documents: list[Document] = []
    for path in files:
        try:
            documents.append(load_file(path, tools=tools, limits=limits))
        except IngestError as error:
            problems.append(_problem(error))
    return Corpus(
        documents=_resolve_collisions(documents),
        problems=tuple(problems),
        files=tuple(str(path) for path in files),
    )


def load_file(path: Path | str, *, tools: Tools | None = None, limits: Limits = Limits()) -> Document:
    """Parse one file (.txt, .md or .pdf) into a :class:`Document`, or raise :class:`IngestError`."""
    path = Path(path)
    tools = tools or Tools.create()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(path, f"unsupported file type {suffix or '(none)'}; use .txt, .md or .pdf")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFileError(path, f"cannot read: {error.strerror or error}") from error
    if size == 0:
        raise EmptyFileError(path, "file is empty")
    if size > limits.max_bytes:
        raise FileTooLargeError(
            path, f"file is {size / 1e6:.1f} MB, over the {limits.max_bytes / 1e6:.0f} MB limit"
        )
    try:
        data = path.read_bytes()
    except OSError as error:  # unreadable (permissions), vanished, or a device that fails
        raise UnreadableFileError(path, f"cannot read: {error.strerror or error}") from error
    doc_id = slugify(path.stem) or "document"
    if suffix in PDF_SUFFIXES:
        from compendium.pdf_reader import read_pdf  # deferred: pdfplumber is only needed for PDFs

        source = read_pdf(path, data, max_pages=limits.max_pages)
        return parse_lines(source, doc_id=doc_id, path=str(path), kind="pdf", tools=tools)
    text = decode_text(path, data)
    if not text.strip():
        raise EmptyFileError(path, "file holds only whitespace")
    source = read_text(text, markdown=suffix != ".txt")
    return parse_lines(source, doc_id=doc_id, path=str(path), kind="text", tools=tools)


def decode_text(path: Path | str, data: bytes) -> str:
    """UTF-8 (BOM allowed) or UTF-16 with BOM; anything else is refused with a hint."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return nfc(data.decode("utf-16"))
        except UnicodeDecodeError as error:
            raise EncodingError(path, f"invalid UTF-16 at byte {error.start}") from error
    head = data[:_BINARY_SNIFF]
    if b"\x00" in head or data.startswith(b"%PDF"):
        raise BinaryFileError(path, "looks like a binary file, not text (is it a PDF or a Word file?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        hint = ""
        try:
            data.decode("cp1252")
            hint = "; it looks like Latin-1/Windows-1252: convert it with `iconv -f cp1252 -t utf-8`"
        except UnicodeDecodeError:
            pass
        raise EncodingError(
            path, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}){hint}"
        ) from error
    controls = sum(1 for ch in text[:_BINARY_SNIFF] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * min(len(text), _BINARY_SNIFF):
        raise BinaryFileError(path, "mostly control characters, not text")
    return nfc(text)


def _resolve_collisions(documents: list[Document]) -> tuple[Document, ...]:
    """Keep ids unique across documents: the same card twice (a .txt and a .pdf of one
    compendium) is kept once; different cards that slug alike get the document id appended."""
    seen: dict[str, tuple[str, tuple[str, ...]]] = {}
    front_seen = False
    result = []
    for document in documents:
        cards = []
        warnings = list(document.warnings)
        for card in document.cards:
            fingerprint = tuple(section.text for section in card.sections)
            if card.card_id in seen:
                if seen[card.card_id][1] == fingerprint:
                    warnings.append(
                        f"{card.card_id}: same card already read from {seen[card.card_id][0]}; skipped"
                    )
                    continue
                card = replace(card, card_id=f"{card.card_id}-{document.doc_id}")
            seen[card.card_id] = (document.source, fingerprint)
            cards.append(card)
        front_id = FRONT_MATTER_ID
        if document.front_matter and front_seen:
            front_id = f"{FRONT_MATTER_ID}-{document.doc_id}"
            warnings.append(f"front matter also found in {document.source}; indexed as {front_id}")
        front_seen = front_seen or bool(document.front_matter)
        result.append(
            replace(document, cards=tuple(cards), warnings=tuple(warnings), front_matter_id=front_id)
        )
    return tuple(result)
