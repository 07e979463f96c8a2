"""What the web app may write and what it serves.

Gradio trusts its temp folder (``$GRADIO_TEMP_DIR``, else ``$TMPDIR/gradio``): it serves any
file in it, takes uploads of any size into it, and follows it if another local user planted it
as a symbolic link. So the app makes its own folder, ``<tmp>/compendium-<uid>/run-<pid>``
(mode 0700, refused if it is a link or someone else's), and points Gradio there before any
component exists; and a guard in front of Gradio's routes answers only the few the app needs,
serving no file but the handouts the app wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compendium.errors import printable

#: The largest request body the app accepts: a question and a few ids, with ample room.
MAX_REQUEST_BYTES = 128 * 1024
_RUN = re.compile(r"run-(\d+)")

# The Gradio routes the page, its events and the Python client use (as logged from the
# browser test); anything else (uploads, the proxy, monitoring, run history, the "vibe"
# editor, direct /run calls, streams, MCP...) is answered 404.
_GET_PATHS = frozenset(
    {
        "/",
        "/config",
        "/config/",
        "/favicon.ico",
        "/robots.txt",
        "/theme.css",
        "/gradio_api/info",
        "/gradio_api/info/",
        "/gradio_api/queue/data",
        "/gradio_api/startup-events",
    }
)
_GET_PREFIXES = ("/assets/", "/static/", "/gradio_api/heartbeat/")
_POST_PATHS = frozenset({"/gradio_api/queue/join"})
_FILE_ROUTE = "/gradio_api/file="
_CALL_ROUTE = "/gradio_api/call/"


class UnsafeFolderError(RuntimeError):
    """A folder the app would write into is a link, not a folder, or not private to us."""


def private_folder(path: Path) -> Path:
    """``path`` as a folder only this user can use: made with mode 0700 if missing; refused
    (:class:`UnsafeFolderError`) if it is a symbolic link, not a folder, another user's, or
    open to group or others. ``mkdir`` never follows a link, and ``lstat`` sees the link."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    name = printable(str(path))
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolderError(f"{name} is not a folder (a link, say); remove it or set TMPDIR")
    if info.st_uid != os.geteuid():
        raise UnsafeFolderError(f"{name} belongs to another user; remove it or set TMPDIR")
    if info.st_mode & 0o077:
        raise UnsafeFolderError(f"{name} is open to other users (mode {info.st_mode & 0o777:o})")
    return path


def app_temp_dir(base: Path | None = None) -> Path:
    """This process's private temp folder, ``<base>/compendium-<uid>/run-<pid>`` (``base`` is
    the system temp folder by default). Folders of runs no longer alive are removed."""
    root = private_folder(Path(base or tempfile.gettempdir()) / f"compendium-{os.geteuid()}")
    for entry in root.iterdir():
        match = _RUN.fullmatch(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
    return private_folder(root / f"run-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def use_temp_dir(folder: Path) -> None:
    """Make ``folder`` the only place Gradio writes. Gradio reads ``GRADIO_TEMP_DIR`` when a
    component or the server is made, but some modules copied it at import; those copies are
    reset too, so nothing is written under ``$TMPDIR/gradio`` whatever was imported first."""
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(folder / "examples")
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "gradio" and isinstance(getattr(module, "DEFAULT_TEMP_DIR", None), str):
            module.DEFAULT_TEMP_DIR = str(folder)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RoutePolicy:
    """Which requests reach Gradio: its page and queue, the public API, and the handout files."""

    files: Path
    api_names: frozenset[str]
    max_body: int = MAX_REQUEST_BYTES

    def refusal(self, method: str, path: str, headers: dict[str, str]) -> int | None:
        """The HTTP status to refuse a request with, or ``None`` to let Gradio answer it."""
        if "\x00" in path:
            return 404
        if method in {"GET", "HEAD"}:
            return None if self._readable(path) else 404
        if method == "POST":
            if not (path in _POST_PATHS or self._public_call(path)):
                return 404
            return self._body_refusal(headers)
        return 405

    def _readable(self, path: str) -> bool:
        if path in _GET_PATHS or path.startswith(_GET_PREFIXES):
            return True
        if path.startswith(_FILE_ROUTE):
            return self.servable(path[len(_FILE_ROUTE) :])
        if path.startswith(_CALL_ROUTE):  # the result stream of a public call: call/<name>/<id>
            name, _, event = path[len(_CALL_ROUTE) :].partition("/")
            return name in self.api_names and bool(event)
        return False

    def _public_call(self, path: str) -> bool:
        name = path[len(_CALL_ROUTE) :].rstrip("/") if path.startswith(_CALL_ROUTE) else ""
        return name in self.api_names

    def _body_refusal(self, headers: dict[str, str]) -> int | None:
        length = headers.get("content-length")
        if length is None:
            return 411  # a chunked body could be of any size
        if not length.isdigit():
            return 400
        return 413 if int(length) > self.max_body else None

    def servable(self, requested: str) -> bool:
        """Whether ``requested`` is a regular file the app wrote under :attr:`files`."""
        root = os.path.realpath(self.files)
        try:
            real = os.path.realpath(requested)
            info = os.lstat(requested)
        except (OSError, ValueError):
            return False
        inside = os.path.isabs(requested) and os.path.commonpath([real, root]) == root and real != root
        return inside and stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid()


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RouteGuard:
    """ASGI middleware that answers refused requests itself, before Gradio sees them."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], policy: RoutePolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # the app uses no websockets
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        status = self.policy.refusal(scope["method"], scope["path"], headers)
        if status is None:
            await self.app(scope, receive, send)
            return
        body = {404: b"Not Found", 405: b"Method Not Allowed", 411: b"Length Required"}
        text = body.get(status, b"Request Refused")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(text)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": text})
