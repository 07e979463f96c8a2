"""Sentence vectors for the answer builder, computed once at index build and stored beside the
chunk vectors, so that a question costs one embedding (its own) and no more.

``sentences.jsonl`` holds one sentence text a line, ``sentences.npy`` the matching float32 rows
(``numpy.save`` without pickle). A sentence is looked up by its text: the same words quoted
from two overlapping windows share one vector.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from compendium.index_errors import CorruptIndexError
from compendium.index_files import IndexFiles
from compendium.records import Chunk
from compendium.sentences import quotable_spans

SENTENCES_FILE = "sentences.jsonl"
SENTENCE_VECTORS_FILE = "sentences.npy"


def quotable_sentences(chunks: Sequence[Chunk]) -> list[str]:
    """Every distinct sentence the answer builder may quote, in corpus order."""
    texts = (chunk.text[start:end] for chunk in chunks for start, end in quotable_spans(chunk.text))
    return list(dict.fromkeys(texts))


def save_sentences(folder: Path, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Write the sentences and their vectors into the index folder being built."""
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} sentences but {len(vectors)} vectors")
    with (folder / SENTENCES_FILE).open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps(text, ensure_ascii=False) + "\n")
    np.save(
        folder / SENTENCE_VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False
    )


class SentenceVectors(Mapping[str, np.ndarray]):
    """Sentence text -> vector, read from the index on first lookup (the first answer), not
    when the index is opened: a hundred thousand passages quote some six hundred thousand
    sentences. Empty when the index has no sentence vectors."""

    def __init__(self, files: IndexFiles | None, dimension: int) -> None:
        self._files = files
        self._dimension = dimension
        self._lock = threading.Lock()
        self._loaded: tuple[dict[str, int], np.ndarray] | None = None

    def _table(self) -> tuple[dict[str, int], np.ndarray]:
        with self._lock:
            if self._loaded is None:
                self._loaded = self._read()
            return self._loaded

    def _read(self) -> tuple[dict[str, int], np.ndarray]:
        files = self._files
        if files is None or SENTENCE_VECTORS_FILE not in files:
            return {}, np.zeros((0, self._dimension), dtype=np.float32)
        text = files.read_text(SENTENCES_FILE)
        try:
            # One JSON array parsed in C: a call per line is seconds at this size.
            texts = json.loads("[" + ",".join(text.split("\n")[:-1]) + "]")
        except ValueError as error:
            raise CorruptIndexError(f"{SENTENCES_FILE}: {error}") from error
        vectors = files.array(SENTENCE_VECTORS_FILE)
        if vectors.shape != (len(texts), self._dimension):
            raise CorruptIndexError(
                f"sentence vectors have shape {vectors.shape}, expected ({len(texts)}, {self._dimension})"
            )
        rows: dict[str, int] = {}
        for row, sentence in enumerate(texts):
            rows.setdefault(sentence, row)
        return rows, vectors

    def __getitem__(self, text: str) -> np.ndarray:
        rows, vectors = self._table()
        return np.asarray(vectors[rows[text]])

    def __contains__(self, text: object) -> bool:
        return text in self._table()[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table()[0])

    def __len__(self) -> int:
        return len(self._table()[0])
