"""The passages' stored columns say what their records say."""

from __future__ import annotations

import numpy as np

from compendium.ranking import ChunkOrder, FilterIndex


def test_the_columns_index_what_the_records_hold(collection_keyword):
    table = collection_keyword.chunks
    chunks = list(table)
    assert len(chunks) == len(table) > 0
    assert np.array_equal(table.order.places, ChunkOrder.of([c.chunk_id for c in chunks]).places)
    built = FilterIndex.of(chunks)
    stored = table.filter_index
    assert stored.size == built.size
    assert stored.postings.keys() == built.postings.keys()
    for name, values in built.postings.items():
        assert stored.postings[name].keys() == values.keys(), name
        for value, ordinals in values.items():
            assert np.array_equal(stored.postings[name][value], ordinals), (name, value)
    sections = [(c.doc_id, c.section_ordinal) for c in chunks]
    same = table.sections_of[:, None] == table.sections_of[None, :]
    assert np.array_equal(same, np.array([[a == b for b in sections] for a in sections]))


def test_records_read_one_by_one_equal_those_read_all_at_once(collection_keyword):
    from compendium.chunk_table import ChunkTable

    table = collection_keyword.chunks
    fresh = ChunkTable(table.files, len(table))
    assert [fresh[i] for i in range(len(fresh))] == list(table)
    assert fresh[-1] == table[len(table) - 1] and fresh[1:3] == (table[1], table[2])


def test_windows_and_card_sections_follow_the_records(collection_keyword):
    searcher = collection_keyword
    chunks = list(searcher.chunks)
    for chunk in chunks[::7]:
        expected = tuple(
            c for c in chunks if (c.doc_id, c.section_ordinal) == (chunk.doc_id, chunk.section_ordinal)
        )
        assert searcher.section_windows(chunk) == expected
        firsts: dict[int, object] = {}
        for c in chunks:
            if c.doc_id == chunk.doc_id:
                firsts.setdefault(c.section_ordinal, c)
        assert searcher.card_sections(chunk.doc_id) == tuple(firsts[key] for key in sorted(firsts))
