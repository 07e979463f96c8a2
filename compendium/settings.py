"""Default locations and knobs, in one place. Everything here can be overridden by a flag."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
DEFAULT_QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"
