"""Bytes of a text file -> text, or a one-line refusal saying what the bytes are instead.

UTF-8 (with or without BOM), UTF-16 and UTF-32 are read: by their byte order mark, or, without
one, by where the NUL bytes fall (ASCII text in UTF-16-LE has a NUL after every letter, in
UTF-32 three). Binary content is judged on the whole decoded text, not on its first bytes: a
file that turns into NULs or control characters after a clean first page is still binary.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from compendium.errors import BinaryFileError, EncodingError
from compendium.textnorm import nfc

# UTF-32-LE's mark begins with UTF-16-LE's, so the longer marks are tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF = 4096
#: Text from an editor or an extractor holds no control characters but line ends, tabs and form
#: feeds; a few stray ones happen, a share above this (or a run of them) is binary data.
MAX_CONTROL_SHARE = 0.01
_CONTROL_RUN = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]{16}")
_CONTROLS = tuple(chr(code) for code in [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def decode_text(path: Path | str, data: bytes) -> str:
    """The text of ``data`` in NFC, or :class:`EncodingError` / :class:`BinaryFileError`."""
    if data.lstrip()[:5] == b"%PDF-":
        raise BinaryFileError(path, "looks like a PDF, not text (rename it to .pdf)")
    codec = _codec_of(data)
    if codec == "utf-8" and b"\x00" in data:  # NULs in no UTF-16/32 pattern: binary
        raise BinaryFileError(
            path, f"binary data, not text: NUL byte at offset {data.index(0)} (is it a PDF or a Word file?)"
        )
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise _decode_error(path, data, codec, error) from error
    _refuse_binary(path, text)
    return nfc(text)


def _codec_of(data: bytes) -> str:
    """The codec the bytes announce (BOM) or betray (NUL pattern); UTF-8 otherwise."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    head = data[: _SNIFF - _SNIFF % 4]
    if len(head) < 4 or b"\x00" not in head:
        return "utf-8"
    zeros = [_zero_share(head[offset::4]) for offset in range(4)]
    if min(zeros[1:]) > 0.9 and zeros[0] < 0.5:
        return "utf-32-le"
    if min(zeros[:3]) > 0.9 and zeros[3] < 0.5:
        return "utf-32-be"
    if min(zeros[1], zeros[3]) > 0.6 and max(zeros[0], zeros[2]) < 0.3:
        return "utf-16-le"
    if min(zeros[0], zeros[2]) > 0.6 and max(zeros[1], zeros[3]) < 0.3:
        return "utf-16-be"
    return "utf-8"


def _zero_share(column: bytes) -> float:
    return column.count(0) / max(1, len(column))


def _decode_error(path: Path | str, data: bytes, codec: str, error: UnicodeDecodeError) -> EncodingError:
    if not codec.startswith("utf-8"):
        name = codec.upper().replace("-LE", "").replace("-BE", "")
        return EncodingError(path, f"invalid {name} at byte {error.start} (the file says it is {name})")
    hint = ""
    try:
        data.decode("cp1252")
        hint = "; it looks like Latin-1/Windows-1252: convert it with `iconv -f cp1252 -t utf-8`"
    except UnicodeDecodeError:
        pass
    return EncodingError(
        path, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}){hint}"
    )


def _refuse_binary(path: Path | str, text: str) -> None:
    """Refuse text that is binary data somewhere: NULs or control characters over the share,
    or a run of them, anywhere in the file."""
    controls = sum(text.count(ch) for ch in _CONTROLS)  # one C-speed pass per character
    if not controls:
        return
    run = _CONTROL_RUN.search(text)
    if controls > MAX_CONTROL_SHARE * len(text) or run is not None:
        first = run.start() if run is not None else _first_control(text)
        raise BinaryFileError(
            path, f"binary data, not text: {controls} control characters, the first at character {first}"
        )


def _first_control(text: str) -> int:
    return min((index for index in (text.find(ch) for ch in _CONTROLS) if index >= 0), default=0)
