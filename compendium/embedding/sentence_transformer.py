"""Any other model, through sentence-transformers: a hub id or a downloaded model folder."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from compendium.embedding.base import BatchProgress, normalised

BACKEND = "sentence-transformers"
# Measured on the 2-core target (bench/check_unpacked.py): 16 texts a batch beat 32 and 64.
_BATCH_SIZE = 16
_MAX_TOKENS = 512
# Query/passage prefixes some model families were trained with, matched on the model's name
# (its hub id, or the name its own config records), never on where it lies on disk.
_PREFIXES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("e5-large-instruct", ("Instruct: Given a question, retrieve passages that answer it\nQuery: ", "")),
    ("/e5-", ("query: ", "passage: ")),
    ("multilingual-e5", ("query: ", "passage: ")),
)


def prefixes_for(model_name: str, configured: dict[str, str] | None = None) -> tuple[str, str]:
    """(query prefix, passage prefix): the model's own configured prompts if it has them, else
    what its family was trained with (by name), else none."""
    configured = configured or {}
    # sentence-transformers 6 fills in empty "query"/"document" prompts when a model has none.
    query = configured.get("query", "")
    passage = configured.get("document") or configured.get("passage", "")
    if query or passage:
        return query, passage
    name = "/" + model_name.strip("/").lower()
    for marker, pair in _PREFIXES:
        if marker in name:
            return pair
    return "", ""


def model_name(folder: Path, spec: str) -> str:
    """The name a model goes by: the hub id it was asked for, else the name its folder's own
    configuration records (``_name_or_path``), else nothing."""
    if not Path(spec).expanduser().is_dir():
        return spec
    try:
        recorded = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("_name_or_path", "")
    except (OSError, ValueError):
        return ""
    # A name that is itself a path says where the model was saved from, not what it is.
    return "" if not recorded or recorded.startswith(("/", ".", "~")) else str(recorded)


class SentenceTransformerEmbedder:
    """A loaded sentence-transformers model with per-model prefixes and normalised output."""

    backend = BACKEND

    def __init__(self, model: Any, model_id: str, name: str, bf16: bool = False) -> None:
        self.model = model
        self.model_id = model_id
        self.bf16 = bf16
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self.query_prefix, self.passage_prefix = prefixes_for(name, getattr(model, "prompts", None))
        if getattr(model, "max_seq_length", None) and model.max_seq_length > _MAX_TOKENS:
            model.max_seq_length = _MAX_TOKENS

    def embed_passages(self, texts: Sequence[str], progress: BatchProgress | None = None) -> np.ndarray:
        prefixed = [self.passage_prefix + text for text in texts]
        parts = []
        for start in range(0, len(prefixed), _BATCH_SIZE * 4):
            parts.append(self._encode(prefixed[start : start + _BATCH_SIZE * 4]))
            if progress is not None:
                progress(min(start + _BATCH_SIZE * 4, len(prefixed)), len(prefixed))
        return np.concatenate(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            vectors = self.model.encode(
                texts,
                batch_size=_BATCH_SIZE,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return normalised(vectors)


def load_folder(folder: Path, model_id: str, spec: str, bf16: bool = False) -> SentenceTransformerEmbedder:
    """Load a sentence-transformers model folder (no network). ``bf16`` runs its matrix
    products in bfloat16 (only where :func:`native_bf16` holds and fidelity was measured)."""
    import torch
    from sentence_transformers import SentenceTransformer

    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return SentenceTransformerEmbedder(model, model_id, model_name(folder, spec), bf16=bf16)


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (elsewhere torch emulates it, slowly)."""
    import torch

    capabilities = torch.cpu.get_capabilities()
    return bool(capabilities.get("avx512_bf16") or capabilities.get("amx_bf16"))
