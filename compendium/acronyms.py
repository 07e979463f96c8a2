"""Acronyms a card spells out ("Bono de Desarrollo Humano (BDH)", "Técnicos de Acompañamiento
Familiar – TAF", "CamSEN, the Cambodian Social Economy Network"), so that a quote using the
bare acronym can show what it stands for beside it. Quotes themselves stay verbatim.

A spelling-out is accepted only when the initials of the long form's words (function words
skipped, plural endings allowed) spell the acronym: "Ministerio de Inclusión Económica y Social
MIES" qualifies, "el MIES" alone does not.
"""

from __future__ import annotations

import re

from compendium.textnorm import fold

_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Za-z]{0,2}[A-Z]{1,6}s?)(?![\w-])")
_WORD = re.compile(r"[\wÀ-ÿ'’-]+")
_SKIP = frozenset(
    """de del la las el los y e en para por a al con of the and for in on to des du le les et pour
    da do das dos em no na para""".split()
)
_WINDOW = 9


def spelled_out(text: str) -> dict[str, str]:
    """Acronym -> its long form, for every acronym ``text`` spells out (the first one wins)."""
    found: dict[str, str] = {}
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        if acronym in found:
            continue
        before = _WORD.findall(text[max(0, match.start() - 160) : match.start()])[-_WINDOW:]
        after = _WORD.findall(re.sub(r"^[\s,:(–—-]+", "", text[match.end() : match.end() + 160]))[:_WINDOW]
        long_form = _long_form_before(acronym, before) or _long_form_after(acronym, after)
        if long_form:
            found[acronym] = long_form
    return found


def _letters(acronym: str) -> str:
    letters = acronym[:-1] if acronym.endswith("s") and len(acronym) > 2 else acronym
    # "CamSEN": the small letters finish the first word's syllable; the capitals are initials.
    if any(ch.islower() for ch in letters):
        letters = "".join(ch for ch in letters if ch.isupper())
    return fold(letters)


def _initials(words: list[str]) -> str:
    return "".join(fold(word)[0] for word in words if fold(word) not in _SKIP)


def _long_form_before(acronym: str, words: list[str]) -> str | None:
    target = _letters(acronym)
    for start in range(len(words)):
        candidate = words[start:]
        if candidate and fold(candidate[0]) not in _SKIP and _initials(candidate) == target:
            return " ".join(candidate)
    return None


def _long_form_after(acronym: str, words: list[str]) -> str | None:
    target = _letters(acronym)
    while words and fold(words[0]) in _SKIP:
        words = words[1:]
    for end in range(len(words), 0, -1):
        candidate = words[:end]
        if fold(candidate[-1]) not in _SKIP and _initials(candidate) == target and len(candidate) > 1:
            return " ".join(candidate)
    return None


def expansions_in(quote: str, known: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The acronyms of ``quote`` that ``known`` spells out and the quote itself does not."""
    pairs = []
    for match in _ACRONYM.finditer(quote):
        acronym = match.group(1)
        long_form = known.get(acronym)
        if long_form and fold(long_form) not in fold(quote) and (acronym, long_form) not in pairs:
            pairs.append((acronym, long_form))
    return tuple(pairs)
