"""Thread settings for the three OpenMP runtimes a search process may hold (the bundled
engine's, FAISS's and torch's: each wheel vendors its own libgomp), decided by measurement on
the 2-core target machine (``bench/bench_embedding.py --threads``, one query with FAISS and
torch loaded in the same process):

| setting | query median | p95 | max |
|---|---|---|---|
| libgomp defaults (idle threads spin ~300k rounds) | 23 ms | 32 ms | 34-342 ms |
| ``OMP_WAIT_POLICY=PASSIVE`` (never spin) | 40 ms | 58 ms | 112 ms |
| ``GOMP_SPINCOUNT=20000`` (spin briefly, then sleep) | 15 ms | 18 ms | 31 ms |

A short spin keeps the quick wake-up of a spinning pool without one runtime's idle threads
starving another's on two cores; batch throughput is unchanged (21 ms a sentence either way).
FAISS searches one query vector at a time here: one thread scans 10k vectors in 0.70 ms, two in
0.99 ms (forking costs more than it saves).

The variables are read when a runtime starts, so :func:`configure_threads` runs before any of
those libraries is first loaded; a user's own setting always wins.
"""

from __future__ import annotations

import os

_DEFAULTS = {"GOMP_SPINCOUNT": "20000"}


def configure_threads() -> None:
    """Set the process-wide OpenMP spin policy (idempotent; explicit user settings are kept)."""
    if "OMP_WAIT_POLICY" in os.environ:
        return  # the user chose a policy; a spin count would override it
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)


def single_query_faiss() -> None:
    """One FAISS thread: a query is one vector."""
    import faiss

    faiss.omp_set_num_threads(1)
