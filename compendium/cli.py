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

from compendium.settings import DEFAULT_CORPUS

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
    ingest.set_defaults(handler=_ingest)
    return parser


def _ingest(args: argparse.Namespace, out: TextIO) -> int:
    from compendium.chunker import chunk_documents
    from compendium.ingest import Limits, load_corpus

    limits = Limits(max_bytes=int(args.max_mb * 1024 * 1024), max_pages=args.max_pages)
    corpus = load_corpus(args.paths or [DEFAULT_CORPUS], limits=limits)
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
    documents = corpus.documents
    cards = sum(len(document.cards) for document in documents)
    out.write(f"{len(documents)} document(s), {cards} card(s), {len(corpus.problems)} problem(s)\n\n")
    for document in documents:
        languages = sorted(
            {section.language for section in document.front_matter}
            | {card.language for card in document.cards}
        )
        out.write(
            f"{document.source}  [{document.kind}, {len(document.cards)} card(s), "
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
            out.write(f"  warning: {warning}\n")
    for problem in corpus.problems:
        out.write(f"error: {problem.path}: {problem.reason}\n")
