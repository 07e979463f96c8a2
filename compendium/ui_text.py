"""Interface strings of the web app, in English and Spanish (the switch in the header)."""

from __future__ import annotations

UI_LANGUAGES = ("en", "es")
#: How many practices the printed compendium holds (its preface: "This Collection of 54 Good
#: Practices"); fewer indexed means the user is searching a sample and must be told so.
COMPENDIUM_PRACTICES = 54

# One per language, each answered right from the collection (tests/test_answer.py keeps them
# so): a cross-lingual funding question, a figure from a table, a figure from the preface asked
# in French, and the table's total asked in Portuguese.
EXAMPLE_QUESTIONS = (
    "Who funded the family accompaniment strategy?",
    "¿Cuántas personas atendió Plan Familia hasta diciembre de 2018?",
    "Quelle part de l'emploi représente l'économie sociale ?",
    "Quantas famílias foram atendidas pelo Plano Família até dezembro de 2018?",
)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "SSTC good practices — search and cited answers",
        "subtitle": "Ask in English, Spanish, French or Portuguese: every answer quotes the ILO compendium "
        "of South-South and triangular cooperation practices for decent work in the social and solidarity "
        "economy (SSE Academy 2019).",
        "ui_language": "Interface language",
        "tab_search": "Search",
        "tab_practices": "Practices",
        "tab_handout": "Handout",
        "question": "Question",
        "placeholder": "e.g. Who funded the family accompaniment strategy?",
        "search": "Search",
        "examples": "Try",
        "filters": "Filters",
        "languages": "Passage language",
        "sections": "Sections",
        "countries": "Countries",
        "practices": "Practices",
        "results_count": "Number of results",
        "answer": "Answer",
        "add_answer": "Add the answer's quotes to the handout",
        "added_answer": "Quotes added to the handout ✓",
        "add_passage": "Add to handout",
        "added_passage": "In the handout ✓",
        "open_card": "Read the whole practice",
        "results_heading": "Passages ({count}), best first",
        "marker_label": "Source {marker}: go to passage {rank}",
        "practice_list": "All practices",
        "card": "Practice",
        "download_md": "Download Markdown",
        "download_docx": "Download Word (DOCX)",
        "clear_handout": "Clear handout",
        "empty_query": "Type a question or some keywords, in any of the four languages.",
        "not_covered": "Not covered: no practice in the collection mentions {missing}. "
        "The closest passages are below, as related reading, not as an answer.",
        "not_given": "Not covered: the closest practices give no figure {per}. "
        "Their passages are below, as related reading, not as an answer.",
        "no_clear_answer": "No passage answers this clearly; the closest passages are below.",
        "query_cut": "Your question was shortened to {limit} characters.",
        "no_results": "No passage matches. Try other words, another language, or fewer filters.",
        "handout_empty": "The handout is empty. Press “Add to handout” under a passage in the search "
        "results, or add the answer's quotes.",
        "handout_count_one": "{count} quote in the handout.",
        "handout_count_many": "{count} quotes in the handout.",
        "handout_kept": "It is kept in this browser only (never shared), and is still here after a reload.",
        "handout_full": "A handout holds at most {limit} quotes.",
        "handout_dropped_one": "{count} quote is no longer in the collection and was left out.",
        "handout_dropped_many": "{count} quotes are no longer in the collection and were left out.",
        "move_up": "↑ Up",
        "move_down": "↓ Down",
        "remove": "Remove",
        "move_up_label": "Move quote {number} up",
        "move_down_label": "Move quote {number} down",
        "remove_label": "Remove quote {number} from the handout",
        "matched_badge": "matches your search",
        "sections_present": "Sections",
        "author": "Author",
        "card_language": "Language",
        "mode_hybrid": "semantic + keyword search",
        "mode_keyword": "keyword search only",
        "indexed_one": "{practices} practice indexed",
        "indexed_many": "{practices} practices indexed",
        "incomplete_one": "Only {practices} of the compendium's {total} practices is loaded, so answers "
        "come from that one alone.",
        "incomplete_many": "Only {practices} of the compendium's {total} practices are loaded, so answers "
        "come from those alone.",
        "how_to_add": "To search the whole compendium, put its PDF (or a text file of it) into the corpus "
        "folder and restart the app: the index rebuilds on start.",
        "details": "Details",
        "detail_passages": "Passages",
        "detail_languages": "Passage languages",
        "detail_mode": "Search",
        "detail_model": "Embedding model",
        "detail_no_model": "Embedding model (not loaded)",
        "detail_why": "Why keyword search",
        "detail_keyword_why": "The semantic model is not available on this computer. Keyword search "
        "still works across the four languages through a glossary.",
        "detail_glossary": "Glossary",
        "detail_concepts": "{count} concepts in four languages",
        "detail_index": "Index folder",
        "detail_built": "Index built",
        "detail_generation": "Index generation served",
        "detail_corpus": "Corpus folder",
        "no_author": "author not given",
        "pick_practice": "Choose a practice to read it whole.",
    },
    "es": {
        "title": "Buenas prácticas de CSST — búsqueda y respuestas citadas",
        "subtitle": "Pregunte en español, inglés, francés o portugués: cada respuesta cita el compendio de "
        "la OIT de prácticas de cooperación Sur-Sur y triangular para el trabajo decente en la economía "
        "social y solidaria (Academia ESS 2019).",
        "ui_language": "Idioma de la interfaz",
        "tab_search": "Buscar",
        "tab_practices": "Prácticas",
        "tab_handout": "Material",
        "question": "Pregunta",
        "placeholder": "p. ej. ¿Quién financió la estrategia de acompañamiento familiar?",
        "search": "Buscar",
        "examples": "Pruebe",
        "filters": "Filtros",
        "languages": "Idioma del pasaje",
        "sections": "Secciones",
        "countries": "Países",
        "practices": "Prácticas",
        "results_count": "Número de resultados",
        "answer": "Respuesta",
        "add_answer": "Añadir las citas de la respuesta al material",
        "added_answer": "Citas añadidas al material ✓",
        "add_passage": "Añadir al material",
        "added_passage": "En el material ✓",
        "open_card": "Leer la práctica completa",
        "results_heading": "Pasajes ({count}), el mejor primero",
        "marker_label": "Fuente {marker}: ir al pasaje {rank}",
        "practice_list": "Todas las prácticas",
        "card": "Práctica",
        "download_md": "Descargar Markdown",
        "download_docx": "Descargar Word (DOCX)",
        "clear_handout": "Vaciar el material",
        "empty_query": "Escriba una pregunta o palabras clave, en cualquiera de los cuatro idiomas.",
        "not_covered": "No cubierto: ninguna práctica de la colección menciona {missing}. "
        "Debajo están los pasajes más cercanos, como lectura relacionada, no como respuesta.",
        "not_given": "No cubierto: las prácticas más cercanas no dan ninguna cifra {per}. "
        "Debajo están sus pasajes, como lectura relacionada, no como respuesta.",
        "no_clear_answer": "Ningún pasaje responde a esto con claridad; debajo están los más cercanos.",
        "query_cut": "Su pregunta se acortó a {limit} caracteres.",
        "no_results": "Ningún pasaje coincide. Pruebe otras palabras, otro idioma o menos filtros.",
        "handout_empty": "El material está vacío. Pulse «Añadir al material» bajo un pasaje de los "
        "resultados, o añada las citas de la respuesta.",
        "handout_count_one": "{count} cita en el material.",
        "handout_count_many": "{count} citas en el material.",
        "handout_kept": "Se guarda solo en este navegador (nunca se comparte) y sigue aquí al recargar la página.",
        "handout_full": "Un material admite como máximo {limit} citas.",
        "handout_dropped_one": "{count} cita ya no está en la colección y se ha quitado.",
        "handout_dropped_many": "{count} citas ya no están en la colección y se han quitado.",
        "move_up": "↑ Subir",
        "move_down": "↓ Bajar",
        "remove": "Quitar",
        "move_up_label": "Subir la cita {number}",
        "move_down_label": "Bajar la cita {number}",
        "remove_label": "Quitar la cita {number} del material",
        "matched_badge": "coincide con su búsqueda",
        "sections_present": "Secciones",
        "author": "Autor",
        "card_language": "Idioma",
        "mode_hybrid": "búsqueda semántica + por palabras clave",
        "mode_keyword": "búsqueda solo por palabras clave",
        "indexed_one": "{practices} práctica indexada",
        "indexed_many": "{practices} prácticas indexadas",
        "incomplete_one": "Solo está cargada {practices} de las {total} prácticas del compendio: las "
        "respuestas salen únicamente de esa.",
        "incomplete_many": "Solo están cargadas {practices} de las {total} prácticas del compendio: las "
        "respuestas salen únicamente de esas.",
        "how_to_add": "Para buscar en el compendio completo, copie su PDF (o un archivo de texto del mismo) "
        "en la carpeta del corpus y reinicie la aplicación: el índice se reconstruye al arrancar.",
        "details": "Detalles",
        "detail_passages": "Pasajes",
        "detail_languages": "Idiomas de los pasajes",
        "detail_mode": "Búsqueda",
        "detail_model": "Modelo de embeddings",
        "detail_no_model": "Modelo de embeddings (no cargado)",
        "detail_why": "Por qué solo palabras clave",
        "detail_keyword_why": "El modelo semántico no está disponible en este equipo. La búsqueda por "
        "palabras clave funciona igual en los cuatro idiomas gracias a un glosario.",
        "detail_glossary": "Glosario",
        "detail_concepts": "{count} conceptos en cuatro idiomas",
        "detail_index": "Carpeta del índice",
        "detail_built": "Índice creado",
        "detail_generation": "Generación del índice servida",
        "detail_corpus": "Carpeta del corpus",
        "no_author": "autor no indicado",
        "pick_practice": "Elija una práctica para leerla completa.",
    },
}

SECTION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "objectives": "Objectives",
        "cooperation": "Cooperation",
        "methodology": "Methodology",
        "innovation": "South-South innovation",
        "sustainability": "Sustainability",
        "adaptability": "Adaptability",
        "results": "Results",
        "contacts": "Contacts",
        "materials": "Materials",
        "funding": "Funding",
        "preface": "Preface",
        "introduction": "Introduction",
        "other": "Other",
    },
    "es": {
        "objectives": "Objetivos",
        "cooperation": "Cooperación",
        "methodology": "Metodología",
        "innovation": "Innovación Sur-Sur",
        "sustainability": "Sostenibilidad",
        "adaptability": "Adaptabilidad",
        "results": "Resultados",
        "contacts": "Contactos",
        "materials": "Materiales",
        "funding": "Fondos",
        "preface": "Prefacio",
        "introduction": "Introducción",
        "other": "Otro",
    },
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"es": "Spanish", "en": "English", "fr": "French", "pt": "Portuguese"},
    "es": {"es": "español", "en": "inglés", "fr": "francés", "pt": "portugués"},
}


def plural(ui: str, key: str, number: int, /, **values: object) -> str:
    """``key_one`` or ``key_many`` by ``number`` (both languages here plural the same way)."""
    return text(ui, f"{key}_{'one' if number == 1 else 'many'}", **values)


def text(ui: str, key: str, **values: object) -> str:
    """Interface string ``key`` in language ``ui`` (English when unknown)."""
    table = TEXT.get(ui, TEXT["en"])
    return table[key].format(**values) if values else table[key]
