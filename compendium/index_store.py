"""The index folder: build it safely, open it only when it matches what we would build now.

Layout (all inspectable, no pickle)::

    index/manifest.json      what was built from what: format, model, analyzer, glossary,
                             parser code, chunk settings, corpus hash, file checksums
    index/chunks.jsonl       one chunk record a line; line number = FAISS id = BM25 row
    index/chunk_*            each line's offset, and the columns queries read (language,
                             section, card, countries, tie-break): compendium.chunk_table
    index/documents.json     the parsed documents (whole cards, for the card viewer)
    index/bm25.json          BM25 parameters and sizes; the keyword index proper is
    index/bm25_terms.txt     its vocabulary (one term a line) and, memory-mapped on open,
    index/bm25_*.npy         each term's idf and postings: documents and BM25 weights
    index/vectors.faiss      dense vectors (absent in keyword-only builds)
    index/sentences.jsonl    the sentences answers may quote, and their vectors in
    index/sentences.npy      sentences.npy (both absent in keyword-only builds)
    index/coverage_*.txt     every word and country the passages mention, for "not covered"
    index/ingest_report.json parser warnings and files that could not be read

A build writes into a temporary folder beside the index and, only when complete, publishes it
as the index folder's next generation (``gen-NNNNNN`` named by ``CURRENT``:
:mod:`compendium.generations`), so a failed or killed build leaves the previous index served;
the next build removes what a killed one left and the generations no reader leases. A lock
file keeps two builders apart. Opening compares the manifest with the current corpus, model and code, and
names any difference ("stale index: corpus changed"); a stale index is rebuilt or refused,
never used.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from compendium import generations
from compendium.analyzer import ANALYZER_VERSION, Analyzer
from compendium.bm25 import BM25_FILE, KeywordIndex, OkapiIndex
from compendium.chunk_table import CHUNKS_FILE, ChunkTable, save_chunks
from compendium.chunker import ChunkConfig, chunk_documents, index_text
from compendium.coverage import COUNTRIES_FILE as COVERAGE_COUNTRIES
from compendium.coverage import WORDS_FILE as COVERAGE_WORDS
from compendium.coverage import Coverage
from compendium.embedding import Embedder
from compendium.errors import printable
from compendium.glossary import Glossary
from compendium.index_errors import (  # re-exported: callers import them from here
    BuildLockedError,
    CorruptIndexError,
    MissingIndexError,
    StaleIndexError,
)
from compendium.index_errors import (
    IndexError_ as IndexError_,
)
from compendium.index_files import IndexFiles
from compendium.ingest import Corpus, collect_files, load_corpus
from compendium.records import Chunk, Document
from compendium.sentence_store import SentenceVectors, quotable_sentences, save_sentences
from compendium.vectors import DEFAULT_HNSW_THRESHOLD, VECTORS_FILE, VectorIndex

# 2: the embedding backend is recorded, and sentence vectors are stored for the answers.
# 3: BM25 weights are stored as postings (.npy), no longer re-fitted from analysed terms.
# 4: the collection's coverage (words, countries) is stored, no longer read from every passage.
# 5: the passages' columns and line offsets are stored, and the manifest records file sizes.
# 6: the manifest carries its own digest and lists every file of its generation.
FORMAT_VERSION = 6
#: The first format whose manifest carries a digest of itself.
_DIGESTED_FORMAT = 6
MANIFEST_FILE = "manifest.json"
DOCUMENTS_FILE = "documents.json"
REPORT_FILE = "ingest_report.json"
LOCK_WAIT_SECONDS = 900
# Files of a user's index folder that are not build output and survive a rebuild.
_KEEP_FILES = ("README.md",)
# The code that decides what a chunk is: when any of it changes, old indexes are stale.
_PIPELINE_MODULES = (
    "text_reader",
    "pdf_reader",
    "parser",
    "cleaning",
    "taxonomy",
    "countries",
    "language",
    "sentences",
    "chunker",
    "records",
    "ingest",
    "textnorm",
    "decoding",
    "files",
    "workers",
)
_PIPELINE_DATA = ("data/sections.tsv", "data/country_aliases.tsv")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class IndexConfig:
    """Build settings that change what is in the index."""

    chunking: ChunkConfig = field(default_factory=ChunkConfig)
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD


DEFAULT_INDEX_CONFIG = IndexConfig()


@dataclass(frozen=True)
class Fingerprint:
    """Everything an index depends on, as the current run sees it."""

    format_version: int
    model_id: str | None
    embedding_backend: str | None
    embedding_dim: int | None
    analyzer_version: str
    glossary_version: str
    pipeline_version: str
    chunking: dict[str, int]
    corpus_hash: str
    corpus_files: tuple[str, ...]

    @property
    def model(self) -> tuple[str | None, str | None, int | None]:
        """The embedding the vectors are made with: model, backend and dimension."""
        return (self.model_id, self.embedding_backend, self.embedding_dim)


def embedding_of(embedder: Embedder) -> tuple[str, str, int]:
    """``embedder``'s model, backend and dimension, as :attr:`Fingerprint.model` lists them."""
    return (embedder.model_id, embedder.backend, embedder.dimension)


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``: the fingerprint an index was built with, plus what it holds."""

    fingerprint: Fingerprint
    chunk_count: int
    vector_index: str | None
    keyword_backend: str
    created: str
    files: dict[str, str]
    #: Each file's size in bytes: checked when the index is opened (digests on first use).
    sizes: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as written, with ``digest``: the SHA-256 of everything else in it."""
        record = asdict(self)
        record = {**record.pop("fingerprint"), **record}
        return json.dumps({**record, "digest": _manifest_digest(record)}, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse ``manifest.json``; anything but the object a build writes is a ValueError."""
        record = json.loads(text)
        if not isinstance(record, dict):
            raise ValueError(f"expected a JSON object, found {type(record).__name__}")
        digest = record.pop("digest", None)
        version = record.get("format_version")
        # An older manifest has no digest; its format makes it stale, so it is rebuilt anyway.
        if isinstance(version, int) and version >= _DIGESTED_FORMAT and digest != _manifest_digest(record):
            raise ValueError("its digest does not match its content (the manifest was edited or torn)")
        _check_files(record.get("files"))
        sizes = record.get("sizes", {})
        if not isinstance(sizes, dict) or not all(isinstance(size, int) for size in sizes.values()):
            raise ValueError("sizes is not an object of numbers")
        if not isinstance(record.get("chunk_count"), int):
            raise ValueError("chunk_count is not a number")
        names = Fingerprint.__dataclass_fields__
        fingerprint = Fingerprint(**{name: record.pop(name) for name in list(names)})
        fingerprint = Fingerprint(**{**asdict(fingerprint), "corpus_files": tuple(fingerprint.corpus_files)})
        return cls(fingerprint=fingerprint, **record)


def _manifest_digest(record: dict) -> str:
    """SHA-256 of a manifest's fields in a canonical form (sorted keys, no spacing)."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_files(files: object) -> None:
    """The manifest's checksums name plain files of the index folder, nothing outside it."""
    if not isinstance(files, dict):
        raise ValueError("files is not an object")
    for name, checksum in files.items():
        if not isinstance(checksum, str) or name in {"", ".", ".."} or "/" in name or "\\" in name:
            raise ValueError(f"files lists {name!r}, which is not a file of the index")


class LoadedIndex:
    """An opened index: its manifest checked, its files' sizes checked, and each part read
    (its file's digest verified first) when something first needs it.

    Opening is then proportional to what a query needs rather than to the collection: the
    passages' columns for the first query, the postings of its words, the records of the
    passages it returns; the vectors on the first dense query, the sentence vectors and the
    coverage on the first answer, the documents when a card is shown.
    """

    def __init__(self, folder: Path, manifest: Manifest, files: IndexFiles) -> None:
        self.folder = folder
        self.manifest = manifest
        self.files = files
        self.chunks = ChunkTable(files, manifest.chunk_count)
        built = manifest.fingerprint
        #: Sentence text -> passage vector, for the answer builder (empty without a model).
        self.sentence_vectors = SentenceVectors(files if self.has_vectors else None, built.embedding_dim or 0)

    @property
    def has_vectors(self) -> bool:
        """Whether the index holds dense vectors (known from the manifest, nothing read)."""
        return self.manifest.vector_index is not None and self.manifest.fingerprint.embedding_dim is not None

    @cached_property
    def keyword(self) -> OkapiIndex:
        """The BM25 postings (memory-mapped)."""
        try:
            keyword = OkapiIndex.open(self.files)
        except (ValueError, KeyError, TypeError) as error:
            raise CorruptIndexError(f"{BM25_FILE}: {error}") from error
        if len(keyword) != len(self.chunks):
            raise CorruptIndexError(f"{BM25_FILE} covers {len(keyword)} chunks, expected {len(self.chunks)}")
        return keyword

    @cached_property
    def vectors(self) -> VectorIndex | None:
        """The FAISS index of the passage vectors, None in a keyword-only index."""
        if not self.has_vectors:
            return None
        dimension = self.manifest.fingerprint.embedding_dim
        assert dimension is not None
        try:
            return VectorIndex.from_bytes(self.files.read_bytes(VECTORS_FILE), len(self.chunks), dimension)
        except (ValueError, RuntimeError) as error:
            raise CorruptIndexError(f"{VECTORS_FILE}: {error}") from error

    @cached_property
    def report(self) -> dict[str, Any]:
        """The ingest report: parser warnings and files that could not be read."""
        try:
            return json.loads(self.files.read_text(REPORT_FILE))
        except ValueError as error:
            raise CorruptIndexError(f"{REPORT_FILE}: {error}") from error

    @cached_property
    def documents(self) -> tuple[Document, ...]:
        """The parsed documents (whole cards, for the card viewer)."""
        try:
            records = json.loads(self.files.read_text(DOCUMENTS_FILE))
            return tuple(Document.from_dict(record) for record in records)
        except (ValueError, KeyError, TypeError) as error:
            raise CorruptIndexError(f"{DOCUMENTS_FILE}: {error}") from error

    def with_keyword(self, keyword: KeywordIndex) -> LoadedIndex:
        """This index scored by another keyword backend (tests compare scorers on one index)."""
        other = copy.copy(self)
        other.__dict__["keyword"] = keyword  # where cached_property keeps its value
        return other

    def coverage(self) -> Coverage:
        """The words and countries the collection mentions, as the build stored them."""
        return Coverage.parse(self.files.read_text(COVERAGE_WORDS), self.files.read_text(COVERAGE_COUNTRIES))


def fingerprint(
    corpus_paths: Sequence[Path | str],
    embedder: Embedder | None,
    glossary: Glossary,
    config: IndexConfig,
) -> Fingerprint:
    """What an index built now from ``corpus_paths`` would record."""
    files, _problems = collect_files(corpus_paths)
    return Fingerprint(
        format_version=FORMAT_VERSION,
        model_id=embedder.model_id if embedder else None,
        embedding_backend=embedder.backend if embedder else None,
        embedding_dim=embedder.dimension if embedder else None,
        analyzer_version=f"{ANALYZER_VERSION}-{_source_hash(('analyzer',), ())}",
        glossary_version=glossary.version,
        pipeline_version=_source_hash(_PIPELINE_MODULES, _PIPELINE_DATA),
        chunking=asdict(config.chunking),
        corpus_hash=corpus_hash(files),
        corpus_files=tuple(sorted(str(path) for path in files)),
    )


def corpus_hash(files: Sequence[Path]) -> str:
    """Hash of the corpus files' names and bytes (order-independent)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: str(p)):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as error:
            # The build reports the file as a problem; the hash still changes once it is readable.
            digest.update(f"unreadable: {error.errno}".encode())
    return digest.hexdigest()


def _source_hash(modules: Sequence[str], data: Sequence[str]) -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in modules:
        digest.update((package / f"{name}.py").read_bytes())
    for name in data:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:12]


def staleness(manifest: Manifest, current: Fingerprint) -> list[str]:
    """Why an index built as ``manifest`` says cannot serve ``current``; empty if it can.

    An index with vectors still serves keyword search when the model cannot be loaded now:
    its keyword half does not depend on the model. The glossary is recorded but is no reason
    to rebuild: it is applied to queries, never to the index.
    """
    built = manifest.fingerprint
    reasons = []
    if built.format_version != current.format_version:
        reasons.append(f"index format changed ({built.format_version} -> {current.format_version})")
    if built.corpus_hash != current.corpus_hash:
        reasons.append("corpus changed")
    if current.model_id is not None:
        if built.model_id is None:
            reasons.append(f"index has no vectors for model {current.model_id}")
        elif built.model != current.model:
            reasons.append(
                f"model changed ({built.model_id} via {built.embedding_backend} -> "
                f"{current.model_id} via {current.embedding_backend})"
            )
    if built.analyzer_version != current.analyzer_version:
        reasons.append("analyzer changed")
    if built.pipeline_version != current.pipeline_version:
        reasons.append("parser or chunker code changed")
    if built.chunking != current.chunking:
        reasons.append(f"chunk settings changed ({built.chunking} -> {current.chunking})")
    return reasons


def build_index(
    corpus_paths: Sequence[Path | str],
    index_dir: Path,
    *,
    embedder: Embedder | None,
    analyzer: Analyzer,
    glossary: Glossary,
    config: IndexConfig = DEFAULT_INDEX_CONFIG,
    progress: Progress | None = None,
) -> Manifest:
    """Parse, chunk, analyse and embed the corpus into ``index_dir``, atomically. A build that
    waited for another one uses what that one published when it is what this one would build."""
    say = progress or (lambda _message: None)
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir, say) as waited:
        _recover(index_dir)
        _remove_abandoned_staging(index_dir, say)
        current = fingerprint(corpus_paths, embedder, glossary, config)
        built = _built_meanwhile(index_dir, current) if waited else None
        if built is not None:
            say(f"the other build published this index: {built.chunk_count} chunks, nothing left to do")
            return built
        say("reading the corpus")
        # One line per file as it is read (a folder of hundreds of PDFs is minutes of work).
        corpus = load_corpus(corpus_paths, progress=say)
        chunks = chunk_documents(corpus.documents, config.chunking)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(index_dir), dir=index_dir.parent))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the index is not a secret
            manifest = _write_index(staging, current, corpus, chunks, embedder, analyzer, config, say)
            _swap_in(staging, index_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    say(f"index ready: {manifest.chunk_count} chunks")
    return manifest


def _built_meanwhile(index_dir: Path, current: Fingerprint) -> Manifest | None:
    """The manifest of the served index when it matches ``current`` and opens whole, else None."""
    try:
        index = load_index(index_dir, current)
        index.files.verify_all()
    except (IndexError_, OSError, ValueError):
        return None
    return index.manifest


def _write_index(
    folder: Path,
    current: Fingerprint,
    corpus: Corpus,
    chunks: list[Chunk],
    embedder: Embedder | None,
    analyzer: Analyzer,
    config: IndexConfig,
    say: Progress,
) -> Manifest:
    say(f"analysing {len(chunks)} chunks for keyword search")
    save_chunks(folder, chunks)
    keyword = OkapiIndex.build(analyzer.document_terms(index_text(chunk), chunk.lang) for chunk in chunks)
    keyword.save(folder)
    say("listing the words and countries the passages mention")
    Coverage.of(chunks).save(folder)
    vector_kind = None
    if embedder is not None:
        vector_kind = _write_vectors(folder, chunks, embedder, config, say)
    documents = [document.to_dict() for document in corpus.documents]
    (folder / DOCUMENTS_FILE).write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    report = {
        "documents": [
            {
                "source": doc.source,
                "cards": len(doc.cards),
                "front_matter": len(doc.front_matter),
                "warnings": list(doc.warnings),
            }
            for doc in corpus.documents
        ],
        "problems": [asdict(problem) for problem in corpus.problems],
    }
    (folder / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    names = sorted(os.listdir(folder))
    files = {name: _file_hash(folder / name) for name in names}
    sizes = {name: (folder / name).stat().st_size for name in names}
    manifest = Manifest(
        fingerprint=current,
        chunk_count=len(chunks),
        vector_index=vector_kind,
        keyword_backend=keyword.backend,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        files=files,
        sizes=sizes,
    )
    (folder / MANIFEST_FILE).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _write_vectors(
    folder: Path, chunks: list[Chunk], embedder: Embedder, config: IndexConfig, say: Progress
) -> str:
    """Chunk vectors (FAISS) and the answer builder's sentence vectors, with progress."""
    sentences = quotable_sentences(chunks)
    texts = [index_text(chunk) for chunk in chunks] + sentences
    say(f"embedding {len(chunks)} passages and {len(sentences)} sentences with {embedder.model_id}")
    vectors = embedder.embed_passages(texts, progress=EmbeddingProgress(say, len(chunks)))
    vector_index = VectorIndex.build(vectors[: len(chunks)], config.hnsw_threshold)
    vector_index.save(folder)
    save_sentences(folder, sentences, vectors[len(chunks) :])
    return vector_index.kind


class EmbeddingProgress:
    """Reports embedding progress with an estimate of the time left, every few seconds."""

    def __init__(self, say: Progress, passages: int, every_seconds: float = 5.0) -> None:
        self._say = say
        self._passages = passages
        self._every = every_seconds
        self._started = time.monotonic()
        self._last = self._started

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self._every:
            return
        self._last = now
        elapsed = now - self._started
        left = elapsed / done * (total - done) if done else 0.0
        what = "passages" if done <= self._passages else "sentences"
        self._say(f"embedded {done}/{total} texts ({what}), {elapsed:.0f} s so far, about {left:.0f} s left")


def load_index(index_dir: Path, current: Fingerprint | None = None) -> LoadedIndex:
    """Open ``index_dir``; with ``current``, refuse it (:class:`StaleIndexError`) unless it
    matches. Files are checked against the manifest: sizes now, digests before first use."""
    index_dir = served_index_folder(Path(index_dir))
    manifest_path = index_dir / MANIFEST_FILE
    if not manifest_path.exists():
        raise MissingIndexError(f"no index in {index_dir}")
    try:
        manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise CorruptIndexError(f"{manifest_path} is unreadable: {error}") from error
    if current is not None:
        reasons = staleness(manifest, current)
        if reasons:
            raise StaleIndexError(reasons)
    _check_listing(index_dir, manifest)
    # Sizes now (a missing, truncated or extended file is refused at once); each file's full
    # digest when its content is first used (IndexFiles).
    sizes = manifest.sizes if set(manifest.sizes) == set(manifest.files) else None
    files = IndexFiles.open(index_dir, manifest.files, sizes)
    return LoadedIndex(index_dir, manifest, files)


def _check_listing(index_dir: Path, manifest: Manifest) -> None:
    """A digested manifest records every listed file's size, and a generation holds exactly the
    files its manifest lists: a file it does not list would never be checked
    (:class:`CorruptIndexError`). An old-layout folder may hold the user's own files too."""
    if manifest.fingerprint.format_version < _DIGESTED_FORMAT:
        return
    listed = set(manifest.files)
    present = set(os.listdir(index_dir)) - {MANIFEST_FILE} if generations.is_generation(index_dir) else listed
    if present != listed or set(manifest.sizes) != listed:
        odd = sorted(present ^ listed) or sorted(set(manifest.sizes) ^ listed)
        raise CorruptIndexError(f"{index_dir}: the manifest does not list the files there ({', '.join(odd)})")


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _build_lock:
    """The build lock beside the index folder, with a message while waiting for another build."""

    def __init__(self, index_dir: Path, say: Progress) -> None:
        from filelock import FileLock

        self._lock = FileLock(str(index_dir.parent / f".{index_dir.name}.lock"))
        self._say = say
        self._signals = generations.signals_raise()

    def __enter__(self) -> bool:
        """Take the lock; True when another build held it first (and has finished since)."""
        from filelock import Timeout

        # SIGTERM now raises, so a stopped build removes its staging folder on the way out.
        self._signals.__enter__()
        try:
            self._lock.acquire(timeout=0)
            return False
        except Timeout:
            self._say("another process is building this index; waiting for it")
            try:
                self._lock.acquire(timeout=LOCK_WAIT_SECONDS)
            except Timeout as error:
                self._signals.__exit__(None, None, None)
                raise BuildLockedError(
                    f"the index build lock has been held for over {LOCK_WAIT_SECONDS} s"
                ) from error
            return True

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()
        self._signals.__exit__(None, None, None)


def _staging_prefix(index_dir: Path) -> str:
    return f".{index_dir.name}.building-"


def _remove_abandoned_staging(index_dir: Path, say: Progress) -> None:
    """Delete the staging folders of builds that were killed (a failed build removes its own).

    Only call this holding the build lock: staging folders are made only under it, so none of
    them belongs to a live builder. The lock is an OS file lock, freed when its holder dies.
    The name must be exactly what :func:`tempfile.mkdtemp` made for this index, so the staging
    folder of another index (``index.building-x``, say) or anything else is never touched.
    """
    pattern = re.compile(re.escape(_staging_prefix(index_dir)) + r"[a-z0-9_]{8}")
    for entry in index_dir.parent.iterdir():
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            say(f"removed {printable(entry.name)}, left by a build that was interrupted")
    # Generations no reader leases any more, and one a killed build renamed but never published.
    for name in generations.remove_unused(index_dir) if index_dir.is_dir() else ():
        say(f"removed the unused index generation {name}")


def _old_dir(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.previous"


def _swap_in(staging: Path, index_dir: Path) -> None:
    """Publish ``staging`` as ``index_dir``'s next generation (one atomic pointer write),
    then remove what the old layout left and the generations no reader leases."""
    legacy = _legacy_files(index_dir)
    generations.publish(staging, index_dir)
    # Readers of this code follow CURRENT from now on; the old layout's files are dead weight.
    generations.remove_legacy_files(index_dir, legacy)
    shutil.rmtree(_old_dir(index_dir), ignore_errors=True)
    generations.remove_unused(index_dir)


def _legacy_files(index_dir: Path) -> list[str]:
    """The index files of an old-layout folder (files directly in it), if it is one."""
    if (index_dir / generations.POINTER_FILE).exists() or not (index_dir / MANIFEST_FILE).exists():
        return []
    try:
        listed = list(json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, TypeError, KeyError):
        listed = []
    known = [CHUNKS_FILE, DOCUMENTS_FILE, REPORT_FILE, VECTORS_FILE, BM25_FILE]
    patterns = ("bm25_", "sentences.", "coverage_", "chunk_")
    found = [p.name for p in index_dir.iterdir() if p.name.startswith(patterns)]
    names = {str(name) for name in [*listed, *known, *found] if "/" not in str(name)}
    return sorted(names - set(_KEEP_FILES)) + [MANIFEST_FILE]


def _recover(index_dir: Path) -> None:
    """Under the build lock: put back an old-layout index a build killed between its two
    renames left in ``.<name>.previous`` (readers read it where it lies, never rename)."""
    old = _old_dir(index_dir)
    if not old.exists() or (index_dir / generations.POINTER_FILE).exists():
        return
    if not (index_dir / MANIFEST_FILE).exists():
        if index_dir.exists():
            kept = [index_dir / name for name in _KEEP_FILES if (index_dir / name).exists()]
            for path in kept:
                shutil.copy2(path, old / path.name)
            shutil.rmtree(index_dir)
        os.rename(old, index_dir)
        print(f"restored the previous index in {index_dir} after an interrupted build", file=sys.stderr)


def served_index_folder(index_dir: Path) -> Path:
    """The folder holding the index served from ``index_dir``: the generation ``CURRENT``
    names (leased for this process), or ``index_dir`` itself in the old layout."""
    try:
        folder = generations.served_folder(index_dir, _old_dir(index_dir))
    except generations.PointerError as error:
        raise CorruptIndexError(str(error)) from error
    if folder is None:
        raise MissingIndexError(f"no index in {index_dir}")
    return folder
