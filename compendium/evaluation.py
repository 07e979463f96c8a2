"""Evaluation: a labelled question set run through several search configurations.

For each configuration: Recall@1/3/5/10, MRR@10 and nDCG@10 of the ranked sections, the share
of factual answers containing the expected string, and the share of answers whose quotes
verify against their chunks; every figure also sliced by question language, by mono- vs
cross-lingual, by split (dev/test) and by question type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from compendium.answer import build_answer, verify_quote
from compendium.metrics import mean, mrr_at, ndcg_at, recall_at
from compendium.search import DENSE, HYBRID, KEYWORD, Hit, Searcher, SearchOptions
from compendium.taxonomy import CARD_KEYS, FRONT_MATTER_KEYS, LANGUAGES

CUTOFFS = (1, 3, 5, 10)
DEPTH = 10
PERSONAS = frozenset({"policymaker", "trainer", "researcher"})
TYPES = frozenset({"factual", "how", "why", "overview", "list", "keyword"})
SPLITS = frozenset({"dev", "test", "blind"})

CONFIGS: dict[str, SearchOptions] = {
    "keyword": SearchOptions(retrievers=KEYWORD, glossary=False),
    "keyword+glossary": SearchOptions(retrievers=KEYWORD, glossary=True),
    "dense": SearchOptions(retrievers=DENSE),
    "hybrid-rrf": SearchOptions(retrievers=HYBRID, fusion="rrf"),
    "hybrid-convex": SearchOptions(retrievers=HYBRID, fusion="convex"),
}
NEEDS_MODEL = frozenset({"dense", "hybrid-rrf", "hybrid-convex"})


@dataclass(frozen=True)
class Gold:
    """A passage that answers a question: a document (card id or front matter) and section,
    optionally in one language only."""

    doc_id: str
    section: str
    lang: str | None = None

    def matches(self, hit: Hit) -> bool:
        chunk = hit.chunk
        return (
            chunk.doc_id == self.doc_id and chunk.section == self.section and self.lang in (None, chunk.lang)
        )


@dataclass(frozen=True)
class Question:
    """One line of ``eval/questions.jsonl``."""

    id: str
    question: str
    language: str
    persona: str
    type: str
    gold: tuple[Gold, ...]
    answer: str | None
    split: str


def load_questions(path: Path) -> list[Question]:
    """Read the question file; raise ``ValueError`` naming the line of any malformed entry."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            gold = tuple(Gold(g["doc_id"], g["section"], g.get("lang")) for g in record["gold"])
            questions.append(
                Question(
                    id=record["id"],
                    question=record["question"],
                    language=record["language"],
                    persona=record["persona"],
                    type=record["type"],
                    gold=gold,
                    answer=record.get("answer"),
                    split=record["split"],
                )
            )
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}:{number}: malformed question ({error})") from error
    return questions


def validate_questions(questions: Sequence[Question], searcher: Searcher) -> list[str]:
    """Problems with the question set against the indexed corpus (empty when it is sound)."""
    problems = []
    ids = [q.id for q in questions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{duplicate}: id used more than once")
    sections = {(c.doc_id, c.section) for c in searcher.chunks}
    section_text: dict[tuple[str, str], str] = {}
    for chunk in searcher.chunks:
        key = (chunk.doc_id, chunk.section)
        section_text[key] = section_text.get(key, "") + "\n" + chunk.text
    for q in questions:
        if q.language not in LANGUAGES:
            problems.append(f"{q.id}: unknown language {q.language!r}")
        if q.persona not in PERSONAS or q.type not in TYPES or q.split not in SPLITS:
            problems.append(f"{q.id}: persona, type or split not in the allowed sets")
        if not q.question.strip() or not q.gold:
            problems.append(f"{q.id}: empty question or no gold target")
        for gold in q.gold:
            if gold.section not in CARD_KEYS + FRONT_MATTER_KEYS:
                problems.append(f"{q.id}: unknown section {gold.section!r}")
            elif (gold.doc_id, gold.section) not in sections:
                problems.append(f"{q.id}: gold {gold.doc_id}/{gold.section} is not in the corpus")
        if q.answer is not None and not any(
            _normal(q.answer) in _normal(section_text.get((g.doc_id, g.section), "")) for g in q.gold
        ):
            problems.append(f"{q.id}: expected answer {q.answer!r} is in none of its gold sections")
    return problems


def relevance(hits: Sequence[Hit], gold: Sequence[Gold]) -> list[int]:
    """1 for each hit that is the first to satisfy some gold target, else 0."""
    satisfied: set[int] = set()
    marks = []
    for hit in hits:
        target = next((i for i, g in enumerate(gold) if i not in satisfied and g.matches(hit)), None)
        if target is None:
            marks.append(0)
        else:
            satisfied.add(target)
            marks.append(1)
    return marks


def gold_languages(question: Question, searcher: Searcher) -> set[str]:
    """Languages in which some gold passage of ``question`` exists."""
    found: set[str] = set()
    for gold in question.gold:
        if gold.lang:
            found.add(gold.lang)
        else:
            found |= {
                c.lang for c in searcher.chunks if c.doc_id == gold.doc_id and c.section == gold.section
            }
    return found


def evaluate(
    searcher: Searcher, questions: Sequence[Question], configs: Sequence[str] = tuple(CONFIGS)
) -> dict[str, Any]:
    """Run every configuration over every question; return the full results structure."""
    results: dict[str, Any] = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": searcher.model_status.model_id if searcher.model_status.available else None,
        "model_notice": searcher.model_status.notice,
        "questions": len(questions),
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
    return results


def _run_config(
    searcher: Searcher, questions: Sequence[Question], options: SearchOptions, dense_answers: bool
) -> dict[str, Any]:
    chunks = searcher.chunk_by_id
    rows = []
    for q in questions:
        hits = searcher.search(q.question, k=DEPTH, options=options)
        marks = relevance(hits, q.gold)
        answer = build_answer(searcher, q.question, hits, dense=dense_answers, options=options)
        verified = (
            all(verify_quote(quote, chunks[quote.chunk_id]) for quote in answer.quotes)
            if answer.quotes
            else None
        )
        contains = None
        if q.answer is not None:
            contains = _normal(q.answer) in _normal(answer.text) if answer.clear else False
        row = {
            "id": q.id,
            "language": q.language,
            "type": q.type,
            "split": q.split,
            "crossing": "mono" if q.language in gold_languages(q, searcher) else "cross",
            "ranked": [f"{h.chunk.doc_id}/{h.chunk.section}/{h.chunk.lang}" for h in hits],
            "relevance": marks,
            "answer": answer.text,
            "answer_contains": contains,
            "citations_verify": verified,
        }
        row.update(_metrics(marks, len(q.gold)))
        rows.append(row)
    return {
        "status": "ok",
        "options": asdict(options),
        "overall": _aggregate(rows),
        "slices": {
            "split": _slice(rows, "split"),
            "language": _slice(rows, "language"),
            "crossing": _slice(rows, "crossing"),
            "type": _slice(rows, "type"),
        },
        "per_question": rows,
    }


def _metrics(marks: list[int], n_relevant: int) -> dict[str, float]:
    figures = {f"recall@{k}": recall_at(marks, n_relevant, k) for k in CUTOFFS}
    figures["mrr@10"] = mrr_at(marks, DEPTH)
    figures["ndcg@10"] = ndcg_at(marks, n_relevant, DEPTH)
    return figures


METRIC_NAMES = tuple(f"recall@{k}" for k in CUTOFFS) + ("mrr@10", "ndcg@10")


def _aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {name: round(mean([row[name] for row in rows]), 4) for name in METRIC_NAMES}
    factual = [row["answer_contains"] for row in rows if row["answer_contains"] is not None]
    cited = [row["citations_verify"] for row in rows if row["citations_verify"] is not None]
    summary["answer_contains"] = round(mean([float(x) for x in factual]), 4) if factual else None
    summary["citations_verify"] = round(mean([float(x) for x in cited]), 4) if cited else None
    summary["n"] = len(rows)
    summary["n_factual"] = len(factual)
    return summary


def _slice(rows: Sequence[dict[str, Any]], field: str) -> dict[str, Any]:
    values = sorted({row[field] for row in rows})
    return {value: _aggregate([row for row in rows if row[field] == value]) for value in values}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


# -- report ------------------------------------------------------------------------------------


def format_table(results: dict[str, Any], slice_name: str | None = None, value: str | None = None) -> str:
    """A Markdown table of one slice (or the overall figures) for every configuration."""
    header = ["config", *METRIC_NAMES, "answer ok", "cites ok", "n"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, config in results["configs"].items():
        if config["status"] != "ok":
            lines.append(f"| {name} | skipped: {config['reason']} |" + " |" * (len(header) - 2))
            continue
        figures = config["overall"] if slice_name is None else config["slices"][slice_name].get(value)
        if figures is None:
            continue
        cells = [f"{figures[m]:.3f}" for m in METRIC_NAMES]
        cells.append("-" if figures["answer_contains"] is None else f"{figures['answer_contains']:.3f}")
        cells.append("-" if figures["citations_verify"] is None else f"{figures['citations_verify']:.3f}")
        cells.append(str(figures["n"]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(results: dict[str, Any], folder: Path, notes: str = "") -> tuple[Path, Path]:
    """Write ``results.json`` and ``report.md`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "results.json"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    ran = [config for config in results["configs"].values() if config["status"] == "ok"]
    sections = [
        "# Evaluation report",
        "",
        f"Generated {results['created']} by `python -m compendium eval` over {results['questions']} questions "
        f"(`eval/questions.jsonl`). Model: {results['model'] or 'none available (keyword configurations only)'}.",
        "",
        "Metrics are over the ranked sections (one hit per section); a question may have several gold sections, "
        "so Recall@1 can stay below 1 even when the first hit is right. *answer ok*: share of factual questions "
        "whose extractive answer contains the expected string; *cites ok*: share of answers whose every quote is "
        "a verbatim slice of the chunk it cites.",
        "",
        "## Overall",
        "",
        format_table(results),
    ]
    if ran:
        for slice_name, title in (
            ("split", "By split (test is held out from tuning)"),
            ("crossing", "Mono- vs cross-lingual"),
            ("language", "By question language"),
            ("type", "By question type"),
        ):
            sections += ["", f"## {title}"]
            for value in sorted(ran[0]["slices"][slice_name]):
                sections += ["", f"**{slice_name} = {value}**", "", format_table(results, slice_name, value)]
    if notes:
        sections += ["", notes.strip()]
    report_path = folder / "report.md"
    report_path.write_text("\n".join(sections) + "\n", encoding="utf-8")
    return report_path, json_path


# -- tuning ------------------------------------------------------------------------------------

CHUNK_BUDGETS = (120, 160, 200, 250)
GLOSSARY_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
SECTION_BOOSTS = (0.0, 0.5, 1.0)
SECTION_FLOORS = (0.0, 0.1, 0.2, 0.4)
RRF_KS = (10, 30, 60, 100)
DENSE_WEIGHTS = (0.3, 0.5, 0.7)


def tune(
    corpus: Sequence[Path | str],
    questions: Sequence[Question],
    scratch: Path,
    *,
    model: str | None = None,
    split: str = "dev",
) -> list[dict[str, Any]]:
    """Grid over chunk budget x glossary weight (and fusion parameters when a model loads),
    scored on one split only, so the other split stays a fair test of the chosen defaults."""
    from compendium.chunker import ChunkConfig
    from compendium.index_store import IndexConfig

    chosen = [q for q in questions if q.split == split]
    rows: list[dict[str, Any]] = []
    for budget in CHUNK_BUDGETS:
        config = IndexConfig(chunking=ChunkConfig(max_words=budget, overlap_words=min(40, budget // 4)))
        searcher = Searcher.open(corpus, scratch / f"index-{budget}", model=model, config=config)
        grid: list[tuple[str, SearchOptions]] = [
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
                (
                    f"hybrid convex dense={w}",
                    SearchOptions(retrievers=HYBRID, fusion="convex", dense_weight=w),
                )
                for w in DENSE_WEIGHTS
            ]
        for label, options in grid:
            result = _run_config(searcher, chosen, options, dense_answers=options.retrievers != KEYWORD)
            rows.append({"chunk_words": budget, "setting": label, **result["overall"]})
    return rows


def format_tuning(rows: Sequence[dict[str, Any]]) -> str:
    """The tuning grid as a Markdown table."""
    header = ["chunk words", "setting", "recall@5", "mrr@10", "ndcg@10", "answer ok"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        answer = "-" if row["answer_contains"] is None else f"{row['answer_contains']:.3f}"
        lines.append(
            f"| {row['chunk_words']} | {row['setting']} | {row['recall@5']:.3f} | {row['mrr@10']:.3f} "
            f"| {row['ndcg@10']:.3f} | {answer} |"
        )
    return "\n".join(lines)
