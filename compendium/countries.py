"""Countries named in a text, as ISO 3166 alpha-2 codes, in any of the four languages.

Names come from pycountry and its gettext translations (Spanish, French, Portuguese), not from
a hand-made list. Matching is case-sensitive (country names are capitalised; "chile" the pepper
or "reunión" the meeting are not countries) but also accepts all-caps ("CHILE:") and missing
accents ("Mexico").
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections import Counter

_TRANSLATIONS = ("es", "fr", "pt", "pt_BR")
# Country names that are also everyday capitalised words in these languages ("Reunión" =
# meeting, "Granada" = a Spanish city, "Guadalupe" = a saint): they produce more false hits
# than true ones in practice cards.
_AMBIGUOUS = frozenset({"Reunión", "Reunião", "Réunion", "Granada", "Guadalupe", "Man"})
_MIN_NAME = 4


def _strip_accents(text: str) -> str:
    # One output character per input character, so match offsets stay valid.
    return "".join(
        unicodedata.normalize("NFD", ch)[0]
        if unicodedata.combining(unicodedata.normalize("NFD", ch)[-1])
        else ch
        for ch in text
    )


class CountryFinder:
    """Finds country mentions; build once and reuse (building reads pycountry's tables)."""

    def __init__(self) -> None:
        self._pattern: re.Pattern[str] | None = None
        self._codes: dict[str, str] = {}

    def _build(self) -> None:
        import pycountry  # deferred: loading its tables takes a moment

        names: dict[str, set[str]] = {}
        translators = []
        for lang in _TRANSLATIONS:
            try:
                translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
            except OSError:
                continue
        for country in pycountry.countries:
            english = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
            variants = {name for name in english if name}
            for translator in translators:
                variants |= {translator.gettext(name) for name in english if name}
            for variant in list(variants):
                # "Corea, República de" -> also "Corea"; kept only if no other country shares it.
                for sep in (",", " ("):
                    if sep in variant:
                        variants.add(variant.split(sep, 1)[0])
            for variant in variants:
                names.setdefault(variant.strip(), set()).add(country.alpha_2)
        codes: dict[str, str] = {}
        for name, alpha_2s in names.items():
            if len(alpha_2s) != 1 or len(name) < _MIN_NAME or name in _AMBIGUOUS:
                continue
            code = next(iter(alpha_2s))
            for form in {_strip_accents(name), _strip_accents(name).upper()}:
                codes.setdefault(form, code)
        alternatives = sorted(codes, key=len, reverse=True)
        self._codes = codes
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")

    def find(self, text: str) -> tuple[str, ...]:
        """Alpha-2 codes mentioned in ``text``, most mentioned first (ties: first mention)."""
        counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for position, code in self._mentions(text):
            counts[code] += 1
            first_seen.setdefault(code, position)
        return tuple(sorted(counts, key=lambda code: (-counts[code], first_seen[code])))

    def find_in_order(self, text: str) -> tuple[str, ...]:
        """Alpha-2 codes in order of first mention."""
        return tuple(dict.fromkeys(code for _position, code in self._mentions(text)))

    def _mentions(self, text: str) -> list[tuple[int, str]]:
        if self._pattern is None:
            self._build()
        assert self._pattern is not None
        return [
            (match.start(), self._codes[match.group(0)])
            for match in self._pattern.finditer(_strip_accents(text))
        ]
