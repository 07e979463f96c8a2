"""Load test of the app's search API: concurrent clients for a fixed time, latency percentiles.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--url http://127.0.0.1:7860/]
                                   [--concurrency N] [--model M] [--json]

Without ``--url`` it starts ``app.py`` itself (127.0.0.1, a free port, the seed corpus, keyword
mode unless ``--model`` names a model that can be had) and stops it at the end. Each client
asks the named ``/search`` API (the route ``gradio_client``'s ``predict(..., api_name="/search")``
and Gradio's REST API use: ``POST /gradio_api/call/search``, then the event's stream) one
question after another, from the one-card question set, for ``--seconds``. Printed: requests,
errors (by kind), throughput, latency p50 / p95 / p99, and the app's resident memory at start
and end. ``--concurrency N`` starts the app with its Gradio queue running N events at a time
instead of the app's own setting (set in ``compendium.webapp.launch``), by wrapping
``gr.Blocks.queue`` in the app's process: library code is not changed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from reliability import KEYWORD_MODEL, free_port, keyword_env, make_corpus  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions.jsonl"
#: The app's own start, with the queue's concurrency replaced when $LOAD_CONCURRENCY is set.
_WRAPPED_APP = """
import os, sys, runpy
import gradio as gr
limit = os.environ.get("LOAD_CONCURRENCY")
if limit:
    real = gr.Blocks.queue
    def queue(self, *args, **kwargs):
        kwargs["default_concurrency_limit"] = int(limit)
        return real(self, *args, **kwargs)
    gr.Blocks.queue = queue
runpy.run_path(os.path.join(os.environ["LOAD_ROOT"], "app.py"), run_name="__main__")
"""


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of ``pid`` in MB (Linux), None if unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time ``pid`` has used (Linux), None if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def client_loop(http, questions: list[str], deadline: float, seed: int, out: dict) -> None:  # type: ignore[no-untyped-def]
    """One client: ask, wait for the answer, ask again, until the deadline."""
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        question = rng.choice(questions)
        began = time.perf_counter()
        try:
            started = await http.post("/gradio_api/call/search", json={"data": [question, 5, "", "", "", ""]})
            if started.status_code != 200:
                out["errors"][f"HTTP {started.status_code}"] += 1
                continue
            event = started.json()["event_id"]
            stream = await http.get(f"/gradio_api/call/search/{event}")
            text = stream.text
            if "event: complete" in text and '"hits"' in text:
                out["latencies"].append(time.perf_counter() - began)
            else:
                kind = "event: error" if "event: error" in text else f"no answer (HTTP {stream.status_code})"
                out["errors"][kind] += 1
        except Exception as error:  # a client that fails counts an error and goes on
            out["errors"][type(error).__name__] += 1


async def drive(url: str, clients: int, seconds: float, questions: list[str]) -> dict:  # type: ignore[no-untyped-def]
    import httpx

    out = {"latencies": [], "errors": Counter()}
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        deadline = time.monotonic() + seconds
        began = time.monotonic()
        await asyncio.gather(*(client_loop(http, questions, deadline, n, out) for n in range(clients)))
        out["wall"] = time.monotonic() - began
    return out


def start_app(scratch: Path, model: str, concurrency: int | None):  # type: ignore[no-untyped-def]
    """``app.py`` on a free port over the seed corpus; (url, process)."""
    import subprocess

    import httpx

    corpus = make_corpus(scratch / "corpus")
    port = free_port()
    env = {**keyword_env(scratch), "TMPDIR": str(scratch), "LOAD_ROOT": str(ROOT)}
    env.pop("GRADIO_TEMP_DIR", None)
    if concurrency:
        env["LOAD_CONCURRENCY"] = str(concurrency)
    command = [sys.executable, "-c", _WRAPPED_APP, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--corpus", str(corpus), "--index", str(scratch / "index")]
    command += [] if model == "default" else ["--model", model]
    log = (scratch / "app.log").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url + "config", timeout=2).status_code == 200:
                return url, server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the app did not start: {(scratch / 'app.log').read_text(errors='replace')[-1500:]}")


def main() -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", default=None, help="an app already running (default: start one)")
    parser.add_argument("--pid", type=int, default=None, help="with --url: its process, for memory")
    parser.add_argument("--concurrency", type=int, default=None, help="the queue's events at a time")
    parser.add_argument(
        "--model",
        default=KEYWORD_MODEL,
        help=f"for the app started (default {KEYWORD_MODEL}, offline: keyword mode; 'default': the app's own)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        server = None
        url, pid = args.url, args.pid
        if url is None:
            url, server = start_app(Path(folder), args.model, args.concurrency)
            pid = server.pid
        try:
            import httpx

            # One warm-up question (the first answer reads the collection once).
            warm = httpx.post(
                url + "gradio_api/call/search", json={"data": [questions[0], 5, "", "", "", ""]}
            )
            httpx.get(url + f"gradio_api/call/search/{warm.json()['event_id']}", timeout=120)
            rss_start, server_cpu, own_cpu = rss_mb(pid), cpu_seconds(pid), time.process_time()
            out = asyncio.run(drive(url.rstrip("/"), args.clients, args.seconds, questions))
            rss_end, server_cpu_end = rss_mb(pid), cpu_seconds(pid)
            own_cpu = time.process_time() - own_cpu
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    latencies = out["latencies"]
    errors = sum(out["errors"].values())
    figures = {
        "clients": args.clients,
        "seconds": round(out["wall"], 1),
        "concurrency": args.concurrency or "app default (4)",
        "model": args.model,
        "requests": len(latencies) + errors,
        "answered": len(latencies),
        "errors": errors,
        "error_kinds": dict(out["errors"]),
        "per_second": round(len(latencies) / out["wall"], 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50)),
        "p95_ms": round(1000 * percentile(latencies, 0.95)),
        "p99_ms": round(1000 * percentile(latencies, 0.99)),
        "rss_start_mb": rss_start,
        "rss_end_mb": rss_end,
        # Where the two cores went: the app's CPU per answered request, and the clients' own.
        "server_cpu_ms_per_request": (
            round(1000 * (server_cpu_end - server_cpu) / max(1, len(latencies)), 1)
            if server_cpu is not None and server_cpu_end is not None
            else None
        ),
        "client_cpu_s": round(own_cpu, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['clients']} clients, {figures['seconds']} s, queue concurrency {figures['concurrency']}: "
            f"requests {figures['requests']}, errors {errors} {figures['error_kinds'] or ''}, "
            f"{figures['per_second']}/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"p99 {figures['p99_ms']} ms, RSS {rss_start} -> {rss_end} MB; app CPU "
            f"{figures['server_cpu_ms_per_request']} ms a request, clients' CPU {figures['client_cpu_s']} s, "
            f"load average {figures['load_average']}"
        )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    raise SystemExit(main())
