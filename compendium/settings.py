"""Default locations and knobs, in one place. Everything here can be overridden by a flag."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = PROJECT_ROOT / "index"
#: The one-card question sets (on ``DEFAULT_CORPUS``).
DEFAULT_QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"
#: The many-card evaluation collection (FICTIONAL cards) and its questions: the headline figures.
EVAL_CORPUS = PROJECT_ROOT / "eval" / "corpus"
EVAL_QUESTIONS = EVAL_CORPUS / "questions.jsonl"
#: Where derived files that outlive an index live (the bundled model unpacked for torch).
CACHE_ENV = "COMPENDIUM_CACHE"


def cache_dir() -> Path:
    """``$COMPENDIUM_CACHE``, else ``$XDG_CACHE_HOME/compendium``, else ``~/.cache/compendium``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "compendium"
