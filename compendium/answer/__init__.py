"""The answer stage: hits -> candidate sentences -> features -> fitted scores -> cited quotes,
or a plain decline ("not covered", "no clear answer")."""

from compendium.answer.builder import CANDIDATE_HITS, MAX_QUOTES, build_answer, verify_quote
from compendium.answer.records import NO_CLEAR_ANSWER, Answer, Citation, Quote, not_covered_message

__all__ = [
    "CANDIDATE_HITS",
    "MAX_QUOTES",
    "NO_CLEAR_ANSWER",
    "Answer",
    "Citation",
    "Quote",
    "build_answer",
    "not_covered_message",
    "verify_quote",
]
