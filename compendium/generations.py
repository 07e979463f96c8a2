"""Index generations: each build is a new folder, published by one atomic pointer write.

Layout of an index folder::

    index/CURRENT         the name of the served generation ("gen-000007"), one line
    index/gen-000007/     a complete index (manifest.json, chunks.jsonl, ...)
    index/gen-000007.lease  readers hold a shared flock on it while they use gen-000007
    index/gen-000006/     the previous generation, kept while a reader still holds its lease

A build writes a staging folder, renames it to the next ``gen-NNNNNN`` and then replaces
``CURRENT`` (temp file + fsync + ``os.replace``): a reader reads either the old pointer or the
new one, never half of each, and the generation it names is never changed in place. Under the
build lock, generations no reader leases (an exclusive non-blocking flock succeeds) are
removed. An index folder in the older layout (files directly in it) is still read as it is.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

POINTER_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
_GEN_PATTERN = re.compile(r"gen-(\d{6})")
_LEASE_SUFFIX = ".lease"


class PointerError(Exception):
    """``CURRENT`` names no generation that exists (a torn or edited pointer)."""


@dataclass
class Lease:
    """A shared flock on one generation's lease file: while held, no build removes it."""

    generation: Path
    fd: int

    def release(self) -> None:
        """Drop the lease (closing the descriptor frees the flock)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# Leases this process holds, by generation folder: a loaded index reads its files lazily, so
# its generation must outlive load_index; the holder of the served index releases old ones.
_HELD: dict[Path, Lease] = {}
_HELD_LOCK = threading.Lock()


def generation_name(number: int) -> str:
    """``gen-000007`` for 7."""
    return f"gen-{number:06d}"


def is_generation(path: Path) -> bool:
    """Whether ``path`` is named like a generation folder."""
    return _GEN_PATTERN.fullmatch(path.name) is not None


def index_root(folder: Path) -> Path:
    """The index folder a loaded index came from (its parent for a generation)."""
    folder = Path(folder)
    return folder.parent if is_generation(folder) else folder


def read_pointer(index_dir: Path) -> str | None:
    """The generation ``CURRENT`` names; None without a pointer. :class:`PointerError` if it is
    not a generation name or that folder is missing."""
    try:
        text = (Path(index_dir) / POINTER_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise PointerError(f"{POINTER_FILE} in {index_dir} is unreadable: {error}") from error
    if _GEN_PATTERN.fullmatch(text) is None or not (Path(index_dir) / text).is_dir():
        raise PointerError(f"{POINTER_FILE} in {index_dir} names no generation ({text[:40]!r})")
    return text


def pointer_stamp(index_dir: Path) -> tuple[int, int, int] | None:
    """A cheap token that changes when a build publishes (one stat): for live reload."""
    for name in (POINTER_FILE, MANIFEST_FILE):
        try:
            info = os.stat(Path(index_dir) / name)
        except OSError:
            continue
        return (info.st_ino, info.st_mtime_ns, info.st_size)
    return None


def served_folder(index_dir: Path, legacy_previous: Path | None = None) -> Path | None:
    """The folder a reader should open, leased for this process; None when there is none.

    Readers never rename anything: the old layout's ``.previous`` folder (left by a build
    killed between its two renames) is read where it lies until the next build cleans up.
    """
    index_dir = Path(index_dir)
    for _attempt in range(20):
        name = read_pointer(index_dir)
        if name is None:
            if (index_dir / MANIFEST_FILE).exists():
                return index_dir
            if legacy_previous is not None and (legacy_previous / MANIFEST_FILE).exists():
                return legacy_previous
            return None
        generation = index_dir / name
        if _lease(generation):
            return generation
        # A build removed it between our reading CURRENT and taking the lease: it then
        # published a newer pointer, so read it again.
    raise PointerError(f"{index_dir} keeps changing; no generation could be leased")


def _lease(generation: Path) -> bool:
    with _HELD_LOCK:
        if generation in _HELD:
            return generation.is_dir()
        fd = os.open(_lease_path(generation), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_SH)
        # The builder removes the folder while it holds the exclusive lock, so once we hold the
        # shared one the folder is there for good, or already gone.
        if not (generation / MANIFEST_FILE).exists():
            os.close(fd)
            return False
        _HELD[generation] = Lease(generation, fd)
        return True


def release_leases(index_dir: Path, keep: Path | None = None) -> None:
    """Drop this process's leases on ``index_dir``'s generations except ``keep``."""
    root = Path(index_dir)
    with _HELD_LOCK:
        for generation in [g for g in _HELD if g.parent == root and g != keep]:
            _HELD.pop(generation).release()


def _lease_path(generation: Path) -> Path:
    return generation.parent / (generation.name + _LEASE_SUFFIX)


def generations(index_dir: Path) -> list[Path]:
    """The generation folders in ``index_dir``, oldest first."""
    try:
        entries = list(Path(index_dir).iterdir())
    except FileNotFoundError:
        return []
    found = [e for e in entries if is_generation(e) and e.is_dir() and not e.is_symlink()]
    return sorted(found, key=lambda p: p.name)


def publish(staging: Path, index_dir: Path) -> Path:
    """Make ``staging`` (a complete index) the served generation; return its folder.

    Call holding the build lock. Files are fsynced before the rename and the pointer after,
    so a power cut leaves the old pointer or a new one naming complete files.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    _fsync_tree(staging)
    numbers = [int(_GEN_PATTERN.fullmatch(g.name).group(1)) for g in generations(index_dir)]  # type: ignore[union-attr]
    target = index_dir / generation_name(max(numbers, default=0) + 1)
    os.rename(staging, target)
    _fsync_dir(index_dir)
    write_pointer(index_dir, target.name)
    return target


def write_pointer(index_dir: Path, name: str) -> None:
    """Replace ``CURRENT`` atomically: temp file, fsync, ``os.replace``, fsync of the folder."""
    temporary = index_dir / f".{POINTER_FILE}.{os.getpid()}.tmp"
    with temporary.open("w", encoding="ascii") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, index_dir / POINTER_FILE)
    _fsync_dir(index_dir)


def remove_unused(index_dir: Path) -> list[str]:
    """Remove generations that are not served and that no reader leases; call under the build
    lock. Returns the names removed. Also removes stray pointer temp files and lease files
    whose generation is gone."""
    index_dir = Path(index_dir)
    try:
        served = read_pointer(index_dir)
    except PointerError:
        served = None
    removed = []
    for generation in generations(index_dir):
        if generation.name == served:
            continue
        lease = _lease_path(generation)
        fd = os.open(lease, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a reader still uses it; a later build removes it
            # Manifest first: a reader that leases after this sees no manifest and re-reads CURRENT.
            (generation / MANIFEST_FILE).unlink(missing_ok=True)
            shutil.rmtree(generation, ignore_errors=True)
            lease.unlink(missing_ok=True)
            removed.append(generation.name)
        finally:
            os.close(fd)
    for entry in index_dir.iterdir():
        stray_lease = (
            entry.name.endswith(_LEASE_SUFFIX)
            and not (index_dir / entry.name[: -len(_LEASE_SUFFIX)]).is_dir()
        )
        if stray_lease or re.fullmatch(rf"\.{POINTER_FILE}\.\d+\.tmp", entry.name):
            entry.unlink(missing_ok=True)
    return removed


def remove_legacy_files(index_dir: Path, names: list[str]) -> None:
    """After the first publish over an old-layout folder, remove its top-level index files."""
    for name in names:
        path = Path(index_dir) / name
        if path.is_file() and not path.is_symlink():
            path.unlink()


@contextmanager
def signals_raise() -> Iterator[None]:
    """While building, SIGTERM raises SystemExit (SIGINT already raises KeyboardInterrupt), so
    the build's cleanup runs and the last good generation stays served. Only the main thread
    can set handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
