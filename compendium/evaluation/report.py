"""The evaluation as Markdown: the headline table, every slice, and what the question set holds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from compendium.evaluation.runner import SLICES
from compendium.evaluation.scoring import METRIC_NAMES, RANKING_METRICS

_HEADERS = {
    "card@1": "card@1",
    "hit@1": "hit@1",
    "hit@5": "hit@5",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "answer_correct": "answer correct",
    "false_decline": "wrongly declined",
    "abstention": "declined (unanswerable)",
    "cites_right": "cites right",
    "citations_verify": "quotes verbatim",
}
_SLICE_TITLES = {
    "split": "By split (test is held out from tuning)",
    "answerable": "Answerable or not",
    "crossing": "Mono- vs cross-lingual",
    "pair": "By language pair (question -> card)",
    "language": "By question language",
    "type": "By question type",
}


def format_table(results: dict[str, Any], slice_name: str | None = None, value: str | None = None) -> str:
    """A Markdown table of one slice (or the overall figures): every configuration, then the
    random-order floor of the ranking metrics."""
    header = ["config", *(_HEADERS[m] for m in METRIC_NAMES), "n"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows = [(name, config) for name, config in results["configs"].items()]
    if "floor" in results:
        rows.append(("random order (floor)", {"status": "ok", **results["floor"]}))
    for name, config in rows:
        if config["status"] != "ok":
            lines.append(f"| {name} | skipped: {config['reason']} |" + " |" * (len(header) - 2))
            continue
        figures = config["overall"] if slice_name is None else config["slices"][slice_name].get(value)
        if figures is None:
            continue
        cells = ["-" if figures[m] is None else f"{figures[m]:.3f}" for m in METRIC_NAMES]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {figures['n']} |")
    return "\n".join(lines)


def question_profile(results: dict[str, Any]) -> str:
    """How many questions of each type, and which share of them are cross-lingual."""
    config = next((c for c in results["configs"].values() if c["status"] == "ok"), None)
    rows = config["per_question"] if config else results["floor"]["per_question"]
    by_type: Counter[str] = Counter(row["type"] for row in rows)
    cross: Counter[str] = Counter(row["type"] for row in rows if row["crossing"] == "cross")
    answerable: Counter[str] = Counter(row["type"] for row in rows if row["answerable"])
    lines = ["| type | questions | answerable | cross-lingual (of answerable) |", "|---|---|---|---|"]
    for kind in sorted(by_type):
        share = cross[kind] / answerable[kind] if answerable[kind] else 0.0
        lines.append(f"| {kind} | {by_type[kind]} | {answerable[kind]} | {share:.0%} |")
    total_answerable = sum(answerable.values())
    share = sum(cross.values()) / total_answerable if total_answerable else 0.0
    lines.append(f"| all | {len(rows)} | {total_answerable} | {share:.0%} |")
    languages = Counter(row["language"] for row in rows)
    lines += [
        "",
        "Questions per language: " + ", ".join(f"{k} {v}" for k, v in sorted(languages.items())) + ".",
    ]
    return "\n".join(lines)


def write_report(
    results: dict[str, Any], folder: Path, *, title: str, source: str, notes: str = ""
) -> tuple[Path, Path]:
    """Write ``results.json`` and ``report.md`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "results.json"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    parts = [
        f"# {title}",
        "",
        f"Generated {results['created']} by `{source}`: {results['questions']} questions over "
        f"{results['cards']} practice cards. Model: "
        f"{results['model'] or 'none available (keyword configurations only)'}.",
        "",
        _legend(),
        "",
        "## The questions",
        "",
        question_profile(results),
        "",
        "## Overall",
        "",
        format_table(results),
    ]
    for slice_name in SLICES:
        parts += ["", f"## {_SLICE_TITLES[slice_name]}"]
        for value in sorted(results["floor"]["slices"][slice_name]):
            parts += ["", f"**{slice_name} = {value}**", "", format_table(results, slice_name, value)]
    if notes:
        parts += ["", notes.strip()]
    report_path = folder / "report.md"
    report_path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return report_path, json_path


def _legend() -> str:
    ranking = ", ".join(RANKING_METRICS)
    return (
        f"Ranked units are sections (a card's section in one language). {ranking} are over answerable "
        "questions: *card@1*, the first hit is from a gold practice; *hit@k*, a gold section is in the top k. "
        "*answer correct*: the answer quotes at least one gold evidence span (verbatim, modulo case and "
        "whitespace), over all answerable questions; a declined answer is not correct. *wrongly declined*: "
        "answerable questions the answer declined; *declined (unanswerable)*: unanswerable questions it declined. "
        "*cites right*: answers whose every citation is a gold card and section. *quotes verbatim*: answers whose "
        "quotes are slices of the cited chunk (true by construction; a tripwire). The *random order* row is the "
        "expected score of a uniformly random ranking of all sections."
    )
