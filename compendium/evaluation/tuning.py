"""The tuning grid: settings scored on one split only, so the other stays a fair test."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compendium.evaluation.questions import Question
from compendium.evaluation.runner import _run_config
from compendium.search import HYBRID, KEYWORD, Searcher, SearchOptions

CHUNK_BUDGETS = (120, 160, 200, 250)
GLOSSARY_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
SECTION_BOOSTS = (0.0, 0.5, 1.0)
SECTION_FLOORS = (0.0, 0.1, 0.2, 0.4)
RRF_KS = (10, 30, 60, 100)
DENSE_WEIGHTS = (0.3, 0.5, 0.7)
_SHOWN = ("hit@1", "hit@5", "mrr@10", "answer_correct", "abstention", "false_decline")


def tune(
    corpus: Sequence[Path | str],
    questions: Sequence[Question],
    scratch: Path,
    *,
    model: str | None = None,
    split: str = "dev",
) -> list[dict[str, Any]]:
    """Grid over chunk budget x glossary weight x section boost and floor (and fusion
    parameters when a model loads), scored on ``split`` only."""
    from compendium.chunker import ChunkConfig
    from compendium.index_store import IndexConfig

    chosen = [q for q in questions if q.split == split]
    rows: list[dict[str, Any]] = []
    for budget in CHUNK_BUDGETS:
        config = IndexConfig(chunking=ChunkConfig(max_words=budget, overlap_words=min(40, budget // 4)))
        searcher = Searcher.open(corpus, scratch / f"index-{budget}", model=model, config=config)
        for label, options in _grid(searcher):
            result = _run_config(searcher, chosen, options, dense_answers=options.retrievers != KEYWORD)
            rows.append({"chunk_words": budget, "setting": label, **result["overall"]})
    return rows


def _grid(searcher: Searcher) -> list[tuple[str, SearchOptions]]:
    grid = [
        (
            f"keyword, glossary x{weight}, section boost {boost}, floor {floor}",
            SearchOptions(
                retrievers=KEYWORD,
                glossary=weight > 0,
                glossary_weight=weight,
                section_boost=boost,
                section_floor=floor,
            ),
        )
        for weight in GLOSSARY_WEIGHTS
        for boost in SECTION_BOOSTS
        for floor in SECTION_FLOORS
    ]
    if searcher.mode == HYBRID:
        grid += [
            (f"hybrid rrf k={k}", SearchOptions(retrievers=HYBRID, fusion="rrf", rrf_k=k)) for k in RRF_KS
        ]
        grid += [
            (f"hybrid convex dense={w}", SearchOptions(retrievers=HYBRID, fusion="convex", dense_weight=w))
            for w in DENSE_WEIGHTS
        ]
    return grid


def format_tuning(rows: Sequence[dict[str, Any]]) -> str:
    """The tuning grid as a Markdown table."""
    header = ["chunk words", "setting", *_SHOWN]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = ["-" if row[name] is None else f"{row[name]:.3f}" for name in _SHOWN]
        lines.append(f"| {row['chunk_words']} | {row['setting']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
