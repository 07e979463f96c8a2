"""What a question asks about that the collection never mentions: the evidence behind a
"not covered" reply, stated so the user can check it ("No practice in the collection mentions
Madagascar").

Two kinds of key concept are checked against the whole indexed collection, in any of the four
languages: countries (names, alternative names and demonyms, so "malgache" and "Madagascar"
are one), and codes that carry a digit or are written in capitals ("COVID-19", "ODS 8"), which
no translation or paraphrase can stand for.

Finding them reads every passage (a minute per hundred thousand), so the index build does it
once and stores the result beside the index (:data:`COVERAGE_FILES`): the sorted words, one a
line, and the country codes. Opening an index reads them only when an answer first asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compendium.countries import CountryFinder
from compendium.records import Chunk, country_name
from compendium.textnorm import fold

# A code: letters and digits mixed ("COVID-19", "G20"), or an acronym of capitals ("FIFA").
_CODE = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{2,}\b|\b[A-Z]{3,}\b")
_WORD = re.compile(r"[\w-]+")
WORDS_FILE = "coverage_words.txt"
COUNTRIES_FILE = "coverage_countries.txt"
#: Every file the coverage writes into the index folder.
COVERAGE_FILES = (WORDS_FILE, COUNTRIES_FILE)


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
        words = {word for chunk in chunks for word in _WORD.findall(fold(chunk.title + " " + chunk.text))}
        return cls(countries=countries, vocabulary=frozenset(words), finder=finder)

    def missing(self, question: str) -> tuple[str, ...]:
        """Key concepts of ``question`` that no passage mentions, as the user would name them."""
        absent = [
            country_name(code) for code in self.finder.find_in_order(question) if code not in self.countries
        ]
        codes = [code for code in _CODE.findall(question) if fold(code) not in self.vocabulary]
        return tuple(dict.fromkeys(absent + codes))

    def save(self, folder: Path) -> None:
        """Write the words (sorted, one a line) and the country codes into ``folder``."""
        # Neither can hold a line break (words are runs of word characters and hyphens).
        (folder / WORDS_FILE).write_text("".join(word + "\n" for word in sorted(self.vocabulary)), "utf-8")
        (folder / COUNTRIES_FILE).write_text("".join(code + "\n" for code in sorted(self.countries)), "utf-8")

    @classmethod
    def load(cls, folder: Path, finder: CountryFinder | None = None) -> Coverage:
        """The coverage :meth:`save` wrote into ``folder``."""
        words = (folder / WORDS_FILE).read_text(encoding="utf-8")
        return cls.parse(words, (folder / COUNTRIES_FILE).read_text(encoding="utf-8"), finder)

    @classmethod
    def parse(cls, words: str, countries: str, finder: CountryFinder | None = None) -> Coverage:
        """The coverage whose two files hold ``words`` and ``countries``."""
        vocabulary = frozenset(words.split("\n")[:-1])
        return cls(frozenset(countries.split("\n")[:-1]), vocabulary, finder or CountryFinder())
