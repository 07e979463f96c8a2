"""The Gradio app: search with a cited answer, results in rank order, card viewer, handout.

:class:`Handlers` holds the behaviour as plain methods over the library (tests call them
directly); :func:`build_app` only lays out components and wires events to them. Buttons inside
the rendered HTML (add a passage to the handout, read the whole practice) reach Python as
:class:`Action` events, checked before use. The app serves no files but the handouts it writes,
from a temp folder of its own, and answers only the routes its page and its public API need
(:mod:`compendium.serving`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr  # this module is the UI; the library never imports it

from compendium.answer import Answer, build_answer
from compendium.exports import ExportLimits, ExportStore
from compendium.facets import Facets, UnknownFilterError
from compendium.handout import MAX_ITEMS, Handout, HandoutItem, HandoutRef, added, moved, removed, resolve
from compendium.live import LiveSearcher
from compendium.records import Chunk, Document, country_name
from compendium.results import ask
from compendium.search import Filters, Hit, Searcher
from compendium.serving import RouteGuard, RoutePolicy, app_temp_dir, private_folder, use_temp_dir
from compendium.ui_text import EXAMPLE_QUESTIONS, LANGUAGE_NAMES, SECTION_NAMES, text
from compendium.views import (
    passage_targets,
    render_answer,
    render_card,
    render_examples,
    render_handout,
    render_message,
    render_practice_list,
    render_results,
    render_status,
)
from compendium.webassets import (
    ANNOUNCE,
    LIGHT_PAGE,
    PAGE_ACTIONS,
    SCROLL_TO_ANSWER,
    SET_PAGE_LANGUAGE,
    SHOW_CARD,
    STYLE,
)

MAX_UI_QUERY = 500
DEFAULT_RESULTS = 8
#: Events waiting at once; past this a client is told the app is busy instead of piling up.
QUEUE_SIZE = 64
DEFAULT_EXPORT_LIMITS = ExportLimits()
#: What the buttons inside the page's HTML may ask for.
ACTIONS = frozenset({"add", "add-answer", "open", "example", "up", "down", "remove"})
#: Where a browser keeps its handout (its localStorage, per browser and per site, so never
#: shared between users). Gradio encrypts the value with this key, but the key travels in the
#: page's config to every browser: it only keeps the entry opaque, and lets a handout survive a
#: restart of the app (a random key per start would make stored handouts unreadable).
HANDOUT_STORAGE_KEY = "compendium-handout-v1"
HANDOUT_STORAGE_SECRET = "compendium-handout-v1-not-a-secret"
_MAX_TARGET = 200


@dataclass(frozen=True)
class Action:
    """A button pressed in the rendered HTML: what to do (``kind``) and to what (``target``:
    a chunk id, a practice id, or nothing). Built only from a well-formed event payload."""

    kind: str
    target: str = ""

    @classmethod
    def parse(cls, data: object) -> Action | None:
        """The action in an event's data, or ``None`` for anything else (the page is not trusted)."""
        if not isinstance(data, dict):
            return None
        kind, target = data.get("action"), data.get("target", "")
        if kind not in ACTIONS or not isinstance(target, str) or len(target) > _MAX_TARGET:
            return None
        return cls(kind, target)

    def number(self) -> int | None:
        """The target as an item number (an example, a handout item), if it is one."""
        return int(self.target) if self.target.isdigit() and len(self.target) <= 4 else None


@dataclass
class SearchView:
    """Everything one search shows."""

    message: str
    answer_html: str
    results_html: str
    hits: list[Hit]
    answer: Answer | None


class Handlers:
    """What the app does, independent of Gradio."""

    def __init__(self, searcher: Searcher, exports: ExportStore, reload_interval: float = 1.0) -> None:
        self.live = LiveSearcher(searcher, interval=reload_interval)
        self.exports = exports
        self._facets: tuple[Searcher, Facets] | None = None

    @property
    def searcher(self) -> Searcher:
        """The served searcher: a newer index generation is picked up between requests. A
        request reads this once, so it never mixes two generations."""
        return self.live.current()

    @property
    def chunks(self) -> dict[str, Chunk]:
        """The served index's chunks by id."""
        return self.searcher.chunk_by_id

    def status(self) -> dict[str, Any]:
        """The served searcher's status, with the generation it serves."""
        searcher = self.searcher
        return {**searcher.status(), "generation": searcher.index.folder.name}

    # -- search -----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        ui: str = "en",
        langs: list[str] | None = None,
        sections: list[str] | None = None,
        countries: list[str] | None = None,
        practices: list[str] | None = None,
        k: int = DEFAULT_RESULTS,
    ) -> SearchView:
        """Search and answer ``query``, rendered in the interface language ``ui``."""
        query = " ".join((query or "").split())
        if not query:
            return SearchView(render_message(text(ui, "empty_query")), "", "", [], None)
        message = ""
        if len(query) > MAX_UI_QUERY:
            query = query[:MAX_UI_QUERY]
            message = render_message(text(ui, "query_cut", limit=MAX_UI_QUERY), "warning")
        filters = Filters.from_lists(langs or [], sections or [], practices or [], countries or [])
        searcher = self.searcher
        hits = searcher.search(query, k=max(1, min(int(k), 50)), filters=filters)
        answer = build_answer(searcher, query, hits)
        own = {v for t in searcher.analyzer.query_terms(query) for v in t.variants}
        expansion = {v for t in searcher.glossary.expand(query, own).terms for v in t.variants}
        targets = passage_targets(hits, searcher.section_windows)
        return SearchView(
            message=message,
            answer_html=render_answer(answer, ui, targets) if hits else "",
            results_html=render_results(hits, query, searcher.analyzer, ui, expansion),
            hits=hits,
            answer=answer,
        )

    def api_search(
        self, query: str, k: int = 5, lang: str = "", section: str = "", country: str = "", practice: str = ""
    ) -> dict[str, Any]:
        """The JSON the CLI's ``search --json`` prints, plus the answer. A filter value the
        collection does not have raises :class:`UnknownFilterError`, naming the known ones."""
        split = lambda value: [item for item in (value or "").split(",") if item.strip()]  # noqa: E731
        query = " ".join((query or "").split())[:MAX_UI_QUERY]
        filters = Filters.from_lists(split(lang), split(section), split(practice), split(country))
        searcher = self.searcher
        self.facets_of(searcher).check(filters)
        return ask(searcher, query, k=max(1, min(int(k), 50)), filters=filters)

    # -- filters and practices -------------------------------------------------------------
    @property
    def facets(self) -> Facets:
        """The filter values the collection has: the only ones offered or accepted."""
        return self.facets_of(self.searcher)

    def facets_of(self, searcher: Searcher) -> Facets:
        """``searcher``'s filter values, computed once per served generation."""
        cached = self._facets
        if cached is None or cached[0] is not searcher:
            cached = self._facets = (searcher, Facets.of(searcher.chunks))
        return cached[1]

    def language_choices(self, ui: str) -> list[tuple[str, str]]:
        names = LANGUAGE_NAMES[ui]
        return [(names.get(code, code), code) for code in self.facets.langs]

    def section_choices(self, ui: str) -> list[tuple[str, str]]:
        names = SECTION_NAMES[ui]
        return [(names.get(key, key), key) for key in self.facets.sections]

    def documents(self) -> tuple[Document, ...]:
        return self.searcher.index.documents

    def practice_choices(self, ui: str = "en") -> list[tuple[str, str]]:
        choices = []
        for document in self.documents():
            if document.front_matter:
                front = f"{SECTION_NAMES[ui]['preface']} / {SECTION_NAMES[ui]['introduction']}"
                choices.append((front, document.front_matter_id))
            choices.extend(
                (f"{card.short_title} — {card.author or ''}", card.card_id) for card in document.cards
            )
        return choices

    def country_choices(self) -> list[tuple[str, str]]:
        pairs = ((f"{country_name(code)} ({code})", code) for code in self.facets.countries)
        return sorted(pairs, key=lambda pair: pair[0])

    def card_html(self, doc_id: str, ui: str = "en", matched: list[str] | None = None) -> str:
        for document in self.documents():
            if doc_id == document.front_matter_id or any(card.card_id == doc_id for card in document.cards):
                return render_card(document, doc_id, ui, matched or [])
        return render_message(text(ui, "pick_practice"))

    # -- handout ----------------------------------------------------------------------------
    def passage_refs(self, chunk_ids: list[str]) -> list[HandoutRef]:
        """Whole passages, for the handout (unknown ids are ignored)."""
        return [HandoutRef.whole(self.chunks[chunk_id]) for chunk_id in chunk_ids if chunk_id in self.chunks]

    def answer_refs(self, answer: dict[str, Any]) -> list[HandoutRef]:
        """The answer's quotes, each checked to still be the slice of the passage it names."""
        refs = []
        for quote in answer.get("quotes", []):
            chunk = self.chunks.get(quote["chunk_id"])
            if chunk is not None and chunk.text[quote["start"] : quote["end"]] == quote["text"]:
                refs.append(HandoutRef.of(chunk, quote["start"], quote["end"]))
        return refs

    def handout_after(
        self, records: list[Any] | None, action: Action, answer: dict[str, Any] | None = None
    ) -> list[HandoutRef] | None:
        """The handout's refs once ``action`` is done: a passage or the answer's quotes added,
        a quote moved up or down or removed; ``None`` for an action that is not about it."""
        refs = self.handout(records).refs
        number = action.number()
        if action.kind == "add":
            return added(refs, self.passage_refs([action.target]))
        if action.kind == "add-answer":
            return added(refs, self.answer_refs(answer or {}))
        if action.kind in {"up", "down"} and number is not None:
            return moved(refs, number, -1 if action.kind == "up" else 1)
        if action.kind == "remove" and number is not None:
            return removed(refs, number)
        return None

    def handout(self, records: list[Any] | None) -> Handout:
        """The handout ``records`` (as the browser keeps them) point at, rebuilt from the index."""
        return resolve(records or [], self.chunks)

    def export(
        self, items: list[HandoutItem] | tuple[HandoutItem, ...], session: str | None, ui: str = "en"
    ) -> tuple[Path | None, Path | None]:
        """The session's handout files in the interface language ``ui`` (replacing its previous
        ones), or none without items or without a valid session id."""
        return self.exports.export(list(items), session or "", ui)


@dataclass
class WebApp:
    """A laid-out app, not yet served, and the folder of the only files it may serve."""

    demo: gr.Blocks
    handouts: Path

    def close(self) -> None:
        """Stop serving (when launched without blocking)."""
        self.demo.close()


def _handouts_folder() -> Path:
    """This app's handout folder, inside the private temp folder Gradio is pointed at first:
    Gradio serves the handouts from there without copying them, and each component notes
    Gradio's folder when it is made, so this must run before any component exists."""
    temp = app_temp_dir()
    use_temp_dir(temp)
    return Path(tempfile.mkdtemp(prefix="app-", dir=private_folder(temp / "handouts"))).resolve()


def _header(ui: str) -> str:
    return f"# {text(ui, 'title')}\n{text(ui, 'subtitle')}"


def _download(label: str, path: Path | None) -> dict[str, Any]:
    """A download button's update: its label, and its file when there is one."""
    return gr.update(label=label, value=str(path) if path else None, interactive=path is not None)


def _tab_handout_label(ui: str, count: int) -> str:
    return f"{text(ui, 'tab_handout')} ({count})" if count else text(ui, "tab_handout")


def _public_search(handlers: Handlers):  # type: ignore[no-untyped-def]
    """The named API: :meth:`Handlers.api_search`, with unknown filter values refused as a
    message the caller sees (``gr.Error`` reaches clients even with ``show_error=False``)."""

    def search(
        query: str, k: int = 5, lang: str = "", section: str = "", country: str = "", practice: str = ""
    ) -> dict[str, Any]:
        try:
            return handlers.api_search(query, k, lang, section, country, practice)
        except UnknownFilterError as error:
            raise gr.Error(str(error), print_exception=False) from None

    search.__doc__ = Handlers.api_search.__doc__
    return search


def build_app(
    searcher: Searcher,
    ui: str = "en",
    *,
    limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
    corpus: str | None = None,
) -> WebApp:
    """Lay out the app and wire its events; Gradio writes only into the app's private temp
    folder, and handouts are bounded by ``limits``. ``corpus`` (the folder searched) is shown
    in the status details, where a user learns to add the compendium."""
    handouts = _handouts_folder()
    handlers = Handlers(searcher, ExportStore(handouts, limits))
    current_status = lambda lang: render_status(handlers.status(), lang, corpus)  # noqa: E731
    # No analytics or update checks: the app must not call out, and often cannot.
    with gr.Blocks(title=text(ui, "title"), analytics_enabled=False) as demo:
        page = _Page(
            **_header_row(ui),
            hits_state=gr.State([]),
            answer_state=gr.State({}),
            handout_store=gr.BrowserState([], storage_key=HANDOUT_STORAGE_KEY, secret=HANDOUT_STORAGE_SECRET),
            **_tabs(handlers, ui, current_status(ui)),
        )
        _wire_search(page, handlers)
        _wire_practices(page, handlers)
        _wire_handout(page, handlers, demo)
        _wire_language(page, handlers, current_status)
        # A page opened after a rebuild names the generation it is served (live reload).
        demo.load(current_status, [page.ui_lang], [page.status_html], show_progress="hidden", api_name=False)
        # The page's lang attribute follows the interface language, from the first paint on.
        demo.load(None, [page.ui_lang], None, js=SET_PAGE_LANGUAGE)
        demo.load(None, None, None, js=LIGHT_PAGE)
        gr.api(_public_search(handlers), api_name="search")
    return WebApp(demo, handouts)


@dataclass
class _Page:
    """The components :func:`build_app` lays out, for the functions that wire their events."""

    header: gr.Markdown
    ui_lang: gr.Radio
    hits_state: gr.State
    answer_state: gr.State
    handout_store: gr.BrowserState
    tabs: gr.Tabs
    tab_search: gr.Tab
    tab_practices: gr.Tab
    tab_handout: gr.Tab
    query: gr.Textbox
    search_button: gr.Button
    status_html: gr.HTML
    examples: gr.HTML
    filters_box: gr.Accordion
    langs: gr.CheckboxGroup
    sections: gr.Dropdown
    countries: gr.Dropdown
    practices: gr.Dropdown
    k: gr.Slider
    message: gr.HTML
    answer_html: gr.HTML
    results_html: gr.HTML
    practice_pick: gr.Dropdown
    card_html: gr.HTML
    list_header: gr.Markdown
    practice_list: gr.HTML
    handout_view: gr.HTML
    download_md: gr.DownloadButton
    download_docx: gr.DownloadButton
    clear: gr.Button

    @property
    def search_inputs(self) -> list[Any]:
        return [self.query, self.ui_lang, self.langs, self.sections, self.countries, self.practices, self.k]

    @property
    def search_outputs(self) -> list[Any]:
        return [self.message, self.answer_html, self.results_html, self.hits_state, self.answer_state]

    @property
    def handout_outputs(self) -> list[Any]:
        return [self.handout_store, self.handout_view, self.download_md, self.download_docx, self.tab_handout]

    @property
    def card_outputs(self) -> list[Any]:
        return [self.card_html, self.practice_pick, self.tabs]


# -- layout ---------------------------------------------------------------------------------
def _header_row(ui: str) -> dict[str, Any]:
    with gr.Row(elem_id="header", equal_height=False):
        header = gr.Markdown(_header(ui), elem_id="title", scale=4, min_width=240)
        ui_lang = gr.Radio(
            [("English", "en"), ("Español", "es")],
            value=ui,
            label=text(ui, "ui_language"),
            elem_id="ui-language",
            container=False,
            scale=0,
            min_width=200,
        )
    return {"header": header, "ui_lang": ui_lang}


def _tabs(handlers: Handlers, ui: str, status_html: str) -> dict[str, Any]:
    with gr.Tabs() as tabs:
        with gr.Tab(text(ui, "tab_search"), id="search") as tab_search:
            parts = _search_tab(handlers, ui, status_html)
        with gr.Tab(text(ui, "tab_practices"), id="practices") as tab_practices:
            parts |= _practices_tab(handlers, ui)
        with gr.Tab(text(ui, "tab_handout"), id="handout") as tab_handout:
            parts |= _handout_tab(ui)
    return parts | {
        "tabs": tabs,
        "tab_search": tab_search,
        "tab_practices": tab_practices,
        "tab_handout": tab_handout,
    }


def _search_tab(handlers: Handlers, ui: str, status_html: str) -> dict[str, Any]:
    with gr.Row():
        query = gr.Textbox(
            label=text(ui, "question"), placeholder=text(ui, "placeholder"), scale=5, elem_id="query", lines=1
        )
        search_button = gr.Button(text(ui, "search"), variant="primary", scale=1, elem_id="search-button")
    parts = {
        "query": query,
        "search_button": search_button,
        # The question box comes first; what is indexed is one short line under it.
        "status_html": gr.HTML(status_html, elem_id="status-box"),
        # Plain buttons, not gr.Examples: those load through a route the app does not serve,
        # and filling the box is not enough; a click here asks the question.
        "examples": gr.HTML(
            render_examples(EXAMPLE_QUESTIONS, ui), elem_id="examples", js_on_load=PAGE_ACTIONS
        ),
    }
    with gr.Accordion(text(ui, "filters"), open=False, elem_id="filters") as filters_box:
        parts |= _filters(handlers, ui)
    return parts | {
        "filters_box": filters_box,
        "message": gr.HTML(elem_id="message-box", js_on_load=ANNOUNCE),
        "answer_html": gr.HTML(elem_id="answer-box", js_on_load=ANNOUNCE + PAGE_ACTIONS),
        "results_html": gr.HTML(elem_id="results-box", js_on_load=PAGE_ACTIONS),
    }


def _filters(handlers: Handlers, ui: str) -> dict[str, Any]:
    def many(choices: list[tuple[str, str]], key: str, elem_id: str) -> gr.Dropdown:
        return gr.Dropdown(choices, value=[], multiselect=True, label=text(ui, key), elem_id=elem_id)

    return {
        "langs": gr.CheckboxGroup(
            handlers.language_choices(ui), label=text(ui, "languages"), elem_id="filter-langs"
        ),
        "sections": many(handlers.section_choices(ui), "sections", "filter-sections"),
        "countries": many(handlers.country_choices(), "countries", "filter-countries"),
        "practices": many(handlers.practice_choices(ui), "practices", "filter-practices"),
        "k": gr.Slider(
            1, 20, value=DEFAULT_RESULTS, step=1, label=text(ui, "results_count"), elem_id="filter-k"
        ),
    }


def _practices_tab(handlers: Handlers, ui: str) -> dict[str, Any]:
    # value=None: left to itself a dropdown shows its first choice as if it were chosen.
    return {
        "practice_pick": gr.Dropdown(
            handlers.practice_choices(ui), value=None, label=text(ui, "card"), elem_id="practice-pick"
        ),
        "card_html": gr.HTML(
            render_message(text(ui, "pick_practice")), elem_id="card-box", js_on_load=SHOW_CARD
        ),
        "list_header": gr.Markdown(f"### {text(ui, 'practice_list')}"),
        "practice_list": gr.HTML(
            render_practice_list(handlers.documents(), ui), elem_id="practice-table", js_on_load=PAGE_ACTIONS
        ),
    }


def _handout_tab(ui: str) -> dict[str, Any]:
    view = gr.HTML(render_handout([], ui), elem_id="handout-box", js_on_load=ANNOUNCE + PAGE_ACTIONS)
    with gr.Row():
        download_md = gr.DownloadButton(text(ui, "download_md"), elem_id="download-md", interactive=False)
        download_docx = gr.DownloadButton(
            text(ui, "download_docx"), elem_id="download-docx", interactive=False
        )
        clear = gr.Button(text(ui, "clear_handout"), elem_id="clear-handout")
    return {"handout_view": view, "download_md": download_md, "download_docx": download_docx, "clear": clear}


# -- events ---------------------------------------------------------------------------------
def _action(evt: gr.EventData) -> Action | None:
    return Action.parse(getattr(evt, "_data", None))


def _skip(count: int) -> tuple[Any, ...]:
    return (gr.skip(),) * count


def _wire_search(page: _Page, handlers: Handlers) -> None:
    """The Search button, Enter, an example, and a filter change all search."""
    outputs = page.search_outputs

    def on_search(q, lang_ui, lang_filter, section_filter, country_filter, practice_filter, count):
        view = handlers.search(
            q, lang_ui, lang_filter, section_filter, country_filter, practice_filter, count
        )
        hits = [
            {"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "section": h.chunk.section}
            for h in view.hits
        ]
        answer = view.answer.to_dict() if view.answer and view.answer.clear else {}
        return view.message, view.answer_html, view.results_html, hits, answer

    def on_filter(q, *rest):
        # A filter changed: search again if there is a question, else leave the page be.
        return on_search(q, *rest) if " ".join((q or "").split()) else _skip(len(outputs))

    def on_example(
        lang_ui, lang_filter, section_filter, country_filter, practice_filter, count, evt: gr.EventData
    ):
        action = _action(evt)
        number = action.number() if action and action.kind == "example" else None
        if number is None or number >= len(EXAMPLE_QUESTIONS):
            return _skip(1 + len(outputs))
        question = EXAMPLE_QUESTIONS[number]
        filters = (lang_filter, section_filter, country_filter, practice_filter, count)
        return (question, *on_search(question, lang_ui, *filters))

    inputs = page.search_inputs
    for trigger in (page.search_button.click, page.query.submit):
        trigger(on_search, inputs, outputs, api_visibility="private").then(None, js=SCROLL_TO_ANSWER)
    page.examples.click(on_example, inputs[1:], [page.query, *outputs], api_visibility="private").then(
        None, js=SCROLL_TO_ANSWER
    )
    for trigger in (
        page.langs.input,
        page.sections.input,
        page.countries.input,
        page.practices.input,
        page.k.release,
    ):
        trigger(on_filter, inputs, outputs, api_visibility="private")
    # After a change of interface language, the shown passages are drawn again in it.
    page.ui_lang.change(on_filter, inputs, outputs, api_visibility="private")


def _show_card(handlers: Handlers, doc_id: str | None, ui: str, hits: list[dict[str, str]] | None) -> str:
    """A practice's card with the sections the last search matched in it marked."""
    if not doc_id:
        return render_message(text(ui, "pick_practice"))
    matched = [hit["section"] for hit in hits or [] if hit["doc_id"] == doc_id]
    return handlers.card_html(doc_id, ui, matched)


def _wire_practices(page: _Page, handlers: Handlers) -> None:
    """The picker, a row of the list, and a result's button open a card."""

    def on_pick(doc_id, lang_ui, hits):
        return _show_card(handlers, doc_id, lang_ui, hits)

    def on_row(lang_ui, hits, evt: gr.EventData):
        action = _action(evt)
        if action is None or action.kind != "open":
            return _skip(2)
        return _show_card(handlers, action.target, lang_ui, hits), gr.update(value=action.target)

    # .input, not .change: setting the picker from a row or a result must not draw the card twice.
    page.practice_pick.input(
        on_pick,
        [page.practice_pick, page.ui_lang, page.hits_state],
        [page.card_html],
        api_visibility="private",
    )
    page.practice_list.click(
        on_row,
        [page.ui_lang, page.hits_state],
        [page.card_html, page.practice_pick],
        api_visibility="private",
    )


def _wire_handout(page: _Page, handlers: Handlers, demo: gr.Blocks) -> None:
    """Buttons in the answer and the results add to the handout (or open a card); buttons in
    the handout move and remove; every change rewrites the files and the browser's copy."""
    outputs = page.handout_outputs

    def refresh(records, lang_ui, request: gr.Request):
        handout = handlers.handout(records)
        md_path, docx_path = handlers.export(handout.items, getattr(request, "session_hash", None), lang_ui)
        return (
            [ref.to_dict() for ref in handout.refs],
            render_handout(handout.items, lang_ui, dropped=handout.dropped, full_at=MAX_ITEMS),
            _download(text(lang_ui, "download_md"), md_path),
            _download(text(lang_ui, "download_docx"), docx_path),
            gr.update(label=_tab_handout_label(lang_ui, len(handout.items))),
        )

    def on_result(records, hits, answer, lang_ui, request: gr.Request, evt: gr.EventData):
        action = _action(evt)
        if action is not None and action.kind == "open":
            card = _show_card(handlers, action.target, lang_ui, hits)
            return _skip(len(outputs)) + (card, gr.update(value=action.target), gr.Tabs(selected="practices"))
        refs = handlers.handout_after(records, action, answer) if action else None
        if refs is None:
            return _skip(len(outputs) + len(page.card_outputs))
        return refresh([ref.to_dict() for ref in refs], lang_ui, request) + _skip(len(page.card_outputs))

    def on_item(records, lang_ui, request: gr.Request, evt: gr.EventData):
        action = _action(evt)
        refs = handlers.handout_after(records, action) if action else None
        return (
            _skip(len(outputs))
            if refs is None
            else refresh([ref.to_dict() for ref in refs], lang_ui, request)
        )

    def on_clear(lang_ui, request: gr.Request):
        return refresh([], lang_ui, request)

    store, lang = page.handout_store, page.ui_lang
    for html in (page.answer_html, page.results_html):
        html.click(
            on_result,
            [store, page.hits_state, page.answer_state, lang],
            outputs + page.card_outputs,
            api_visibility="private",
        )
    page.handout_view.click(on_item, [store, lang], outputs, api_visibility="private")
    page.clear.click(on_clear, [lang], outputs, api_visibility="private")
    # A reload or a new visit shows the browser's stored handout and makes its files again;
    # so does a change of interface language, in the new language.
    demo.load(refresh, [store, lang], outputs, api_visibility="private")
    lang.change(refresh, [store, lang], outputs, api_visibility="private")


def _wire_language(page: _Page, handlers: Handlers, status: Callable[[str], str]) -> None:
    """The interface language switch relabels everything (``status``: the status line in a language)."""

    def on_language(lang_ui):
        def label(key: str, **more: Any) -> dict[str, Any]:
            return gr.update(label=text(lang_ui, key), **more)

        return (
            label("ui_language"),
            _header(lang_ui),
            status(lang_ui),
            label("tab_search"),
            label("tab_practices"),
            label("question", placeholder=text(lang_ui, "placeholder")),
            gr.update(value=text(lang_ui, "search")),
            render_examples(EXAMPLE_QUESTIONS, lang_ui),
            label("filters"),
            label("languages", choices=handlers.language_choices(lang_ui)),
            label("sections", choices=handlers.section_choices(lang_ui)),
            label("countries"),
            label("practices", choices=handlers.practice_choices(lang_ui)),
            label("results_count"),
            label("card", choices=handlers.practice_choices(lang_ui)),
            f"### {text(lang_ui, 'practice_list')}",
            render_practice_list(handlers.documents(), lang_ui),
            gr.update(value=text(lang_ui, "clear_handout")),
        )

    outputs = [
        page.ui_lang,
        page.header,
        page.status_html,
        page.tab_search,
        page.tab_practices,
        page.query,
        page.search_button,
        page.examples,
        page.filters_box,
        page.langs,
        page.sections,
        page.countries,
        page.practices,
        page.k,
        page.practice_pick,
        page.list_header,
        page.practice_list,
        page.clear,
    ]
    page.ui_lang.change(on_language, [page.ui_lang], outputs, api_visibility="private")
    page.ui_lang.change(None, [page.ui_lang], None, js=SET_PAGE_LANGUAGE)


def launch(app: WebApp, host: str = "127.0.0.1", port: int = 7860, *, block: bool = True):  # type: ignore[no-untyped-def]
    """Serve ``app`` locally: a bounded queue run two at a time, no public share link, and
    only the routes the page and the public API need (see :mod:`compendium.serving`)."""
    from starlette.middleware import Middleware

    demo = app.demo
    public = frozenset(fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public")
    guard = Middleware(RouteGuard, policy=RoutePolicy(files=app.handouts, api_names=public))
    # api_open=False: the named API goes through the queue too, never straight to a function.
    # Two at a time, one per core: each request is CPU-bound (about 80 ms), and with 50 clients
    # p95 was 4.9 s at 2, 5.3 s at 1, 6.2-7.5 s at 4 and 9.2 s at 8 (bench/load.py --concurrency).
    demo.queue(default_concurrency_limit=2, max_size=QUEUE_SIZE, api_open=False)
    return demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        prevent_thread_lock=not block,
        css=STYLE,
        ssr_mode=False,
        quiet=True,
        footer_links=["api"],
        app_kwargs={"middleware": [guard]},
        enable_monitoring=False,
        run_history=False,
        mcp_server=False,
        pwa=False,
        max_file_size=0,  # nothing here takes uploads; the guard refuses the route anyway
        show_error=False,
    )
