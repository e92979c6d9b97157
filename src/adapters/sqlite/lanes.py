"""Lanes: threads that each own one SQLite connection and take calls from one shared queue.

A call is handed to a lane's thread through a queue and its outcome comes back to the event loop
with call_soon_threadsafe, so the event loop never blocks on SQLite.
"""

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from domain.model.errors import StorageUnavailableError

T = TypeVar("T")

# Programming errors (bad SQL, a closed cursor, a constraint the caller did not translate) are bugs,
# not outages: they propagate unchanged instead of becoming a 503.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class _Job:
    """One call for a lane's thread; it runs at most once, and never after it was abandoned.

    Whoever takes `_claim` first decides: the lane's thread (the call runs) or the event loop
    (the caller was cancelled, by its deadline for instance, before the call started: it never
    runs).
    """

    __slots__ = ("_claim", "_fn", "_future", "_loop")

    def __init__(self, fn: Callable[[Any], Any], loop: asyncio.AbstractEventLoop) -> None:
        self._fn, self._loop = fn, loop
        self._future: asyncio.Future[Any] = loop.create_future()
        self._claim = threading.Lock()

    async def result(self) -> Any:
        """The call's result, once its thread has run it."""
        try:
            return await self._future
        finally:
            self._claim.acquire(blocking=False)  # abandon it, unless its thread already took it

    def __call__(self, connection: sqlite3.Connection | None) -> None:
        """Run on the lane's thread; the outcome is handed back to the event loop."""
        if not self._claim.acquire(blocking=False):
            return
        error: BaseException | None = None
        result = None
        try:
            result = self._fn(connection)
        except _BUGS as bug:
            error = bug
        except sqlite3.Error as fault:
            error = StorageUnavailableError()
            error.__cause__ = fault
        except BaseException as other:  # a domain error raised by `fn`, for instance
            error = other
        with contextlib.suppress(RuntimeError):  # the event loop is closed: nobody waits any more
            self._loop.call_soon_threadsafe(_settle, self._future, result, error)


def _settle(future: "asyncio.Future[Any]", result: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled meanwhile
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class Lane:
    """Threads that each own one connection and take calls, in order, from one shared queue.

    Lighter than a thread pool with asyncio futures: one queue put, one lock and one
    call_soon_threadsafe per call.
    """

    def __init__(self, name: str, size: int) -> None:
        self.connections: list[sqlite3.Connection] = []
        """One per thread, in thread order; empty until the database is opened (by a first call)."""
        self._jobs: queue.SimpleQueue[Callable[[sqlite3.Connection | None], None] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._serve, args=(index,), name=f"{name}-{index}", daemon=True)
            for index in range(size)
        ]
        for thread in self._threads:
            thread.start()

    async def run(self, fn: Callable[[Any], T]) -> T:
        """`fn(connection)` on one of the lane's threads. Cancelled before a thread took it, the
        call never runs; once started, it runs to the end whatever the caller does."""
        job = _Job(fn, asyncio.get_running_loop())
        self._jobs.put(job)
        result: T = await job.result()
        return result

    def submit(self, task: Callable[[sqlite3.Connection | None], None]) -> None:
        """Queue `task` without waiting for it (its errors are not reported)."""
        self._jobs.put(task)

    def stop(self, *, wait: bool = True) -> None:
        """Let the calls already submitted run, then end the threads and close the connections.

        With `wait`, blocks until then: call it from a thread of its own, not the event loop.
        """
        for _ in self._threads:
            self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def _serve(self, index: int) -> None:
        while (job := self._jobs.get()) is not None:
            job(self.connections[index] if index < len(self.connections) else None)
        if index < len(self.connections):
            self.connections[index].close()
