"""Embedding models behind one protocol: the bundled 4-bit multilingual-e5-small (default, no
network, no torch) and any sentence-transformers model."""

from compendium.embedding.base import BatchProgress, Embedder, ModelStatus
from compendium.embedding.bundled import BUNDLED
from compendium.embedding.resolve import DEFAULT_MODEL, MODEL_ENV, load_embedder, requested_model
from compendium.embedding.sentence_transformer import prefixes_for

__all__ = [
    "BUNDLED",
    "DEFAULT_MODEL",
    "MODEL_ENV",
    "BatchProgress",
    "Embedder",
    "ModelStatus",
    "load_embedder",
    "prefixes_for",
    "requested_model",
]
