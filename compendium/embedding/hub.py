"""Finding a sentence-transformers model without waiting on the network.

Resolution order for a model spec other than the bundled one:
1. a local folder: use it, no network;
2. a hub id already in the local Hugging Face cache: use it from there, no network;
3. ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` set: stop;
4. otherwise ask the hub, with a short timeout, whether the model exists; only then download.
Whatever fails raises :class:`Unavailable` with the reason, in one line.
"""

from __future__ import annotations

import os
from pathlib import Path

PROBE_TIMEOUT_SECONDS = 3.0


class Unavailable(Exception):
    """The model cannot be had now; the message says why."""


def locate(spec: str, probe_timeout: float = PROBE_TIMEOUT_SECONDS) -> tuple[Path, str]:
    """The local folder of ``spec`` and the id to record for it (downloading only as step 4)."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return path, str(path.resolve())
    if spec.startswith((".", "/", "~")) or os.sep in spec.strip("/").replace("/", "", 1):
        raise Unavailable(f"no model folder at {spec}")
    cached = _cached_snapshot(spec)
    if cached is not None:
        return cached, spec
    if _offline():
        raise Unavailable("it is not in the local cache and HF_HUB_OFFLINE is set")
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
        raise Unavailable(
            f"it is not in the local cache and {host} cannot be reached: {type(error).__name__}"
        ) from error
    if response.status_code in (401, 403, 404):
        raise Unavailable(f"the hub has no public model called {repo_id} (HTTP {response.status_code})")
    if response.status_code >= 400:
        raise Unavailable(f"the hub answered HTTP {response.status_code}")


def _download(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(repo_id, cache_dir=_cache_dir()))
    except Exception as error:
        raise Unavailable(f"the download failed: {error}") from error
