"""Typed errors for files that cannot be ingested.

Each names the file and says why in one line; callers collect them as problems and carry on
with the other files.
"""

from __future__ import annotations

from pathlib import Path

# A byte that is not UTF-8 reaches Python as one of these lone surrogates (os.fsdecode).
_SURROGATE_BYTES = range(0xDC80, 0xDD00)


def printable(value: str) -> str:
    """``value`` safe to print on one line: control, format and separator characters (a
    newline, an ANSI escape, a bidi override) are shown escaped as ``repr`` would, and a byte
    that is not UTF-8 as ``\\xNN``; everything else, accents included, is kept."""
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in value)


def _escaped(ch: str) -> str:
    if ord(ch) in _SURROGATE_BYTES:
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return repr(ch)[1:-1]


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is the one-line message for the user.

    The path is kept escaped (:func:`printable`): a file name may hold anything but ``/``."""

    kind = "error"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = printable(str(path))
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class EmptyFileError(IngestError):
    kind = "empty"


class BinaryFileError(IngestError):
    kind = "binary"


class EncodingError(IngestError):
    kind = "encoding"


class FileTooLargeError(IngestError):
    kind = "too-large"


class UnsupportedFileError(IngestError):
    kind = "unsupported"


class UnreadableFileError(IngestError):
    kind = "unreadable"


class FileNameError(IngestError):
    kind = "file-name"


class PdfError(IngestError):
    kind = "pdf"


class EncryptedPdfError(PdfError):
    kind = "encrypted-pdf"


class TooManyPagesError(PdfError):
    kind = "too-many-pages"


class DamagedPdfError(PdfError):
    """A PDF that opens but is missing parts (truncated copy, corrupt page content)."""

    kind = "damaged-pdf"


class SpecialFileError(IngestError):
    """A path that is no regular file: folder, pipe, socket, device, broken or looping link."""

    kind = "not-a-file"


class TimeBudgetError(IngestError):
    """A file still not parsed when its time budget ran out (its reader was stopped)."""

    kind = "too-slow"


class ReaderError(IngestError):
    """The reader failed on a file: out of memory, nested too deeply, crashed."""

    kind = "reader-failed"
