"""Interface strings of the web app, in English and Spanish (the switch in the header)."""

from __future__ import annotations

UI_LANGUAGES = ("en", "es")

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
        "subtitle": "ILO compendium of South-South and triangular cooperation practices for decent work "
        "in the social and solidarity economy (SSE Academy 2019). Ask in English, Spanish, French or Portuguese.",
        "ui_language": "Interface language",
        "tab_search": "Search",
        "tab_practices": "Practices",
        "tab_handout": "Handout",
        "question": "Question",
        "placeholder": "e.g. Who funded the family accompaniment strategy?",
        "search": "Search",
        "examples": "Examples",
        "filters": "Filters",
        "languages": "Passage language",
        "sections": "Sections",
        "countries": "Countries",
        "practices": "Practices",
        "results_count": "Number of results",
        "answer": "Answer",
        "results": "Passages, by practice",
        "select_excerpts": "Select passages for the handout",
        "add_selected": "Add selected passages to handout",
        "add_answer": "Add the answer's quotes to handout",
        "open_practice": "Open a practice",
        "open": "Open",
        "practice_list": "All practices",
        "card": "Practice",
        "handout_preview": "Handout",
        "download_md": "Download Markdown",
        "download_docx": "Download Word (DOCX)",
        "clear_handout": "Clear handout",
        "empty_query": "Type a question or some keywords, in any of the four languages.",
        "not_covered": "Not covered: no practice in the collection mentions {missing}. "
        "The closest passages are below, as related reading, not as an answer.",
        "no_clear_answer": "No passage answers this clearly; the closest passages are below.",
        "query_cut": "Your question was shortened to {limit} characters.",
        "no_results": "No passage matches. Try other words, another language, or fewer filters.",
        "handout_empty": "The handout is empty. Select passages in the search results and add them.",
        "handout_added": "{count} passage(s) in the handout.",
        "matched": "matched",
        "sections_present": "Sections",
        "mode_hybrid": "Semantic + keyword search.",
        "mode_keyword": "Keyword search only: the semantic model is not available on this computer.",
        "indexed": "Indexed: {practices} practice(s), {chunks} passages; languages: {languages}.",
        "no_author": "author not given",
        "quote_lang": "language",
        "sources": "Sources",
        "pick_practice": "Choose a practice to read it whole.",
    },
    "es": {
        "title": "Buenas prácticas de CSST — búsqueda y respuestas citadas",
        "subtitle": "Compendio de la OIT de prácticas de cooperación Sur-Sur y triangular para el trabajo decente "
        "en la economía social y solidaria (Academia ESS 2019). Pregunte en español, inglés, francés o portugués.",
        "ui_language": "Idioma de la interfaz",
        "tab_search": "Buscar",
        "tab_practices": "Prácticas",
        "tab_handout": "Material",
        "question": "Pregunta",
        "placeholder": "p. ej. ¿Quién financió la estrategia de acompañamiento familiar?",
        "search": "Buscar",
        "examples": "Ejemplos",
        "filters": "Filtros",
        "languages": "Idioma del pasaje",
        "sections": "Secciones",
        "countries": "Países",
        "practices": "Prácticas",
        "results_count": "Número de resultados",
        "answer": "Respuesta",
        "results": "Pasajes, por práctica",
        "select_excerpts": "Seleccione pasajes para el material",
        "add_selected": "Añadir los pasajes seleccionados al material",
        "add_answer": "Añadir las citas de la respuesta al material",
        "open_practice": "Abrir una práctica",
        "open": "Abrir",
        "practice_list": "Todas las prácticas",
        "card": "Práctica",
        "handout_preview": "Material para el curso",
        "download_md": "Descargar Markdown",
        "download_docx": "Descargar Word (DOCX)",
        "clear_handout": "Vaciar el material",
        "empty_query": "Escriba una pregunta o palabras clave, en cualquiera de los cuatro idiomas.",
        "not_covered": "No cubierto: ninguna práctica de la colección menciona {missing}. "
        "Debajo están los pasajes más cercanos, como lectura relacionada, no como respuesta.",
        "no_clear_answer": "Ningún pasaje responde a esto con claridad; debajo están los más cercanos.",
        "query_cut": "Su pregunta se acortó a {limit} caracteres.",
        "no_results": "Ningún pasaje coincide. Pruebe otras palabras, otro idioma o menos filtros.",
        "handout_empty": "El material está vacío. Seleccione pasajes en los resultados y añádalos.",
        "handout_added": "{count} pasaje(s) en el material.",
        "matched": "coincide",
        "sections_present": "Secciones",
        "mode_hybrid": "Búsqueda semántica + por palabras clave.",
        "mode_keyword": "Búsqueda solo por palabras clave: el modelo semántico no está disponible en este equipo.",
        "indexed": "Indexado: {practices} práctica(s), {chunks} pasajes; idiomas: {languages}.",
        "no_author": "autor no indicado",
        "quote_lang": "idioma",
        "sources": "Fuentes",
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


def text(ui: str, key: str, **values: object) -> str:
    """Interface string ``key`` in language ``ui`` (English when unknown)."""
    table = TEXT.get(ui, TEXT["en"])
    return table[key].format(**values) if values else table[key]
