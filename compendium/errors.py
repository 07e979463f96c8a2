"""Typed errors for files that cannot be ingested.

Each names the file and says why in one line; callers collect them as problems and carry on
with the other files.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is the one-line message for the user."""

    kind = "error"

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


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


class PdfError(IngestError):
    kind = "pdf"


class EncryptedPdfError(PdfError):
    kind = "encrypted-pdf"


class TooManyPagesError(PdfError):
    kind = "too-many-pages"
