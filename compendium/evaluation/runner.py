"""Run a question set through each search configuration and score what the user would see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from compendium.answer import build_answer, verify_quote
from compendium.evaluation.questions import Question
from compendium.evaluation.scoring import (
    DEPTH,
    aggregate,
    answer_scores,
    chance_scores,
    hit_units,
    ranking_scores,
)
from compendium.search import DENSE, HYBRID, KEYWORD, Searcher, SearchOptions

CONFIGS: dict[str, SearchOptions] = {
    "keyword": SearchOptions(retrievers=KEYWORD, glossary=False),
    "keyword+glossary": SearchOptions(retrievers=KEYWORD, glossary=True),
    "dense": SearchOptions(retrievers=DENSE),
    "hybrid-rrf": SearchOptions(retrievers=HYBRID, fusion="rrf", dense_weight=0.5),
    "hybrid-convex": SearchOptions(retrievers=HYBRID, fusion="convex"),
}
NEEDS_MODEL = frozenset({"dense", "hybrid-rrf", "hybrid-convex"})
#: The slices every figure is broken down by.
SLICES = ("split", "answerable", "crossing", "pair", "language", "type")


def evaluate(
    searcher: Searcher, questions: Sequence[Question], configs: Sequence[str] = tuple(CONFIGS)
) -> dict[str, Any]:
    """Run every configuration over every question; return the full results structure, with
    the chance floor (a random order of all sections) beside the configurations."""
    results: dict[str, Any] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": searcher.model_status.model_id if searcher.model_status.available else None,
        "model_notice": searcher.model_status.notice,
        "questions": len(questions),
        "cards": len({c.doc_id for c in searcher.chunks if c.kind == "card"}),
        "configs": {},
    }
    for name in configs:
        if name not in CONFIGS:
            raise ValueError(f"unknown configuration {name!r}; choose from: {', '.join(CONFIGS)}")
        if name in NEEDS_MODEL and searcher.mode != HYBRID:
            results["configs"][name] = {"status": "skipped", "reason": "no embedding model available"}
            continue
        results["configs"][name] = _run_config(
            searcher, questions, CONFIGS[name], dense_answers=name in NEEDS_MODEL
        )
    results["floor"] = _floor(searcher, questions)
    return results


def describe(question: Question, searcher: Searcher) -> dict[str, Any]:
    """The slice values of one question: split, answerable, language pair, crossing, type."""
    card_languages = sorted(_gold_languages(question, searcher))
    target = "+".join(card_languages) if card_languages else "none"
    crossing = "n/a"
    if question.answerable:
        crossing = "mono" if question.language in card_languages else "cross"
    return {
        "id": question.id,
        "language": question.language,
        "type": question.type,
        "split": question.split,
        "answerable": "answerable" if question.answerable else "unanswerable",
        "crossing": crossing,
        "pair": f"{question.language}->{target}",
    }


def _gold_languages(question: Question, searcher: Searcher) -> set[str]:
    found: set[str] = set()
    for gold in question.gold:
        if gold.lang:
            found.add(gold.lang)
        else:
            found |= {
                c.lang for c in searcher.chunks if c.doc_id == gold.doc_id and c.section == gold.section
            }
    return found


def _run_config(
    searcher: Searcher, questions: Sequence[Question], options: SearchOptions, dense_answers: bool
) -> dict[str, Any]:
    chunks = searcher.chunk_by_id
    rows = []
    for q in questions:
        hits = searcher.search(q.question, k=DEPTH, options=options)
        answer = build_answer(searcher, q.question, hits, dense=dense_answers, options=options)
        verified = (
            all(verify_quote(quote, chunks[quote.chunk_id]) for quote in answer.quotes)
            if answer.quotes
            else None
        )
        units = hit_units(hits)
        row = describe(q, searcher)
        row["answerable"] = q.answerable
        row["ranked"] = ["/".join(unit) for unit in units]
        row["answer"] = answer.text
        row.update(ranking_scores(q, units))
        row.update(answer_scores(q, answer, verified))
        rows.append(row)
    return {"status": "ok", "options": asdict(options), **_summaries(rows, questions, searcher)}


def _floor(searcher: Searcher, questions: Sequence[Question]) -> dict[str, Any]:
    units = sorted({(c.doc_id, c.section, c.lang) for c in searcher.chunks})
    rows = []
    for q in questions:
        row = describe(q, searcher)
        row["answerable"] = q.answerable
        row.update(chance_scores(q, units))
        rows.append(row)
    return _summaries(rows, questions, searcher)


def _summaries(
    rows: list[dict[str, Any]], questions: Sequence[Question], searcher: Searcher
) -> dict[str, Any]:
    labels = {q.id: describe(q, searcher) for q in questions}
    slices: dict[str, Any] = {}
    for name in SLICES:
        values = sorted({labels[row["id"]][name] for row in rows})
        slices[name] = {
            value: aggregate([row for row in rows if labels[row["id"]][name] == value]) for value in values
        }
    return {"overall": aggregate(rows), "slices": slices, "per_question": rows}
