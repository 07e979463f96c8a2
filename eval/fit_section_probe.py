"""Fit the section probe on the example questions written blind for each section.

    .venv/bin/python eval/fit_section_probe.py [--write]

Embeds ``compendium/data/section_questions.tsv`` with the bundled model, fits the softmax
regression of :func:`compendium.section_probe.fit_probe`, and prints its accuracy on the
examples themselves and, by leave-one-language-out, on languages it did not see. No card and no
evaluation question is read: the evaluation measures the probe, it never trains it. With
``--write`` the probe is saved to ``compendium/data/section_probe.json``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compendium.embedding import load_embedder, requested_model  # noqa: E402
from compendium.embedding.bundled import BASE_MODEL  # noqa: E402
from compendium.section_probe import SectionProbe, fit_probe, probe_path  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "compendium" / "data" / "section_questions.tsv"


def read_examples(path: Path) -> list[tuple[str, str, str]]:
    """(section, language, question) rows of the examples file, comments skipped."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    return [(row["section"], row["lang"], row["question"]) for row in rows]


def accuracy(probe: SectionProbe, vectors: np.ndarray, labels: list[str]) -> float:
    """Share of examples whose most probable section is their own."""
    right = [
        max(probe.probabilities(v).items(), key=lambda kv: kv[1])[0] == y
        for v, y in zip(vectors, labels, strict=True)
    ]
    return float(np.mean(right))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="save the probe into the package")
    args = parser.parse_args()
    embedder, status = load_embedder(requested_model(None))
    if embedder is None:
        print(f"no embedding model: {status.reason}", file=sys.stderr)
        return 1
    rows = read_examples(EXAMPLES)
    vectors = np.stack([embedder.embed_query(question) for _section, _lang, question in rows])
    labels = [section for section, _lang, _question in rows]
    languages = [lang for _section, lang, _question in rows]
    probe = fit_probe(vectors, labels, BASE_MODEL)
    print(f"{len(rows)} examples; accuracy on them {accuracy(probe, vectors, labels):.3f}")
    for held in sorted(set(languages)):
        train = [i for i, lang in enumerate(languages) if lang != held]
        test = [i for i, lang in enumerate(languages) if lang == held]
        partial = fit_probe(vectors[train], [labels[i] for i in train], BASE_MODEL)
        print(
            f"  trained without {held}: accuracy on {held} {accuracy(partial, vectors[test], [labels[i] for i in test]):.3f}"
        )
    if args.write:
        probe_path().write_text(probe.to_json() + "\n", encoding="utf-8")
        print(f"wrote {probe_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
