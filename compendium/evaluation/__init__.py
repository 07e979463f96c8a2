"""Evaluation: labelled questions run through each search configuration and scored as a user
would judge the result (right practice, right section, right quote, honest decline)."""

from compendium.evaluation.questions import (
    Evidence,
    Gold,
    Question,
    load_questions,
    normal,
    validate_questions,
)
from compendium.evaluation.report import format_table, question_profile, write_report
from compendium.evaluation.runner import CONFIGS, NEEDS_MODEL, SLICES, describe, evaluate
from compendium.evaluation.scoring import METRIC_NAMES, RANKING_METRICS, relevance
from compendium.evaluation.tuning import format_tuning, tune

__all__ = [
    "CONFIGS",
    "METRIC_NAMES",
    "NEEDS_MODEL",
    "RANKING_METRICS",
    "SLICES",
    "Evidence",
    "Gold",
    "Question",
    "describe",
    "evaluate",
    "format_table",
    "format_tuning",
    "load_questions",
    "normal",
    "question_profile",
    "relevance",
    "tune",
    "validate_questions",
    "write_report",
]
