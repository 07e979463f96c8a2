"""The cue shortlist answers as the intents it shortlists, on every evaluation question."""

from __future__ import annotations

import json
from pathlib import Path

from compendium.cue_shortlist import CueShortlist
from compendium.intents import SectionIntents

ROOT = Path(__file__).resolve().parent.parent
EXTRA = [
    "número de teléfono",
    "qui contacter ?",
    "who funded it and what were the outcomes",
    "who funds the fee members pay per month",  # a rate rules funding out
    "",
    "?",
]


def _questions() -> list[str]:
    texts = list(EXTRA)
    for path in (ROOT / "eval" / "questions.jsonl", ROOT / "eval" / "corpus" / "questions.jsonl"):
        texts += [
            json.loads(line)["question"]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    return texts


def test_the_shortlist_asks_for_the_sections_the_intents_ask_for():
    intents = SectionIntents.from_taxonomy()
    shortlist = CueShortlist.of(intents)
    questions = _questions()
    assert len(questions) > 100
    for question in questions:
        assert shortlist.asked(question) == intents.asked(question), question


def test_a_cue_of_no_words_is_kept():
    intents = SectionIntents(((("who", "funded"), "funding"), ((), "results")))
    assert CueShortlist.of(intents).asked("who funded it") == intents.asked("who funded it")
