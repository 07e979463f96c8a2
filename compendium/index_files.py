"""The files of one opened index, held open and checked against the manifest: their sizes when
the index is opened, their full digest just before their content is first used.

Opening a large index must not read it all: a hundred thousand passages are some two gigabytes
of files, and a query reads a small part of them. So opening checks what costs nothing (every
listed file is there, a plain file, of the size the build recorded) and each file's SHA-256 is
computed the first time its content is asked for, before any of it is handed out: a file altered
after the build is still refused before use, only later. The files are opened once, at open,
so a generation removed while this process serves it stays readable to it (Unix keeps an
unlinked file's content while a descriptor is open).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from compendium.index_errors import CorruptIndexError


@dataclass
class IndexFiles:
    """Open handles on the files a manifest lists, each verified once before first use."""

    folder: Path
    digests: dict[str, str]
    handles: dict[str, BinaryIO]
    _verified: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, folder: Path, digests: dict[str, str], sizes: dict[str, int] | None) -> IndexFiles:
        """Open every listed file; :class:`CorruptIndexError` unless each is a plain file of its
        recorded size. Without sizes (an index built before they were recorded) each file's
        digest is checked now instead."""
        handles: dict[str, BinaryIO] = {}
        files = cls(folder, dict(digests), handles)
        try:
            for name in digests:
                path = folder / name
                try:
                    handle = path.open("rb")
                except OSError:
                    raise files.corrupt(name) from None
                handles[name] = handle
                status = os.fstat(handle.fileno())
                expected = None if sizes is None else sizes.get(name)
                if not path.is_file() or (expected is not None and status.st_size != expected):
                    raise files.corrupt(name)
                if expected is None:
                    files.verify(name)
        except BaseException:
            files.close()
            raise
        return files

    def corrupt(self, name: str) -> CorruptIndexError:
        """The error for a file that is missing, unreadable or not the one the build wrote."""
        return CorruptIndexError(
            f"{self.folder / name} is missing, unreadable or does not match the manifest"
        )

    def __contains__(self, name: str) -> bool:
        return name in self.handles

    def verify(self, name: str) -> None:
        """Check ``name``'s full digest, once (later calls return at once)."""
        if name in self._verified:
            return
        with self._lock:
            if name in self._verified:
                return
            handle = self._handle(name)
            try:
                if os.fstat(handle.fileno()).st_size == 0:
                    digest = hashlib.sha256(b"").hexdigest()
                else:
                    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
                        digest = hashlib.sha256(view).hexdigest()  # hashlib drops the GIL
            except (OSError, ValueError):
                raise self.corrupt(name) from None
            if digest != self.digests[name]:
                raise self.corrupt(name)
            self._verified.add(name)

    def verify_all(self) -> None:
        """Check every file's digest now (a reload does this before it serves a generation)."""
        for name in self.handles:
            self.verify(name)

    def read_bytes(self, name: str) -> bytes:
        """The whole content of ``name``, verified."""
        self.verify(name)
        handle = self._handle(name)
        try:
            return os.pread(handle.fileno(), os.fstat(handle.fileno()).st_size, 0)
        except OSError:
            raise self.corrupt(name) from None

    def read_text(self, name: str) -> str:
        """The content of ``name`` as UTF-8 text, verified."""
        try:
            return self.read_bytes(name).decode("utf-8")
        except UnicodeDecodeError:
            raise self.corrupt(name) from None

    def view(self, name: str) -> mmap.mmap | bytes:
        """The content of ``name``, verified, mapped rather than read (an empty file: ``b""``)."""
        self.verify(name)
        handle = self._handle(name)
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def array(self, name: str) -> np.ndarray:
        """The ``.npy`` array in ``name``, verified and memory-mapped (read only)."""
        self.verify(name)
        handle = self._handle(name)
        try:
            handle.seek(0)
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                raise ValueError(f".npy format {version} is not one numpy.save writes here")
            if dtype.hasobject:
                raise ValueError("object arrays are not index data")
            if not shape or 0 in shape:
                return np.zeros(shape, dtype=dtype)
            order = "F" if fortran else "C"
            mapped = np.memmap(handle, dtype=dtype, mode="r", offset=handle.tell(), shape=shape, order=order)
            # A plain ndarray view of the map: slicing a memmap subclass costs more than the
            # slice itself, and a query slices postings thousands of times.
            return np.asarray(mapped)
        except (OSError, ValueError):
            raise self.corrupt(name) from None

    def _handle(self, name: str) -> BinaryIO:
        handle = self.handles.get(name)
        if handle is None:
            raise self.corrupt(name)
        return handle

    def close(self) -> None:
        """Close every handle (mapped arrays stay readable)."""
        for handle in self.handles.values():
            handle.close()
