"""Which embedder to run: the bundled model by default, any sentence-transformers model on
request, and a plain one-line reason at each fallback.

Default (no ``--model``, no ``$COMPENDIUM_MODEL``): the bundled 4-bit multilingual-e5-small;
where its engine does not run (another OS or CPU), the fp32 model through sentence-transformers
if it is cached or the hub answers; else keyword mode. An explicit model is only ever that model.
"""

from __future__ import annotations

import os

from compendium.embedding.base import Embedder, ModelStatus
from compendium.embedding.bundled import BASE_MODEL, BUNDLED, BundledUnavailable, load_bundled
from compendium.embedding.hub import PROBE_TIMEOUT_SECONDS, Unavailable, locate
from compendium.embedding.sentence_transformer import BACKEND as ST_BACKEND
from compendium.embedding.sentence_transformer import load_folder
from compendium.embedding.threads import configure_threads

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
    if spec != BUNDLED:
        return _sentence_transformer(spec, probe_timeout)
    try:
        embedder = load_bundled()
    except BundledUnavailable as why:
        fallback, status = _sentence_transformer(BASE_MODEL, probe_timeout)
        reason = f"the bundled model cannot run: {why}"
        if fallback is None:
            return None, ModelStatus(model_id=BUNDLED, available=False, reason=f"{reason}; {status.reason}")
        return fallback, ModelStatus(
            model_id=status.model_id, available=True, reason=reason, backend=ST_BACKEND
        )
    return embedder, ModelStatus(model_id=embedder.model_id, available=True, backend=embedder.backend)


def _sentence_transformer(spec: str, probe_timeout: float) -> tuple[Embedder | None, ModelStatus]:
    try:
        folder, model_id = locate(spec, probe_timeout)
    except Unavailable as why:
        return None, ModelStatus(model_id=spec, available=False, reason=str(why), backend=ST_BACKEND)
    try:
        embedder = load_folder(folder, model_id, spec)
    except Exception as error:  # a broken download or folder must not take the app down
        return None, ModelStatus(model_id=model_id, available=False, reason=f"it failed to load: {error}")
    return embedder, ModelStatus(model_id=model_id, available=True, backend=ST_BACKEND)
