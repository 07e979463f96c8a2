"""Keyword scoring: BM25 Okapi, exactly as rank-bm25 computes it, from stored postings.

Every (document, term) weight is computed once at index build, with rank-bm25's formula and
its idf floor (a term in more than half the documents gets ``epsilon`` times the average idf),
and stored column by column: for each term, the documents that contain it and their weights.
A query then reads only the postings of its words, so its cost follows the postings it
touches, not the size of the collection. The arrays are ``.npy`` files, memory-mapped when the
index is opened: nothing is re-fitted, and no pickle is involved.

A query term carries several variants (its stems in several languages): a document scores the
best variant, never their sum, and a term contributes at least zero (in a tiny corpus the idf
floor can weigh a term found in most documents negatively, and matching a word must never lower
a score). Sums run in the order of the query's terms, as the old one-term-at-a-time scoring did,
so the scores are the same to the last bit.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from compendium.analyzer import QueryTerm

BM25_FILE = "bm25.json"
TERMS_FILE = "bm25_terms.txt"
IDF_FILE = "bm25_idf.npy"
OFFSETS_FILE = "bm25_offsets.npy"
DOCS_FILE = "bm25_docs.npy"
WEIGHTS_FILE = "bm25_weights.npy"
#: Every file the keyword index writes into the index folder.
BM25_FILES = (BM25_FILE, TERMS_FILE, IDF_FILE, OFFSETS_FILE, DOCS_FILE, WEIGHTS_FILE)
# Postings this many times fewer than the documents are sorted; more, handled densely.
_DENSE_RATIO = 64


class KeywordIndex(Protocol):
    """What the searcher needs from a keyword backend."""

    backend: str

    def scores(
        self, terms: Sequence[QueryTerm], extra: Sequence[QueryTerm] = (), extra_weight: float = 0.0
    ) -> np.ndarray:
        """One score per document: the sum over terms of the best variant's score, plus
        ``extra_weight`` times the same sum over the ``extra`` terms."""
        ...

    def save(self, folder: Path) -> None: ...


@dataclass(frozen=True, eq=False)
class OkapiIndex:
    """BM25 Okapi weights as a compressed sparse column matrix (documents x terms).

    Column ``c`` (the term ``terms[c]``) holds ``docs[offsets[c]:offsets[c + 1]]``, in
    increasing order, and their ``weights``; ``idfs`` holds every term's idf (rank-bm25's,
    floor included).
    """

    terms: tuple[str, ...]
    idfs: np.ndarray
    offsets: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    documents: int
    params: dict[str, float]
    _columns: dict[str, int] = field(init=False, repr=False)
    backend = "okapi-postings"

    @classmethod
    def build(
        cls, documents: Iterable[Sequence[str]], k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ) -> OkapiIndex:
        """Weigh ``documents`` (each a list of analysed terms) as rank-bm25's ``BM25Okapi``.
        They are read once, so a generator keeps only one document's terms in memory."""
        columns, rows, counts, lengths, vocabulary = _postings(documents)
        per_term = np.bincount(columns, minlength=len(vocabulary))
        idf = _okapi_idf(per_term, len(lengths), epsilon)
        # rank-bm25's average length: a Python int sum over a count (unused when no postings).
        average = int(lengths.sum()) / len(lengths) if len(columns) else 1.0
        weights = _okapi_weights(counts, lengths[rows], idf[columns], k1, b, average)
        order = np.argsort(columns, kind="stable")  # stable: each term's documents stay in order
        return cls(
            terms=tuple(vocabulary),
            idfs=idf,
            offsets=np.concatenate(([0], np.cumsum(per_term))).astype(np.int64),
            docs=rows[order].astype(np.int32),
            weights=weights[order],
            documents=len(lengths),
            params={"k1": k1, "b": b, "epsilon": epsilon},
        )

    def __len__(self) -> int:
        return self.documents

    def __post_init__(self) -> None:
        object.__setattr__(self, "_columns", {term: column for column, term in enumerate(self.terms)})

    def idf(self, term: str) -> float:
        """Inverse document frequency of ``term`` (0 when unknown), floored at zero."""
        column = self._columns.get(term)
        return 0.0 if column is None else max(0.0, float(self.idfs[column]))

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The documents containing ``term`` and the term's weight in each (empty if unknown)."""
        column = self._columns.get(term)
        if column is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        start, end = int(self.offsets[column]), int(self.offsets[column + 1])
        return self.docs[start:end], self.weights[start:end]

    def scores(
        self, terms: Sequence[QueryTerm], extra: Sequence[QueryTerm] = (), extra_weight: float = 0.0
    ) -> np.ndarray:
        """One score per document: the sum over ``terms`` of the best variant's weight, plus
        ``extra_weight`` times that sum over ``extra`` (the glossary's terms), in one call."""
        total = np.zeros(self.documents)
        self._add_best(total, terms)
        if extra and extra_weight:
            bridge = np.zeros(self.documents)
            reached = self._add_best(bridge, extra)
            if reached and self._dense(sum(len(docs) for docs in reached)):
                # Everywhere: ``x + weight * 0`` is ``x`` to the bit, and one pass over the
                # collection is cheaper than sorting out which documents the bridge reached.
                total += extra_weight * bridge
            elif reached:
                touched = np.unique(np.concatenate(reached))
                total[touched] = total[touched] + extra_weight * bridge[touched]
        return total

    def _dense(self, postings: int) -> bool:
        """Whether ``postings`` are better handled as an array over every document than sorted
        (a sort costs some log-factor passes over them; a dense pass is one over the collection)."""
        return postings * _DENSE_RATIO >= self.documents

    def _add_best(self, total: np.ndarray, terms: Sequence[QueryTerm]) -> list[np.ndarray]:
        """Add each term's best-variant weights into ``total``; return the documents each
        term reached."""
        reached = []
        for term in terms:
            found = [self.postings(variant) for variant in sorted(term.variants)]
            found = [(docs, weights) for docs, weights in found if len(docs)]
            if not found:
                continue
            if len(found) == 1:
                docs, best = found[0][0], np.maximum(found[0][1], 0.0)
                total[docs] += best  # a term's documents are distinct: plain fancy-index add
                reached.append(docs)
            elif self._dense(sum(len(docs) for docs, _weights in found)):
                # The best variant per document without sorting the variants' documents
                # together: the same maxima (at least zero), added everywhere (``+ 0`` is exact).
                best = np.zeros(self.documents)
                for docs, weights in found:
                    best[docs] = np.maximum(best[docs], weights)
                total += best
                reached.extend(docs for docs, _weights in found)
            else:
                docs, best = _best_of(found)
                total[docs] += best
                reached.append(docs)
        return reached

    def save(self, folder: Path) -> None:
        """Write the parameters, the vocabulary and the four arrays into ``folder``."""
        if any("\n" in term for term in self.terms):
            raise ValueError("a keyword term contains a line break")
        meta = {
            "backend": self.backend,
            "params": self.params,
            "documents": self.documents,
            "terms": len(self.terms),
            "postings": len(self.docs),
        }
        (folder / BM25_FILE).write_text(json.dumps(meta), encoding="utf-8")
        (folder / TERMS_FILE).write_text("".join(term + "\n" for term in self.terms), encoding="utf-8")
        for name, values in zip(BM25_FILES[2:], self._arrays(), strict=True):
            np.save(folder / name, values, allow_pickle=False)

    def _arrays(self) -> tuple[np.ndarray, ...]:
        """The arrays in the order of their files in :data:`BM25_FILES`."""
        return self.idfs, self.offsets, self.docs, self.weights

    @classmethod
    def load(cls, folder: Path) -> OkapiIndex:
        """Open a saved index; the arrays are memory-mapped, not read. ``ValueError`` when the
        files disagree with each other."""
        return cls.open(_Folder(folder))

    @classmethod
    def open(cls, files: SavedFiles) -> OkapiIndex:
        """:meth:`load` from ``files`` (the index folder's verified files, say)."""
        meta = json.loads(files.read_text(BM25_FILE))
        if meta.get("backend") != cls.backend:
            raise ValueError(f"{BM25_FILE}: unknown keyword backend {meta.get('backend')!r}")
        terms = tuple(files.read_text(TERMS_FILE).split("\n")[:-1])
        arrays = [files.array(name) for name in BM25_FILES[2:]]
        index = cls(terms, *arrays, documents=int(meta["documents"]), params=meta["params"])
        index.check(int(meta["postings"]))
        return index

    def check(self, postings: int) -> None:
        """Refuse (``ValueError``) arrays whose shapes do not fit together."""
        size = len(self.terms)
        shapes_fit = (
            self.idfs.shape == (size,)
            and self.offsets.shape == (size + 1,)
            and self.docs.shape == self.weights.shape == (postings,)
            and int(self.offsets[-1]) == postings
        )
        if not shapes_fit:
            raise ValueError("keyword index arrays do not fit together")
        if postings and (int(self.docs.max()) >= self.documents or int(self.docs.min()) < 0):
            raise ValueError("keyword postings name documents outside the index")


class SavedFiles(Protocol):
    """Where a saved index is read from: its text files and its ``.npy`` arrays by name."""

    def read_text(self, name: str) -> str: ...

    def array(self, name: str) -> np.ndarray: ...


@dataclass(frozen=True)
class _Folder:
    """A folder's files, read directly (arrays memory-mapped)."""

    folder: Path

    def read_text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def array(self, name: str) -> np.ndarray:
        return np.load(self.folder / name, mmap_mode="r", allow_pickle=False)


def _postings(documents: Iterable[Sequence[str]]) -> tuple[np.ndarray, ...]:
    """(term column, document row, term frequency) of every distinct term of every document,
    each document's length, and the vocabulary, numbered in order of first appearance
    (rank-bm25's order). Machine-integer arrays, not lists: a million passages have some fifty
    million postings."""
    numbers: dict[str, int] = {}
    columns, frequencies, distinct, lengths = (array("q") for _ in range(4))
    for document in documents:
        counts = Counter(document)  # keeps first-appearance order, as rank-bm25's dicts do
        for term in counts:
            if term not in numbers:
                numbers[term] = len(numbers)
        columns.extend(numbers[term] for term in counts)
        frequencies.extend(counts.values())
        distinct.append(len(counts))
        lengths.append(len(document))
    as_array = [np.frombuffer(values, dtype=np.int64) for values in (columns, frequencies, distinct, lengths)]
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), as_array[2])
    return as_array[0], rows, as_array[1], as_array[3], list(numbers)


def _okapi_idf(document_frequency: np.ndarray, size: int, epsilon: float) -> np.ndarray:
    """rank-bm25's idf: ``log(N - df + 0.5) - log(df + 0.5)``, and ``epsilon`` times the
    average idf for terms where that is negative. The average is summed left to right in order
    of first appearance and the logs are Python's, so every value matches rank-bm25's bit for
    bit."""
    by_frequency = {
        int(df): math.log(size - df + 0.5) - math.log(df + 0.5) for df in set(document_frequency.tolist())
    }
    raw = np.array([by_frequency[int(df)] for df in document_frequency.tolist()], dtype=np.float64)
    if not len(raw):
        return raw
    running = 0.0
    for value in raw.tolist():  # not sum(): Python 3.12 compensates float sums, rank-bm25 does not
        running += value
    floor = epsilon * (running / len(raw))
    return np.where(raw < 0, floor, raw)


def _okapi_weights(
    frequency: np.ndarray, length: np.ndarray, idf: np.ndarray, k1: float, b: float, average: float
) -> np.ndarray:
    """rank-bm25's score of a term in a document, its operations written in its order (a
    float64 result depends on the order): ``idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b *
    length / average)))``, with integer ``tf`` and ``length`` as rank-bm25 has them."""
    return idf * (frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length / average)))


def _best_of(found: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The documents any variant reaches and each one's best weight (at least zero)."""
    docs = np.unique(np.concatenate([docs for docs, _weights in found]))
    best = np.zeros(len(docs))
    for variant_docs, weights in found:
        at = np.searchsorted(docs, variant_docs)
        best[at] = np.maximum(best[at], weights)
    return docs, best
