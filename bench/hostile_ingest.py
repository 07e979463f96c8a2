"""The full fuzz corpus of hostile files through the ingest: time and outcome of each file.

    .venv/bin/python bench/hostile_ingest.py [--scale 1.0] [--budget 20] [--keep DIR]

Builds every file of ``tests/hostile_files.py`` at ``--scale`` (1.0: the sizes an audit found
stalling the ingest, a few seconds to build) next to two good files (the seed text and a card
PDF of the evaluation collection), reads the folder with ``load_corpus`` as the app does, and
prints one row per file: seconds, outcome, whether it is the outcome expected. Totals: hostile
files, clean errors (refused with one line naming the file), files over 10 s, wall time; and
whether the good files were still indexed. The exit code is 1 when an outcome was unexpected.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compendium.ingest import Limits, load_corpus  # noqa: E402
from tests.hostile_files import EITHER, HOSTILE, PARSED, REFUSED, build_all  # noqa: E402

GOOD = (
    ROOT / "corpus" / "ilo-sstc-sse-good-practices-2019.txt",
    ROOT / "eval" / "corpus" / "fictional-en-04-sse-law-cambodia.pdf",
)
SLOW = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of the hostile part (default 1.0)")
    parser.add_argument("--budget", type=float, default=Limits().seconds, help="seconds per file")
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        folder = args.keep or Path(scratch) / "corpus"
        began = time.monotonic()
        built = build_all(folder, args.scale)
        for good in GOOD:
            shutil.copy(good, folder / good.name)
        print(f"built {len(built)} hostile files at scale {args.scale:g} in {time.monotonic() - began:.1f} s")
        began = time.monotonic()
        corpus = load_corpus([folder], limits=Limits(seconds=args.budget))
        wall = time.monotonic() - began
        return report(corpus, folder, wall)


def report(corpus, folder: Path, wall: float) -> int:  # type: ignore[no-untyped-def]
    """Print the per-file table and the totals; 1 if an outcome was not the expected one."""
    expected = {hostile.name: hostile.expect for hostile in HOSTILE}
    seconds = dict(zip(corpus.files, corpus.seconds, strict=True))
    documents = {Path(document.source).name: document for document in corpus.documents}
    problems = {Path(problem.path).name: problem for problem in corpus.problems}
    names = sorted(set(documents) | set(problems))
    unexpected = clean = slow = 0
    print(f"\n{'seconds':>8}  {'file':<22} {'expected':<9} outcome")
    for name in names:
        took = seconds.get(str(folder / name), 0.0)
        slow += took > SLOW
        if name in problems:
            problem = problems[name]
            outcome, got = f"refused [{problem.kind}] {problem.reason}", REFUSED
            clean += "\n" not in problem.reason and problem.path.endswith(name)
        else:
            document = documents[name]
            sections = sum(len(card.sections) for card in document.cards)
            outcome, got = f"parsed: {len(document.cards)} cards, {sections} sections", PARSED
        want = expected.get(name.replace("loop-b", "loop-a"), PARSED)
        ok = want in (got, EITHER)
        unexpected += not ok
        print(f"{took:8.1f}  {name:<22} {want:<9} {outcome[:110]}{'' if ok else '   <-- UNEXPECTED'}")
    hostile = [name for name in names if name not in {good.name for good in GOOD}]
    good_indexed = all(good.name in documents and documents[good.name].cards for good in GOOD)
    print(
        f"\nbad files {len(hostile)} / clean errors {clean} / over {SLOW:.0f} s {slow} / "
        f"unexpected {unexpected} / wall {wall:.1f} s / good files indexed: {'yes' if good_indexed else 'NO'}"
    )
    return 1 if unexpected or not good_indexed else 0


if __name__ == "__main__":
    raise SystemExit(main())
