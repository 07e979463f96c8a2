"""Draw the evaluation collection's PDF cards (FICTIONAL) from their sources.

    .venv/bin/python eval/build_pdfs.py

Each ``eval/pdf-sources/<card>.json`` becomes ``eval/corpus/<card>.pdf`` in the compendium's
two-column table layout with printed page numbers, so that these cards reach the index
through the PDF reader, as a user's PDF would. The PDFs are committed; rerun this only after
editing a source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compendium.taxonomy import CARD_KEYS  # noqa: E402
from tests.pdf_builder import CardSpec, build_cards_pdf  # noqa: E402


def build(source: Path, target_folder: Path) -> Path:
    """Draw one source card; return the PDF's path."""
    spec = json.loads(source.read_text(encoding="utf-8"))
    sections = [
        (key, section["label"], section["text"].split("\n"))
        for key, section in zip(CARD_KEYS, spec["sections"], strict=True)
    ]
    card = CardSpec(spec["title"], spec["author_line"], sections, spec.get("part"))
    target = target_folder / f"{source.stem}.pdf"
    build_cards_pdf([card], target, first_printed_page=spec["first_page"])
    return target


def main() -> None:
    for source in sorted((ROOT / "eval" / "pdf-sources").glob("fictional-*.json")):
        print(build(source, ROOT / "eval" / "corpus"))


if __name__ == "__main__":
    main()
