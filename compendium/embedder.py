"""Dense embeddings with sentence-transformers, and deciding quickly whether we can have them.

Resolution order for a model spec (``--model``, else ``$COMPENDIUM_MODEL``, else the default):
1. a local folder: load it, no network;
2. a hub id already in the local Hugging Face cache: load it from there, no network;
3. ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` set: stop, keyword mode;
4. otherwise ask the hub, with a short timeout, whether the model exists; only then download.
Whatever fails, the caller gets ``None`` and a :class:`ModelStatus` that says why and how to
fix it: search carries on in keyword mode, and says so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
MODEL_ENV = "COMPENDIUM_MODEL"
PROBE_TIMEOUT_SECONDS = 3.0
_BATCH_SIZE = 32
_MAX_TOKENS = 512

# Query/passage prefixes some model families were trained with (matched on the model name).
_PREFIXES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("e5-large-instruct", ("Instruct: Given a question, retrieve passages that answer it\nQuery: ", "")),
    ("e5-", ("query: ", "passage: ")),
)


class Embedder(Protocol):
    """What indexing and search need from an embedding model."""

    model_id: str
    dimension: int

    def embed_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class ModelStatus:
    """Whether the requested model could be loaded, and if not, why."""

    model_id: str
    available: bool
    reason: str = ""

    @property
    def notice(self) -> str:
        """One plain sentence for the user; empty when the model is loaded."""
        if self.available:
            return ""
        return (
            f"Keyword mode: the embedding model '{self.model_id}' is not available ({self.reason}). "
            "Search still works, across languages, with keywords and the domain glossary. "
            "For semantic search, run once with internet access so the model is downloaded, or "
            "pass a downloaded model folder with --model PATH (or COMPENDIUM_MODEL=PATH)."
        )


def requested_model(explicit: str | None = None) -> str:
    """The model to use: an explicit value, else ``$COMPENDIUM_MODEL``, else the default."""
    return explicit or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def prefixes_for(model_id: str, configured: dict[str, str] | None = None) -> tuple[str, str]:
    """(query prefix, passage prefix) for a model: its own configured prompts if it has
    them, else what its family was trained with, else none."""
    configured = configured or {}
    query = configured.get("query", "")
    passage = configured.get("document", configured.get("passage", ""))
    if query or passage:
        return query, passage
    name = model_id.rstrip("/").lower()
    for marker, pair in _PREFIXES:
        if marker in name:
            return pair
    return "", ""


class SentenceTransformerEmbedder:
    """A loaded sentence-transformers model with per-model prefixes and normalised output."""

    def __init__(self, model: Any, model_id: str) -> None:
        self.model = model
        self.model_id = model_id
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self.query_prefix, self.passage_prefix = prefixes_for(model_id, getattr(model, "prompts", None))
        if getattr(model, "max_seq_length", None) and model.max_seq_length > _MAX_TOKENS:
            model.max_seq_length = _MAX_TOKENS

    def embed_passages(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prefix + text for text in texts], show_progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text], False)[0]

    def _encode(self, texts: list[str], show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=_BATCH_SIZE,
            normalize_embeddings=True,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def load_embedder(
    spec: str, *, probe_timeout: float = PROBE_TIMEOUT_SECONDS
) -> tuple[Embedder | None, ModelStatus]:
    """Load ``spec`` (hub id or local folder) if it can be had quickly; never raises."""
    try:
        folder, model_id = _locate(spec, probe_timeout)
    except _Unavailable as why:
        return None, ModelStatus(model_id=spec, available=False, reason=str(why))
    try:
        return _load_folder(folder, model_id), ModelStatus(model_id=model_id, available=True)
    except Exception as error:  # a broken download or folder must not take the app down
        return None, ModelStatus(model_id=model_id, available=False, reason=f"it failed to load: {error}")


class _Unavailable(Exception):
    pass


def _locate(spec: str, probe_timeout: float) -> tuple[Path, str]:
    path = Path(spec).expanduser()
    if path.is_dir():
        return path, str(path.resolve())
    if spec.startswith((".", "/", "~")) or os.sep in spec.strip("/").replace("/", "", 1):
        raise _Unavailable(f"no model folder at {spec}")
    cached = _cached_snapshot(spec)
    if cached is not None:
        return cached, spec
    if _offline():
        raise _Unavailable("it is not in the local cache and HF_HUB_OFFLINE is set")
    _probe_hub(spec, probe_timeout)
    return _download(spec), spec


def _offline() -> bool:
    # Read at call time: huggingface_hub reads these once, at its own import.
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _cache_dir() -> str:
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "huggingface"
    )
    return os.path.join(home, "hub")


def _cached_snapshot(repo_id: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(repo_id, cache_dir=_cache_dir(), local_files_only=True))
    except Exception:  # not cached (LocalEntryNotFoundError) or an invalid id
        return None
    has_model = (folder / "modules.json").exists() or (folder / "config.json").exists()
    return folder if has_model else None


def _probe_hub(repo_id: str, timeout: float) -> None:
    import httpx

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    try:
        response = httpx.head(f"{endpoint}/api/models/{repo_id}", timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as error:
        host = endpoint.split("://", 1)[-1]
        raise _Unavailable(
            f"it is not in the local cache and {host} cannot be reached: {type(error).__name__}"
        ) from error
    if response.status_code in (401, 403, 404):
        raise _Unavailable(f"the hub has no public model called {repo_id} (HTTP {response.status_code})")
    if response.status_code >= 400:
        raise _Unavailable(f"the hub answered HTTP {response.status_code}")


def _download(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id, cache_dir=_cache_dir()))
    except Exception as error:
        raise _Unavailable(f"the download failed: {error}") from error


def _load_folder(folder: Path, model_id: str) -> SentenceTransformerEmbedder:
    import torch
    from sentence_transformers import SentenceTransformer

    if not os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return SentenceTransformerEmbedder(model, model_id)
