"""Labelled questions: what a question asks, which passages answer it, and what a correct answer
must quote; read from JSON lines and checked against the indexed corpus."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compendium.taxonomy import CARD_KEYS, FRONT_MATTER_KEYS, LANGUAGES

if TYPE_CHECKING:
    from compendium.search import Hit, Searcher

PERSONAS = frozenset({"policymaker", "trainer", "researcher"})
TYPES = frozenset({"fact", "factual", "how", "why", "who", "list", "overview", "comparison", "keyword"})
SPLITS = frozenset({"dev", "test", "blind"})
UNANSWERABLE_KINDS = frozenset({"near-miss", "absent-country", "off-topic"})


@dataclass(frozen=True)
class Gold:
    """A passage that answers a question: a document (card id or front matter) and section,
    optionally in one language only."""

    doc_id: str
    section: str
    lang: str | None = None

    def matches(self, hit: Hit) -> bool:
        """Whether ``hit`` is this passage."""
        return self.matches_unit(hit.chunk.doc_id, hit.chunk.section, hit.chunk.lang)

    def matches_unit(self, doc_id: str, section: str, lang: str) -> bool:
        """Whether the section ``(doc_id, section, lang)`` is this passage."""
        return doc_id == self.doc_id and section == self.section and self.lang in (None, lang)


@dataclass(frozen=True)
class Evidence:
    """A short verbatim span of a gold section that a correct answer must quote."""

    doc_id: str
    section: str
    text: str


@dataclass(frozen=True)
class Question:
    """One labelled question. ``unanswerable`` names why the collection cannot answer it
    (``near-miss``, ``absent-country``, ``off-topic``); such a question has no gold."""

    id: str
    question: str
    language: str
    persona: str
    type: str
    gold: tuple[Gold, ...]
    answer: str | None
    split: str
    evidence: tuple[Evidence, ...] = ()
    unanswerable: str | None = None

    @property
    def answerable(self) -> bool:
        return self.unanswerable is None


def load_questions(path: Path) -> list[Question]:
    """Read a question file; raise ``ValueError`` naming the line of any malformed entry."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(_question(json.loads(line)))
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}:{number}: malformed question ({error})") from error
    return questions


def _question(record: dict) -> Question:
    return Question(
        id=record["id"],
        question=record["question"],
        language=record["language"],
        persona=record["persona"],
        type=record["type"],
        gold=tuple(Gold(g["doc_id"], g["section"], g.get("lang")) for g in record["gold"]),
        answer=record.get("answer"),
        split=record["split"],
        evidence=tuple(Evidence(e["doc_id"], e["section"], e["text"]) for e in record.get("evidence", [])),
        unanswerable=record.get("unanswerable"),
    )


def validate_questions(questions: Sequence[Question], searcher: Searcher) -> list[str]:
    """Problems with the question set against the indexed corpus (empty when it is sound)."""
    problems = []
    ids = [q.id for q in questions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{duplicate}: id used more than once")
    section_text = _section_texts(searcher)
    for q in questions:
        problems.extend(_entry_problems(q, section_text))
    return problems


def _entry_problems(q: Question, section_text: dict[tuple[str, str], str]) -> list[str]:
    problems = []
    if q.language not in LANGUAGES:
        problems.append(f"{q.id}: unknown language {q.language!r}")
    if q.persona not in PERSONAS or q.type not in TYPES or q.split not in SPLITS:
        problems.append(f"{q.id}: persona, type or split not in the allowed sets")
    if not q.question.strip():
        problems.append(f"{q.id}: empty question")
    if q.unanswerable is not None:
        if q.unanswerable not in UNANSWERABLE_KINDS:
            problems.append(f"{q.id}: unknown unanswerable kind {q.unanswerable!r}")
        if q.gold or q.evidence or q.answer:
            problems.append(f"{q.id}: an unanswerable question has no gold, evidence or answer")
        return problems
    if not q.gold:
        problems.append(f"{q.id}: no gold target")
    for gold in q.gold:
        if gold.section not in CARD_KEYS + FRONT_MATTER_KEYS:
            problems.append(f"{q.id}: unknown section {gold.section!r}")
        elif (gold.doc_id, gold.section) not in section_text:
            problems.append(f"{q.id}: gold {gold.doc_id}/{gold.section} is not in the corpus")
    for evidence in q.evidence:
        if not any(g.doc_id == evidence.doc_id and g.section == evidence.section for g in q.gold):
            problems.append(f"{q.id}: evidence {evidence.text!r} is outside the gold sections")
        elif normal(evidence.text) not in normal(section_text.get((evidence.doc_id, evidence.section), "")):
            problems.append(
                f"{q.id}: evidence {evidence.text!r} is not in {evidence.doc_id}/{evidence.section}"
            )
    if q.answer is not None and not any(
        normal(q.answer) in normal(section_text.get((g.doc_id, g.section), "")) for g in q.gold
    ):
        problems.append(f"{q.id}: expected answer {q.answer!r} is in none of its gold sections")
    return problems


def _section_texts(searcher: Searcher) -> dict[tuple[str, str], str]:
    texts: dict[tuple[str, str], str] = {}
    for chunk in searcher.chunks:
        key = (chunk.doc_id, chunk.section)
        texts[key] = texts.get(key, "") + "\n" + chunk.text
    return texts


def normal(text: str) -> str:
    """Text compared modulo case and whitespace (how quotes are matched to evidence)."""
    return re.sub(r"\s+", " ", text).strip().casefold()
