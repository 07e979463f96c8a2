"""What is on disk: which paths are regular files, and reading one without ever blocking.

Opening a named pipe for reading waits for a writer; reading ``/dev/zero`` never ends; a link
may point at itself. So a path's type is checked with ``stat`` before it is opened, the open
never blocks, and the opened file is checked again (it may have been swapped since).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from compendium.errors import FileTooLargeError, IngestError, SpecialFileError, UnreadableFileError

_SPECIAL_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
)


def not_a_file(path: Path) -> IngestError | None:
    """Why ``path`` (links followed) cannot be read as a file, or ``None`` for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return _stat_error(path, error)
    if stat.S_ISREG(mode):
        return None
    reason = next((text for test, text in _SPECIAL_KINDS if test(mode)), "is not a regular file")
    if os.path.islink(path):
        reason = f"links to something that {reason}"
    return SpecialFileError(path, reason)


def _stat_error(path: Path, error: OSError) -> IngestError:
    if error.errno == errno.ELOOP:
        return SpecialFileError(path, "symbolic link loop (the link points back at itself)")
    if error.errno == errno.ENOENT and os.path.islink(path):
        return SpecialFileError(path, f"broken link (points to {os.readlink(path)}, which does not exist)")
    if error.errno == errno.ENOENT:
        return IngestError(path, "no such file or folder")
    return UnreadableFileError(path, f"cannot read: {error.strerror or error}")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, or an :class:`IngestError`; never blocks on a
    pipe or device and never reads more than ``max_bytes`` (plus one, to know it is over)."""
    problem = not_a_file(path)
    if problem is not None:
        raise problem
    try:
        handle = open(path, "rb", opener=_open_nonblocking)  # noqa: SIM115 (closed below)
    except OSError as error:
        raise _stat_error(path, error) from error
    with handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):  # swapped for a pipe or device since the check
            raise SpecialFileError(path, "is not a regular file")
        _check_size(path, info.st_size, max_bytes)
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:  # unreadable (permissions), vanished, or a failing disk
            raise UnreadableFileError(path, f"cannot read: {error.strerror or error}") from error
    _check_size(path, len(data), max_bytes)  # the file grew while being read
    return data


def _open_nonblocking(name: str, flags: int) -> int:
    # A pipe opened without O_NONBLOCK waits for a writer; with it, it opens at once.
    return os.open(name, flags | os.O_NONBLOCK | os.O_NOCTTY)


def _check_size(path: Path, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileTooLargeError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
