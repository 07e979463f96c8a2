"""Sentence vectors for the answer builder, computed once at index build and stored beside the
chunk vectors, so that a question costs one embedding (its own) and no more.

``sentences.jsonl`` holds one sentence text a line, ``sentences.npy`` the matching float32 rows
(``numpy.save`` without pickle). A sentence is looked up by its text: the same words quoted
from two overlapping windows share one vector.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

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


def load_sentences(folder: Path, dimension: int) -> dict[str, np.ndarray]:
    """Sentence text -> vector; empty when the index has no sentence vectors."""
    if not (folder / SENTENCE_VECTORS_FILE).exists():
        return {}
    texts = [json.loads(line) for line in (folder / SENTENCES_FILE).read_text(encoding="utf-8").splitlines()]
    vectors = np.load(folder / SENTENCE_VECTORS_FILE, allow_pickle=False)
    if vectors.shape != (len(texts), dimension):
        raise ValueError(f"sentence vectors have shape {vectors.shape}, expected ({len(texts)}, {dimension})")
    return dict(zip(texts, vectors, strict=True))
