"""HTML for the web app: answers, results grouped by practice, the card viewer, status lines.

Every piece of corpus or query text passes through :func:`escape` before it reaches HTML, so a
card or a question containing ``<script>`` shows as text. These are pure functions of records,
testable without a browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from compendium.analyzer import Analyzer
from compendium.records import Card, Chunk, Document, Section, country_name
from compendium.ui_text import COMPENDIUM_PRACTICES, LANGUAGE_NAMES, SECTION_NAMES, plural, text

if TYPE_CHECKING:
    from compendium.answer import Answer
    from compendium.handout import HandoutItem
    from compendium.search import Hit

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
# Characters that mean something to HTML or to client-side templates ("${…}").
_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})


def escape(value: object) -> str:
    """Text as inert HTML: markup, quotes and template characters are all escaped."""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_CHARS)


def paragraphs(value: str) -> str:
    """Escaped text with its line breaks kept."""
    return "<br>".join(escape(line) for line in value.split("\n"))


def highlight(value: str, lang: str, stems: set[str], analyzer: Analyzer) -> str:
    """Escaped text with the words whose stem is in ``stems`` wrapped in ``<mark>``."""
    pieces: list[str] = []
    position = 0
    for match in _WORD.finditer(value):
        token = analyzer.tokens(match.group(0))
        if token and analyzer.stem(token[0], lang if lang in analyzer.languages else "es") in stems:
            pieces.append(paragraphs(value[position : match.start()]))
            pieces.append(f"<mark>{escape(match.group(0))}</mark>")
            position = match.end()
    pieces.append(paragraphs(value[position:]))
    return "".join(pieces)


def query_stems(query: str, analyzer: Analyzer, extra: Iterable[str] = ()) -> set[str]:
    """All stems a query can match, in any language (for highlighting)."""
    stems = {variant for term in analyzer.query_terms(query) for variant in term.variants}
    return stems | set(extra)


def places(codes: Sequence[str]) -> str:
    return ", ".join(country_name(code) for code in codes)


def render_status(status: dict, ui: str, corpus: str | None = None) -> str:
    """One short line for users in the interface language ("1 practice indexed · semantic +
    keyword search"), a plain note when the collection is only part of the compendium, and
    the technical details (model, index, why a mode) behind a disclosure."""
    count = status["practices"]
    mode = text(ui, "mode_hybrid" if status["mode"] == "hybrid" else "mode_keyword")
    line = f"{plural(ui, 'indexed', count, practices=count)} · {mode}"
    note = ""
    if count < COMPENDIUM_PRACTICES:
        missing = plural(ui, "incomplete", count, practices=count, total=COMPENDIUM_PRACTICES)
        note = f'<p class="incomplete" id="collection-note">{escape(missing)} {escape(text(ui, "how_to_add"))}</p>'
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in _details(status, ui, corpus)
    )
    return (
        f'<div class="status" id="status-line"><p class="status-summary">{escape(line)}</p>{note}'
        f'<details class="status-details"><summary>{escape(text(ui, "details"))}</summary><dl>{rows}</dl></details></div>'
    )


def _details(status: dict, ui: str, corpus: str | None) -> list[tuple[str, str]]:
    languages = ", ".join(LANGUAGE_NAMES[ui].get(code, code) for code in status["languages"])
    hybrid = status["mode"] == "hybrid"
    rows = [
        (text(ui, "detail_passages"), str(status["chunks"])),
        (text(ui, "detail_languages"), languages),
        (text(ui, "detail_mode"), text(ui, "mode_hybrid" if hybrid else "mode_keyword")),
        (text(ui, "detail_model" if hybrid else "detail_no_model"), str(status.get("model") or "")),
    ]
    if not hybrid:
        # The notice names the model, the error and the flags that fix it: for whoever runs the app.
        why = " ".join(part for part in (text(ui, "detail_keyword_why"), status.get("notice") or "") if part)
        rows.append((text(ui, "detail_why"), why))
    if status.get("glossary_concepts"):
        rows.append(
            (text(ui, "detail_glossary"), text(ui, "detail_concepts", count=status["glossary_concepts"]))
        )
    rows.append((text(ui, "detail_index"), str(status.get("index", ""))))
    if status.get("generation"):
        rows.append((text(ui, "detail_generation"), str(status["generation"])))
    if status.get("built"):
        rows.append((text(ui, "detail_built"), str(status["built"])))
    if corpus:
        rows.append((text(ui, "detail_corpus"), corpus))
    return rows


def render_message(message: str, kind: str = "info") -> str:
    return f'<div class="message {escape(kind)}">{escape(message)}</div>'


def passage_id(rank: int) -> str:
    """The HTML id of the passage ranked ``rank`` in the results (what a marker [n] links to)."""
    return f"passage-{rank}"


def passage_targets(hits: Sequence[Hit], windows: Callable[[Chunk], Sequence[Chunk]]) -> dict[str, int]:
    """Chunk id -> rank of the shown passage that holds it. A quote may come from a sibling
    window of a hit's section (``windows``: the searcher's ``section_windows``), and the results
    show one window per section, so every window of the section points at that hit."""
    targets: dict[str, int] = {}
    for hit in hits:
        for chunk in windows(hit.chunk):
            targets.setdefault(chunk.chunk_id, hit.rank)
        targets[hit.chunk.chunk_id] = hit.rank
    return targets


def _marker(marker: int, rank: int | None, ui: str) -> str:
    if rank is None:  # a quote no shown passage holds: a plain marker, never a dead link
        return f'<span class="marker">[{marker}]</span>'
    label = text(ui, "marker_label", marker=marker, rank=rank)
    return (
        f'<a class="marker" href="#{passage_id(rank)}" data-passage="{passage_id(rank)}" '
        f'aria-label="{escape(label)}">[{marker}]</a>'
    )


def render_answer(answer: Answer, ui: str, targets: Mapping[str, int] | None = None) -> str:
    """The answer paragraph with [n] markers linking to the passages they quote (``targets``:
    chunk id -> rank, see :func:`passage_targets`), then the numbered citations and a button
    that adds the quotes to the handout."""
    targets = targets or {}
    if answer.missing:
        message = text(ui, "not_covered", missing=", ".join(answer.missing))
        return f'<div class="answer weak not-covered" id="answer">{escape(message)}</div>'
    if answer.unstated:
        message = text(ui, "not_given", per=answer.unstated.get(ui, answer.unstated.get("en", "")))
        return f'<div class="answer weak not-covered" id="answer">{escape(message)}</div>'
    if not answer.clear:
        return f'<div class="answer weak" id="answer">{escape(text(ui, "no_clear_answer"))}</div>'
    names = LANGUAGE_NAMES[ui]
    quotes = " ".join(
        f"{_lead(q.lead, q.lang)}"
        f'<span class="quote" lang="{escape(q.lang)}">{escape(q.text)}</span> '
        f"{_marker(q.marker, targets.get(q.chunk_id), ui)} "
        f'<span class="lang-tag">{escape(names.get(q.lang, q.lang))}</span>'
        f"{_expansions(q.expansions)}"
        for q in answer.quotes
    )
    citations = "".join(
        f'<li id="citation-{c.marker}">{_marker(c.marker, targets.get(c.chunk_id), ui)} {escape(c.text)}'
        f' <span class="lang-tag">({escape(names.get(c.lang, c.lang))})</span></li>'
        for c in answer.citations
    )
    add = _action("add-answer", "", text(ui, "add_answer"), text(ui, "added_answer"))
    return (
        f'<div class="answer" id="answer"><h2 class="answer-heading">{escape(text(ui, "answer"))}</h2>'
        f'<p>{quotes}</p><ol class="citations">{citations}</ol><div class="actions">{add}</div></div>'
    )


def _action(
    action: str,
    target: str,
    label: str,
    done: str = "",
    *,
    described: str = "",
    aria_label: str = "",
    disabled: bool = False,
) -> str:
    """A button the page's script turns into an event (``data-action``/``data-target``);
    ``done`` is what it says once pressed."""
    extra = f' data-done="{escape(done)}"' if done else ""
    if described:
        extra += f' aria-describedby="{escape(described)}"'
    if aria_label:
        extra += f' aria-label="{escape(aria_label)}"'
    if disabled:
        extra += " disabled"
    return (
        f'<button type="button" class="action" data-action="{escape(action)}" '
        f'data-target="{escape(target)}"{extra}>{escape(label)}</button>'
    )


def _lead(lead: str, lang: str) -> str:
    """A table row's caption or a list item's lead-in, quoted too, set apart by an ellipsis."""
    if not lead:
        return ""
    return f'<span class="quote-lead" lang="{escape(lang)}">{escape(" ".join(lead.split()))}</span> … '


def _expansions(pairs: Sequence[tuple[str, str]]) -> str:
    """Acronyms of a quote spelled out beside it: "(MIES: Ministerio de Inclusión…)"."""
    if not pairs:
        return ""
    inner = "; ".join(f"{escape(acronym)}: {escape(long_form)}" for acronym, long_form in pairs)
    return f' <span class="expansion">({inner})</span>'


def section_heading(key: str, label: str, ui: str, lang: str) -> str:
    """A section's name in the interface language, with the card's own label beside it when
    that says something else ("Objectives “Objetivo (s)”")."""
    name = SECTION_NAMES[ui].get(key, label)
    own = ""
    if _plain(label) != _plain(name):
        own = f' <span class="section-original" lang="{escape(lang)}">“{escape(label)}”</span>'
    return f'<span class="section-name">{escape(name)}</span>{own}'


def _plain(label: str) -> str:
    return " ".join(_WORD.findall(label.casefold()))


def render_examples(questions: Sequence[str], ui: str) -> str:
    """Example questions as buttons; pressing one asks it."""
    buttons = "".join(_action("example", str(number), question) for number, question in enumerate(questions))
    return (
        f'<div class="examples" role="group" aria-labelledby="examples-label">'
        f'<span id="examples-label" class="examples-label">{escape(text(ui, "examples"))}:</span> {buttons}</div>'
    )


def render_results(
    hits: Sequence[Hit], query: str, analyzer: Analyzer, ui: str, extra_stems: Iterable[str] = ()
) -> str:
    """Passages in rank order, 1, 2, 3…; consecutive passages of one practice share its
    heading. Each passage has its section in the interface language and buttons to add it to
    the handout or read the whole practice."""
    if not hits:
        return render_message(text(ui, "no_results"))
    stems = query_stems(query, analyzer, extra_stems)
    runs: list[list[Hit]] = []
    for hit in hits:
        if runs and runs[-1][0].chunk.doc_id == hit.chunk.doc_id:
            runs[-1].append(hit)
        else:
            runs.append([hit])
    heading = escape(text(ui, "results_heading", count=len(hits)))
    blocks = "".join(_practice_run(run, stems, analyzer, ui) for run in runs)
    # data-query says which question these passages answer (tests wait on it).
    return (
        f'<div class="results" id="results" data-query="{escape(query)}">'
        f'<h2 class="results-heading">{heading}</h2>{blocks}</div>'
    )


def _practice_run(run: Sequence[Hit], stems: set[str], analyzer: Analyzer, ui: str) -> str:
    first = run[0].chunk
    meta = [] if first.kind == "front-matter" else [escape(first.author or text(ui, "no_author"))]
    if first.countries:
        meta.append(escape(places(first.countries)))
    title_id = f"practice-of-{run[0].rank}"
    open_card = _action("open", first.doc_id, text(ui, "open_card"), described=title_id)
    excerpts = "".join(_excerpt(hit, stems, analyzer, ui, title_id) for hit in run)
    return (
        f'<section class="practice" data-doc="{escape(first.doc_id)}" aria-labelledby="{title_id}">'
        f'<div class="practice-head"><h3 id="{title_id}">{escape(first.short_title)}</h3>'
        f'<div class="practice-meta">{" · ".join(meta)}</div>{open_card}</div>{excerpts}</section>'
    )


def _excerpt(hit: Hit, stems: set[str], analyzer: Analyzer, ui: str, title_id: str) -> str:
    chunk = hit.chunk
    language = LANGUAGE_NAMES[ui].get(chunk.lang, chunk.lang)
    add = _action("add", chunk.chunk_id, text(ui, "add_passage"), text(ui, "added_passage"))
    return (
        f'<article class="excerpt" id="{passage_id(hit.rank)}" tabindex="-1" data-chunk="{escape(chunk.chunk_id)}">'
        f'<div class="excerpt-head"><span class="rank">{hit.rank}.</span> '
        f"{section_heading(chunk.section, chunk.section_label, ui, chunk.lang)} "
        f'<span class="lang-tag">{escape(language)}</span></div>'
        f'<div class="excerpt-text" lang="{escape(chunk.lang)}">{highlight(chunk.text, chunk.lang, stems, analyzer)}</div>'
        f'<div class="citation">{escape(chunk.citation)}</div><div class="actions">{add}</div></article>'
    )


def render_card(document: Document, doc_id: str, ui: str, matched: Iterable[str] = ()) -> str:
    """One practice (or the front matter) whole, sections in order; the sections the last
    search matched are marked, in words as well as colour, at the size of the others."""
    matched = set(matched)
    card = next((c for c in document.cards if c.card_id == doc_id), None)
    if card is not None:
        head = (
            f'<h2 lang="{escape(card.language)}">{escape(card.title)}</h2>'
            f'<div class="practice-meta">{escape(card.author or text(ui, "no_author"))}'
            f"{' · ' + escape(places(card.countries)) if card.countries else ''}"
            f" · {escape(LANGUAGE_NAMES[ui].get(card.language, card.language))}"
            f"{' · ' + escape(card.part) if card.part else ''}</div>"
        )
        sections: Sequence[Section] = card.sections
    else:
        head = (
            f"<h2>{escape(SECTION_NAMES[ui]['preface'])} / {escape(SECTION_NAMES[ui]['introduction'])}</h2>"
        )
        sections = document.front_matter
    body = "".join(_card_section(section, section.key in matched, ui) for section in sections)
    return f'<article class="card" id="card-view" data-doc="{escape(doc_id)}">{head}{body}</article>'


def _card_section(section: Section, matched: bool, ui: str) -> str:
    # "is-match", not "matched": a class of that name elsewhere once shrank these sections.
    badge = f' <span class="match-badge">{escape(text(ui, "matched_badge"))}</span>' if matched else ""
    page = f" — p. {escape(section.page)}" if section.page is not None else ""
    return (
        f'<section class="card-section{" is-match" if matched else ""}" data-section="{escape(section.key)}">'
        f"<h3>{section_heading(section.key, section.label, ui, section.language)}{page}{badge}</h3>"
        f'<div class="section-text" lang="{escape(section.language)}">{paragraphs(section.text)}</div></section>'
    )


def render_practice_list(documents: Sequence[Document], ui: str) -> str:
    """A table of every practice: title, author, countries, language, sections present."""
    names = SECTION_NAMES[ui]
    labels = (
        text(ui, "card"),
        text(ui, "author"),
        text(ui, "countries"),
        text(ui, "card_language"),
        text(ui, "sections_present"),
    )
    rows = [_practice_row(card, names, ui, labels) for document in documents for card in document.cards]
    header = "".join(f"<th>{escape(label)}</th>" for label in labels)
    return f'<table class="practice-list" id="practice-list"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _practice_row(card: Card, names: dict[str, str], ui: str, labels: Sequence[str]) -> str:
    sections = ", ".join(names.get(section.key, section.key) for section in card.sections)
    cells = (
        card.author or "",
        places(card.countries),
        LANGUAGE_NAMES[ui].get(card.language, card.language),
        sections,
    )
    # The title is a button, so a row opens its card; data-label names each cell where a
    # phone shows the rows as blocks, without the header.
    title = _action("open", card.card_id, card.short_title)
    return (
        f'<tr><td data-label="{escape(labels[0])}" lang="{escape(card.language)}">{title}</td>'
        + "".join(
            f'<td data-label="{escape(label)}">{escape(value)}</td>'
            for label, value in zip(labels[1:], cells, strict=True)
        )
        + "</tr>"
    )


def render_handout(
    items: Sequence[HandoutItem], ui: str, *, dropped: int = 0, full_at: int | None = None
) -> str:
    """The handout as it will print: each quote with its citation and buttons to move it up
    or down or remove it; a note when some stored quotes no longer resolve (``dropped``) or
    the handout is full (``full_at`` items)."""
    notes = []
    if dropped:
        notes.append(render_message(plural(ui, "handout_dropped", dropped, count=dropped), "warning"))
    if not items:
        return "".join(notes) + render_message(text(ui, "handout_empty"))
    count = f"{plural(ui, 'handout_count', len(items), count=len(items))} {text(ui, 'handout_kept')}"
    notes.append(render_message(count))
    if full_at is not None and len(items) >= full_at:
        notes.append(render_message(text(ui, "handout_full", limit=full_at), "warning"))
    entries = "".join(_handout_entry(item, number, len(items), ui) for number, item in enumerate(items))
    return f'{"".join(notes)}<ol class="handout" id="handout-list">{entries}</ol>'


def _handout_entry(item: HandoutItem, index: int, total: int, ui: str) -> str:
    number = index + 1
    buttons = (
        _action(
            "up",
            str(index),
            text(ui, "move_up"),
            aria_label=text(ui, "move_up_label", number=number),
            disabled=index == 0,
        ),
        _action(
            "down",
            str(index),
            text(ui, "move_down"),
            aria_label=text(ui, "move_down_label", number=number),
            disabled=index == total - 1,
        ),
        _action("remove", str(index), text(ui, "remove"), aria_label=text(ui, "remove_label", number=number)),
    )
    return (
        f'<li class="handout-item"><blockquote lang="{escape(item.lang)}">{paragraphs(item.quote)}</blockquote>'
        f'<div class="citation">{escape(item.citation)}</div><div class="actions">{"".join(buttons)}</div></li>'
    )
