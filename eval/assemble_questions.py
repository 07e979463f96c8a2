"""Build ``eval/corpus/questions.jsonl`` from the blind question drafts and the cards' fact sheets.

    .venv/bin/python eval/assemble_questions.py eval/drafts/*.jsonl

How the set was made (so that questions do not echo the cards): one helper per language wrote
the FICTIONAL cards and, separately, a fact sheet per card (``eval/facts/``: each fact's
section, a paraphrased English summary and the verbatim evidence spans). Other helpers, one per
question language, saw only the summaries and each card's list of things it does not say
(never the cards, the glossary or the other question sets) and wrote the drafts, naming the facts
a correct answer needs. This script turns those fact ids into gold card + section + evidence,
using the card ids the parser gives each file, and assigns a stable dev/test split.
"""

from __future__ import annotations

import json
import sys
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compendium.ingest import load_corpus  # noqa: E402

CORPUS = ROOT / "eval" / "corpus"
FACTS = ROOT / "eval" / "facts"


def card_ids() -> dict[str, str]:
    """File stem -> card id as the parser assigns it (one card per file in this collection)."""
    corpus = load_corpus([CORPUS])
    found = {}
    for document in corpus.documents:
        (card,) = document.cards
        found[Path(document.source).stem] = card.card_id
    return found


def facts_by_id() -> dict[str, tuple[str, dict]]:
    """Fact id -> (card file stem, fact)."""
    table = {}
    for path in sorted(FACTS.glob("fictional-*.json")):
        sheet = json.loads(path.read_text(encoding="utf-8"))
        for fact in sheet["facts"]:
            table[fact["id"]] = (sheet["card_id"], fact)
    return table


def assemble(drafts: list[dict], ids: dict[str, str], facts: dict[str, tuple[str, dict]]) -> list[dict]:
    """Gold, evidence and split for every draft question."""
    out = []
    for draft in drafts:
        gold: list[dict] = []
        evidence: list[dict] = []
        for fact_id in draft["facts"]:
            stem, fact = facts[fact_id]
            target = {"doc_id": ids[stem], "section": fact["section"]}
            if target not in gold:
                gold.append(target)
            evidence += [{**target, "text": span, "fact": fact_id} for span in fact["evidence"]]
        unanswerable = draft.get("unanswerable")
        out.append(
            {
                "id": draft["id"],
                "question": draft["question"],
                "language": draft["language"],
                "persona": draft["persona"],
                "type": draft["type"],
                "gold": gold,
                "evidence": evidence,
                "answer": None,
                "unanswerable": unanswerable["kind"] if unanswerable else None,
                "why_unanswerable": unanswerable.get("why") if unanswerable else None,
                "split": "",
            }
        )
    _split(out)
    return out


def _split(questions: list[dict]) -> None:
    """Half dev, half test within each language x answerable group, in a stable pseudo-random order."""
    groups: dict[tuple[str, bool], list[dict]] = defaultdict(list)
    for question in questions:
        groups[(question["language"], question["unanswerable"] is None)].append(question)
    for members in groups.values():
        members.sort(key=lambda q: zlib.crc32(q["id"].encode()))
        for position, question in enumerate(members):
            question["split"] = "dev" if position % 2 == 0 else "test"


def main(paths: list[str]) -> None:
    drafts = [
        json.loads(line) for path in paths for line in Path(path).read_text().splitlines() if line.strip()
    ]
    questions = assemble(drafts, card_ids(), facts_by_id())
    target = CORPUS / "questions.jsonl"
    target.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    print(f"wrote {len(questions)} questions to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
