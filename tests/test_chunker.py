"""Chunking loses and duplicates nothing, respects its budget and keeps ids stable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compendium.chunker import ChunkConfig, chunk_documents, window_spans
from compendium.sentences import sentence_spans

WORD = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóú", min_size=1, max_size=12)
SENTENCE = st.builds(
    lambda first, rest, end: " ".join([first.capitalize(), *rest]) + end,
    WORD,
    st.lists(WORD, min_size=0, max_size=60),
    st.sampled_from([".", "!", "?", ""]),
)
TEXT = st.lists(st.tuples(SENTENCE, st.sampled_from([" ", "\n", "  "])), min_size=1, max_size=40).map(
    lambda pairs: "".join(sentence + gap for sentence, gap in pairs).strip()
)
CONFIG = st.builds(
    lambda size, share: ChunkConfig(max_words=size, overlap_words=int(size * share)),
    st.integers(min_value=20, max_value=300),
    st.floats(min_value=0.0, max_value=0.5),
)


def reassemble(text: str, windows: list[tuple[int, int]]) -> str:
    """Concatenate the windows minus their overlaps; a gap between two windows may only be
    whitespace, which is taken from the text."""
    pieces, previous_end = [], 0
    for start, end in windows:
        assert start <= previous_end or text[previous_end:start].isspace()
        pieces.append(text[previous_end:end])
        previous_end = end
    return "".join(pieces)


@settings(max_examples=200, deadline=None)
@given(text=TEXT, config=CONFIG)
def test_windows_cover_the_text_exactly_once_minus_overlap(text, config):
    windows = window_spans(text, config)
    assert windows
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert reassemble(text, windows) == text
    for (start, end), (next_start, _next_end) in zip(windows, windows[1:], strict=False):
        assert start < next_start, "every window must move forward"
        assert next_start <= end or text[end:next_start].isspace()


@settings(max_examples=200, deadline=None)
@given(text=TEXT, config=CONFIG)
def test_no_window_exceeds_the_budget(text, config):
    for start, end in window_spans(text, config):
        assert len(text[start:end].split()) <= config.max_words
        assert text[start:end] == text[start:end].strip()


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_sentences_are_ordered_disjoint_and_lose_no_character(text):
    spans = sentence_spans(text)
    assert all(a < b for a, b in spans)
    assert all(end <= next_start for (_s, end), (next_start, _e) in zip(spans, spans[1:], strict=False))
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_list_items_and_abbreviations_do_not_end_sentences_early():
    text = "El Sr. Pérez llegó. 1. Primer punto del plan.\nb) Segundo punto"
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert pieces == ["El Sr. Pérez llegó.", "1. Primer punto del plan.", "b) Segundo punto"]


def test_short_sections_are_one_chunk_and_long_ones_overlap(seed_document):
    chunks = chunk_documents([seed_document])
    by_section: dict[tuple[str, int], list] = {}
    for chunk in chunks:
        by_section.setdefault((chunk.doc_id, chunk.section_ordinal), []).append(chunk)
    assert any(len(group) == 1 for group in by_section.values())
    long_groups = [group for group in by_section.values() if len(group) > 1]
    assert long_groups
    for group in long_groups:
        assert all(chunk.windows == len(group) for chunk in group)
        assert all(b.start <= a.end + 1 for a, b in zip(group, group[1:], strict=False))
    # A window repeats the end of the previous one when that end is a short enough sentence.
    pairs = [(a, b) for group in long_groups for a, b in zip(group, group[1:], strict=False)]
    assert any(b.start < a.end for a, b in pairs)


def test_chunk_text_is_an_exact_slice_of_its_section(seed_document):
    sections = {(seed_document.front_matter_id, i + 1): s for i, s in enumerate(seed_document.front_matter)}
    card = seed_document.cards[0]
    sections |= {(card.card_id, i + 1): s for i, s in enumerate(card.sections)}
    for chunk in chunk_documents([seed_document]):
        section = sections[(chunk.doc_id, chunk.section_ordinal)]
        assert section.text[chunk.start : chunk.end] == chunk.text
        assert chunk.section == section.key and chunk.lang == section.language


def test_chunk_ids_are_stable_and_unique(seed_document, tools):
    from compendium.ingest import load_file
    from tests.conftest import SEED

    first = [chunk.chunk_id for chunk in chunk_documents([seed_document])]
    second = [chunk.chunk_id for chunk in chunk_documents([load_file(SEED, tools=tools)])]
    assert first == second
    assert len(set(first)) == len(first)


def test_citation_names_practice_author_section_and_only_a_printed_page(seed_document):
    chunks = chunk_documents([seed_document])
    results = [c for c in chunks if c.section == "results"]
    # No footer follows the card in the seed, so its citation names no page.
    assert results[0].citation == (
        "Generación de la Estrategia de Acompañamiento Familiar, Plan Familia (Chile, Ecuador)"
        " — Carmen Scott Alava — Resultados"
    )
    preface = next(c for c in chunks if c.section == "preface" and c.lang == "en")
    assert preface.citation.endswith("— p. 10")


@pytest.mark.parametrize(("size", "overlap"), [(10, 0), (400, 10), (100, 60)])
def test_unsafe_budgets_are_refused(size, overlap):
    with pytest.raises(ValueError):
        ChunkConfig(max_words=size, overlap_words=overlap)
