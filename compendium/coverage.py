"""What a question asks about that the collection never mentions: the evidence behind a
"not covered" reply, stated so the user can check it ("No practice in the collection mentions
Madagascar").

Two kinds of key concept are checked against the whole indexed collection, in any of the four
languages: countries (names, alternative names and demonyms, so "malgache" and "Madagascar"
are one), and codes that carry a digit or are written in capitals ("COVID-19", "ODS 8"), which
no translation or paraphrase can stand for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from compendium.countries import CountryFinder
from compendium.records import Chunk, country_name
from compendium.textnorm import fold

# A code: letters and digits mixed ("COVID-19", "G20"), or an acronym of capitals ("FIFA").
_CODE = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{2,}\b|\b[A-Z]{3,}\b")


@dataclass(frozen=True)
class Coverage:
    """The collection's countries and vocabulary, for checking questions against."""

    countries: frozenset[str]
    vocabulary: frozenset[str]
    finder: CountryFinder

    @classmethod
    def of(cls, chunks: Sequence[Chunk], finder: CountryFinder | None = None) -> Coverage:
        """What ``chunks`` mention: every country named in their text (front matter included,
        which records no countries of its own) and every word."""
        finder = finder or CountryFinder()
        named = {code for chunk in chunks for code in chunk.countries}
        named |= {code for chunk in chunks for code in finder.find(chunk.title + "\n" + chunk.text)}
        countries = frozenset(named)
        words = {
            word for chunk in chunks for word in re.findall(r"[\w-]+", fold(chunk.title + " " + chunk.text))
        }
        return cls(countries=countries, vocabulary=frozenset(words), finder=finder)

    def missing(self, question: str) -> tuple[str, ...]:
        """Key concepts of ``question`` that no passage mentions, as the user would name them."""
        absent = [
            country_name(code) for code in self.finder.find_in_order(question) if code not in self.countries
        ]
        codes = [code for code in _CODE.findall(question) if fold(code) not in self.vocabulary]
        return tuple(dict.fromkeys(absent + codes))
