"""Reliability suite: killed builds, loads during swaps, corrupted indexes, bad files, routes.

    .venv/bin/python bench/reliability.py [--quick] [--json] [--parts kills,swaps,corrupt,files,routes]

Everything runs in a temporary folder, in keyword mode (no model: the hub id is asked for with
``HF_HUB_OFFLINE=1`` and an empty cache), and the app listens on 127.0.0.1 only. One line per
part as it ends, then a summary table; ``--json`` prints the figures as one object instead.
``--quick`` is the short version (under a minute); the exit code is 1 when any part failed.

- **kills**: rebuilds of the seed corpus (``python -m compendium index --force``) stopped by
  SIGKILL or SIGTERM at a random time; after each, the served index loads as the app opens it
  (checksums and manifest checked) and answers the reference queries with the same hits.
- **swaps**: a reader process loads the served index over and over while another process
  publishes a new generation after another, alternately of two corpora; a load that fails, or
  whose manifest, chunks and documents are not all of one build, is torn.
- **corrupt**: every file of a generation truncated, garbled, a figure changed inside valid
  JSON, deleted; manifest entries dropped and fields changed; the pointer damaged. Each must be
  refused by the load with its typed error (never a raw parse error), and never switched to by
  a running app's live reload.
- **files**: the fuzz corpus of ``tests/hostile_files.py`` through the ingest.
- **routes**: the app started for real, then path traversal, symbolic links, files outside its
  handouts, uploads, the proxy, NUL bytes and direct calls of its private events.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "corpus" / "ilo-sstc-sse-good-practices-2019.txt"
EXTRA_CARD = ROOT / "eval" / "corpus" / "fictional-es-01-recicladores-bogota.txt"
#: A hub id that cannot be had offline with an empty cache: keyword mode, as the tests get it.
KEYWORD_MODEL = "intfloat/multilingual-e5-small"
QUERIES = (
    "How was family accompaniment scaled?",
    "¿Quién financió el Plan Familia?",
    "cooperativas de recicladores",
    "résultats obtenus",
)
SLOW = 10.0
PARTS = ("kills", "swaps", "corrupt", "files", "routes")


@dataclass
class Part:
    """One part's outcome: its figures, whether it passed, and its one-line summary."""

    name: str
    figures: dict[str, Any]
    ok: bool
    line: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def keyword_env(scratch: Path) -> dict[str, str]:
    """The environment of a process that must run in keyword mode, writing only to ``scratch``."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(scratch / "hf-home")}
    env.pop("COMPENDIUM_MODEL", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def make_corpus(folder: Path, *extra: Path) -> Path:
    """A corpus folder holding the seed (and ``extra`` files)."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in (SEED, *extra):
        shutil.copy(source, folder / source.name)
    return folder


class Parts:
    """Analyzer and glossary, made once (they are what every build and search uses)."""

    def __init__(self) -> None:
        from compendium.analyzer import Analyzer
        from compendium.glossary import load_glossary

        self.analyzer = Analyzer()
        self.glossary = load_glossary(self.analyzer)

    def build(self, corpus: Path, index_dir: Path) -> None:
        from compendium.index_store import build_index

        build_index([corpus], index_dir, embedder=None, analyzer=self.analyzer, glossary=self.glossary)

    def current(self, corpus: Path):  # type: ignore[no-untyped-def]
        from compendium.index_store import IndexConfig, fingerprint

        return fingerprint([corpus], None, self.glossary, IndexConfig())

    def searcher(self, index):  # type: ignore[no-untyped-def]
        from compendium.embedding.base import ModelStatus
        from compendium.search import Searcher

        status = ModelStatus(model_id=KEYWORD_MODEL, available=False, reason="keyword mode")
        return Searcher(
            index=index, analyzer=self.analyzer, glossary=self.glossary, embedder=None, model_status=status
        )


def hits_of(searcher) -> list[list[tuple[str, float]]]:  # type: ignore[no-untyped-def]
    """The reference queries' hits: chunk id and score, rounded."""
    return [[(hit.chunk.chunk_id, round(hit.score, 6)) for hit in searcher.search(q, k=5)] for q in QUERIES]


# --- a. random kills ---------------------------------------------------------------------------


def random_kills(scratch: Path, rounds: int, rng: random.Random, parts: Parts) -> Part:
    """Rebuilds killed at random times; after each the served index must load and search the same."""
    from compendium import generations
    from compendium.index_store import load_index

    corpus = make_corpus(scratch / "kills-corpus")
    index_dir = scratch / "kills-index"
    env = keyword_env(scratch)
    command = [sys.executable, "-m", "compendium", "index", "--corpus", str(corpus)]
    command += ["--index", str(index_dir), "--model", KEYWORD_MODEL, "--force"]

    # Anchors: the keyword-mode notice comes just before the build lock; "analysing" once the
    # corpus is read, with the staging folder made: from there to the swap is the narrow part.
    anchors = ("Keyword mode", "analysing")

    def start(anchor: str) -> tuple[subprocess.Popen, float]:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for line in process.stderr:  # type: ignore[union-attr]
            if line.startswith(anchor):
                break
        return process, time.monotonic()

    # One build left alone: the reference hits, and how long a build takes from each anchor.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    seen = {}
    for line in process.stderr:  # type: ignore[union-attr]
        for anchor in anchors:
            if line.startswith(anchor):
                seen.setdefault(anchor, time.monotonic())
    process.wait(timeout=120)
    ended = time.monotonic()
    windows = {anchor: ended - seen.get(anchor, ended) for anchor in anchors}
    if process.returncode != 0 or len(seen) != len(anchors):
        return Part("kills", {}, False, "kills: the reference build failed")
    current = parts.current(corpus)
    reference = hits_of(parts.searcher(load_index(index_dir, current)))
    generations.release_leases(index_dir)

    killed = finished = survived = clean_terms = terms = 0
    phases = dict.fromkeys(
        ("nothing left or changed", "staging left", "renamed, not published", "published"), 0
    )
    served_before = (index_dir / "CURRENT").read_text().strip()
    problems: list[str] = []
    for number in range(rounds):
        anchor = anchors[number % 2]
        process, began = start(anchor)
        delay = rng.uniform(0.0, windows[anchor] * 1.15)
        how = rng.choice((signal.SIGKILL, signal.SIGTERM))
        time.sleep(delay)
        process.send_signal(how)
        _out, err = process.communicate(timeout=60)
        # Where the signal landed: a staging folder or an unpublished generation left behind
        # (mid-build), or a new generation published (at or after the swap).
        served_now = (index_dir / "CURRENT").read_text().strip()
        if any(".building-" in p.name for p in scratch.iterdir()):
            phases["staging left"] += 1
        elif any(g.name > served_now for g in generations.generations(index_dir)):
            phases["renamed, not published"] += 1
        elif served_now != served_before:
            phases["published"] += 1
        else:
            phases["nothing left or changed"] += 1
        served_before = served_now
        if process.returncode == 0:
            finished += 1  # done before the signal came
        else:
            killed += 1
            if how == signal.SIGTERM:
                terms += 1
                # Inside the build, SIGTERM exits with 143 and no traceback; before it, by the signal.
                clean_terms += process.returncode in (128 + signal.SIGTERM, -signal.SIGTERM) and (
                    "Traceback" not in err
                )
        try:
            index = load_index(index_dir, current)
            same = hits_of(parts.searcher(index)) == reference
        except Exception as error:  # anything at all: the round failed
            same = False
            problems.append(f"round {number}: {type(error).__name__}: {error}")
        finally:
            generations.release_leases(index_dir)
        if same:
            survived += 1
        elif not problems or not problems[-1].startswith(f"round {number}:"):
            problems.append(f"round {number}: other hits after {how.name} at {delay:.2f} s")
    # The next whole build removes whatever the killed ones left.
    parts.build(corpus, index_dir)
    leftovers = [p.name for p in scratch.iterdir() if ".building-" in p.name]
    served = (index_dir / "CURRENT").read_text().strip()
    leftovers += [g.name for g in generations.generations(index_dir) if g.name != served]
    figures = {
        "rounds": rounds,
        "killed": killed,
        "finished_before_signal": finished,
        "survived": survived,
        "sigterm_kills": terms,
        "sigterm_clean_exits": clean_terms,
        "leftovers_after_next_build": len(leftovers),
        "build_window_s": round(windows[anchors[0]], 2),
        "swap_window_s": round(windows[anchors[1]], 2),
        "phases": phases,
    }
    ok = survived == rounds and not leftovers and clean_terms == terms
    line = (
        f"kills: {rounds} rebuilds, killed {killed} (SIGTERM {terms}, clean exits {clean_terms}), "
        f"finished first {finished} / survived {survived} / leftovers after next build {len(leftovers)}; "
        + ", ".join(f"{phase} {count}" for phase, count in phases.items())
    )
    return Part("kills", figures, ok, line, problems=problems)


# --- b. loads during swaps ----------------------------------------------------------------------


def version_signature(index) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    """What one build of one corpus is: its corpus hash, chunk count and document count."""
    return (index.manifest.fingerprint.corpus_hash, len(index.chunks), len(index.documents))


def swap_builder(corpora: list[Path], index_dir: Path, stop: Path) -> int:
    """(Its own process.) Publish generations of the corpora in turn until ``stop`` exists."""
    parts = Parts()
    published = 0
    while not stop.exists():
        parts.build(corpora[published % len(corpora)], index_dir)
        published += 1
        print(f"published {published}", flush=True)
    return published


def swap_reader(index_dir: Path, loads: int, expected_json: str) -> dict[str, Any]:
    """(Its own process.) Load the served index ``loads`` times; count the torn loads."""
    from compendium import generations
    from compendium.index_store import load_index

    parts = Parts()
    expected = {tuple(item) for item in json.loads(expected_json)}
    torn, seen, problems = 0, set(), []
    seconds = []
    for number in range(loads):
        began = time.perf_counter()
        try:
            index = load_index(index_dir)
            signature = version_signature(index)
            seen.add(index.folder.name)
            hits = parts.searcher(index).search(QUERIES[number % len(QUERIES)], k=5)
            chunk_ids = {chunk.chunk_id for chunk in index.chunks}
            # Every part of a load must be of one build: manifest, chunks, documents, postings.
            mixed = signature not in expected or any(hit.chunk.chunk_id not in chunk_ids for hit in hits)
            if mixed:
                torn += 1
                problems.append(f"load {number}: {signature} is no build's")
        except Exception as error:  # a failed load is a torn one
            torn += 1
            problems.append(f"load {number}: {type(error).__name__}: {error}")
        finally:
            generations.release_leases(index_dir)
        seconds.append(time.perf_counter() - began)
    seconds.sort()
    return {
        "loads": loads,
        "torn": torn,
        "generations_seen": len(seen),
        "load_p50_ms": round(1000 * seconds[len(seconds) // 2], 1),
        "problems": problems[:5],
    }


def loads_during_swaps(scratch: Path, loads: int, parts: Parts) -> Part:
    """A reader process loading while a builder process publishes, both for real."""
    from compendium import generations
    from compendium.index_store import load_index

    corpora = [make_corpus(scratch / "swap-a"), make_corpus(scratch / "swap-b", EXTRA_CARD)]
    expected = []
    for number, corpus in enumerate(corpora):
        probe = scratch / f"swap-probe-{number}"
        parts.build(corpus, probe)
        expected.append(version_signature(load_index(probe)))
        generations.release_leases(probe)
    index_dir = scratch / "swap-index"
    parts.build(corpora[0], index_dir)
    stop = scratch / "swap-stop"
    env = keyword_env(scratch)
    me = [sys.executable, str(Path(__file__).resolve())]
    builder = subprocess.Popen(
        [*me, "--role", "builder", "--index", str(index_dir), "--stop", str(stop)]
        + ["--corpora", ",".join(map(str, corpora))],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        builder.stdout.readline()  # type: ignore[union-attr]  # it has published once
        reader = subprocess.run(
            [*me, "--role", "reader", "--index", str(index_dir), "--loads", str(loads)]
            + ["--expected", json.dumps(expected)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        stop.touch()
        out, _err = builder.communicate(timeout=120)
    published = 1 + out.count("published")
    try:
        figures = json.loads(reader.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return Part("swaps", {}, False, f"swaps: the reader failed: {reader.stderr[-500:]}")
    figures["publishes"] = published
    problems = figures.pop("problems")
    ok = figures["torn"] == 0 and figures["loads"] == loads and figures["generations_seen"] > 1
    line = (
        f"swaps: loads {figures['loads']} / torn {figures['torn']} while {published} generations were "
        f"published ({figures['generations_seen']} seen by the reader, load p50 {figures['load_p50_ms']} ms)"
    )
    return Part("swaps", figures, ok, line, problems=problems)


# --- c. corruptions -----------------------------------------------------------------------------

Mutation = Callable[[Path], None]


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if len(data) > 1 else b"")


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256 if data[middle] != 0x7F else 0x41
    path.write_bytes(bytes(data))


def _delete(path: Path) -> None:
    path.unlink()


def _json_figure(path: Path) -> bool:
    """Change one number inside the JSON (or JSON lines) file, keeping it valid; False if none."""
    text = path.read_text(encoding="utf-8")
    numbers = list(re.finditer(r'(?<=": )(\d+)(?=[,\n}])', text))
    if not numbers:
        return False
    match = numbers[len(numbers) // 2]
    changed = text[: match.start()] + str(int(match.group()) + 1) + text[match.end() :]
    for piece in changed.splitlines() if path.suffix == ".jsonl" else [changed]:
        json.loads(piece)
    path.write_text(changed, encoding="utf-8")
    return True


def _manifest_edit(edit: Callable[[dict[str, Any]], None]) -> Mutation:
    def mutate(generation: Path) -> None:
        path = generation / "manifest.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        edit(record)
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")

    return mutate


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(record: dict[str, Any]) -> None:
        record[key] = value(record[key]) if callable(value) else value

    return edit


def corruption_cases(generation: Path) -> list[tuple[str, Mutation]]:
    """Every corruption tried on a copy of ``generation`` (a keyword-mode build of the seed)."""
    cases: list[tuple[str, Mutation]] = []
    names = sorted(p.name for p in generation.iterdir())
    for name in names:
        cases.append((f"{name} truncated", lambda g, n=name: _truncate(g / n)))
        cases.append((f"{name} garbled", lambda g, n=name: _garble(g / n)))
        cases.append((f"{name} deleted", lambda g, n=name: _delete(g / n)))
        if name.endswith((".json", ".jsonl")) and _json_figure(_scratch_copy(generation / name)):
            cases.append((f"{name} figure changed (valid JSON)", lambda g, n=name: _json_figure(g / n)))
    listed = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))["files"]
    for name in sorted(listed):
        cases.append(
            (f"manifest: {name} dropped from files", _manifest_edit(lambda r, n=name: r["files"].pop(n)))
        )
    first = sorted(listed)[0]

    def flip_checksum(record: dict[str, Any]) -> None:
        digest = record["files"][first]
        record["files"][first] = ("0" if digest[0] != "0" else "1") + digest[1:]

    edits: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("chunk_count + 1", _set("chunk_count", lambda v: v + 1)),
        ("chunk_count - 1", _set("chunk_count", lambda v: v - 1)),
        ("chunk_count as text", _set("chunk_count", lambda v: str(v))),
        ("format_version", _set("format_version", lambda v: v + 1)),
        ("corpus_hash", _set("corpus_hash", "0" * 64)),
        ("analyzer_version", _set("analyzer_version", "0-000000000000")),
        ("pipeline_version", _set("pipeline_version", "000000000000")),
        ("chunking", _set("chunking", lambda v: {k: x + 1 for k, x in v.items()})),
        ("model_id", _set("model_id", KEYWORD_MODEL)),
        ("vector_index", _set("vector_index", "flat")),
        ("keyword_backend", _set("keyword_backend", "other")),
        (f"checksum of {first}", flip_checksum),
        ("files lists a missing file", lambda r: r["files"].__setitem__("extra.bin", "0" * 64)),
        ("files lists ../CURRENT", lambda r: r["files"].__setitem__("../CURRENT", "0" * 64)),
        ("files emptied", _set("files", {})),
        ("files not an object", _set("files", [])),
        ("a field removed", lambda r: r.pop("corpus_files")),
        ("not an object", lambda r: r.clear()),
    ]
    for label, edit in edits:
        cases.append((f"manifest: {label}", _manifest_edit(edit)))
    # A file no longer listed, then damaged: what an unlisted file costs.
    for name, damage, how in (
        ("chunks.jsonl", _json_figure, "figure changed"),
        ("bm25_weights.npy", _garble, "garbled"),
        ("documents.json", _truncate, "truncated"),
    ):

        def unlisted(g: Path, n: str = name, d: Callable[[Path], object] = damage) -> None:
            _manifest_edit(lambda r: r["files"].pop(n))(g)
            d(g / n)

        cases.append((f"manifest: {name} dropped from files, then {how}", unlisted))
    pointer = [
        ("CURRENT emptied", ""),
        ("CURRENT names a missing generation", "gen-000099\n"),
        ("CURRENT names ../", "../kills-index\n"),
        ("CURRENT garbled", "gen-0\x00\x01"),
    ]
    for label, text in pointer:
        cases.append((label, lambda g, t=text: (g.parent / "CURRENT").write_text(t, encoding="utf-8")))
    return cases


def _open_and_use(root: Path, current: Any) -> None:
    """Open ``root`` as the app does and read every part a running app reads sooner or later:
    the index checks some files at open and the rest just before first use, so a damaged file
    counts as refused when it is refused before any of its content is used."""
    from compendium.index_store import load_index

    index = load_index(root, current)
    _ = index.keyword, index.vectors, index.documents, index.report, index.coverage()
    _ = list(index.chunks), index.chunks.filter_index, index.chunks.order, len(index.sentence_vectors)


_COPIES: list[Path] = []


def _scratch_copy(path: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="rel-json-"))
    _COPIES.append(folder)
    return Path(shutil.copy(path, folder / path.name))


def corruptions(scratch: Path, parts: Parts) -> Part:
    """Each corruption on a fresh copy of one good generation: refused by the load as the app
    opens the index, and never switched to by live reload from a good generation."""
    from compendium import generations
    from compendium.index_store import CorruptIndexError, StaleIndexError, load_index
    from compendium.live import LiveSearcher

    corpus = make_corpus(scratch / "corrupt-corpus")
    pristine = scratch / "corrupt-pristine"
    parts.build(corpus, pristine)
    generation = pristine / (pristine / "CURRENT").read_text().strip()
    current = parts.current(corpus)
    cases = corruption_cases(generation)
    detected = switched = 0
    problems: list[str] = []
    kinds: dict[str, int] = {}
    groups = {group: [0, 0] for group in ("files", "manifest", "pointer")}
    for number, (label, mutate) in enumerate(cases):
        group = (
            "manifest"
            if label.startswith("manifest")
            else "pointer"
            if label.startswith("CURRENT")
            else "files"
        )
        groups[group][0] += 1
        root = scratch / f"corrupt-{number:03d}"
        shutil.copytree(pristine, root)
        gen = root / generation.name
        # Live reload: an app serving a good generation, then the damaged one is published.
        live_root = scratch / f"corrupt-live-{number:03d}"
        shutil.copytree(pristine, live_root)
        live = LiveSearcher(parts.searcher(load_index(live_root)), interval=0.0)
        mutate(gen)
        refusal = None
        try:
            _open_and_use(root, current)
        except (CorruptIndexError, StaleIndexError) as error:
            refusal = error
        except Exception as error:  # a raw parse error, a KeyError...: not a refusal
            problems.append(f"{label}: escaped as {type(error).__name__}: {error}")
        else:
            problems.append(f"{label}: opened and every part of it used")
        finally:
            generations.release_leases(root)
        if refusal is not None:
            detected += 1
            groups[group][1] += 1
            kind = type(refusal).__name__
            kinds[kind] = kinds.get(kind, 0) + 1
        if not label.startswith("CURRENT"):
            published = live_root / generations.generation_name(2)
            shutil.copytree(gen, published)
        else:
            shutil.copy(root / "CURRENT", live_root / "CURRENT.new")
            os.replace(live_root / "CURRENT.new", live_root / "CURRENT")
            published = None
        if published is not None:
            generations.write_pointer(live_root, published.name)
        with redirect_stderr(StringIO()):
            time.sleep(0.002)  # the stamp must differ (mtime_ns; the inode does anyway)
            served_folder = live.current().index.folder
        if published is not None and served_folder == published:
            switched += 1
            problems.append(f"{label}: live reload switched to it")
        generations.release_leases(live_root)
        shutil.rmtree(root)
        shutil.rmtree(live_root)
    for folder in _COPIES:
        shutil.rmtree(folder, ignore_errors=True)
    _COPIES.clear()
    total = len(cases)
    figures = {
        "corruptions": total,
        "detected": detected,
        "survived": total - detected,
        "live_reload_switched": switched,
        "refusals": kinds,
        **{f"{group}_corruptions": tried for group, (tried, _found) in groups.items()},
        **{f"{group}_detected": found for group, (_tried, found) in groups.items()},
    }
    ok = detected == total and switched == 0
    line = (
        f"corrupt: corruptions {total} / detected {detected} / survived {total - detected} / "
        f"live reload switched to {switched}; by kind: "
        + ", ".join(f"{group} {found}/{tried}" for group, (tried, found) in groups.items())
    )
    return Part("corrupt", figures, ok, line, problems=problems)


# --- d. bad input files --------------------------------------------------------------------------


def bad_files(scratch: Path, quick: bool) -> Part:
    """The hostile fuzz corpus beside two good files, read as the app reads a corpus."""
    from compendium.ingest import Limits, load_corpus
    from tests.hostile_files import HOSTILE, build_all

    scale = 0.02 if quick else 1.0
    folder = scratch / "hostile"
    built = build_all(folder, scale, only_fast=quick)
    good = (SEED, ROOT / "eval" / "corpus" / "fictional-en-04-sse-law-cambodia.pdf")
    for path in good:
        shutil.copy(path, folder / path.name)
    began = time.monotonic()
    with redirect_stderr(StringIO()):
        corpus = load_corpus([folder], limits=Limits(seconds=10.0 if quick else Limits().seconds))
    budget = 10.0 if quick else Limits().seconds
    wall = time.monotonic() - began
    seconds = dict(zip(corpus.files, corpus.seconds, strict=True))
    problems = {Path(p.path).name: p for p in corpus.problems}
    documents = {Path(d.source).name for d in corpus.documents}
    names = sorted((set(documents) | set(problems)) - {p.name for p in good})
    expected = {h.name: h.expect for h in HOSTILE}
    refused = clean = slow = unexpected = 0
    notes = []
    for name in names:
        took = seconds.get(str(folder / name), 0.0)
        if took > SLOW:
            slow += 1
            outcome = problems[name].reason if name in problems else "parsed"
            notes.append(f"{name}: {took:.1f} s, {outcome[:100]}")
        if name in problems:
            refused += 1
            problem = problems[name]
            one_line = "\n" not in problem.reason and problem.kind != "error"
            clean += one_line and problem.path.endswith(name)
            if not one_line:
                notes.append(f"{name}: not a clean refusal: {problem.reason[:200]!r}")
        want = expected.get(name.replace("loop-b", "loop-a"), "parsed")
        got = "refused" if name in problems else "parsed"
        if want not in (got, "either"):
            unexpected += 1
            notes.append(f"{name}: {got}, expected {want}")
    good_ok = all(p.name in documents for p in good)
    longest = max((seconds.get(str(folder / name), 0.0) for name in names), default=0.0)
    figures = {
        "files": len(names),
        "built": len(built),
        "refused": refused,
        "clean_errors": clean,
        "parsed": len(names) - refused,
        "over_10s": slow,
        "longest_s": round(longest, 1),
        "budget_s": budget,
        "unexpected": unexpected,
        "good_files_indexed": good_ok,
        "scale": scale,
        "wall_s": round(wall, 1),
    }
    # Files over 10 s are counted; the ingest's own budget per file (20 s) is what must hold.
    ok = clean == refused and unexpected == 0 and good_ok and longest <= budget + 2.0
    line = (
        f"files: bad files {len(names)} (scale {scale:g}) / refused {refused} / clean one-line errors "
        f"{clean} / over {SLOW:.0f} s {slow} (longest {longest:.1f} s, budget {budget:g} s) / unexpected {unexpected} / good files indexed "
        f"{'yes' if good_ok else 'NO'} / wall {wall:.1f} s"
    )
    return Part("files", figures, ok, line, problems=notes)


# --- e. routes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_app(scratch: Path, name: str = "app"):  # type: ignore[no-untyped-def]
    """``app.py`` on 127.0.0.1 and a free port, keyword mode, its temp folder under ``scratch``;
    yields (base url, handouts folder, the app's run folder, process)."""
    import httpx

    corpus = make_corpus(scratch / f"{name}-corpus")
    tmpdir = scratch / f"{name}-tmp"
    tmpdir.mkdir()
    port = free_port()
    env = {**keyword_env(scratch), "TMPDIR": str(tmpdir)}
    env.pop("GRADIO_TEMP_DIR", None)
    command = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--corpus", str(corpus), "--index", str(scratch / f"{name}-index"), "--model", KEYWORD_MODEL]
    log = scratch / f"{name}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: {log.read_text(errors='replace')[-1500:]}")
            try:
                if httpx.get(f"{base}/config", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        found = re.search(r"handouts for download in (\S+)\)", log.read_text(errors="replace"))
        handouts = Path(found.group(1)) if found else Path("/nonexistent")
        run = tmpdir / f"compendium-{os.geteuid()}" / f"run-{server.pid}"
        yield base, handouts, run, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def raw_request(port: int, method: str, path: str, body: bytes = b"", headers: str = "") -> tuple[int, bytes]:
    """One request sent byte for byte (no client normalises the path); (status, body)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{headers}"
    if body or method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    data = head.encode("latin-1", "replace") + b"\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
        conn.sendall(data)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except OSError:  # timed out, or reset by the server: what arrived is the answer
            pass
    reply = b"".join(chunks)
    try:
        status = int(reply.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0  # the connection was dropped: nothing served
    return status, reply.partition(b"\r\n\r\n")[2]


def routes(scratch: Path) -> Part:
    """Hostile requests to the running app; a route is served outside when its answer carries
    a file the app did not write as a handout, or an upload writes anything."""
    import httpx

    secret_dir = scratch / "outside"
    secret_dir.mkdir()
    marker = f"RELIABILITY-SECRET-{random.randrange(10**9)}"
    secret = secret_dir / "secret.txt"
    secret.write_text(marker + "\n", encoding="utf-8")
    outside_markers = [marker.encode(), b"root:x:0:0", b"def main(", b"PARTE I", b"HF_HUB_OFFLINE"]
    tried = outside = queue_answers = 0
    problems: list[str] = []
    with running_app(scratch, "routes") as (base, handouts, run, _server):
        port = int(base.rsplit(":", 1)[1])
        planted = run / "planted.txt"  # Gradio itself would serve this: it is in its temp folder
        planted.write_text(marker, encoding="utf-8")
        own = handouts / "own.md"  # stands in for a handout the app wrote: must be served
        own.write_text("# handout\n", encoding="utf-8")
        (handouts / "link.md").symlink_to(secret)
        (handouts / "folder-link").symlink_to(secret_dir)
        (handouts / "etc-link").symlink_to("/etc")
        up = "/".join([".."] * len(handouts.relative_to(run).parts))
        deep = "/".join([".."] * 12)
        file_route = "/gradio_api/file="
        gets = [
            f"{file_route}/etc/passwd",
            f"{file_route}{secret}",
            f"{file_route}{planted}",
            f"{file_route}{handouts}/link.md",
            f"{file_route}{handouts}/folder-link/secret.txt",
            f"{file_route}{handouts}/etc-link/passwd",
            f"{file_route}{handouts}/{up}/planted.txt",
            f"{file_route}{handouts}/%2e%2e/%2e%2e/planted.txt",
            f"{file_route}{handouts}/..%2f..%2fplanted.txt",
            f"{file_route}{handouts}/{deep}/etc/passwd",
            f"{file_route}{handouts}/own.md%00/../../planted.txt",
            f"{file_route}{handouts}/own.md\x00",
            f"{file_route}%2fetc%2fpasswd",
            f"{file_route}//etc/passwd",
            f"{file_route}file:///etc/passwd",
            f"{file_route}../../../../../../etc/passwd",
            f"{file_route}/proc/self/environ",
            f"{file_route}/proc/self/cwd/app.py",
            f"{file_route}{ROOT / 'app.py'}",
            f"{file_route}{SEED}",
            f"{file_route}/etc/passwd%00.md",
            f"{file_route}%00",
            "/file=/etc/passwd",
            "/gradio_api/file/etc/passwd",
            f"/gradio_api/file%3D{secret}",
            f"/static/{deep}/etc/passwd",
            "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
            f"/assets/{deep}/etc/passwd",
            f"/assets/{deep}{ROOT}/app.py",
            "/favicon.ico/../../etc/passwd",
            "/theme.css/../../../etc/passwd",
            f"/gradio_api/heartbeat/{deep}/etc/passwd",
            f"/gradio_api/heartbeat/../file={secret}",
            "//etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            f"/gradio_api/proxy=http://127.0.0.1:{port}/config",
            "/gradio_api/proxy=%00",
            "/gradio_api/proxy=http://127.0.0.1/%00",
            "/gradio_api/proxy=http://127.0.0.1/\x00",
            f"/proxy=http://127.0.0.1:{port}/config",
            "/gradio_api/call/search/../../file=/etc/passwd",
            "/gradio_api/call/on_search/abc",
            "/gradio_api/info?path=../../etc/passwd",
            "/gradio_api/queue/data?session_hash=../../etc/passwd",
            "/monitoring",
            "/gradio_api/openapi.json",
            "/gradio_api/mcp/schema",
            "/manifest.json",
        ]
        for path in gets:
            for method in ("GET", "HEAD") if path.startswith(file_route) and "etc" in path else ("GET",):
                tried += 1
                status, body = raw_request(port, method, path)
                if status == 200 and any(m in body for m in outside_markers):
                    outside += 1
                    problems.append(f"{method} {path!r}: served {body[:80]!r}")
        # Positive control: the app's own files are still served (the probes above mean something).
        status, body = raw_request(port, "GET", f"{file_route}{own}")
        own_served = status == 200 and body == b"# handout\n"
        before = sorted(str(p) for p in run.rglob("*"))
        with httpx.Client(base_url=base, timeout=15) as client:
            uploads = [
                "/gradio_api/upload",
                "/gradio_api/upload?upload_id=x",
                "/upload",
                "/gradio_api/component_server",
                f"{file_route}{handouts}/new.md",
            ]
            for path in uploads:
                tried += 1
                status = _status(
                    lambda p=path: client.post(p, files={"files": ("x.md", marker.encode() * 100)})
                )
                if 0 < status < 400:
                    outside += 1
                    problems.append(f"POST {path}: {status}")
            for method in ("PUT", "DELETE", "PATCH"):
                tried += 1
                if 0 < _status(lambda m=method: client.request(m, f"{file_route}{own}")) < 400:
                    outside += 1
                    problems.append(f"{method} {file_route}own.md accepted")
            config = client.get("/config").json()
            private = [
                d for d in config["dependencies"] if d["api_visibility"] == "private" and d["backend_fn"]
            ]
            for dep in private:
                body = {"data": ["familias"], "fn_index": dep["id"], "session_hash": "rel123abc"}
                for path in (
                    f"/gradio_api/run/{dep['api_name']}",
                    f"/gradio_api/call/{dep['api_name']}",
                    "/gradio_api/run/predict",
                    "/gradio_api/api/predict",
                    "/run/predict",
                    "/api/predict",
                ):
                    tried += 1
                    status = _status(lambda p=path, b=body: client.post(p, json=b))
                    if 0 < status < 400:
                        outside += 1
                        problems.append(f"POST {path} fn_index {dep['id']} ({dep['api_name']}): {status}")
            # The page's own path (queue/join) with hostile payloads: ids out of range, and a
            # card request for a file, must come back with no file in them.
            by_name = {dep["api_name"]: dep["id"] for dep in private}
            calls = [
                (9999, ["x"], None),
                (-1, ["x"], None),
                (by_name["on_pick"], ["/etc/passwd", "en", []], None),
                (by_name["on_pick"], [str(secret), "en", []], None),
                (by_name["on_row"], ["en", []], {"action": "open", "target": "/etc/passwd"}),
                (by_name["on_search"], [f"{file_route}/etc/passwd", "en", [], [], [], [], 5], None),
            ]
            file_markers = [marker.encode(), b"root:x:0:0", b"def main("]
            for fn_index, data, event in calls:
                tried += 1
                answer = _queue_call(base, fn_index, data, event)
                if any(m in answer for m in file_markers):
                    outside += 1
                    problems.append(f"queue/join fn_index {fn_index}: {answer[:120]!r}")
                queue_answers += b"process_completed" in answer
            search = client.post("/gradio_api/call/search", json={"data": ["familias", 3, "", "", "", ""]})
            events = client.get(f"/gradio_api/call/search/{search.json()['event_id']}").text
            search_ok = "event: complete" in events and "Plan Familia" in events
        after = sorted(str(p) for p in run.rglob("*"))
        written = sorted(set(after) - set(before))
        if written:
            outside += 1
            problems.append(f"uploads wrote {written[:3]}")
    figures = {
        "routes": tried,
        "outside": outside,
        "own_file_served": own_served,
        "public_search_answers": search_ok,
        "private_events": len(private),
        "private_calls_answered": queue_answers,
    }
    ok = outside == 0 and own_served and search_ok
    line = (
        f"routes: routes tried {tried} / served outside the app's own files {outside} "
        f"(own handout served: {'yes' if own_served else 'NO'}, /search answers: {'yes' if search_ok else 'NO'})"
    )
    return Part("routes", figures, ok, line, problems=problems)


def _status(request: Callable[[], Any]) -> int:
    """The status of an httpx request; 0 when the server dropped the connection (a refusal:
    it answers 404 before reading an upload's body, then closes)."""
    import httpx

    try:
        return int(request().status_code)
    except httpx.TransportError:
        return 0


def _queue_call(base: str, fn_index: int, data: list[Any], event: dict[str, Any] | None) -> bytes:
    """Join the queue as the page does, then read the session's stream to the end (bounded)."""
    import httpx

    session = f"rel{random.randrange(10**9)}"
    body = {
        "data": data,
        "fn_index": fn_index,
        "session_hash": session,
        "event_data": event,
        "trigger_id": None,
    }
    out = b""
    with httpx.Client(base_url=base, timeout=15) as client:
        try:
            joined = client.post("/gradio_api/queue/join", json=body)
            out = joined.content
            if joined.status_code != 200:
                return out
            with client.stream("GET", f"/gradio_api/queue/data?session_hash={session}", timeout=10) as stream:
                began = time.monotonic()
                for chunk in stream.iter_bytes():
                    out += chunk
                    if b"close_stream" in out or time.monotonic() - began > 8:
                        break
        except httpx.HTTPError:
            pass
    return out


# --- the suite -----------------------------------------------------------------------------------


def run(parts_wanted: list[str], quick: bool, seed: int, say: Callable[[str], None]) -> list[Part]:
    """Run the parts; each line is said as its part ends."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    rng = random.Random(seed)
    results = []
    with tempfile.TemporaryDirectory(prefix="reliability-") as folder:
        scratch = Path(folder)
        os.environ["HF_HOME"] = str(scratch / "hf-home")
        parts = Parts()
        jobs: dict[str, Callable[[], Part]] = {
            "kills": lambda: random_kills(scratch, 5 if quick else 24, rng, parts),
            "swaps": lambda: loads_during_swaps(scratch, 200 if quick else 2400, parts),
            "corrupt": lambda: corruptions(scratch, parts),
            "files": lambda: bad_files(scratch, quick),
            "routes": lambda: routes(scratch),
        }
        for name in parts_wanted:
            began = time.monotonic()
            try:
                part = jobs[name]()
            except Exception as error:  # a part that crashed is a failed part, the rest still run
                frames = traceback.extract_tb(error.__traceback__)
                where = [f"line {f.lineno}: {f.line}" for f in frames if f.filename == __file__]
                part = Part(
                    name, {}, False, f"{name}: crashed: {type(error).__name__}: {error}", problems=where
                )
            part.seconds = round(time.monotonic() - began, 1)
            say(f"{'ok  ' if part.ok else 'FAIL'} {part.line} [{part.seconds} s]")
            for problem in part.problems[:10]:
                say(f"       {problem}")
            results.append(part)
    return results


def table(results: list[Part]) -> str:
    rows = ["| part | result | figures | seconds |", "|---|---|---|---|"]
    for part in results:
        shown = ", ".join(f"{k} {v}" for k, v in part.figures.items() if not isinstance(v, dict))
        rows.append(f"| {part.name} | {'ok' if part.ok else 'FAIL'} | {shown} | {part.seconds} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the short version (under a minute)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}"
    )
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    # Internal: the two processes of the swaps part.
    parser.add_argument("--role", choices=["builder", "reader"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpora", default="", help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--loads", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--expected", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "builder":
        swap_builder([Path(p) for p in args.corpora.split(",")], args.index, args.stop)
        return 0
    if args.role == "reader":
        print(json.dumps(swap_reader(args.index, args.loads, args.expected)), flush=True)
        return 0
    wanted = [name.strip() for name in args.parts.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {unknown}; known: {', '.join(PARTS)}")
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    began = time.monotonic()
    say = (lambda line: print(line, file=sys.stderr, flush=True)) if args.json else print
    say(f"reliability suite, {'quick' if args.quick else 'full'}, seed {seed}")
    results = run(wanted, args.quick, seed, say)
    wall = round(time.monotonic() - began, 1)
    if args.json:
        payload = {
            "quick": args.quick,
            "seed": seed,
            "seconds": wall,
            "ok": all(part.ok for part in results),
            "parts": {
                part.name: {**part.figures, "ok": part.ok, "seconds": part.seconds, "problems": part.problems}
                for part in results
            },
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(
            "\n"
            + table(results)
            + f"\n\n{'all parts ok' if all(p.ok for p in results) else 'FAILED'} in {wall} s"
        )
    return 0 if all(part.ok for part in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
