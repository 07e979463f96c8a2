"""What can be wrong with an index folder, as exceptions (raised by the index store and by
the index files it reads lazily, so they live apart from both)."""

from __future__ import annotations

from collections.abc import Sequence


class IndexError_(Exception):
    """Base for index problems (named with a trailing underscore: ``IndexError`` is a builtin)."""


class MissingIndexError(IndexError_):
    """No index has been built in that folder yet."""


class StaleIndexError(IndexError_):
    """The index was built from another corpus, model, format or code; ``reasons`` says which."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("stale index: " + "; ".join(reasons))
        self.reasons = tuple(reasons)


class CorruptIndexError(IndexError_):
    """Index files are missing, altered or inconsistent with the manifest."""


class BuildLockedError(IndexError_):
    """Another process kept the build lock for too long."""
