"""Fit the answer's sentence scorer on the dev split of the (fictional) evaluation collection.

For every answerable dev question, the candidate sentences an answer may quote are labelled 1
when they (with the caption or lead-in shown beside them) contain a gold evidence span. A
listwise softmax (one distribution over each question's candidates) is fitted with L2, once
with the embedding model's similarities (hybrid search) and once without them (keyword search
with the glossary). The follower margin
(how close a second quote's score must be) is the smallest that reaches the best dev score
with at most three quotes. The test split is only reported, never fitted on.

    .venv/bin/python eval/fit_answer_weights.py [--index DIR] [--write]

Without ``--write`` the figures are printed and the shipped weights stay as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

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
from compendium.answer.scorer import AnswerWeights, weights_path  # noqa: E402
from compendium.evaluation import load_questions  # noqa: E402
from compendium.evaluation.questions import Question, normal  # noqa: E402
from compendium.evaluation.runner import CONFIGS  # noqa: E402
from compendium.evaluation.scoring import DEPTH  # noqa: E402
from compendium.search import Searcher  # noqa: E402
from compendium.settings import EVAL_CORPUS, EVAL_QUESTIONS  # noqa: E402

#: The search configuration each weight set is fitted under.
MODE_CONFIGS = {"dense": "hybrid-convex", "keyword": "keyword+glossary"}
L2 = 1e-3
MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


@dataclass
class Example:
    """One question's candidate matrix and labels (and the candidates, to simulate choices)."""

    question: Question
    features: np.ndarray
    labels: np.ndarray
    found: list
    cues: QuestionCues


def examples(searcher: Searcher, questions: list[Question], mode: str) -> list[Example]:
    """Feature rows and labels of every answerable question's candidates under ``mode``."""
    options = CONFIGS[MODE_CONFIGS[mode]]
    found_examples = []
    for question in questions:
        if not question.answerable or not question.evidence:
            continue
        hits = searcher.search(question.question, k=DEPTH, options=options)
        found = candidates(searcher, answer_sources(searcher, hits, CANDIDATE_HITS, CANDIDATE_CARDS))
        if not found:
            continue
        vector = searcher.query_vector(question.question) if mode == "dense" else None
        cues = QuestionCues.of(searcher, question.question, options.glossary, vector)
        dense = sentence_similarities(searcher, question.question, found) if mode == "dense" else None
        spans = [normal(e.text) for e in question.evidence]
        labels = np.array([float(any(s in normal(c.quoted) for s in spans)) for c in found])
        found_examples.append(
            Example(question, feature_matrix(searcher, cues, found, dense), labels, found, cues)
        )
    return found_examples


def listwise_loss(weights: np.ndarray, data: list[Example]) -> tuple[float, np.ndarray]:
    """Mean cross-entropy between each question's softmax over candidates and its labels."""
    loss, gradient = 0.0, np.zeros_like(weights)
    usable = [e for e in data if e.labels.sum() > 0]
    for example in usable:
        logits = example.features @ weights
        logits -= logits.max()
        probabilities = np.exp(logits) / np.exp(logits).sum()
        target = example.labels / example.labels.sum()
        loss -= float(target @ (logits - np.log(np.exp(logits).sum())))
        gradient += example.features.T @ (probabilities - target)
    count = max(len(usable), 1)
    return loss / count + L2 * float(weights @ weights), gradient / count + 2 * L2 * weights


def fit(data: list[Example]) -> np.ndarray:
    """The weights minimising :func:`listwise_loss` on ``data``."""
    result = minimize(listwise_loss, np.zeros(len(FEATURES)), args=(data,), jac=True, method="L-BFGS-B")
    return result.x


def correct_share(data: list[Example], weights: np.ndarray, margin: float, mode: str) -> float:
    """Share of questions (with or without a labelled candidate) whose chosen quotes hold evidence."""
    if not data:
        return 0.0
    right = 0
    for example in data:
        scored = AnswerWeights(weights={mode: weights}, follower_margin=margin)
        scores = sentence_scores(scored, example.features, mode, example.found, example.cues)
        chosen = choose(example.found, scores, MAX_QUOTES, margin)
        right += bool(example.labels[chosen].max() > 0) if chosen else 0
    return right / len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path(".eval-index"), help="index folder (reused)")
    parser.add_argument("--write", action="store_true", help="write the weights the package ships")
    args = parser.parse_args()
    searcher = Searcher.open([EVAL_CORPUS], args.index, progress=lambda message: None)
    questions = load_questions(EVAL_QUESTIONS)
    payload: dict = {
        "features": list(FEATURES),
        "weights": {},
        "fitted": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": searcher.model_status.model_id,
        "figures": {},
    }
    margins = {}
    for mode in MODE_CONFIGS:
        dev = examples(searcher, [q for q in questions if q.split == "dev"], mode)
        test = examples(searcher, [q for q in questions if q.split == "test"], mode)
        weights = fit(dev)
        by_margin = {m: correct_share(dev, weights, m, mode) for m in MARGINS}
        best = max(by_margin.values())
        margins[mode] = min(m for m, share in by_margin.items() if share >= best - 0.01)
        payload["weights"][mode] = [round(float(w), 5) for w in weights]
        payload["figures"][mode] = {
            "dev_oracle": round(float(np.mean([e.labels.max() > 0 for e in dev])), 3),
            "test_oracle": round(float(np.mean([e.labels.max() > 0 for e in test])), 3),
            "dev_correct": round(by_margin[margins[mode]], 3),
            "test_correct": round(correct_share(test, weights, margins[mode], mode), 3),
            "margin": margins[mode],
        }
        print(mode, payload["figures"][mode])
        print("  ", {name: round(float(w), 2) for name, w in zip(FEATURES, weights, strict=True)})
    # One margin for both modes keeps the choice rule simple; the dense one serves most users.
    payload["follower_margin"] = margins["dense"]
    if args.write:
        weights_path().write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {weights_path()}")


if __name__ == "__main__":
    main()
