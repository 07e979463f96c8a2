"""One question's full result (hits and the cited answer) as the JSON object that the app's
API and ``python -m compendium ask --json`` both return, so the two can never drift apart."""

from __future__ import annotations

from typing import Any

from compendium.answer import build_answer
from compendium.search import HYBRID, Filters, Searcher


def ask(searcher: Searcher, query: str, k: int = 5, filters: Filters | None = None) -> dict[str, Any]:
    """Search ``query`` and answer it from the hits: ``{mode, model, query, notice, hits, answer}``."""
    query = " ".join((query or "").split())
    hits = searcher.search(query, k=k, filters=filters) if query else []
    answer = build_answer(searcher, query, hits)
    return {
        "mode": searcher.mode,
        "model": searcher.model_status.model_id if searcher.mode == HYBRID else None,
        "query": query,
        "notice": searcher.model_status.notice,
        "hits": [hit.to_dict() for hit in hits],
        "answer": answer.to_dict(),
    }
