"""Figures asked "per unit" that the closest passages never give.

"What do the solar cooperatives charge per hour for irrigation?" finds the right practice and
its funding section, which says what farmers pay per season, not per hour: quoting it answers
another question. A question that asks a figure (how much, cost, charge, pay, rate...) per one
of the units in ``data/units.tsv`` (hour, month, member, pupil, kilogram...) is answered only
by a passage that says "per" that unit in one of the four languages ("per hour", "por hora",
"à l'heure", "/h", "hourly"); when none of the passages the answer would draw from does, the
answer says the figure is not given. The evidence is the passages' own words, shown to the user.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

# A question asks a figure with one of these words (all four languages).
_ASKS_FIGURE = re.compile(
    r"\b(?:how much|how many|costs?|costing|prices?|priced|charges?|charged|fees?|tariffs?|rates?|"
    r"wages?|salary|salaries|earns?|earned|paid|pays?|amount|"
    r"cu[aá]nt[oa]s?|cuestan?|costo|coste|precios?|tarifas?|cobran?|cobr[oó]|pagan?|pag[oó]|ganan?|"
    r"sueldos?|salarios?|montos?|tasas?|combien|co[uû]tent|co[uû]te|co[uû]ts?|prix|tarifs?|factur\w*|"
    r"paient|payent|paie|touchent|touche|gagnent|gagne|salaires?|r[ée]mun[ée]r\w*|montants?|taux|"
    r"quant[oa]s?|custam?|custos?|pre[cç]os?|cobram|pagam|ganham?|sal[aá]rios?|valor|taxas?)\b",
    re.IGNORECASE,
)
# "per" before any unit; some words say "per" only before a unit of time ("a day", "al mes",
# "à l'heure", "ao ano"), as elsewhere they are articles or plain prepositions.
_PER = ("per", "each", "every", "for each", "por", "por cada", "cada", "a cada", "par", "chaque")
_PER_TIME = ("a", "an", "al", "a la", "au", "à", "à l'", "à la", "l'", "ao")
# A passage may also put an article where English says "per": "1 000 FCFA le kilo", "R$ 5 o quilo".
_ARTICLES = ("the", "el", "la", "le", "les", "o", "a", "l'", "un", "une", "um", "uma")
_DIGIT = re.compile(r"\d")
_TIME = frozenset({"hour", "day", "week", "month", "year"})


@dataclass(frozen=True)
class Unit:
    """One unit a figure can be given per, with its words in every language."""

    key: str
    words: tuple[str, ...]
    per_words: tuple[str, ...]
    #: Language -> how the answer names "per this unit" ("per hour", "por hora").
    shown_as: dict[str, str]

    def asked_by(self, question: str) -> bool:
        """The question asks a figure per this unit."""
        preps = _PER + (_PER_TIME if self.key in _TIME else ())
        return bool(_pattern(preps, self.words, self.per_words).search(question))

    def given_in(self, sentence: str) -> bool:
        """The sentence states a figure per this unit: a number, and "per" the unit ("power is
        sold by the hour" gives no figure per hour)."""
        preps = _PER + _PER_TIME + _ARTICLES
        pattern = _pattern(preps, self.words, self.per_words)
        return bool(_DIGIT.search(sentence) and pattern.search(sentence))


@lru_cache(maxsize=256)
def _pattern(preps: tuple[str, ...], words: tuple[str, ...], per_words: tuple[str, ...]) -> re.Pattern[str]:
    unit = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    lead = "|".join(re.escape(prep).replace(r"\ ", r"\s+") for prep in sorted(preps, key=len, reverse=True))
    # "l'" and "à l'" join the next word with no space.
    rate = rf"(?<![\w'])(?:{lead})(?:(?<=')|\s+)(?:{unit})\b"
    slash = rf"/\s?(?:{unit})\b"
    alone = "|".join(re.escape(word) for word in per_words)
    parts = [rate, slash] + ([rf"\b(?:{alone})\b"] if alone else [])
    return re.compile("|".join(parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def load_units() -> tuple[Unit, ...]:
    """The units table shipped with the package (static; read once per process)."""
    with resources.files("compendium.data").joinpath("units.tsv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    keys = list(dict.fromkeys(row["unit"] for row in rows))
    return tuple(_unit(key, [row for row in rows if row["unit"] == key]) for key in keys)


def _unit(key: str, rows: Sequence[dict[str, str]]) -> Unit:
    def split(text: str | None) -> list[str]:
        return [word.strip() for word in (text or "").split("|") if word.strip()]

    words = tuple(dict.fromkeys(word for row in rows for word in split(row["words"])))
    per_words = tuple(dict.fromkeys(word for row in rows for word in split(row["per_words"])))
    shown = {
        row["lang"]: f"{'per' if row['lang'] == 'en' else 'par' if row['lang'] == 'fr' else 'por'} "
        f"{split(row['words'])[0]}"
        for row in rows
    }
    return Unit(key, words, per_words, shown)


def asked_units(question: str, units: Sequence[Unit] | None = None) -> tuple[Unit, ...]:
    """The units ``question`` asks a figure per (none unless it asks a figure at all)."""
    if not _ASKS_FIGURE.search(question):
        return ()
    return tuple(unit for unit in (units or load_units()) if unit.asked_by(question))


@dataclass(frozen=True)
class UnitEvidence:
    """The units a question asks a figure per, and which candidate sentences give each."""

    asked: tuple[Unit, ...]
    #: gives[i, j]: sentence i gives a figure per asked unit j.
    gives: np.ndarray

    @classmethod
    def of(cls, question: str, sentences: Sequence[str], units: Sequence[Unit] | None = None) -> UnitEvidence:
        """Read ``question``'s asked units and check each of ``sentences`` for them."""
        asked = asked_units(question, units)
        gives = np.array([[unit.given_in(text) for unit in asked] for text in sentences], dtype=bool)
        return cls(asked, gives.reshape(len(sentences), len(asked)))

    @property
    def unstated(self) -> tuple[Unit, ...]:
        """Asked units that no sentence gives a figure per."""
        return tuple(unit for j, unit in enumerate(self.asked) if not self.gives[:, j].any())

    @property
    def gives_all(self) -> np.ndarray:
        """Sentences that give a figure per every asked unit (every sentence when none is asked)."""
        return self.gives.all(axis=1)


def unstated_units(
    question: str, sentences: Iterable[str], units: Sequence[Unit] | None = None
) -> tuple[Unit, ...]:
    """Units the question asks a figure per that none of ``sentences`` gives a figure per."""
    return UnitEvidence.of(question, list(sentences), units).unstated
