"""Files and folders -> Documents, one bad file never stopping the others.

Every refusal is a typed :class:`IngestError` that names the file and says why in one line
(not a regular file, empty, binary, not UTF-8, too large, corrupt, damaged or encrypted PDF,
too many pages, over its time budget). :func:`load_corpus` parses PDFs and large text files in
worker processes that it stops when a file runs over its budget (:mod:`compendium.workers`),
and reports each file as it is done.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from compendium.decoding import decode_text
from compendium.errors import (
    EmptyFileError,
    FileNameError,
    FileTooLargeError,
    IngestError,
    ReaderError,
    TimeBudgetError,
    UnreadableFileError,
    UnsupportedFileError,
    printable,
)
from compendium.files import not_a_file, read_bytes
from compendium.parser import Tools, parse_lines
from compendium.records import FRONT_MATTER_ID, Document, IngestProblem
from compendium.text_reader import read_text
from compendium.textnorm import slugify
from compendium.workers import Job, Outcome, ReaderPool, default_workers

__all__ = ["Corpus", "Limits", "collect_files", "decode_text", "load_corpus", "load_file", "parse_source"]

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Text is parsed whole: 5 MB of card text takes about 14 s on a busy 2-core machine, within
#: the 20 s budget (bench/hostile_ingest.py); the whole compendium is well under 1 MB.
DEFAULT_MAX_TEXT_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PAGES = 600
DEFAULT_SECONDS = 20.0
DEFAULT_SECONDS_PER_PAGE = 0.5
#: Address space of a worker: a decompression bomb ends in MemoryError, not the OOM killer.
DEFAULT_MAX_MEMORY_BYTES = 3 * 1024**3
#: Text files up to this size are parsed in the calling process: the text parser is linear
#: (its slowest hostile input costs 7 µs a byte, so 1 s here), and starting a worker costs
#: 1.5-3 s, 20 times what parsing a card file takes (see the README).
IN_PROCESS_TEXT_BYTES = 128 * 1024
_SKIPPED_NAMES = frozenset({"readme.md", "readme.txt"})

#: Called with (pages read so far, pages in the file) as a PDF is read.
PageProgress = Callable[[int, int], None]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Limits:
    """Caps and the time budget that keep a huge or hostile file from stalling ingestion.

    A file gets ``seconds``, and a PDF ``seconds_per_page`` more for every page it has read:
    one that is still unparsed then is stopped (:mod:`compendium.workers`).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
    seconds: float = DEFAULT_SECONDS
    seconds_per_page: float = DEFAULT_SECONDS_PER_PAGE
    max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES


@dataclass(frozen=True)
class Corpus:
    """What a set of paths yielded: the documents that parsed and the files that did not."""

    documents: tuple[Document, ...]
    problems: tuple[IngestProblem, ...]
    files: tuple[str, ...]
    #: Seconds each file took to parse, in file order (0 for one refused before parsing).
    seconds: tuple[float, ...] = ()


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[IngestProblem]]:
    """Expand folders (recursively, sorted) into regular files with a supported suffix.

    Reported, one problem each: paths that do not exist; entries with a supported suffix that
    are no regular file (a folder named ``x.pdf``, a pipe, a socket, a device, a broken or
    looping link); folders that cannot be listed; names that are not UTF-8 (they could be
    neither recorded nor shown). Other files in a folder are ignored, silently."""
    files: list[Path] = []
    problems: list[IngestProblem] = []
    for raw in paths:
        path = Path(raw)
        if os.path.isdir(path):
            candidates = _folder_entries(path, problems)
        else:
            candidates = [path]
        for candidate in candidates:
            problem = _candidate_problem(candidate)
            if problem is None:
                files.append(candidate)
            else:
                problems.append(problem)
    return files, problems


def _folder_entries(folder: Path, problems: list[IngestProblem]) -> list[Path]:
    """Supported names under ``folder``, sorted; links to folders are not followed (a loop)."""

    def unlistable(error: OSError) -> None:
        where = error.filename if error.filename is not None else folder
        problems.append(
            _problem(UnreadableFileError(where, f"cannot list folder: {error.strerror or error}"))
        )

    entries = []
    for root, folders, names in os.walk(folder, onerror=unlistable):
        for name in [*names, *folders]:
            if name.startswith(".") or name.lower() in _SKIPPED_NAMES:
                continue
            if os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES:
                entries.append(Path(root) / name)
    return sorted(entries)


def _candidate_problem(path: Path) -> IngestProblem | None:
    if not _utf8_name(path):
        return _problem(FileNameError(path, "file name is not valid UTF-8; rename it"))
    error = not_a_file(path)
    if error is None:
        return None
    missing = error.reason == "no such file or folder"
    return _problem(error, kind="missing" if missing else None)


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _problem(error: IngestError, kind: str | None = None) -> IngestProblem:
    return IngestProblem(path=error.path, reason=error.reason, kind=kind or error.kind)


def load_corpus(
    paths: Iterable[Path | str],
    *,
    tools: Tools | None = None,
    limits: Limits = Limits(),
    progress: Progress | None = None,
    workers: int | None = None,
) -> Corpus:
    """Parse every file under ``paths``; failures become :class:`IngestProblem` entries.

    ``progress`` gets one line per file as it is done ("[3/24] name.pdf: 1 card, 10 sections",
    "[4/24] skipped name.pdf: …") and a line for a file that is still being read after a few
    seconds. Small text files are parsed here with ``tools``; PDFs and larger text files in up
    to ``workers`` worker processes (default tools), each within the time budget of ``limits``.
    """
    say = progress or (lambda _message: None)
    tools = tools or Tools.create()
    files, problems = collect_files(paths)
    for problem in problems:
        say(f"skipped {problem.path}: {problem.reason}")
    tally = _Tally(total=len(files), say=say)
    pooled: list[Job] = []
    for number, path in enumerate(files):
        outcome = _try_here(Job(number=number, path=path), tools, limits)
        if isinstance(outcome, Job):
            pooled.append(outcome)
        else:
            tally.add(outcome)
    if pooled:
        size = workers or default_workers()
        with ReaderPool(limits, workers=min(size, len(pooled)), notify=say) as pool:
            for outcome in pool.run(
                pooled,
                read=lambda path: read_bytes(path, byte_cap(path, limits)),
                fallback=_fallback(tools, limits),
            ):
                tally.add(outcome)
    return Corpus(
        documents=_resolve_collisions(tally.documents()),
        problems=tuple(problems) + tally.problems(),
        files=tuple(str(path) for path in files),
        seconds=tally.seconds(),
    )


def _try_here(job: Job, tools: Tools, limits: Limits) -> Outcome | Job:
    """Parse a small text file here; return the job (bytes read if need be) for a worker."""
    path = job.path
    try:
        check_suffix(path)
        if path.suffix.lower() in PDF_SUFFIXES or os.stat(path).st_size > IN_PROCESS_TEXT_BYTES:
            return job
        data = read_bytes(path, byte_cap(path, limits))
        if len(data) > IN_PROCESS_TEXT_BYTES:  # it grew since the stat
            return replace(job, data=data)
        began = time.monotonic()
        document = parse_source(path, data, tools=tools, limits=limits)
        return Outcome(job=job, document=document, seconds=time.monotonic() - began)
    except IngestError as error:
        return Outcome(job=job, error=error)
    except OSError as error:
        return Outcome(job=job, error=UnreadableFileError(path, f"cannot read: {error.strerror or error}"))
    except Exception as error:  # a parser bug on a strange file: one line, and the batch goes on
        return Outcome(job=job, error=reader_failure(path, error))


def _fallback(tools: Tools, limits: Limits) -> Callable[[Job], Outcome]:
    def parse_here(job: Job) -> Outcome:
        try:
            data = job.data if job.data is not None else read_bytes(job.path, byte_cap(job.path, limits))
            return Outcome(job=job, document=parse_source(job.path, data, tools=tools, limits=limits))
        except IngestError as error:
            return Outcome(job=job, error=error)
        except Exception as error:  # as in a worker: one line, and the batch goes on
            return Outcome(job=job, error=reader_failure(job.path, error))

    return parse_here


def reader_failure(path: Path, error: BaseException) -> ReaderError:
    """The one-line problem for an unexpected failure of the reader on ``path``."""
    if isinstance(error, MemoryError):
        return ReaderError(path, "needs more memory than the reader may use")
    if isinstance(error, RecursionError):
        return ReaderError(path, "nested too deeply to read")
    return ReaderError(path, f"the reader failed ({type(error).__name__}: {printable(str(error))[:120]})")


@dataclass
class _Tally:
    """Outcomes as they arrive, numbered for the progress lines, kept in file order."""

    total: int
    say: Progress
    done: int = 0

    def __post_init__(self) -> None:
        self._outcomes: dict[int, Outcome] = {}

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self._outcomes[outcome.job.number] = outcome
        self.say(f"[{self.done}/{self.total}] {describe(outcome)}")

    def documents(self) -> list[Document]:
        return [o.document for _n, o in sorted(self._outcomes.items()) if o.document is not None]

    def problems(self) -> tuple[IngestProblem, ...]:
        return tuple(_problem(o.error) for _n, o in sorted(self._outcomes.items()) if o.error is not None)

    def seconds(self) -> tuple[float, ...]:
        return tuple(outcome.seconds for _n, outcome in sorted(self._outcomes.items()))


def describe(outcome: Outcome) -> str:
    """One progress line for a finished file: what it held, or why it was skipped."""
    name = printable(str(outcome.job.path))
    timed_out = isinstance(outcome.error, TimeBudgetError)  # its reason already says how long
    took = f" ({outcome.seconds:.1f} s)" if outcome.seconds >= 1 and not timed_out else ""
    if outcome.error is not None or outcome.document is None:
        reason = outcome.error.reason if outcome.error is not None else "no document"
        return f"skipped {name}: {reason}{took}"
    document = outcome.document
    cards = len(document.cards)
    sections = sum(len(card.sections) for card in document.cards)
    parts = [_count(cards, "card"), _count(sections, "section")]
    if document.front_matter:
        parts.append(f"front matter ({_count(len(document.front_matter), 'section')})")
    if document.warnings:
        parts.append(_count(len(document.warnings), "warning"))
    return f"{name}: {', '.join(parts)}{took}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def load_file(path: Path | str, *, tools: Tools | None = None, limits: Limits = Limits()) -> Document:
    """Parse one file (.txt, .md or .pdf) into a :class:`Document`, or raise :class:`IngestError`.

    This runs in the calling process, without the time budget: :func:`load_corpus` is what
    reads untrusted folders (each file in a worker it can stop)."""
    path = Path(path)
    check_suffix(path)
    data = read_bytes(path, byte_cap(path, limits))
    return parse_source(path, data, tools=tools or Tools.create(), limits=limits)


def byte_cap(path: Path, limits: Limits) -> int:
    """The size cap of ``path``: text has its own, lower one (it is parsed in full)."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return min(limits.max_bytes, limits.max_text_bytes)
    return limits.max_bytes


def check_suffix(path: Path) -> None:
    """Refuse a file this ingest has no reader for."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(path, f"unsupported file type {suffix or '(none)'}; use .txt, .md or .pdf")


def parse_source(
    path: Path, data: bytes, *, tools: Tools, limits: Limits, on_page: PageProgress | None = None
) -> Document:
    """The document in the bytes ``data`` of the file ``path`` (a PDF reports each page read
    to ``on_page``)."""
    if not data:
        raise EmptyFileError(path, "file is empty")
    doc_id = slugify(path.stem) or "document"
    if path.suffix.lower() in PDF_SUFFIXES:
        from compendium.pdf_reader import read_pdf  # deferred: pdfplumber is only needed for PDFs

        source = read_pdf(path, data, max_pages=limits.max_pages, on_page=on_page)
        return parse_lines(source, doc_id=doc_id, path=str(path), kind="pdf", tools=tools)
    if len(data) > byte_cap(path, limits):
        raise FileTooLargeError(
            path, f"file is {len(data) / 1e6:.1f} MB, over the {byte_cap(path, limits) / 1e6:.0f} MB limit"
        )
    text = decode_text(path, data)
    if not text.strip():
        raise EmptyFileError(path, "file holds only whitespace")
    source = read_text(text, markdown=path.suffix.lower() != ".txt")
    return parse_lines(source, doc_id=doc_id, path=str(path), kind="text", tools=tools)


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
