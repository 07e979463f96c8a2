"""The Gradio app: search with a cited answer, results by practice, card viewer, handout.

:class:`Handlers` holds the behaviour as plain methods over the library (tests call them
directly); :func:`build_app` only lays out components and wires events to them. The app serves
no files but the handouts it writes, from a temp folder of its own, and answers only the routes
its page and its public API need (:mod:`compendium.serving`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr  # this module is the UI; the library never imports it

from compendium.answer import Answer, build_answer
from compendium.exports import ExportLimits, ExportStore
from compendium.handout import HandoutItem, add_items
from compendium.records import Chunk, Document, country_name
from compendium.results import ask
from compendium.search import Filters, Hit, Searcher
from compendium.serving import RouteGuard, RoutePolicy, app_temp_dir, private_folder, use_temp_dir
from compendium.taxonomy import CARD_KEYS, FRONT_MATTER_KEYS
from compendium.ui_text import EXAMPLE_QUESTIONS, LANGUAGE_NAMES, SECTION_NAMES, text
from compendium.views import (
    escape,
    render_answer,
    render_card,
    render_message,
    render_practice_list,
    render_results,
    render_status,
)
from compendium.webassets import SCROLL_TO_ANSWER, STYLE

MAX_UI_QUERY = 500
DEFAULT_RESULTS = 8
#: Events waiting at once; past this a client is told the app is busy instead of piling up.
QUEUE_SIZE = 64
DEFAULT_EXPORT_LIMITS = ExportLimits()


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

    def __init__(self, searcher: Searcher, exports: ExportStore) -> None:
        self.searcher = searcher
        self.exports = exports
        self.chunks = searcher.chunk_by_id

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
        query = " ".join((query or "").split())
        if not query:
            return SearchView(render_message(text(ui, "empty_query")), "", "", [], None)
        message = ""
        if len(query) > MAX_UI_QUERY:
            query = query[:MAX_UI_QUERY]
            message = render_message(text(ui, "query_cut", limit=MAX_UI_QUERY), "warning")
        filters = Filters.from_lists(langs or [], sections or [], practices or [], countries or [])
        hits = self.searcher.search(query, k=max(1, min(int(k), 50)), filters=filters)
        answer = build_answer(self.searcher, query, hits)
        own = {v for t in self.searcher.analyzer.query_terms(query) for v in t.variants}
        expansion = {v for t in self.searcher.glossary.expand(query, own).terms for v in t.variants}
        return SearchView(
            message=message,
            answer_html=render_answer(answer, ui) if hits else "",
            results_html=render_results(hits, query, self.searcher.analyzer, ui, expansion),
            hits=hits,
            answer=answer,
        )

    def api_search(
        self, query: str, k: int = 5, lang: str = "", section: str = "", country: str = "", practice: str = ""
    ) -> dict[str, Any]:
        """The JSON the CLI's ``search --json`` prints, plus the answer."""
        split = lambda value: [item for item in (value or "").split(",") if item.strip()]  # noqa: E731
        query = " ".join((query or "").split())[:MAX_UI_QUERY]
        filters = Filters.from_lists(split(lang), split(section), split(practice), split(country))
        return ask(self.searcher, query, k=max(1, min(int(k), 50)), filters=filters)

    # -- practices --------------------------------------------------------------------------
    def documents(self) -> tuple[Document, ...]:
        return self.searcher.index.documents

    def practice_choices(self) -> list[tuple[str, str]]:
        choices = []
        for document in self.documents():
            if document.front_matter:
                choices.append(("Front matter — Preface / Introduction", document.front_matter_id))
            choices.extend(
                (f"{card.short_title} — {card.author or ''}", card.card_id) for card in document.cards
            )
        return choices

    def country_choices(self) -> list[tuple[str, str]]:
        codes = sorted({code for chunk in self.chunks.values() for code in chunk.countries})
        return sorted(((f"{country_name(code)} ({code})", code) for code in codes), key=lambda pair: pair[0])

    def card_html(self, doc_id: str, ui: str = "en", matched: list[str] | None = None) -> str:
        for document in self.documents():
            if doc_id == document.front_matter_id or any(card.card_id == doc_id for card in document.cards):
                return render_card(document, doc_id, ui, matched or [])
        return render_message(text(ui, "pick_practice"))

    # -- handout ----------------------------------------------------------------------------
    def handout_from_chunks(self, chunk_ids: list[str]) -> list[HandoutItem]:
        return [
            HandoutItem.from_chunk(self.chunks[chunk_id]) for chunk_id in chunk_ids if chunk_id in self.chunks
        ]

    def handout_from_answer(self, answer: dict[str, Any]) -> list[HandoutItem]:
        items = []
        for quote in answer.get("quotes", []):
            chunk = self.chunks.get(quote["chunk_id"])
            if chunk is not None and chunk.text[quote["start"] : quote["end"]] == quote["text"]:
                items.append(HandoutItem.from_chunk(chunk, quote["text"]))
        return items

    def export(self, items: list[HandoutItem], session: str | None) -> tuple[Path | None, Path | None]:
        """The session's handout files (replacing its previous ones), or none without items or
        without a valid session id."""
        return self.exports.export(items, session or "")


def handout_html(items: list[HandoutItem], ui: str) -> str:
    if not items:
        return render_message(text(ui, "handout_empty"))
    entries = "".join(
        f'<li><blockquote lang="{escape(item.lang)}">{escape(item.quote)}</blockquote>'
        f'<div class="citation">{escape(item.citation)}</div></li>'
        for item in items
    )
    count = render_message(text(ui, "handout_added", count=len(items)))
    return f'{count}<ol class="handout" id="handout-list">{entries}</ol>'


def _hit_label(hit: Hit) -> str:
    chunk: Chunk = hit.chunk
    excerpt = " ".join(chunk.text.split())
    excerpt = excerpt if len(excerpt) <= 90 else excerpt[:87] + "…"
    return f"{hit.rank}. {chunk.short_title[:50]} — {chunk.section_label}: {excerpt}"


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
    status = searcher.status()

    def section_choices(lang: str) -> list[tuple[str, str]]:
        return [(SECTION_NAMES[lang][key], key) for key in CARD_KEYS + FRONT_MATTER_KEYS]

    def language_choices(lang: str) -> list[tuple[str, str]]:
        return [(name, code) for code, name in LANGUAGE_NAMES[lang].items()]

    # No analytics or update checks: the app must not call out, and often cannot.
    with gr.Blocks(title=text(ui, "title"), analytics_enabled=False) as demo:
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
        hits_state = gr.State([])
        answer_state = gr.State({})
        handout_state = gr.State([])
        with gr.Tabs() as tabs:
            with gr.Tab(text(ui, "tab_search"), id="search") as tab_search:
                with gr.Row():
                    query = gr.Textbox(
                        label=text(ui, "question"),
                        placeholder=text(ui, "placeholder"),
                        scale=5,
                        elem_id="query",
                        lines=1,
                    )
                    search_button = gr.Button(
                        text(ui, "search"), variant="primary", scale=1, elem_id="search-button"
                    )
                # The question box comes first; what is indexed is one short line under it.
                status_html = gr.HTML(render_status(status, ui, corpus), elem_id="status-box")
                gr.Examples(
                    examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=[query], label=text(ui, "examples")
                )
                with gr.Accordion(text(ui, "filters"), open=False) as filters_box:
                    langs = gr.CheckboxGroup(language_choices(ui), label=text(ui, "languages"))
                    sections = gr.Dropdown(section_choices(ui), multiselect=True, label=text(ui, "sections"))
                    countries = gr.Dropdown(
                        handlers.country_choices(), multiselect=True, label=text(ui, "countries")
                    )
                    practices = gr.Dropdown(
                        handlers.practice_choices(), multiselect=True, label=text(ui, "practices")
                    )
                    k = gr.Slider(1, 20, value=DEFAULT_RESULTS, step=1, label=text(ui, "results_count"))
                message = gr.HTML()
                answer_html = gr.HTML(elem_id="answer-box")
                add_answer = gr.Button(text(ui, "add_answer"), size="sm", elem_id="add-answer")
                results_html = gr.HTML(elem_id="results-box")
                picker = gr.CheckboxGroup([], label=text(ui, "select_excerpts"), elem_id="excerpt-picker")
                add_selected = gr.Button(text(ui, "add_selected"), size="sm", elem_id="add-selected")
                with gr.Row():
                    open_choice = gr.Dropdown(
                        [], label=text(ui, "open_practice"), elem_id="open-choice", scale=4
                    )
                    open_button = gr.Button(text(ui, "open"), scale=1, elem_id="open-button")
            with gr.Tab(text(ui, "tab_practices"), id="practices") as tab_practices:
                practice_pick = gr.Dropdown(
                    handlers.practice_choices(), label=text(ui, "card"), elem_id="practice-pick"
                )
                card_html = gr.HTML(render_message(text(ui, "pick_practice")), elem_id="card-box")
                list_header = gr.Markdown(f"### {text(ui, 'practice_list')}")
                practice_list = gr.HTML(render_practice_list(handlers.documents(), ui))
            with gr.Tab(text(ui, "tab_handout"), id="handout") as tab_handout:
                handout_view = gr.HTML(render_message(text(ui, "handout_empty")), elem_id="handout-box")
                with gr.Row():
                    download_md = gr.DownloadButton(
                        text(ui, "download_md"), elem_id="download-md", interactive=False
                    )
                    download_docx = gr.DownloadButton(
                        text(ui, "download_docx"), elem_id="download-docx", interactive=False
                    )
                    clear = gr.Button(text(ui, "clear_handout"), elem_id="clear-handout")

        def on_search(q, lang_ui, lang_filter, section_filter, country_filter, practice_filter, count):
            view = handlers.search(
                q, lang_ui, lang_filter, section_filter, country_filter, practice_filter, count
            )
            labels = [(_hit_label(hit), hit.chunk.chunk_id) for hit in view.hits]
            docs = list(dict.fromkeys(hit.chunk.doc_id for hit in view.hits))
            names = {hit.chunk.doc_id: hit.chunk.short_title for hit in view.hits}
            hits = [
                {"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "section": h.chunk.section}
                for h in view.hits
            ]
            return (
                view.message,
                view.answer_html,
                view.results_html,
                gr.update(choices=labels, value=[]),
                gr.update(choices=[(names[d], d) for d in docs], value=docs[0] if docs else None),
                hits,
                view.answer.to_dict() if view.answer and view.answer.clear else {},
            )

        search_outputs = [message, answer_html, results_html, picker, open_choice, hits_state, answer_state]
        search_inputs = [query, ui_lang, langs, sections, countries, practices, k]
        for trigger in (search_button.click, query.submit):
            trigger(on_search, search_inputs, search_outputs, api_visibility="private").then(
                None, js=SCROLL_TO_ANSWER
            )

        def show_card(doc_id, lang_ui, hits):
            matched = [hit["section"] for hit in hits or [] if hit["doc_id"] == doc_id]
            return (
                handlers.card_html(doc_id, lang_ui, matched)
                if doc_id
                else render_message(text(lang_ui, "pick_practice"))
            )

        def on_open(doc_id, lang_ui, hits):
            return show_card(doc_id, lang_ui, hits), gr.update(value=doc_id), gr.Tabs(selected="practices")

        open_button.click(
            on_open,
            [open_choice, ui_lang, hits_state],
            [card_html, practice_pick, tabs],
            api_visibility="private",
        )
        practice_pick.change(
            show_card, [practice_pick, ui_lang, hits_state], [card_html], api_visibility="private"
        )

        def refresh_handout(items, lang_ui, request: gr.Request):
            records = [HandoutItem.from_dict(item) for item in items]
            md_path, docx_path = handlers.export(records, getattr(request, "session_hash", None))
            return (
                [item.to_dict() for item in records],
                handout_html(records, lang_ui),
                gr.update(value=str(md_path) if md_path else None, interactive=md_path is not None),
                gr.update(value=str(docx_path) if docx_path else None, interactive=docx_path is not None),
            )

        def on_add_selected(selected, items, lang_ui, request: gr.Request):
            current = [HandoutItem.from_dict(item) for item in items]
            merged = add_items(current, handlers.handout_from_chunks(selected or []))
            return refresh_handout([item.to_dict() for item in merged], lang_ui, request)

        def on_add_answer(answer, items, lang_ui, request: gr.Request):
            current = [HandoutItem.from_dict(item) for item in items]
            merged = add_items(current, handlers.handout_from_answer(answer or {}))
            return refresh_handout([item.to_dict() for item in merged], lang_ui, request)

        handout_outputs = [handout_state, handout_view, download_md, download_docx]
        add_selected.click(
            on_add_selected, [picker, handout_state, ui_lang], handout_outputs, api_visibility="private"
        )
        add_answer.click(
            on_add_answer, [answer_state, handout_state, ui_lang], handout_outputs, api_visibility="private"
        )

        def on_clear(lang_ui, request: gr.Request):
            return refresh_handout([], lang_ui, request)

        clear.click(on_clear, [ui_lang], handout_outputs, api_visibility="private")

        def on_ui_language(lang_ui, items):
            records = [HandoutItem.from_dict(item) for item in items]
            return (
                gr.update(label=text(lang_ui, "ui_language")),
                _header(lang_ui),
                render_status(status, lang_ui, corpus),
                gr.update(label=text(lang_ui, "tab_search")),
                gr.update(label=text(lang_ui, "tab_practices")),
                gr.update(label=text(lang_ui, "tab_handout")),
                gr.update(label=text(lang_ui, "question"), placeholder=text(lang_ui, "placeholder")),
                gr.update(value=text(lang_ui, "search")),
                gr.update(label=text(lang_ui, "filters")),
                gr.update(label=text(lang_ui, "languages"), choices=language_choices(lang_ui)),
                gr.update(label=text(lang_ui, "sections"), choices=section_choices(lang_ui)),
                gr.update(label=text(lang_ui, "countries")),
                gr.update(label=text(lang_ui, "practices")),
                gr.update(label=text(lang_ui, "results_count")),
                gr.update(value=text(lang_ui, "add_answer")),
                gr.update(label=text(lang_ui, "select_excerpts")),
                gr.update(value=text(lang_ui, "add_selected")),
                gr.update(label=text(lang_ui, "open_practice")),
                gr.update(value=text(lang_ui, "open")),
                gr.update(label=text(lang_ui, "card")),
                f"### {text(lang_ui, 'practice_list')}",
                render_practice_list(handlers.documents(), lang_ui),
                handout_html(records, lang_ui),
                gr.update(label=text(lang_ui, "download_md")),
                gr.update(label=text(lang_ui, "download_docx")),
                gr.update(value=text(lang_ui, "clear_handout")),
            )

        ui_lang.change(
            on_ui_language,
            [ui_lang, handout_state],
            [
                ui_lang,
                header,
                status_html,
                tab_search,
                tab_practices,
                tab_handout,
                query,
                search_button,
                filters_box,
                langs,
                sections,
                countries,
                practices,
                k,
                add_answer,
                picker,
                add_selected,
                open_choice,
                open_button,
                practice_pick,
                list_header,
                practice_list,
                handout_view,
                download_md,
                download_docx,
                clear,
            ],
            api_visibility="private",
        )

        gr.api(handlers.api_search, api_name="search")
    return WebApp(demo, handouts)


def launch(app: WebApp, host: str = "127.0.0.1", port: int = 7860, *, block: bool = True):  # type: ignore[no-untyped-def]
    """Serve ``app`` locally: a bounded queue run four at a time, no public share link, and
    only the routes the page and the public API need (see :mod:`compendium.serving`)."""
    from starlette.middleware import Middleware

    demo = app.demo
    public = frozenset(fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public")
    guard = Middleware(RouteGuard, policy=RoutePolicy(files=app.handouts, api_names=public))
    # api_open=False: the named API goes through the queue too, never straight to a function.
    demo.queue(default_concurrency_limit=4, max_size=QUEUE_SIZE, api_open=False)
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
