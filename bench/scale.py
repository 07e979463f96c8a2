"""Search at scale: synthetic collections from a thousand to a million passages, timed.

    nice -n 10 .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--queries 30] [--json]

For each size the run builds an index of a synthetic collection (in a child process), opens it
in a fresh child process and times, per question: keyword, dense and hybrid search, and hybrid
search followed by the answer. It reports the serving process's resident memory and the
exact-scan floor: one numpy matrix-vector product over all the passage vectors, measured in the
same process, against which dense and hybrid latencies are compared.

What is synthetic, and why:

- The text. Words are drawn from a Zipf law per language (Spanish, English, French and
  Portuguese): the head is the real words of the compendium and the evaluation cards, ranked by
  their frequency there; the tail is generated words of the language's shape ("-ción",
  "-ment", "-ção"...), so the vocabulary keeps growing with the collection as real vocabularies
  do (Heaps' law). The questions are the real evaluation questions.
- The documents are handed to the index build already parsed: the parser reads about 70k
  characters a second, which would be half an hour at 100k passages and is not what this
  bench measures. Everything after parsing (chunking, analysis, BM25, vectors, sentence
  vectors, manifest, checksums) is the real build.
- The embedder: a deterministic stand-in (a unit vector drawn from a hash of the text, 384
  dimensions like multilingual-e5-small), so the real model's cost is not included.

The default sizes stop at 100k passages (about 8 minutes in all). A million does not fit on
this 24 GB, 2-core machine yet: its build passed 20 GB of memory after 17 minutes and was
stopped (the whole collection, its chunks and 4.8 million sentence vectors are held at once);
``--sizes 1000000 --no-answer`` is the command for when the build fits. (The first answer no
longer reads the whole collection: its coverage is stored at build.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = (1_000, 10_000, 100_000)
LANGS = ("es", "en", "fr", "pt")
DIMENSION = 384
GENERATOR_VERSION = "1"
ZIPF_EXPONENT = 1.3
TAIL_WORDS = 5_000_000
CARDS_PER_DOCUMENT = 200
COUNTRIES = ("EC", "CL", "PE", "BR", "AR", "CO", "MX", "UY", "KE", "GH", "SN", "BJ", "MZ", "AO", "CV")
COUNTRIES += ("GW", "BD", "IN", "KH", "ZA", "RW", "TN", "MA", "GT", "DO", "BO", "PY", "CR", "VN", "PH")
QUESTION_FILES = (ROOT / "eval" / "questions.jsonl", ROOT / "eval" / "corpus" / "questions.jsonl")
_SHAPES = {
    "es": (
        "bcdfglmnprstv",
        "aeiou",
        ("ción", "miento", "idad", "ado", "ada", "os", "as", "ar", "ista", "ivo"),
    ),
    "en": ("bcdfghklmnprstw", "aeiou", ("tion", "ment", "ing", "ed", "ness", "ity", "er", "s", "ly", "al")),
    "fr": ("bcdfglmnprstv", "aeiou", ("tion", "ment", "eur", "euse", "ité", "age", "ique", "é", "er", "s")),
    "pt": ("bcdfglmnprstv", "aeiou", ("ção", "mento", "dade", "ado", "ada", "ões", "ar", "eiro", "os", "as")),
}


# --- the synthetic collection ---------------------------------------------------------------


@dataclass
class Language:
    """One language's word distribution: real head words, then generated tail words."""

    code: str
    head: list[str]
    cdf: np.ndarray
    _tail: dict[int, str] = field(default_factory=dict)

    def word(self, rank: int) -> str:
        """The word of ``rank`` (0-based): a real word in the head, a generated one after."""
        if rank < len(self.head):
            return self.head[rank]
        word = self._tail.get(rank)
        if word is None:
            word = self._tail[rank] = _shaped_word(self.code, rank)
        return word

    def words(self, rng: np.random.Generator, count: int) -> list[str]:
        """``count`` words drawn from the Zipf law."""
        ranks = np.searchsorted(self.cdf, rng.random(count))
        return [self.word(int(rank)) for rank in ranks]

    @property
    def distinct(self) -> int:
        """How many distinct tail words have been drawn so far (the head is all real words)."""
        return len(self._tail)


def _shaped_word(lang: str, rank: int) -> str:
    """A made-up word shaped like ``lang``'s: consonant-vowel syllables spelling ``rank``,
    then one of the language's endings (distinct ranks give distinct words)."""
    consonants, vowels, endings = _SHAPES[lang]
    syllables = [c + v for c in consonants for v in vowels]
    number, parts = rank // len(endings), []
    while number:
        number, digit = divmod(number, len(syllables))
        parts.append(syllables[digit])
    return "".join(parts) + endings[rank % len(endings)]


def _real_words() -> dict[str, Counter[str]]:
    """Word counts of the real cards per language (a file's language is in its name)."""
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
    files = [(path, "es") for path in (ROOT / "corpus").glob("*.txt")]
    for path in sorted((ROOT / "eval" / "corpus").glob("fictional-*.txt")):
        files.append((path, path.name.split("-")[1]))
    for path, lang in files:
        counts[lang].update(re.findall(r"[^\W\d_]{2,}", path.read_text(encoding="utf-8").lower()))
    return counts


def languages() -> dict[str, Language]:
    """The four languages' word distributions."""
    result = {}
    for lang, counts in _real_words().items():
        head = [word for word, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
        weights = 1.0 / np.arange(1, len(head) + TAIL_WORDS + 1, dtype=np.float64) ** ZIPF_EXPONENT
        cdf = np.cumsum(weights)
        result[lang] = Language(lang, head, cdf / cdf[-1])
    return result


@dataclass
class Generator:
    """Makes synthetic cards, deterministically, until a number of passages is reached."""

    passages: int
    seed: int = 13
    langs: dict[str, Language] = field(default_factory=languages)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng([self.seed, self.passages])
        from compendium.taxonomy import CARD_KEYS, load_taxonomy

        self.keys = CARD_KEYS
        self.taxonomy = load_taxonomy()

    def sentence(self, lang: Language) -> str:
        words = lang.words(self.rng, int(self.rng.integers(8, 25)))
        for position in np.flatnonzero(self.rng.random(len(words)) < 0.03):
            words[position] = self.number()
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def number(self) -> str:
        kind = self.rng.integers(3)
        if kind == 0:
            return str(self.rng.integers(1990, 2025))
        if kind == 1:
            return f"{self.rng.integers(1, 999)}.{self.rng.integers(0, 1000):03d}"
        return str(self.rng.integers(2, 500))

    def section_text(self, lang: Language, max_words: int | None) -> str:
        """A section of lognormal length (a median of about 90 words, some above a window)."""
        target = int(np.clip(self.rng.lognormal(np.log(90), 0.6), 8, 700))
        if max_words is not None:
            target = min(target, max_words)
        sentences, words = [], 0
        while words < target:
            sentences.append(self.sentence(lang))
            words += len(sentences[-1].split())
        return " ".join(sentences)

    def documents(self) -> list:
        """Documents of up to :data:`CARDS_PER_DOCUMENT` cards holding exactly ``passages``
        chunks."""
        from compendium.records import Document

        cards, made = [], 0
        while made < self.passages:
            card, count = self.card(len(cards), self.passages - made)
            cards.append(card)
            made += count
        return [
            Document(
                doc_id=f"synthetic-{start // CARDS_PER_DOCUMENT:05d}",
                source=f"synthetic-{start // CARDS_PER_DOCUMENT:05d}.txt",
                kind="text",
                front_matter=(),
                cards=tuple(cards[start : start + CARDS_PER_DOCUMENT]),
            )
            for start in range(0, len(cards), CARDS_PER_DOCUMENT)
        ]

    def card(self, ordinal: int, room: int):
        """One card with at most ``room`` chunks, and how many it has."""
        from compendium.chunker import window_spans
        from compendium.records import Card, Section

        lang = self.langs[LANGS[int(self.rng.integers(len(LANGS)))]]
        sections, count = [], 0
        for key in self.keys:
            if count == room:
                break
            if key != "objectives" and self.rng.random() < 0.1:
                continue
            text = self.section_text(lang, None)
            windows = len(window_spans(text))
            if count + windows > room:  # end exactly on the requested size: one window
                text, windows = self.section_text(lang, 150), 1
            label = self.taxonomy.default_label(key, lang.code)
            sections.append(Section(key, label, text, lang.code, None, (0, 0)))
            count += windows
        title = " ".join(lang.words(self.rng, int(self.rng.integers(6, 13)))).capitalize()
        picked = self.rng.choice(len(COUNTRIES), size=int(self.rng.integers(1, 3)), replace=False)
        card = Card(
            card_id=f"synthetic-{ordinal:07d}",
            title=title,
            short_title=title[:72],
            author=f"Autor {ordinal}",
            part=None,
            ordinal=ordinal,
            language=lang.code,
            countries=tuple(COUNTRIES[i] for i in picked),
            sections=tuple(sections),
            page=None,
            span=(0, 0),
        )
        return card, count


# --- the stand-in embedder ------------------------------------------------------------------


@dataclass(frozen=True)
class StandInEmbedder:
    """A deterministic embedder: each text's unit vector is drawn from a hash of the text."""

    model_id: str = f"stand-in-hash-{DIMENSION}"
    backend: str = "stand-in"
    dimension: int = DIMENSION

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(self.dimension, dtype=np.float32)
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts: Sequence[str], progress=None) -> np.ndarray:
        """One vector per text."""
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row] = self._vector(text)
            if progress is not None and (row + 1) % 50_000 == 0:
                progress(row + 1, len(texts))
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector (the same function: the stand-in has no query prefix)."""
        return self._vector("query: " + text)


# --- the two child phases: build, then serve ------------------------------------------------


def _marker(folder: Path, passages: int, seed: int) -> Path:
    """The file that stands for the synthetic corpus in the index fingerprint."""
    path = folder / "corpus" / f"synthetic-{passages}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"synthetic collection, generator {GENERATOR_VERSION}, {passages} passages, seed {seed}\n"
    )
    return path


def build_phase(folder: Path, passages: int, seed: int) -> dict:
    """Generate the collection (untimed) and build its index (timed)."""
    from compendium.analyzer import Analyzer
    from compendium.glossary import load_glossary
    from compendium.index_store import build_index
    from compendium.ingest import Corpus

    marker = _marker(folder, passages, seed)
    started = time.perf_counter()
    generator = Generator(passages, seed)
    corpus = Corpus(documents=tuple(generator.documents()), problems=(), files=(str(marker),))
    generate_s = time.perf_counter() - started
    analyzer = Analyzer()
    started = time.perf_counter()
    with mock.patch("compendium.index_store.load_corpus", lambda _paths, **_options: corpus):
        build_index(
            [marker],
            folder / "index",
            embedder=StandInEmbedder(),
            analyzer=analyzer,
            glossary=load_glossary(analyzer),
        )
    build_s = time.perf_counter() - started
    tail = sum(lang.distinct for lang in generator.langs.values())
    return {"generate_s": generate_s, "build_s": build_s, "tail_words": tail, "cards": _cards(corpus)}


def _cards(corpus) -> int:
    return sum(len(document.cards) for document in corpus.documents)


def questions(count: int) -> list[str]:
    """``count`` of the real evaluation questions (both sets), a fixed sample."""
    texts = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["question"])
    texts = sorted(set(texts))
    random.Random(13).shuffle(texts)
    return texts[:count]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return 1000 * (time.perf_counter() - started), result


def serve_phase(folder: Path, passages: int, seed: int, count: int, answers: bool = True) -> dict:
    """Open the built index and time the questions in every mode (answers too, unless not
    ``answers``: their first one reads the whole collection, an hour at a million passages)."""
    from compendium.answer import build_answer
    from compendium.search import DENSE, KEYWORD, Searcher, SearchOptions

    marker = _marker(folder, passages, seed)
    started = time.perf_counter()
    searcher = Searcher.open([marker], folder / "index", embedder=StandInEmbedder(), read_only=True)
    open_s = time.perf_counter() - started
    asked = questions(count)
    # The first answer builds what answers share (the collection's coverage): timed apart.
    warmup_ms, hits = _timed(searcher.search, asked[0], k=8)
    if answers:
        warmup_ms += _timed(build_answer, searcher, asked[0], hits)[0]
    times: dict[str, list[float]] = {"keyword": [], "dense": [], "hybrid": [], "answer": []}
    for question in asked:
        times["keyword"].append(_timed(searcher.search, question, 8, options=SearchOptions(KEYWORD))[0])
        times["dense"].append(_timed(searcher.search, question, 8, options=SearchOptions(DENSE))[0])
        hybrid_ms, hits = _timed(searcher.search, question, 8)
        times["hybrid"].append(hybrid_ms)
        if answers:
            times["answer"].append(hybrid_ms + _timed(build_answer, searcher, question, hits)[0])
    rss = _rss_mb()
    result = {"open_s": open_s, "rss_mb": rss, "warmup_ms": warmup_ms, "floor_ms": _floor_ms(searcher, asked)}
    for mode, values in times.items():
        result[f"{mode}_p50_ms"] = statistics.median(values) if values else None
        result[f"{mode}_p95_ms"] = percentile(values, 0.95) if values else None
    return result


def _floor_ms(searcher, asked: Sequence[str]) -> float:
    """Median time of one exact scan: all passage vectors times the query vector, in numpy."""
    import faiss

    inner = faiss.downcast_index(searcher.index.vectors.index.index)
    matrix = inner.reconstruct_n(0, inner.ntotal)
    times = []
    for question in asked:
        vector = searcher.query_vector(question)
        times.append(_timed(np.dot, matrix, vector)[0])
    return statistics.median(times)


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile by the nearest-rank rule (as bench_search.py)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- the parent: one size after another -----------------------------------------------------


def _child(phase: str, folder: Path, passages: int, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, "--phase", phase, "--folder", str(folder)]
    command += ["--sizes", str(passages), "--seed", str(args.seed), "--queries", str(args.queries)]
    command += ["--no-answer"] if args.no_answer else []
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(passages: int, args: argparse.Namespace) -> dict:
    """Build, then serve, one size; each in its own process so memory is the server's own."""
    folder = Path(tempfile.mkdtemp(prefix=f"compendium-scale-{passages}-", dir=args.scratch))
    try:
        built = _child("build", folder, passages, args)
        served = _child("serve", folder, passages, args)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return {"passages": passages, **built, **served}


JSON_KEYS = ("passages", "build_s", "open_s", "rss_mb", "keyword_p95_ms", "dense_p95_ms")
JSON_KEYS += ("hybrid_p95_ms", "answer_p95_ms", "floor_ms")
JSON_KEYS += ("keyword_p50_ms", "dense_p50_ms", "hybrid_p50_ms", "answer_p50_ms")


def report_line(row: dict) -> str:
    """One size as a table row: p50/p95 per mode, and hybrid p50 as a multiple of the floor."""
    cells = [
        f"{row['passages']:>9,}",
        f"{row['build_s']:8.1f}",
        f"{row['open_s']:7.2f}",
        f"{row['rss_mb']:7.0f}",
    ]
    for mode in ("keyword", "dense", "hybrid", "answer"):
        if row[mode + "_p50_ms"] is None:
            cells.append(f"{'-':>8}/{'-':<8}")
        else:
            cells.append(f"{row[mode + '_p50_ms']:8.1f}/{row[mode + '_p95_ms']:<8.1f}")
    ratio = row["hybrid_p50_ms"] / row["floor_ms"] if row["floor_ms"] > 0 else float("nan")
    cells += [f"{row['floor_ms']:7.2f}", f"{ratio:7.0f}x", f"{row['warmup_ms'] / 1000:7.1f}"]
    return " ".join(cells)


HEADER = (
    "passages  build s  open s  RSS MB  keyword p50/p95   dense p50/p95     hybrid p50/p95    "
    "answer p50/p95    floor ms hybrid/floor warmup s"
)


def _rounded(value: float | int | None) -> float | int | None:
    return None if value is None else round(value, 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in DEFAULT_SIZES))
    parser.add_argument("--queries", type=int, default=30, help="questions timed per size")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument("--no-answer", action="store_true", help="time search only (for 1M: see serve_phase)")
    parser.add_argument("--scratch", default=None, help="where to build (default: the system temp)")
    parser.add_argument("--phase", choices=("build", "serve"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    if args.phase == "build":
        print(json.dumps(build_phase(args.folder, sizes[0], args.seed)))
        return 0
    if args.phase == "serve":
        print(json.dumps(serve_phase(args.folder, sizes[0], args.seed, args.queries, not args.no_answer)))
        return 0
    if not args.json:
        print(HEADER)
    for passages in sizes:
        row = measure(passages, args)
        if args.json:
            print(json.dumps({key: _rounded(row[key]) for key in JSON_KEYS}), flush=True)
        else:
            print(report_line(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
