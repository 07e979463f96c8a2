"""Small text normalisation helpers shared by parsing, matching and analysis.

Every comparison that must ignore case and accents goes through :func:`fold`, so that the
label matcher, the country finder and the search analyzer agree on what "the same word" is.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RUN = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Casefold and strip accents: ``"Acompañamiento"`` -> ``"acompanamiento"``."""
    if text.isascii():  # nothing to decompose: casefolding is all (and C-fast)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    marks = {ord(ch): None for ch in set(decomposed) if unicodedata.combining(ch)}
    return decomposed.translate(marks) if marks else decomposed


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and return, for every folded character, its offset in ``text``.

    Folding can change lengths (``"ß"`` -> ``"ss"``, a combining accent disappears), so a
    match found in the folded string is mapped back to the original through these offsets.
    """
    if text.isascii():
        return text.casefold(), list(range(len(text)))
    pieces = {ch: fold(ch) for ch in set(text)}  # each distinct character folded once
    folded: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        piece = pieces[ch]
        folded.append(piece)
        offsets.extend([index] * len(piece))
    return "".join(folded), offsets


def collapse_spaces(text: str) -> str:
    """Join the runs of spaces that justified PDF text leaves between words."""
    return _SPACE_RUN.sub(" ", text).strip()


def one_line(text: str) -> str:
    """All whitespace, line breaks included, folded to single spaces (for labels and titles)."""
    return " ".join(text.split())


def nfc(text: str) -> str:
    """Compose characters (``"a" + combining acute`` -> ``"á"``) so equal text compares equal."""
    return unicodedata.normalize("NFC", text)


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug for ids: ``"Generación de la Estrategia"`` -> ``"generacion-de-la-estrategia"``.

    Long slugs are cut at a word boundary so ids stay readable.
    """
    slug = _SLUG_JUNK.sub("-", fold(text)).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
