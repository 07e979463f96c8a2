"""Organisations a question names that no passage of the collection mentions, in any of the
four languages: "How much did the World Bank lend?" is not covered by a collection in which only
the Inter-American Development Bank lends, however well its funding section matches.

Only the glossary's institutions with a proper name are checked (its section 9: ILO, FAO, World
Bank, ...). Generic kinds of organisation (an NGO, a ministry, civil society) are named in many
ways a glossary cannot list, so their absence proves nothing. A name counts as mentioned when
the stems of one of its terms, in any language, occur together in one passage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from compendium.glossary import Concept
    from compendium.search import Searcher

INSTITUTIONS = "9"
# Institutions of section 9 that are kinds, not names.
_GENERIC = frozenset({"ngo", "civil_society", "local_government", "municipality", "universities"})


def absent_organisations(searcher: Searcher, query: str) -> tuple[str, ...]:
    """Named organisations of ``query`` that no passage mentions, by their English name."""
    glossary = searcher.glossary
    by_id = {concept.concept_id: concept for concept in glossary.concepts}
    named = [by_id[concept_id] for concept_id in glossary.expand(query).concepts]
    return tuple(
        concept.terms_in("en")[0]
        for concept in named
        if _is_named_organisation(concept)
        and not _mentioned(searcher, glossary.phrases_of(concept.concept_id))
    )


def _is_named_organisation(concept: Concept) -> bool:
    """A section 9 concept whose name is a proper name, not a kind of body."""
    return (
        concept.group == INSTITUTIONS
        and concept.concept_id not in _GENERIC
        and not concept.concept_id.startswith("ministry_")
    )


def _mentioned(searcher: Searcher, phrases: frozenset[tuple[str, ...]]) -> bool:
    """One passage holds every stem of one of ``phrases``."""
    keyword = searcher.index.keyword
    for phrase in phrases:
        passages = [np.asarray(keyword.postings(stem)[0]) for stem in phrase]
        if passages and all(len(found) for found in passages):
            common = passages[0]
            for found in passages[1:]:
                common = np.intersect1d(common, found, assume_unique=True)
            if len(common):
                return True
    return False
