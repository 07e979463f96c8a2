"""Timings of an index build and of queries on the compendium.

    .venv/bin/python bench/bench_search.py [--model M] [--repeat 5]

Builds the index from scratch into a temporary folder (timed), then runs every question of
eval/questions.jsonl through search and answer, several times, and prints median and 95th
percentile latencies. With no model available it measures keyword mode, and says so.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compendium.answer import build_answer  # noqa: E402
from compendium.evaluation import load_questions  # noqa: E402
from compendium.search import Searcher  # noqa: E402
from compendium.settings import DEFAULT_CORPUS, DEFAULT_QUESTIONS  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--e5-sized",
        action="store_true",
        help="time a random model shaped like multilingual-e5-small (when the real one cannot be downloaded)",
    )
    args = parser.parse_args()
    scratch_model = tempfile.TemporaryDirectory()
    if args.e5_sized:
        from tests.tiny_model import build_tiny_model

        corpus_text = next(DEFAULT_CORPUS.glob("*.txt")).read_text(encoding="utf-8")
        args.model = str(
            build_tiny_model(
                Path(scratch_model.name), corpus_text, hidden=384, layers=12, heads=12, vocab_rows=250_037
            )
        )

    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        searcher = Searcher.open([DEFAULT_CORPUS], Path(scratch) / "index", model=args.model)
        build = time.perf_counter() - started
        started = time.perf_counter()
        Searcher.open([DEFAULT_CORPUS], Path(scratch) / "index", model=args.model, read_only=True)
        reopen = time.perf_counter() - started
        search_times, answer_times = [], []
        for _ in range(args.repeat):
            for question in questions:
                started = time.perf_counter()
                hits = searcher.search(question, k=8)
                search_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                build_answer(searcher, question, hits)
                answer_times.append(time.perf_counter() - started)
    label = "random model shaped like multilingual-e5-small" if args.e5_sized else searcher.status()["model"]
    print(f"mode: {searcher.mode} ({label if searcher.mode == 'hybrid' else 'no model'})")
    print(f"chunks: {len(searcher.chunks)}")
    print(f"index build (model load + parse + analyse + embed + write): {build:.2f} s")
    print(f"index open (verify checksums, load): {reopen:.2f} s")
    for name, values in (("search", search_times), ("answer", answer_times)):
        print(
            f"{name}: median {1000 * statistics.median(values):.1f} ms, "
            f"p95 {1000 * percentile(values, 0.95):.1f} ms over {len(values)} queries"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
