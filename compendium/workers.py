"""Files parsed in worker processes, each within a wall-clock budget that really stops it.

A hostile PDF can keep pdfminer busy for minutes inside one page, where no check of ours
runs. So each file is parsed in a worker process (``spawn``: a fresh interpreter, never a
fork of a process that may hold threads), and a file over its budget is stopped by killing
that worker; a new one takes the next file. The parent reads the bytes (the file-type and
size checks stay in one place) and sends them; messages in both directions are JSON, so
nothing is unpickled from a process that was parsing hostile input.

The budget is ``Limits.seconds`` for any file, plus ``Limits.seconds_per_page`` for every PDF
page read so far: a long PDF that keeps reading pages earns time, a page that hangs does not.

As with any ``spawn`` start, a worker imports the main module of the program that started it:
a script calling :func:`compendium.ingest.load_corpus` keeps its work under
``if __name__ == "__main__":`` (the app, the CLI and the bench scripts do).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compendium import errors
from compendium.errors import IngestError

if TYPE_CHECKING:
    from compendium.ingest import Limits
    from compendium.records import Document

#: A worker that is not ready this long after its start never will be (imports hang, no memory).
STARTUP_SECONDS = 60.0
#: How often a file that is still being read gets a progress line.
NOTICE_SECONDS = 10.0
#: A file taking longer than this makes room for a second worker, so one slow file does not
#: hold up the rest of the folder.
SPARE_AFTER = 2.0
#: Seconds of queued work per worker above which another worker pays for its start.
WORTH_A_WORKER = 10.0
_START_METHOD = "spawn"


@dataclass(frozen=True)
class Job:
    """One file to parse: its place in the batch, its path, and its bytes if already read."""

    number: int
    path: Path
    data: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a job: a document, or the error that stopped it, and how long it took."""

    job: Job
    document: Document | None = None
    error: IngestError | None = None
    seconds: float = 0.0


class WorkerStartError(RuntimeError):
    """No worker process could be started (or made ready) on this system."""


@dataclass
class _Slot:
    """One worker process and the job it is on (mutable: the pool's bookkeeping)."""

    process: BaseProcess
    connection: Connection
    born: float
    ready: bool = False
    job: Job | None = None
    started: float = 0.0
    pages_done: int = 0
    pages: int | None = None
    noticed: float = 0.0
    retired: bool = field(default=False)


class ReaderPool:
    """Up to ``workers`` worker processes, started when the first job needs one."""

    def __init__(self, limits: Limits, *, workers: int, notify: Callable[[str], None] | None = None) -> None:
        self._limits = limits
        self._size = max(1, workers)
        self._notify = notify or (lambda _message: None)
        self._context = multiprocessing.get_context(_START_METHOD)
        self._slots: list[_Slot] = []
        self._finished = 0
        self._busy_seconds = 0.0

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (they are idle or being given up on)."""
        for slot in self._slots:
            _stop(slot)
        self._slots.clear()

    def run(
        self, jobs: Iterable[Job], read: Callable[[Path], bytes], fallback: Callable[[Job], Outcome]
    ) -> Iterator[Outcome]:
        """Parse ``jobs``, yielding each outcome as it is known (not in job order). ``read``
        gives a job's bytes when a worker is free for it, so few files are in memory at once;
        if no worker can be started, ``fallback`` parses the remaining jobs."""
        pending = deque(jobs)
        try:
            while pending or any(slot.job for slot in self._slots):
                self._staff(len(pending))
                yield from self._dispatch(pending, read)
                yield from self._collect()
        except WorkerStartError as error:
            self._notify(f"{error}; reading the remaining files in this process, without a time budget")
            remaining = [slot.job for slot in self._slots if slot.job is not None] + list(pending)
            self.close()
            yield from (fallback(job) for job in remaining)

    def _staff(self, waiting: int) -> None:
        """Start a worker when none runs; another (up to the pool size) only when every worker
        is stuck on a slow file, or the files waiting would keep the workers busy for longer
        than starting one costs (seconds of CPU)."""
        if not waiting or len(self._slots) >= self._size:
            return
        if self._slots and any(not slot.ready for slot in self._slots):
            return  # one is starting already
        now = time.monotonic()
        stuck = all(slot.job is not None and now - slot.started > SPARE_AFTER for slot in self._slots)
        backlog = waiting * self._mean_seconds() / max(1, len(self._slots))
        if not self._slots or stuck or backlog > WORTH_A_WORKER:
            self._slots.append(self._spawn())

    def _mean_seconds(self) -> float:
        return self._busy_seconds / self._finished if self._finished else 0.0

    def _spawn(self) -> _Slot:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve, args=(child, self._limits.max_memory_bytes), daemon=True, name="compendium-reader"
        )
        try:
            process.start()
        except Exception as error:  # no fork/spawn here (a daemon process, a sandbox, no memory)
            raise WorkerStartError(f"cannot start a reader process ({error})") from error
        finally:
            child.close()
        return _Slot(process=process, connection=parent, born=time.monotonic())

    def _dispatch(self, pending: deque[Job], read: Callable[[Path], bytes]) -> Iterator[Outcome]:
        for slot in self._slots:
            while pending and slot.ready and slot.job is None:
                job = pending.popleft()
                try:
                    data = job.data if job.data is not None else read(job.path)
                except IngestError as error:
                    yield Outcome(job=job, error=error)
                    continue
                self._hand(slot, job, data)

    def _hand(self, slot: _Slot, job: Job, data: bytes) -> None:
        header = {"path": str(job.path), "limits": _limits_record(self._limits)}
        slot.job, slot.started, slot.noticed = job, time.monotonic(), time.monotonic()
        slot.pages_done, slot.pages = 0, None
        try:
            slot.connection.send_bytes(json.dumps(header).encode("utf-8"))
            slot.connection.send_bytes(data)
        except OSError:  # the worker died while idle; its death is collected next
            slot.retired = True

    def _collect(self) -> Iterator[Outcome]:
        live = [slot for slot in self._slots if not slot.retired]
        ready = wait([slot.connection for slot in live], timeout=self._wait_time()) if live else []
        now = time.monotonic()
        for slot in list(self._slots):
            if slot.connection in ready or slot.retired:
                outcome = self._receive(slot, now)
                if outcome is not None:
                    yield outcome
            elif slot.job is not None and now > self._deadline(slot):
                yield self._give_up(slot, now)
            elif slot.job is None and not slot.ready and now - slot.born > STARTUP_SECONDS:
                self._replace(slot)
                raise WorkerStartError(f"a reader process was not ready after {STARTUP_SECONDS:.0f} s")
            elif slot.job is not None and now - slot.noticed >= NOTICE_SECONDS:
                slot.noticed = now
                self._notify(f"{errors.printable(str(slot.job.path))}: still reading{_pages_text(slot)}")

    def _receive(self, slot: _Slot, now: float) -> Outcome | None:
        try:
            message = json.loads(slot.connection.recv_bytes())
        except (EOFError, OSError, ValueError):
            return self._died(slot, now)
        kind = message["type"]
        if kind == "ready":
            slot.ready = True
        elif kind == "page":
            slot.pages_done, slot.pages = message["done"], message["pages"]
        elif slot.job is not None:
            return self._finish(slot, message, now)
        return None

    def _finish(self, slot: _Slot, message: dict[str, Any], now: float) -> Outcome:
        from compendium.records import Document  # deferred: the parent may never need one

        job, seconds = slot.job, now - slot.started
        assert job is not None
        slot.job = None
        self._finished += 1
        self._busy_seconds += seconds
        if message.get("restart"):  # after MemoryError the worker's heap is not to be trusted
            self._replace(slot)
        if message["type"] == "done":
            return Outcome(job=job, document=Document.from_dict(message["document"]), seconds=seconds)
        return Outcome(job=job, error=_error_from(job.path, message), seconds=seconds)

    def _died(self, slot: _Slot, now: float) -> Outcome | None:
        job = slot.job
        code = _exit_code(slot.process)
        self._replace(slot)
        if job is None:
            if not slot.ready:
                raise WorkerStartError(f"a reader process stopped while starting ({_exit_text(code)})")
            return None
        reason = f"the reader process died while reading it ({_exit_text(code)})"
        return Outcome(job=job, error=errors.ReaderError(job.path, reason), seconds=now - slot.started)

    def _give_up(self, slot: _Slot, now: float) -> Outcome:
        job = slot.job
        assert job is not None
        reason = _over_budget(self._limits, now - slot.started, slot)
        self._replace(slot)
        return Outcome(job=job, error=errors.TimeBudgetError(job.path, reason), seconds=now - slot.started)

    def _replace(self, slot: _Slot) -> None:
        """Kill ``slot``'s worker; a new one is started when a job needs it."""
        _stop(slot)
        self._slots.remove(slot)

    def _deadline(self, slot: _Slot) -> float:
        return slot.started + self._limits.seconds + slot.pages_done * self._limits.seconds_per_page

    def _wait_time(self) -> float:
        now = time.monotonic()
        times = [STARTUP_SECONDS - (now - slot.born) for slot in self._slots if not slot.ready]
        for slot in self._slots:
            if slot.job is not None:
                times += [self._deadline(slot) - now, NOTICE_SECONDS - (now - slot.noticed)]
                if now - slot.started < SPARE_AFTER:
                    times.append(SPARE_AFTER - (now - slot.started))
        return max(0.0, min(times, default=1.0)) + 0.01


def _stop(slot: _Slot) -> None:
    if slot.process.is_alive():
        slot.process.kill()  # SIGKILL: a worker deep in C code does not see anything milder
    slot.process.join(timeout=5)
    slot.connection.close()


def _exit_code(process: BaseProcess) -> int | None:
    process.join(timeout=2)
    return process.exitcode


def _exit_text(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        hint = ": out of memory?" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


def _over_budget(limits: Limits, elapsed: float, slot: _Slot) -> str:
    if slot.pages_done:
        return (
            f"took longer than {elapsed:.0f} s: stopped at page {slot.pages_done + 1} of {slot.pages} "
            f"(time budget {limits.seconds:g} s + {limits.seconds_per_page:g} s a page read)"
        )
    where = f" on page 1 of {slot.pages}" if slot.pages else ""
    return f"took longer than {limits.seconds:g} s: stopped{where} (the time budget for one file)"


def _pages_text(slot: _Slot) -> str:
    elapsed = time.monotonic() - slot.started
    if slot.pages:
        return f", page {slot.pages_done + 1} of {slot.pages} ({elapsed:.0f} s)"
    return f" ({elapsed:.0f} s)"


def _limits_record(limits: Limits) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(limits)


def _error_from(path: Path, message: dict[str, Any]) -> IngestError:
    """The typed error a worker reported (its class named, never unpickled)."""
    kinds = _error_classes()
    error_type = kinds.get(message.get("error", ""), IngestError)
    return error_type(path, str(message.get("reason", "unreadable")))


def _error_classes() -> dict[str, type[IngestError]]:
    found: dict[str, type[IngestError]] = {}
    queue: list[type[IngestError]] = [IngestError]
    while queue:
        cls = queue.pop()
        found[cls.__name__] = cls
        queue.extend(cls.__subclasses__())
    return found


# --- the worker side ------------------------------------------------------------------------


def serve(connection: Connection, memory_bytes: int) -> None:
    """Worker main loop: parse each file the parent sends, report pages and the result; the
    worker's address space is capped at ``memory_bytes`` (a bomb ends in MemoryError)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tools = _prepare(memory_bytes)
    connection.send_bytes(b'{"type": "ready"}')
    while True:
        try:
            header = json.loads(connection.recv_bytes())
            data = connection.recv_bytes()
        except (EOFError, OSError):
            return
        reply = _parse(header, data, tools, connection)
        # ASCII JSON: a lone surrogate a PDF font produced survives the trip as an escape.
        connection.send_bytes(json.dumps(reply).encode("ascii"))
        if reply.get("restart"):
            return


def _prepare(memory_bytes: int) -> Any:
    """Imports, detector models and limits, loaded before the first file's clock starts."""
    import logging

    from compendium.parser import Tools

    # pdfminer warns on stderr about every oddity of a damaged file; the verdict is ours to give.
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(logging.NullHandler())
    pdfminer_log.propagate = False
    import pdfplumber  # noqa: F401  (imported now, not inside the first PDF's budget)

    tools = Tools.create()
    tools.warm_up()
    _cap_memory(memory_bytes)  # after the imports and models, which are the same for every file
    return tools


def _cap_memory(memory_bytes: int) -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(hard, memory_bytes)
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the time budget still holds
        pass


def _parse(header: dict[str, Any], data: bytes, tools: Any, connection: Connection) -> dict[str, Any]:
    """Parse one file; every failure becomes a one-line error reply (the worker restarts
    after one that may have left its heap unusable)."""
    from compendium.ingest import Limits, parse_source, reader_failure

    path = Path(header["path"])
    limits = Limits(**header["limits"])

    def on_page(done: int, pages: int) -> None:
        connection.send_bytes(json.dumps({"type": "page", "done": done, "pages": pages}).encode("utf-8"))

    try:
        document = parse_source(path, data, tools=tools, limits=limits, on_page=on_page)
    except IngestError as error:
        return {"type": "error", "error": type(error).__name__, "reason": error.reason}
    except MemoryError:
        reason = f"needs more than the {limits.max_memory_bytes / 1e9:.1f} GB of memory a reader may use"
        return {"type": "error", "error": "ReaderError", "reason": reason, "restart": True}
    except Exception as error:  # a reader bug on a strange file: one line, and the batch goes on
        failure = reader_failure(path, error)
        return {"type": "error", "error": "ReaderError", "reason": failure.reason, "restart": True}
    return {"type": "done", "document": document.to_dict()}


def default_workers() -> int:
    """As many workers as cores, at most four (each holds a parser and its models)."""
    return max(1, min(4, os.cpu_count() or 1))
