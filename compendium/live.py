"""Live reload: a running app switches to the index generation a later build published.

Between requests the holder stats the index folder's ``CURRENT`` pointer (at most once per
``interval`` seconds, so a busy app pays one stat a second); when it changed, the request that
noticed opens the new generation and every later request uses it. Other requests keep using
the old searcher meanwhile (they never wait for a reload), and a generation that cannot serve
this app's model, or fails its checksums, is skipped: the old one stays served.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from compendium import generations
from compendium.index_store import Fingerprint, IndexError_, embedding_of, load_index, staleness
from compendium.search import Searcher


@dataclass
class LiveSearcher:
    """Holds the served :class:`Searcher` and swaps it for a newer generation's."""

    searcher: Searcher
    interval: float = 1.0
    root: Path = field(init=False)
    _stamp: object = field(init=False, default=None)
    _checked: float = field(init=False, default=0.0)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.root = generations.index_root(self.searcher.index.folder)
        self._stamp = generations.pointer_stamp(self.root)
        self._checked = time.monotonic()

    def current(self) -> Searcher:
        """The searcher to use for this request (reloading first if a build published)."""
        now = time.monotonic()
        if now - self._checked < self.interval or not self._lock.acquire(blocking=False):
            return self.searcher
        try:
            self._checked = now
            stamp = generations.pointer_stamp(self.root)
            if stamp != self._stamp:
                self._stamp = stamp
                self._reload()
        finally:
            self._lock.release()
        return self.searcher

    def _reload(self) -> None:
        old = self.searcher
        try:
            index = load_index(self.root)
            # Every digest before the switch: a generation damaged after its build must be
            # refused here, while the old one can still serve, not on some later request.
            index.files.verify_all()
        except (IndexError_, OSError, ValueError) as problem:
            print(
                f"kept serving {old.index.folder.name}: the new index cannot be opened ({problem})",
                file=sys.stderr,
            )
            generations.release_leases(self.root, keep=old.index.folder)
            return
        if index.folder == old.index.folder:
            return
        reasons = staleness(index.manifest, _expected(old, index.manifest.fingerprint))
        if reasons:
            print(
                f"kept serving {old.index.folder.name}: {index.folder.name} cannot serve this app "
                f"({'; '.join(reasons)})",
                file=sys.stderr,
            )
            generations.release_leases(self.root, keep=old.index.folder)
            return
        self.searcher = Searcher(
            index=index,
            analyzer=old.analyzer,
            glossary=old.glossary,
            embedder=old.embedder,
            model_status=old.model_status,
            options=old.options,
            intents=old.intents,
        )
        # The old generation's lease goes: a later build may remove it. Requests still running
        # on it finish on files already open or mapped (unlinking keeps them readable).
        generations.release_leases(self.root, keep=index.folder)
        print(f"now serving the index generation {index.folder.name}", file=sys.stderr)

    @property
    def generation(self) -> str:
        """The served generation's name (the folder's own name in the old layout)."""
        return self.searcher.index.folder.name


def _expected(serving: Searcher, built: Fingerprint) -> Fingerprint:
    """What a generation must have been built with to replace ``serving``'s: the same code
    (format, analyzer, parser, chunking) and the running model, for any corpus (a new corpus is
    why a generation is published)."""
    model = embedding_of(serving.embedder) if serving.embedder is not None else (None, None, None)
    return replace(
        serving.index.manifest.fingerprint,
        model_id=model[0],
        embedding_backend=model[1],
        embedding_dim=model[2],
        corpus_hash=built.corpus_hash,
        corpus_files=built.corpus_files,
    )
