"""An async facade over stdlib sqlite3: one writer thread, a small reader pool, bounded waits."""

import asyncio
import contextlib
import queue
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from adapters.sqlite.schema import SCHEMA
from domain.model.errors import StorageUnavailableError

T = TypeVar("T")

MEMORY = ":memory:"
READERS = 2
DEFAULT_TIMEOUT = 5.0
DEFAULT_BUSY_TIMEOUT = 2.0

# Programming errors (bad SQL, a closed cursor, a constraint the caller did not translate) are bugs,
# not outages: they propagate unchanged instead of becoming a 503.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class _Lane:
    """Threads and the connections they use; a call borrows one idle connection for its duration.

    There are exactly as many connections as threads, so a running call always finds one idle.
    """

    def __init__(self, executor: ThreadPoolExecutor, connections: list[sqlite3.Connection]) -> None:
        self.executor = executor
        self.connections = connections
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        for connection in connections:
            self._idle.put(connection)

    def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        connection = self._idle.get()
        try:
            return fn(connection)
        finally:
            self._idle.put(connection)


class SqliteDatabase:
    """One SQLite database reached from asyncio without ever blocking the event loop.

    Writes run one at a time on a single writer thread and connection, each as one
    BEGIN IMMEDIATE ... COMMIT transaction inside a single thread hop, so a write can never
    interleave with another coroutine's. Reads run on a pool of reader threads, each call on a
    connection of its own; WAL lets them proceed while a write is in progress.

    The path ":memory:" gives a private in-memory database. Separate connections to ":memory:"
    would be separate databases, so reads then share the writer's thread and connection.

    Every call is bounded by `call_timeout` seconds; a timeout, a lock held past the busy timeout or
    an engine fault (unable to open, read-only, disk I/O, not a database) is raised as
    StorageUnavailableError. A call that timed out keeps running on its thread until SQLite
    returns: a write reported as unavailable may still have committed.
    """

    def __init__(self, writer: _Lane, readers: _Lane, *, call_timeout: float = DEFAULT_TIMEOUT) -> None:
        self._writer = writer
        self._readers = readers
        self._call_timeout = call_timeout
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: str,
        *,
        call_timeout: float = DEFAULT_TIMEOUT,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        readers: int = READERS,
    ) -> "SqliteDatabase":
        """Open (creating if needed) the database at `path` with its schema, in one thread hop.

        `busy_timeout` is how long a statement waits for another connection's lock; `readers` is
        the size of the reader pool (unused for ":memory:"). Raises StorageUnavailableError when
        the file cannot be opened or written in time.
        """
        memory = path == MEMORY
        opened: list[sqlite3.Connection] = []

        def connect() -> None:
            opened.append(_connect(path, busy_timeout))
            _in_transaction(opened[0], _create_schema)
            if not memory:
                # Opened after the schema exists, so a reader never sees a half-created file.
                opened.extend(_connect(path, busy_timeout, query_only=True) for _ in range(readers))

        writer_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        try:
            await _bounded(writer_executor, connect, call_timeout)
        except BaseException:
            # Queued behind `connect`, so it also closes what a timed-out `connect` opens later.
            writer_executor.submit(_close_all, opened)
            writer_executor.shutdown(wait=False)
            raise
        writer = _Lane(writer_executor, opened[:1])
        if memory:
            return cls(writer, writer, call_timeout=call_timeout)
        reader_executor = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="sqlite-reader")
        return cls(writer, _Lane(reader_executor, opened[1:]), call_timeout=call_timeout)

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on the writer connection inside one BEGIN IMMEDIATE transaction.

        The transaction commits when `fn` returns and rolls back when it raises (the error,
        a domain error for instance, then propagates).
        """
        return await self._call(self._writer, lambda connection: _in_transaction(connection, fn))

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on a reader connection (autocommit: each statement sees its own snapshot)."""
        return await self._call(self._readers, fn)

    async def close(self) -> None:
        """Refuse new calls, let those already submitted finish, then close every connection."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._shut_down)

    def _shut_down(self) -> None:
        lanes = [self._writer] if self._readers is self._writer else [self._writer, self._readers]
        for lane in lanes:
            lane.executor.shutdown(wait=True)
            _close_all(lane.connections)

    async def _call(self, lane: _Lane, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise StorageUnavailableError("The storage is closed.")
        return await _bounded(lane.executor, lambda: lane.run(fn), self._call_timeout)


async def _bounded(executor: ThreadPoolExecutor, call: Callable[[], T], seconds: float) -> T:
    """Run `call` on `executor`, translating timeouts and engine faults to StorageUnavailableError."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(executor, call), seconds)
    except TimeoutError as error:
        raise StorageUnavailableError(f"The storage did not answer within {seconds:g} s.") from error
    except _BUGS:
        raise
    except sqlite3.Error as error:
        raise StorageUnavailableError() from error


def _connect(path: str, busy_timeout: float, *, query_only: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False, isolation_level=None)
    try:
        if not query_only:
            _use_wal(connection, busy_timeout)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        if query_only:
            connection.execute("PRAGMA query_only=ON")
    except BaseException:
        connection.close()
        raise
    return connection


def _use_wal(connection: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch the file to WAL (persistent in the file, so readers opened later inherit it).

    Two connections switching a new file at the same moment deadlock on the lock upgrade, and
    SQLite then answers "locked" at once instead of waiting: retry until the busy timeout.
    ":memory:" answers "memory" and stays so.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)  # on a worker thread, never on the event loop


def _in_transaction(connection: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = fn(connection)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            # A failed rollback must not hide the error that caused it; SQLite rolls back anyway
            # when the connection is closed.
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise
    return result


def _close_all(connections: list[sqlite3.Connection]) -> None:
    for connection in connections:
        connection.close()


def _create_schema(connection: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        connection.execute(statement)
