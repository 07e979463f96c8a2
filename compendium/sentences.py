"""Sentence boundaries, shared by the chunker (windows end on a sentence) and the answer
builder (quotes are whole sentences)."""

from __future__ import annotations

import re

# After ., !, ? or … (and any closing quote or bracket), then space, then what opens a
# sentence. Line breaks always end a sentence: the cleaner keeps them only between
# paragraphs, list items and table rows.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”»')\]]*\s+(?=[\"“«(¿¡]?[A-ZÁÉÍÓÚÑÜÇÀÂÊÔÃÕ0-9•])|\n+")
# Enough of a sentence's end to hold its closing quotes and its last word.
_TAIL = 256
# Words that end with a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    """sr sra srta dr dra lic ing etc ej p pp no nº núm num art vol cap fig av avda mr mrs ms
    prof st vs cf e.g i.e approx dept inc ltd co ee uu""".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence in ``text``, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        if "\n" not in boundary.group(0) and _ends_with_abbreviation(text, start, boundary.start()):
            continue
        _append(spans, text, start, boundary.end())
        start = boundary.end()
    _append(spans, text, start, len(text))
    return spans


def _ends_with_abbreviation(text: str, start: int, end: int) -> bool:
    """Whether the candidate sentence ``text[start:end]`` ends with an abbreviation.

    Only its end is read: after a run of skipped abbreviations ("p. A p. A …") the candidate
    is all the text so far, and reading (or slicing) it whole each time is quadratic."""
    tail = text[max(start, end - _TAIL) : end]
    stripped = tail.rstrip("\"”»')] ")
    if not stripped.endswith("."):
        return False
    last = stripped[:-1].rsplit(None, 1)[-1] if stripped[:-1].strip() else ""
    word = last.lower().lstrip('("“«')
    # "1." / "a." at the start of a list item, initials ("C. Scott"), abbreviations.
    return (
        word in _ABBREVIATIONS
        or (len(word) == 1 and word.isalpha())
        # The whole candidate is that one word (its tail then holds it all).
        or (word.isdigit() and len(word) <= 2 and end - start == len(tail) and len(stripped.split()) == 1)
    )


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    if right > left:
        spans.append((start + left, start + right))


# A quote needs this many words, unless it carries a figure ("Total general 74.004").
_MIN_QUOTE_WORDS = 3
_DIGIT = re.compile(r"\d")


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` an answer may quote: long enough to say something, or
    holding a figure."""
    return [
        (start, end)
        for start, end in sentence_spans(text)
        if len(text[start:end].split()) >= _MIN_QUOTE_WORDS or _DIGIT.search(text[start:end])
    ]
