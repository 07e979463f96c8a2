"""The first-time user's check on the real corpus: 24 questions (six per language, one of each
six not answerable from the compendium), each answer printed with its outcome.

    .venv/bin/python eval/real_check.py [--index DIR]

An answerable question is *right* when the answer quotes one of its expected strings (spaces
normalised), an unanswerable one when the answer declines. The expectations were written by
hand from the card (``eval/real-check/questions.jsonl``); the outcomes are printed, not
asserted: this is a check a person reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compendium.answer import build_answer  # noqa: E402
from compendium.search import Searcher  # noqa: E402
from compendium.settings import DEFAULT_CORPUS, DEFAULT_INDEX  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "real-check" / "questions.jsonl"


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def outcome(record: dict, answer) -> str:
    """ "right", "wrong" or "declined" (the right outcome for an unanswerable question)."""
    if record.get("unanswerable"):
        return "right (declined)" if not answer.clear else "wrong (answered)"
    if not answer.clear:
        return "wrong (declined)"
    quoted = _flat(" ".join(f"{q.lead} {q.text}" for q in answer.quotes))
    return "right" if any(_flat(e) in quoted for e in record["expect"]) else "wrong"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=str(DEFAULT_INDEX))
    args = parser.parse_args()
    searcher = Searcher.open((DEFAULT_CORPUS,), args.index)
    tally: dict[str, int] = {}
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        answer = build_answer(searcher, record["question"], searcher.search(record["question"], k=10))
        verdict = outcome(record, answer)
        tally[verdict.split()[0]] = tally.get(verdict.split()[0], 0) + 1
        print(f"{record['id']} [{record['lang']}] {verdict}: {record['question']}")
        print(f"    {answer.text[:400]}")
    print(" · ".join(f"{key} {count}" for key, count in sorted(tally.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
