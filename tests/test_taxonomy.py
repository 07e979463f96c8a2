"""Every printed label, in all four languages and in the forms PDF extraction produces,
maps to its canonical key."""

from __future__ import annotations

import pytest

from compendium.taxonomy import CARD_KEYS, FRONT_MATTER_KEYS, LANGUAGES, load_taxonomy
from compendium.textnorm import fold

TAXONOMY = load_taxonomy()
LABELS = [(label.key, label.lang, label.text) for label in TAXONOMY.labels]


def variants(label: str) -> list[str]:
    words = label.split()
    middle = max(1, len(words) // 2)
    return [
        label,
        label.upper(),
        label.lower(),
        fold(label),  # accents lost
        "  ".join(words),  # justified spacing
        " ".join(words[:middle]) + "\n" + " ".join(words[middle:]),  # wrapped over two lines
        "\n".join(words),  # one word a line
        label.replace("(s)", " (s)"),
        label.replace("(s)", "s"),
    ]


def test_every_key_has_a_label_in_every_language():
    for key in CARD_KEYS + FRONT_MATTER_KEYS:
        for lang in LANGUAGES:
            assert TAXONOMY.labels_for(key, lang), (key, lang)


@pytest.mark.parametrize(
    ("key", "lang", "label"), LABELS, ids=[f"{k}-{lang}-{i}" for i, (k, lang, _) in enumerate(LABELS)]
)
def test_label_variants_map_to_their_key(key, lang, label):
    for variant in variants(label):
        assert TAXONOMY.key_for(variant) == key, variant
        match = TAXONOMY.match_prefix(variant + "\nSome content follows.")
        assert match is not None and match.key == key, variant


@pytest.mark.parametrize(("key", "lang", "label"), LABELS[:20])
def test_label_followed_by_text_on_the_same_line(key, lang, label):
    match = TAXONOMY.match_prefix(f"{label}  El texto empieza aquí")
    assert match is not None and match.key == key
    assert f"{label}  El texto empieza aquí"[match.end :].strip() == "El texto empieza aquí"


def test_label_word_followed_by_lowercase_prose_is_not_a_label():
    assert TAXONOMY.match_prefix("Resultados esperados del programa") is None
    assert TAXONOMY.match_prefix("Objetivo general") is None
    assert TAXONOMY.key_for("Objetivo general") is None


def test_instructions_are_found_across_line_breaks_and_spacing():
    text = "Explicar  los  resultados  principales  de  la  buena  práctica  Sur-Sur  y\ntriangular.\n1. Uno"
    found = TAXONOMY.find_instructions(text)
    assert len(found) == 1
    start, end, _printed = found[0]
    assert text[:start] + text[end:] == "\n1. Uno"
