"""Handout files for download: one handout per browser session, bounded in count, bytes and age.

Every handout action writes the session's Markdown and Word files again, and any client can
make up sessions; so a session keeps only its latest handout (the previous files are
replaced), and the store as a whole keeps at most ``sessions`` sessions and ``total_bytes``
bytes, none older than ``max_age_seconds``: the least recently written go first.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from compendium.handout import HandoutItem, write_docx, write_markdown

# Gradio's browser session ids are base-36 strings, its Python client's are UUIDs; anything
# else (a path, a dot, an empty string) names no session and gets no files.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_STAGING = ".staging-"


@dataclass(frozen=True)
class ExportLimits:
    """How much the handout files of all sessions may hold at once."""

    sessions: int = 200
    total_bytes: int = 64 * 1024 * 1024
    #: One handout, both files: past this it is not offered for download.
    session_bytes: int = 8 * 1024 * 1024
    max_age_seconds: float = 2 * 3600


def valid_session(session: object) -> bool:
    """Whether ``session`` can name a session's folder."""
    return isinstance(session, str) and _SESSION_ID.fullmatch(session) is not None


@dataclass(frozen=True)
class _Stored:
    folder: Path
    newest: float
    size: int


class ExportStore:
    """The handout files under ``root``: ``root/<session>/<name>-<date>.md|.docx`` (names from
    :func:`compendium.handout.file_name`)."""

    def __init__(
        self, root: Path, limits: ExportLimits = ExportLimits(), clock: Callable[[], float] = time.time
    ) -> None:
        self.root = Path(root)
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()  # Gradio runs handlers in several threads

    def export(
        self, items: Sequence[HandoutItem], session: str, lang: str = "en"
    ) -> tuple[Path | None, Path | None]:
        """Write ``items`` as the session's handout (Markdown, Word, in ``lang``), replacing its
        previous one; ``(None, None)`` for no items, an invalid session id or an oversized handout."""
        if not items or not valid_session(session):
            return None, None
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=self.root))
        try:
            written = [write_markdown(items, staging, lang=lang), write_docx(items, staging, lang=lang)]
            if sum(path.stat().st_size for path in written) > self.limits.session_bytes:
                return None, None
            with self._lock:
                markdown, docx = self._replace(self.root / session, written)
                self._prune(keep=session)
            return markdown, docx
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _replace(self, folder: Path, written: list[Path]) -> tuple[Path, Path]:
        # Renamed into place, so a download under way never reads a half-written file.
        folder.mkdir(mode=0o700, exist_ok=True)
        names = {path.name for path in written}
        for old in folder.iterdir():
            if old.name not in names:
                old.unlink()
        for path in written:
            os.replace(path, folder / path.name)
        return folder / written[0].name, folder / written[1].name

    def _prune(self, keep: str) -> None:
        """Drop sessions past the age limit, then the least recent past the count or bytes."""
        now = self._clock()
        fresh = []
        for entry in sorted(self._stored(), key=lambda entry: entry.newest):
            if now - entry.newest > self.limits.max_age_seconds and entry.folder.name != keep:
                shutil.rmtree(entry.folder, ignore_errors=True)
            else:
                fresh.append(entry)
        count, total = len(fresh), sum(entry.size for entry in fresh)
        for entry in fresh:  # least recent first
            if count <= self.limits.sessions and total <= self.limits.total_bytes:
                break
            if entry.folder.name != keep:
                shutil.rmtree(entry.folder, ignore_errors=True)
                count, total = count - 1, total - entry.size

    def _stored(self) -> list[_Stored]:
        entries = []
        for folder in self.root.iterdir():
            if folder.name.startswith(_STAGING) or not folder.is_dir():
                continue
            stats = [path.stat() for path in folder.iterdir()]
            newest = max((stat.st_mtime for stat in stats), default=folder.stat().st_mtime)
            entries.append(_Stored(folder, newest, sum(stat.st_size for stat in stats)))
        return entries

    def files(self) -> list[Path]:
        """Every handout file on disk, for status and tests."""
        if not self.root.exists():
            return []
        return sorted(path for entry in self._stored() for path in entry.folder.iterdir())
