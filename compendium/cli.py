"""Command line: ``python -m compendium ingest|index|search|eval``.

Only argument parsing and printing live here; the work is done by the library modules, which
the tests call directly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import TextIO

from compendium.settings import DEFAULT_CORPUS, DEFAULT_INDEX, EVAL_CORPUS, EVAL_QUESTIONS

EXIT_OK = 0
EXIT_FAILED = 1


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the process exit code."""
    out = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    return int(args.handler(args, out))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m compendium", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="parse files or folders and show their structure")
    ingest.add_argument(
        "paths", nargs="*", help=f"files or folders (.txt, .md, .pdf); default {DEFAULT_CORPUS}"
    )
    ingest.add_argument("--json", action="store_true", help="print the full structure as JSON")
    ingest.add_argument("--chunks", action="store_true", help="with --json, include the chunks")
    ingest.add_argument(
        "--max-mb", type=float, default=50.0, help="refuse files larger than this (default 50)"
    )
    ingest.add_argument(
        "--max-pages", type=int, default=600, help="refuse PDFs with more pages (default 600)"
    )
    ingest.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="stop reading a file after this many seconds, plus 0.5 s per PDF page read (default 20)",
    )
    ingest.set_defaults(handler=_ingest)

    index = commands.add_parser("index", help="build (or rebuild) the search index")
    _index_options(index)
    index.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    index.set_defaults(handler=_index)

    search = commands.add_parser("search", help="search the compendium (builds the index if needed)")
    search.add_argument("query", help="the question or keywords, in any of es/en/fr/pt")
    _index_options(search)
    search.add_argument("--k", type=int, default=5, help="number of results (default 5)")
    search.add_argument("--lang", default="", help="only passages in these languages, e.g. es,en")
    search.add_argument("--section", default="", help="only these sections, e.g. results,funding")
    search.add_argument("--country", default="", help="only practices naming these countries, e.g. EC")
    search.add_argument("--practice", default="", help="only these practice (card) ids")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.set_defaults(handler=_search)

    question = commands.add_parser(
        "ask", help="answer a question with quotes and citations (or say it is not covered)"
    )
    question.add_argument("query", help="the question, in any of es/en/fr/pt")
    _index_options(question)
    question.add_argument("--k", type=int, default=5, help="passages to answer from and list (default 5)")
    question.add_argument("--json", action="store_true", help="print the object the app's API returns")
    question.set_defaults(handler=_ask)

    evaluate = commands.add_parser(
        "eval", help="run the labelled questions through each search configuration"
    )
    evaluate.add_argument("--model", default=None, help="sentence-transformers model id or local folder")
    evaluate.add_argument(
        "--configs",
        default="",
        help="comma-separated subset of: "
        "keyword, keyword+glossary, dense, hybrid-rrf, hybrid-convex (default: all)",
    )
    evaluate.add_argument(
        "--questions", default=str(EVAL_QUESTIONS), help=f"question file (JSONL); default {EVAL_QUESTIONS}"
    )
    evaluate.add_argument(
        "--corpus", default=str(EVAL_CORPUS), help=f"corpus folder or file; default {EVAL_CORPUS}"
    )
    evaluate.add_argument(
        "--output", default=str(EVAL_QUESTIONS.parent.parent), help="where report.md and results.json go"
    )
    evaluate.add_argument("--index", default=None, help="index folder (default: a temporary one)")
    evaluate.add_argument(
        "--tune",
        action="store_true",
        help="grid over chunk size, glossary weight and fusion on the dev split; writes tuning.md",
    )
    evaluate.set_defaults(handler=_eval)
    return parser


def _index_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus folder or file")
    command.add_argument("--index", default=str(DEFAULT_INDEX), help="index folder")
    command.add_argument("--model", default=None, help="sentence-transformers model id or local folder")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _index(args: argparse.Namespace, out: TextIO) -> int:
    import time
    from pathlib import Path

    from compendium.analyzer import Analyzer
    from compendium.embedding import load_embedder, requested_model
    from compendium.glossary import load_glossary
    from compendium.index_store import IndexConfig, build_index, fingerprint, load_index, staleness

    started = time.perf_counter()
    embedder, status = load_embedder(requested_model(args.model))
    if not status.available:
        _stderr(status.notice)
    analyzer = Analyzer()
    glossary = load_glossary(analyzer)
    current = fingerprint([args.corpus], embedder, glossary, IndexConfig())
    if not args.force:
        try:
            existing = load_index(Path(args.index))
            if not staleness(existing.manifest, current):
                out.write(f"index is up to date: {args.index} ({existing.manifest.chunk_count} chunks)\n")
                return EXIT_OK
        except Exception as problem:  # missing, stale or corrupt: say why, then rebuild
            _stderr(f"{problem}")
    manifest = build_index(
        [args.corpus],
        Path(args.index),
        embedder=embedder,
        analyzer=analyzer,
        glossary=glossary,
        progress=_stderr,
    )
    mode = "hybrid" if manifest.vector_index else "keyword"
    out.write(
        f"built {args.index}: {manifest.chunk_count} chunks, {mode} mode, "
        f"{time.perf_counter() - started:.1f} s\n"
    )
    return EXIT_OK


def _split(value: str) -> list[str]:
    return [item for item in value.split(",") if item.strip()]


def _search(args: argparse.Namespace, out: TextIO) -> int:
    from compendium.facets import Facets
    from compendium.search import Filters, Searcher

    searcher = Searcher.open([args.corpus], args.index, model=args.model, progress=_stderr)
    filters = Filters.from_lists(
        _split(args.lang), _split(args.section), _split(args.practice), _split(args.country)
    )
    problems = Facets.of(searcher.chunks).unknown(filters)
    if problems:  # the same refusal the app's API gives: a typo never silently empties results
        _stderr(f"error: {'; '.join(problems)}")
        return EXIT_FAILED
    hits = searcher.search(args.query, k=args.k, filters=filters)
    if args.json:
        payload = {
            "mode": searcher.mode,
            "model": searcher.model_status.model_id if searcher.mode == "hybrid" else None,
            "query": args.query,
            "notice": searcher.model_status.notice,
            "hits": [hit.to_dict() for hit in hits],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    out.write(f"[{searcher.mode} mode] {len(hits)} result(s) for: {args.query}\n")
    for hit in hits:
        excerpt = " ".join(hit.chunk.text.split())
        excerpt = excerpt if len(excerpt) <= 400 else excerpt[:397] + "…"
        out.write(
            f"\n{hit.rank}. {hit.chunk.citation}  [{hit.chunk.lang}, score {hit.score:.4f}]\n   {excerpt}\n"
        )
    if not hits:
        out.write("no passage matches; try other words or fewer filters\n")
    return EXIT_OK


def _ask(args: argparse.Namespace, out: TextIO) -> int:
    from compendium.results import ask
    from compendium.search import Searcher

    searcher = Searcher.open([args.corpus], args.index, model=args.model, progress=_stderr)
    result = ask(searcher, args.query, k=args.k)
    if args.json:
        json.dump(result, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    answer = result["answer"]
    out.write(f"[{result['mode']} mode] {result['query']}\n\n")
    out.write((answer["text"] if answer["clear"] else answer["message"]) + "\n")
    for citation in answer["citations"]:
        out.write(f"  [{citation['marker']}] {citation['text']} ({citation['lang']})\n")
    if not answer["clear"] and result["hits"]:
        out.write("\nclosest passages:\n")
        for hit in result["hits"]:
            out.write(f"  {hit['rank']}. {hit['citation']}\n")
    return EXIT_OK


def _ingest(args: argparse.Namespace, out: TextIO) -> int:
    from compendium.chunker import chunk_documents
    from compendium.ingest import Limits, load_corpus

    limits = Limits(max_bytes=int(args.max_mb * 1024 * 1024), max_pages=args.max_pages, seconds=args.budget)
    # One line per file as it is done, on stderr: the summary (or JSON) on stdout stays whole.
    corpus = load_corpus(args.paths or [DEFAULT_CORPUS], limits=limits, progress=_stderr)
    if args.json:
        payload: dict[str, object] = {
            "documents": [document.to_dict() for document in corpus.documents],
            "problems": [asdict(problem) for problem in corpus.problems],
        }
        if args.chunks:
            payload["chunks"] = [chunk.to_dict() for chunk in chunk_documents(corpus.documents)]
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_summary(corpus, out)
    return EXIT_FAILED if corpus.problems else EXIT_OK


def _print_summary(corpus, out: TextIO) -> None:  # type: ignore[no-untyped-def]
    from compendium.errors import printable  # file names may hold newlines or terminal escapes

    documents = corpus.documents
    cards = sum(len(document.cards) for document in documents)
    out.write(f"{len(documents)} document(s), {cards} card(s), {len(corpus.problems)} problem(s)\n\n")
    for document in documents:
        languages = sorted(
            {section.language for section in document.front_matter}
            | {card.language for card in document.cards}
        )
        out.write(
            f"{printable(document.source)}  [{document.kind}, {len(document.cards)} card(s), "
            f"languages: {', '.join(languages) or '-'}]\n"
        )
        if document.front_matter:
            front = ", ".join(f"{section.label} ({section.language})" for section in document.front_matter)
            out.write(f"  front matter: {front}\n")
        for card in document.cards:
            out.write(f"  {card.card_id}\n")
            out.write(
                f"    {card.short_title} — {card.author or 'no author'} — {card.language}"
                f" — {', '.join(card.countries) or 'no country'}\n"
            )
            keys = " ".join(section.key for section in card.sections)
            out.write(f"    {len(card.sections)} sections: {keys}\n")
        for warning in document.warnings:
            out.write(f"  warning: {printable(warning)}\n")
    for problem in corpus.problems:
        out.write(f"error: {problem.path}: {problem.reason}\n")


def _eval(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile
    from pathlib import Path

    from compendium.evaluation import (
        CONFIGS,
        evaluate,
        format_table,
        load_questions,
        validate_questions,
        write_report,
    )
    from compendium.search import Searcher

    configs = _split(args.configs) or list(CONFIGS)
    if args.tune:
        return _tune(args, out)
    with tempfile.TemporaryDirectory(prefix="compendium-eval-") as scratch:
        index_dir = Path(args.index) if args.index else Path(scratch) / "index"
        searcher = Searcher.open([args.corpus], index_dir, model=args.model, progress=_stderr)
        questions = load_questions(Path(args.questions))
        problems = validate_questions(questions, searcher)
        if problems:
            for problem in problems:
                _stderr(f"question file: {problem}")
            return EXIT_FAILED
        results = evaluate(searcher, questions, configs)
    extra = [Path(args.output) / name for name in ("decisions.md", "tuning.md")]
    notes = "\n\n".join(path.read_text(encoding="utf-8") for path in extra if path.exists())
    command = f"python -m compendium eval --corpus {args.corpus} --questions {args.questions}"
    report, data = write_report(
        results, Path(args.output), title="Evaluation report", source=command, notes=notes
    )
    out.write(format_table(results) + "\n")
    out.write(f"\nwrote {report} and {data}\n")
    return EXIT_OK


def _tune(args: argparse.Namespace, out: TextIO) -> int:
    import tempfile
    from pathlib import Path

    from compendium.evaluation import format_tuning, load_questions, tune

    with tempfile.TemporaryDirectory(prefix="compendium-tune-") as scratch:
        rows = tune([args.corpus], load_questions(Path(args.questions)), Path(scratch), model=args.model)
    table = format_tuning(rows)
    target = Path(args.output) / "tuning.md"
    heading = "## Tuning grid (dev split only; produced by `python -m compendium eval --tune`)"
    target.write_text(f"{heading}\n\n{table}\n", encoding="utf-8")
    out.write(table + f"\n\nwrote {target}\n")
    return EXIT_OK
