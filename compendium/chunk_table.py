"""The passages of an index as columns: what every query needs of every passage (language,
section, card, country, tie-break place) as small integer arrays, and each passage's full
record read only when it is returned.

Opening a hundred thousand passages as Python objects took seconds; a query needs the columns
(for filters, the section boost, one hit per section and the tie-break) and the records of the
eight or so passages it returns. So the build writes, beside ``chunks.jsonl`` (one record a
line, unchanged), the byte offset of each line and the columns (:data:`CHUNK_FILES`), and
:class:`ChunkTable` parses a record the first time it is asked for.
"""

from __future__ import annotations

import json
import mmap
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import overload

import numpy as np

from compendium.index_errors import CorruptIndexError
from compendium.index_files import IndexFiles
from compendium.ranking import ChunkOrder, FilterIndex
from compendium.records import Chunk

CHUNKS_FILE = "chunks.jsonl"
LINES_FILE = "chunk_lines.npy"
COLUMNS_FILE = "chunk_columns.npy"
VALUES_FILE = "chunk_values.json"
COUNTRIES_FILE = "chunk_countries.npy"
#: Every file the chunk table writes into the index folder.
CHUNK_FILES = (CHUNKS_FILE, LINES_FILE, COLUMNS_FILE, VALUES_FILE, COUNTRIES_FILE)
# The columns of COLUMNS_FILE, in order; the first four index VALUES_FILE's lists.
_COLUMNS = ("langs", "sections", "kinds", "doc_ids", "section_ordinal", "place")
_CODED = _COLUMNS[:4]
# Value masks kept (a question's asked sections are a handful of combinations).
_MASKS = 64


def save_chunks(folder: Path, chunks: Sequence[Chunk]) -> None:
    """Write the records (one JSON a line), their line offsets and their columns."""
    values: dict[str, dict[str, int]] = {name: {} for name in (*_CODED, "countries")}
    columns = np.zeros((len(chunks), len(_COLUMNS)), dtype=np.int64)
    country_rows: list[tuple[int, int]] = []
    offsets = [0]
    with (folder / CHUNKS_FILE).open("wb") as handle:
        for ordinal, chunk in enumerate(chunks):
            line = (json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            handle.write(line)
            offsets.append(offsets[-1] + len(line))
            for column, value in enumerate((chunk.lang, chunk.section, chunk.kind, chunk.doc_id)):
                columns[ordinal, column] = values[_CODED[column]].setdefault(
                    value, len(values[_CODED[column]])
                )
            columns[ordinal, 4] = chunk.section_ordinal
            for code in dict.fromkeys(chunk.countries):
                country_rows.append((ordinal, values["countries"].setdefault(code, len(values["countries"]))))
    # The tie-break: each passage's place among the chunk ids sorted as strings (ChunkOrder).
    columns[:, 5] = ChunkOrder.of([chunk.chunk_id for chunk in chunks]).places
    np.save(folder / LINES_FILE, np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    np.save(folder / COLUMNS_FILE, columns, allow_pickle=False)
    np.save(
        folder / COUNTRIES_FILE, np.asarray(country_rows, dtype=np.int64).reshape(-1, 2), allow_pickle=False
    )
    names = {name: list(codes) for name, codes in values.items()}
    (folder / VALUES_FILE).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")


@dataclass(eq=False)
class ChunkTable(Sequence[Chunk]):
    """The passages of an opened index: columns at hand, records parsed on first use."""

    files: IndexFiles
    size: int
    _records: dict[int, Chunk] = field(default_factory=dict, repr=False)
    _masks: dict[tuple[str, frozenset[str]], np.ndarray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | Sequence[Chunk]:
        if isinstance(index, slice):
            return tuple(self[ordinal] for ordinal in range(*index.indices(self.size)))
        ordinal = int(index)
        if ordinal < 0:
            ordinal += self.size
        if not 0 <= ordinal < self.size:
            raise IndexError(f"chunk {index} of {self.size}")
        chunk = self._records.get(ordinal)
        if chunk is None:
            start, end = int(self._lines[ordinal]), int(self._lines[ordinal + 1])
            chunk = self._records.setdefault(ordinal, self._parse(self._text[start:end]))
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        if len(self._records) < self.size:
            self._parse_all()
        records = self._records
        return (records[ordinal] for ordinal in range(self.size))

    def _parse(self, line: bytes) -> Chunk:
        try:
            return Chunk.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as error:
            raise CorruptIndexError(f"{CHUNKS_FILE}: {error}") from error

    def _parse_all(self) -> None:
        """Every record at once: one JSON array is parsed in C, a call per line is not."""
        with self._lock:
            text = self._text[: int(self._lines[-1])]
            try:
                records = json.loads(b"[" + text.rstrip(b"\n").replace(b"\n", b",") + b"]") if text else []
                chunks = [Chunk.from_dict(record) for record in records]
            except (ValueError, KeyError, TypeError) as error:
                raise CorruptIndexError(f"{CHUNKS_FILE}: {error}") from error
            if len(chunks) != self.size:
                raise CorruptIndexError(f"{len(chunks)} chunks on disk, manifest says {self.size}")
            for ordinal, chunk in enumerate(chunks):
                self._records.setdefault(ordinal, chunk)

    @cached_property
    def _text(self) -> mmap.mmap | bytes:
        return self.files.view(CHUNKS_FILE)  # slicing a map reads just those bytes

    @cached_property
    def _lines(self) -> np.ndarray:
        lines = self.files.array(LINES_FILE)
        if lines.shape != (self.size + 1,) or int(lines[-1]) != len(self._text):
            raise CorruptIndexError(f"{LINES_FILE} does not locate {self.size} chunks in {CHUNKS_FILE}")
        return np.asarray(lines)

    # --- the columns ------------------------------------------------------------------------

    @cached_property
    def _columns(self) -> np.ndarray:
        columns = np.asarray(self.files.array(COLUMNS_FILE))
        if columns.shape != (self.size, len(_COLUMNS)):
            raise CorruptIndexError(f"{COLUMNS_FILE} has shape {columns.shape}, expected {self.size} chunks")
        return columns

    @cached_property
    def values(self) -> dict[str, list[str]]:
        """For each coded column (and the countries), its values by code."""
        try:
            values = json.loads(self.files.read_text(VALUES_FILE))
            return {name: [str(value) for value in values[name]] for name in (*_CODED, "countries")}
        except (ValueError, KeyError, TypeError) as error:
            raise CorruptIndexError(f"{VALUES_FILE}: {error}") from error

    def column(self, name: str) -> np.ndarray:
        """One column over all passages (codes into :attr:`values` for the coded ones)."""
        return self._columns[:, _COLUMNS.index(name)]

    @cached_property
    def order(self) -> ChunkOrder:
        """The chunk-id tie-break, as the build computed it."""
        return ChunkOrder(np.ascontiguousarray(self.column("place")))

    @cached_property
    def sections_of(self) -> np.ndarray:
        """One number per (card, section) pair: the windows of one section share it."""
        ordinals = self.column("section_ordinal")
        width = int(ordinals.max()) + 1 if self.size else 1
        return self.column("doc_ids") * width + ordinals

    @cached_property
    def filter_index(self) -> FilterIndex:
        """Each filterable value's passages (as :meth:`FilterIndex.of` lists them)."""
        postings: dict[str, dict[str, np.ndarray]] = {}
        for name in _CODED:
            if name == "kinds":
                continue
            postings[name] = _postings(self.column(name), self.values[name])
        pairs = self._countries
        by_code = _postings(pairs[:, 1], self.values["countries"], owners=pairs[:, 0])
        postings["countries"] = by_code
        return FilterIndex(self.size, postings)

    @cached_property
    def _countries(self) -> np.ndarray:
        pairs = np.asarray(self.files.array(COUNTRIES_FILE)).reshape(-1, 2)
        if len(pairs) and (
            pairs[:, 0].max() >= self.size or pairs[:, 1].max() >= len(self.values["countries"])
        ):
            raise CorruptIndexError(f"{COUNTRIES_FILE} names chunks or countries that do not exist")
        return pairs

    def in_values(self, name: str, wanted: set[str] | frozenset[str]) -> np.ndarray:
        """Mask of the passages whose ``name`` column holds one of ``wanted`` (read only: kept
        for the next question that asks for the same values)."""
        key = (name, frozenset(wanted))
        mask = self._masks.get(key)
        if mask is None:
            # A table lookup per passage (np.isin sorts, and imports numpy.ma on first use).
            table = np.zeros(len(self.values[name]), dtype=bool)
            table[[code for code, value in enumerate(self.values[name]) if value in wanted]] = True
            mask = table[self.column(name)]
            mask.setflags(write=False)
            if len(self._masks) >= _MASKS:
                self._masks.pop(next(iter(self._masks)))
            self._masks[key] = mask
        return mask

    def of_doc(self, doc_id: str) -> np.ndarray:
        """Ordinals of the passages of card (or front matter) ``doc_id``, in index order."""
        code = self._doc_codes.get(doc_id)
        return np.empty(0, dtype=np.int64) if code is None else np.flatnonzero(self.column("doc_ids") == code)

    def section_of(self, doc_id: str, section_ordinal: int) -> np.ndarray:
        """Ordinals of the windows of section ``section_ordinal`` of ``doc_id``, in order."""
        ordinals = self.of_doc(doc_id)
        return ordinals[self.column("section_ordinal")[ordinals] == section_ordinal]

    @cached_property
    def _doc_codes(self) -> dict[str, int]:
        return {doc_id: code for code, doc_id in enumerate(self.values["doc_ids"])}


def _postings(codes: np.ndarray, names: list[str], owners: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Value name -> the ascending ordinals (``owners``, else positions) holding that code."""
    owners = np.arange(len(codes), dtype=np.int64) if owners is None else owners
    order = np.argsort(codes, kind="stable")  # stable: each value's ordinals stay ascending
    counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)))
    sorted_owners = owners[order].astype(np.int64)
    return {
        name: sorted_owners[starts[code] : starts[code + 1]]
        for code, name in enumerate(names)
        if counts[code]
    }
