"""A second process beside a one-case build, for the work the conversion does not wait on.

pandoc needs neither the charts nor the scan for identifiers: only typst (and the formats that
embed images) need the charts, and the scan only adds warnings. So the command line forks this
worker before it imports the pipeline; the worker imports matplotlib while the main process
loads the case, then draws the charts and scans the texts while the main process renders the
Markdown and runs pandoc — two cores instead of one.

Without the worker (a batch worker process, a library call, a machine with one core) the same
functions run in the calling process when their result is asked for; the bytes are the same
either way. Work the worker fails at or cannot finish (it died) is done again in the calling
process, so an error is raised there, with its traceback, exactly as without a worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class _Worker:
    """The forked process and the pipe to it: jobs go in order, results come back in order."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.lock = threading.Lock()
        self.reader = threading.Lock()
        self.gone = False
        self.sent = self.got = 0
        self.received: dict[int, tuple[bool, Any]] = {}
        # A job can be larger than the pipe holds while the worker is still importing: a
        # thread writes them, so that queuing one never waits.
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, name="casepub-worker-pipe", daemon=True)
        self.writer.start()

    def send(self, work: Callable[..., Any], args: tuple[object, ...]) -> int | None:
        """Queue a job; its number, or None when it cannot go (the worker is gone, or the
        job cannot be pickled)."""
        try:
            data = bytes(ForkingPickler.dumps((work, args)))
        except (pickle.PicklingError, AttributeError, TypeError, ValueError):
            return None
        with self.lock:
            if not self.process.is_alive():
                return None
            self.sent += 1
            self.outbox.put(data)
            return self.sent

    def _write(self) -> None:
        while (data := self.outbox.get()) is not None:
            try:
                self.pipe.send_bytes(data)
            except (OSError, ValueError, TypeError):  # the worker is gone (or was stopped)
                return

    def wait(self, number: int) -> tuple[bool, Any]:
        """(True, result) of job ``number``; (False, None) when the worker failed at it or is
        gone. Threads take turns reading the pipe, one result at a time, so that each gets
        its own as soon as it has come."""
        while True:
            with self.lock:
                if number in self.received:
                    return self.received.pop(number)
                if self.gone:
                    return False, None
            with self.reader:
                with self.lock:
                    if number in self.received:
                        continue
                try:
                    reply: tuple[bool, Any] = self.pipe.recv()
                except (EOFError, OSError):
                    reply = (False, None)
                    with self.lock:
                        self.gone = True
                with self.lock:
                    self.got += 1
                    self.received[self.got] = reply

    def stop(self) -> None:
        self.outbox.put(None)
        self.pipe.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


_worker: _Worker | None = None


def start() -> bool:
    """Fork the worker (once) and let it import what it will need; False where it cannot
    help: one usable core, or no ``fork`` on this platform."""
    global _worker
    if _worker is not None:
        return True
    if _cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    _worker = _Worker()
    return True


def stop() -> None:
    """End the worker at once (what it was still doing is not needed any more)."""
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


def running() -> bool:
    """True while a worker process takes work."""
    return _worker is not None


class Pending(Generic[T]):
    """Work handed to the worker, or kept to be done here (``here=True``, or no worker) when
    its result is first asked for — once, whichever thread asks."""

    def __init__(self, work: Callable[..., T], *args: object, here: bool = False) -> None:
        self._work, self._args = work, args
        self._worker = None if here else _worker
        self._number = self._worker.send(work, args) if self._worker is not None else None
        self._value: tuple[T] | None = None
        self._lock = threading.Lock()

    @classmethod
    def soon(cls, work: Callable[..., T], *args: object) -> Pending[T]:
        """Work done here, in a thread started now: for work that mostly waits on others
        (typst rasterising a chart as soon as the worker has drawn it)."""
        pending: Pending[T] = cls(work, *args, here=True)
        threading.Thread(target=pending._settle, name="casepub-soon", daemon=True).start()
        return pending

    def _settle(self) -> None:
        with contextlib.suppress(Exception):  # raised again, with its traceback, when asked
            self.result()

    @classmethod
    def done(cls, value: T) -> Pending[T]:
        """A result there is already."""
        pending: Pending[T] = cls(lambda: value, here=True)
        pending._value = (value,)
        return pending

    def result(self) -> T:
        """The result: the worker's, or computed here (no worker, or it failed at it)."""
        with self._lock:
            if self._value is None:
                self._value = (self._compute(),)
            return self._value[0]

    def _compute(self) -> T:
        if self._worker is not None and self._number is not None:
            done, value = self._worker.wait(self._number)
            if done:
                return value  # type: ignore[no-any-return]
        return self._work(*self._args)


def _serve(pipe: Connection) -> None:
    """The worker's loop: warm up, then run each job and send back its result, in order."""
    _warm_up()
    while True:
        try:
            work, args = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, work(*args))
        except Exception:  # done again by the caller, which raises it with its traceback
            reply = (False, None)
        try:
            pipe.send(reply)
        except (OSError, ValueError, TypeError, AttributeError):  # a result that cannot travel
            pipe.send((False, None))


def _warm_up() -> None:
    """Import what the worker's jobs need, so that its first job does not pay for it."""
    import casepub.profiles
    import casepub.render.charts
    import casepub.worker_jobs  # noqa: F401


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
