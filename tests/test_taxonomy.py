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


#: Every label form the product promises to read, written out here rather than read from the
#: table: removing a form from ``sections.tsv`` must fail this test, not silently drop a case.
PROMISED_LABELS = [
    ("objectives", "Objetivo(s)"),
    ("objectives", "Objective(s)"),
    ("objectives", "Objectif(s)"),
    ("objectives", "Objetivo(s)"),
    ("cooperation", "Cooperación entre instituciones y países para lograr los objetivos"),
    ("cooperation", "Cooperación entre instituciones y países"),
    ("cooperation", "Cooperation between institutions and countries to achieve the objectives"),
    ("cooperation", "Cooperation between institutions and countries to achieve objectives"),
    ("cooperation", "Cooperation between institutions and countries"),
    ("cooperation", "Coopération entre institutions et pays pour atteindre les objectifs"),
    ("cooperation", "Coopération entre les institutions et les pays pour atteindre les objectifs"),
    ("cooperation", "Coopération entre institutions et pays"),
    ("cooperation", "Cooperação entre instituições e países para alcançar os objetivos"),
    ("cooperation", "Cooperação entre instituições e países para atingir os objetivos"),
    ("cooperation", "Cooperação entre instituições e países"),
    ("methodology", "Eficacia del enfoque metodológico"),
    ("methodology", "Eficacia del método"),
    ("methodology", "Effectiveness of the methodological approach"),
    ("methodology", "Effectiveness of the method"),
    ("methodology", "Efficacité de l'approche méthodologique"),
    ("methodology", "Efficacité de la méthode"),
    ("methodology", "Eficácia da abordagem metodológica"),
    ("methodology", "Eficácia do método"),
    ("innovation", "Innovación de la práctica Sur-Sur"),
    ("innovation", "Innovación Sur-Sur"),
    ("innovation", "Innovation of the South-South practice"),
    ("innovation", "South-South innovation"),
    ("innovation", "Innovation de la pratique Sud-Sud"),
    ("innovation", "Innovation Sud-Sud"),
    ("innovation", "Inovação da prática Sul-Sul"),
    ("innovation", "Inovação Sul-Sul"),
    ("sustainability", "Elementos que hacen la buena práctica sostenible"),
    ("sustainability", "Sostenibilidad"),
    ("sustainability", "Elements that make the good practice sustainable"),
    ("sustainability", "Sustainability"),
    ("sustainability", "Éléments qui rendent la bonne pratique durable"),
    ("sustainability", "Durabilité"),
    ("sustainability", "Elementos que tornam a boa prática sustentável"),
    ("sustainability", "Sustentabilidade"),
    ("adaptability", "Capacidad de adaptación"),
    ("adaptability", "Adaptabilidad"),
    ("adaptability", "Adaptability"),
    ("adaptability", "Capacity for adaptation"),
    ("adaptability", "Capacity to adapt"),
    ("adaptability", "Capacité d'adaptation"),
    ("adaptability", "Adaptabilité"),
    ("adaptability", "Capacidade de adaptação"),
    ("adaptability", "Adaptabilidade"),
    ("results", "Resultados"),
    ("results", "Results"),
    ("results", "Résultats"),
    ("results", "Resultados"),
    ("contacts", "Contactos"),
    ("contacts", "Contacto"),
    ("contacts", "Contacts"),
    ("contacts", "Contact"),
    ("contacts", "Contacts"),
    ("contacts", "Contact"),
    ("contacts", "Contatos"),
    ("contacts", "Contactos"),
    ("contacts", "Contato"),
    ("materials", "Materiales y fotos"),
    ("materials", "Materiales y fotografías"),
    ("materials", "Materiales"),
    ("materials", "Materials and photos"),
    ("materials", "Materials and photographs"),
    ("materials", "Materials"),
    ("materials", "Matériels et photos"),
    ("materials", "Matériaux et photos"),
    ("materials", "Matériel et photos"),
    ("materials", "Matériels et photographies"),
    ("materials", "Materiais e fotos"),
    ("materials", "Materiais e fotografias"),
    ("materials", "Materiais"),
    ("funding", "Fondos"),
    ("funding", "Financiamiento"),
    ("funding", "Financiación"),
    ("funding", "Funds"),
    ("funding", "Funding"),
    ("funding", "Fonds"),
    ("funding", "Financement"),
    ("funding", "Fundos"),
    ("funding", "Financiamento"),
    ("preface", "Prefacio"),
    ("preface", "Preface"),
    ("preface", "Préface"),
    ("preface", "Prefácio"),
    ("introduction", "Introducción"),
    ("introduction", "Introduction"),
    ("introduction", "Introduction"),
    ("introduction", "Introdução"),
]


@pytest.mark.parametrize(("key", "label"), PROMISED_LABELS)
def test_every_promised_label_form_is_in_the_table_and_read(key, label):
    assert label in TAXONOMY.labels_for(key)
    assert TAXONOMY.key_for(label) == key
