"""The trade-off between declining unanswerable questions and wrongly declining answerable
ones, on the (fictional) evaluation collection, for the signals an answer could decline on.

For each signal (the best sentence's fitted score, its similarity to the question, its word
coverage) and each threshold, a question is declined when it names a concept the collection
never mentions (as the product does) or when its signal falls below the threshold. Printed per
split, as Markdown rows: threshold, share of unanswerable questions declined, share of
answerable ones wrongly declined, and answer correct (declined counts as wrong).

    .venv/bin/python eval/decline_curve.py [--index DIR] [--split dev]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compendium.answer.builder import (  # noqa: E402
    CANDIDATE_CARDS,
    CANDIDATE_HITS,
    MAX_QUOTES,
    choose,
    sentence_scores,
    sentence_similarities,
)
from compendium.answer.candidates import answer_sources, candidates  # noqa: E402
from compendium.answer.features import FEATURES, QuestionCues, feature_matrix  # noqa: E402
from compendium.answer.scorer import load_weights  # noqa: E402
from compendium.evaluation import load_questions  # noqa: E402
from compendium.evaluation.questions import normal  # noqa: E402
from compendium.evaluation.runner import CONFIGS  # noqa: E402
from compendium.evaluation.scoring import DEPTH  # noqa: E402
from compendium.search import Searcher  # noqa: E402
from compendium.settings import EVAL_CORPUS, EVAL_QUESTIONS  # noqa: E402

SIGNALS = ("score", "similarity", "coverage")


def question_signals(searcher: Searcher, question) -> dict:
    """The signals of one question's best candidate, whether it is not covered, and whether
    the answer the product would give (if not declined) quotes the evidence."""
    options = CONFIGS["hybrid-convex"]
    weights = load_weights()
    hits = searcher.search(question.question, k=DEPTH, options=options)
    found = candidates(searcher, answer_sources(searcher, hits, CANDIDATE_HITS, CANDIDATE_CARDS))
    row = {"answerable": question.answerable, "missing": bool(searcher.coverage.missing(question.question))}
    if not found:
        return {**row, "score": -np.inf, "similarity": -1.0, "coverage": 0.0, "right": False}
    cues = QuestionCues.of(
        searcher, question.question, options.glossary, searcher.query_vector(question.question)
    )
    similarity = sentence_similarities(searcher, question.question, found)
    matrix = feature_matrix(searcher, cues, found, similarity)
    scores = sentence_scores(weights, matrix, "dense", found, cues)
    chosen = choose(found, scores, MAX_QUOTES, weights.follower_margin)
    quoted = normal(" ".join(found[i].quoted for i in chosen))
    return {
        **row,
        "score": float(scores.max()),
        "similarity": float(similarity.max()),
        "coverage": float(matrix[:, FEATURES.index("coverage")].max()),
        "right": any(normal(e.text) in quoted for e in question.evidence),
    }


def curve(rows: list[dict], signal: str) -> list[tuple[float, float, float, float]]:
    """(threshold, declined unanswerable, wrongly declined answerable, answer correct) rows."""
    values = sorted({row[signal] for row in rows if np.isfinite(row[signal])})
    thresholds = [values[0] - 1e-9] + list(np.quantile(values, np.linspace(0.05, 0.6, 12)))
    out = []
    for threshold in thresholds:
        declined = [row["missing"] or row[signal] < threshold for row in rows]
        unanswerable = [d for d, row in zip(declined, rows, strict=True) if not row["answerable"]]
        answerable = [(d, row) for d, row in zip(declined, rows, strict=True) if row["answerable"]]
        out.append(
            (
                float(threshold),
                float(np.mean(unanswerable)) if unanswerable else 0.0,
                float(np.mean([d for d, _row in answerable])) if answerable else 0.0,
                float(np.mean([not d and row["right"] for d, row in answerable])) if answerable else 0.0,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path(".eval-index"), help="index folder (reused)")
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    args = parser.parse_args()
    searcher = Searcher.open([EVAL_CORPUS], args.index, progress=lambda message: None)
    questions = [q for q in load_questions(EVAL_QUESTIONS) if q.split == args.split]
    rows = [question_signals(searcher, q) for q in questions]
    for signal in SIGNALS:
        print(f"\n**{signal}** ({args.split})\n")
        print("| threshold | declined (unanswerable) | wrongly declined | answer correct |")
        print("|---|---|---|---|")
        for threshold, declined, wrong, right in curve(rows, signal):
            print(f"| {threshold:.3f} | {declined:.2f} | {wrong:.2f} | {right:.3f} |")


if __name__ == "__main__":
    main()
