"""Countries named in a text, as ISO 3166 alpha-2 codes, in any of the four languages.

Names come from pycountry and its gettext translations (Spanish, French, Portuguese), plus a
table of common alternative names and demonyms (``data/country_aliases.tsv``: "Turkey",
"brasileña", "rwandaise"), ambiguous forms left out on purpose. Matching is case-sensitive (country names are capitalised; "chile" the pepper
or "reunión" the meeting are not countries) but also accepts all-caps ("CHILE:") and missing
accents ("Mexico").
"""

from __future__ import annotations

import csv
import gettext
import re
import unicodedata
from collections import Counter
from importlib import resources

_TRANSLATIONS = ("es", "fr", "pt", "pt_BR")
# Country names that are also everyday capitalised words in these languages ("Reunión" =
# meeting, "Granada" = a Spanish city, "Guadalupe" = a saint): they produce more false hits
# than true ones in practice cards.
_AMBIGUOUS = frozenset({"Reunión", "Reunião", "Réunion", "Granada", "Guadalupe", "Man"})
# Territories named after saints, whose names are far more often towns and regions of other
# countries ("San Martín", a region of Peru; "Santa Elena", a province of Ecuador) than the
# territory itself.
_SAINT_TERRITORIES = frozenset({"MF", "BL", "SH", "PM", "SX"})
_SAINT_WORDS = frozenset({"San", "Santa", "Saint", "Sainte", "São", "Sao", "Sint", "St.", "Saint-Martin"})
_MIN_NAME = 4


def _read_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """Alternative names ("Turkey", "Ivory Coast") and demonyms ("brasileña", "rwandaise")
    from ``data/country_aliases.tsv``; forms listed for two countries are dropped."""
    table = resources.files("compendium.data").joinpath("country_aliases.tsv")
    kinds: dict[str, dict[str, set[str]]] = {"name": {}, "demonym": {}}
    with table.open(encoding="utf-8") as handle:
        rows = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(rows, delimiter="\t"):
        kinds[row["kind"]].setdefault(row["text"].strip(), set()).add(row["code"])
    unique = {
        kind: {form: next(iter(c)) for form, c in forms.items() if len(c) == 1}
        for kind, forms in kinds.items()
    }
    return unique["name"], unique["demonym"]


def _alternation(forms: dict[str, str], flags: int = 0) -> re.Pattern[str]:
    """One regex matching any of ``forms`` as whole words, the longest that fits first.

    The forms are merged into a trie ("Niger|Nigeria" -> "Niger(?:ia)?"): a flat alternation of
    thousands of names is tried name by name at every position of the text, a trie follows
    one branch per character (35x faster on card text). At each node the longer continuations
    are tried before the form that ends there, so the match is the longest form followed by a
    non-word character, as with the flat alternation sorted longest first."""
    trie: dict[str, dict] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    body = _trie_regex(trie) or "(?!)"
    return re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", flags)


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _strip_accents(text: str) -> str:
    # One output character per input character, so match offsets stay valid. Each distinct
    # character is decomposed once (str.translate), not once per occurrence.
    table = {ord(ch): _strip_char(ch) for ch in set(text) if not ch.isascii()}
    return text.translate(table) if table else text


def _strip_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    return decomposed[0] if unicodedata.combining(decomposed[-1]) else ch


class CountryFinder:
    """Finds country mentions; build once and reuse (building reads pycountry's tables)."""

    def __init__(self) -> None:
        self._pattern: re.Pattern[str] | None = None
        self._demonym_pattern: re.Pattern[str] | None = None
        self._codes: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}

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
            if code in _SAINT_TERRITORIES and name.split()[0] in _SAINT_WORDS:
                continue
            for form in {_strip_accents(name), _strip_accents(name).upper()}:
                codes.setdefault(form, code)
        names_extra, demonyms = _read_aliases()
        for name, code in names_extra.items():
            for form in {_strip_accents(name), _strip_accents(name).upper()}:
                codes.setdefault(form, code)
        self._codes = codes
        self._pattern = _alternation(codes)
        self._demonyms = {_strip_accents(form).casefold(): code for form, code in demonyms.items()}
        self._demonym_pattern = _alternation(self._demonyms, flags=re.IGNORECASE)

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
        assert self._pattern is not None and self._demonym_pattern is not None
        # A curly apostrophe ("Côte d’Ivoire") is the same name; one character for one keeps offsets.
        plain = _strip_accents(text).replace("\u2019", "'")
        found = [(match.start(), self._codes[match.group(0)]) for match in self._pattern.finditer(plain)]
        found += [
            (match.start(), self._demonyms[match.group(0).casefold()])
            for match in self._demonym_pattern.finditer(plain)
        ]
        return sorted(found)
