"""Score one question the way a user would judge the result: is the right practice first, is
the right section near the top, does the answer quote what it must, does it decline when the
collection has no answer, and do its citations point at the right card and section."""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compendium.evaluation.questions import Gold, Question, normal
from compendium.metrics import mrr_at, ndcg_at

if TYPE_CHECKING:
    from compendium.answer import Answer
    from compendium.search import Hit

DEPTH = 10
RANKING_METRICS = ("card@1", "hit@1", "hit@5", "mrr@10", "ndcg@10")
ANSWER_METRICS = ("answer_correct", "false_decline", "abstention", "cites_right", "citations_verify")
METRIC_NAMES = RANKING_METRICS + ANSWER_METRICS
# Random rankings drawn per question for the chance floor: enough for two stable decimals.
_FLOOR_DRAWS = 400

Unit = tuple[str, str, str]  # (doc_id, section, lang): what the search ranks


def relevance(units: Sequence[Unit], gold: Sequence[Gold]) -> list[int]:
    """1 for each ranked unit that is the first to satisfy some gold target, else 0."""
    satisfied: set[int] = set()
    marks = []
    for unit in units:
        target = next((i for i, g in enumerate(gold) if i not in satisfied and g.matches_unit(*unit)), None)
        marks.append(0 if target is None else 1)
        if target is not None:
            satisfied.add(target)
    return marks


def ranking_scores(question: Question, units: Sequence[Unit]) -> dict[str, float | None]:
    """Card@1, section hit@1/@5, MRR@10 and nDCG@10 of one ranking (None when unanswerable)."""
    if not question.answerable:
        return dict.fromkeys(RANKING_METRICS)
    marks = relevance(units[:DEPTH], question.gold)
    gold_cards = {g.doc_id for g in question.gold}
    return {
        "card@1": float(bool(units) and units[0][0] in gold_cards),
        "hit@1": float(any(marks[:1])),
        "hit@5": float(any(marks[:5])),
        "mrr@10": mrr_at(marks, DEPTH),
        "ndcg@10": ndcg_at(marks, len(question.gold), DEPTH),
    }


def answer_scores(question: Question, answer: Answer, verified: bool | None) -> dict[str, float | None]:
    """What the answer box got right: the evidence quoted, a decline where one is due, the
    citations on gold card and section, the quotes verbatim."""
    declined = not answer.clear
    scores: dict[str, float | None] = dict.fromkeys(ANSWER_METRICS)
    scores["citations_verify"] = None if verified is None else float(verified)
    if not question.answerable:
        scores["abstention"] = float(declined)
        return scores
    scores["false_decline"] = float(declined)
    # A quote's lead (a row's caption, a list's lead-in) is quoted verbatim beside it.
    quoted = normal(" ".join(f"{quote.lead} {quote.text}" for quote in answer.quotes))
    if question.evidence:
        scores["answer_correct"] = float(
            not declined and any(normal(e.text) in quoted for e in question.evidence)
        )
    elif question.answer is not None:
        scores["answer_correct"] = float(not declined and normal(question.answer) in normal(answer.text))
    if not declined:
        on_gold = [
            any(g.doc_id == c.doc_id and g.section == c.section for g in question.gold)
            for c in answer.citations
        ]
        scores["cites_right"] = float(all(on_gold))
    return scores


def chance_scores(question: Question, units: Sequence[Unit]) -> dict[str, float | None]:
    """Expected ranking scores of a uniformly random order of all ``units`` (the floor a
    figure must be read against; with few cards it is far from zero)."""
    if not question.answerable or not units:
        return dict.fromkeys(RANKING_METRICS)
    draw = random.Random(zlib.crc32(question.id.encode()))
    pool = list(units)
    totals = dict.fromkeys(RANKING_METRICS, 0.0)
    for _ in range(_FLOOR_DRAWS):
        sample = draw.sample(pool, min(DEPTH, len(pool)))
        for name, value in ranking_scores(question, sample).items():
            totals[name] += value or 0.0
    return {name: total / _FLOOR_DRAWS for name, total in totals.items()}


def hit_units(hits: Sequence[Hit]) -> list[Unit]:
    """The ranked sections of a result list."""
    return [(h.chunk.doc_id, h.chunk.section, h.chunk.lang) for h in hits]


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean of every metric over the rows where it applies, with the counts behind it."""
    summary: dict[str, Any] = {}
    for name in METRIC_NAMES:
        values = [row[name] for row in rows if row.get(name) is not None]
        summary[name] = round(sum(values) / len(values), 4) if values else None
    summary["n"] = len(rows)
    summary["n_answerable"] = sum(1 for row in rows if row["answerable"])
    summary["n_unanswerable"] = summary["n"] - summary["n_answerable"]
    return summary
