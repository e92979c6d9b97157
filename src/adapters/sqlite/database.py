"""An async facade over stdlib sqlite3: one writer thread and a small reader pool."""

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from adapters.sqlite.lanes import Lane
from adapters.sqlite.migrations import SchemaVersion, migrate, schema_version
from adapters.sqlite.transactions import in_transaction
from domain.model.errors import StorageUnavailableError

T = TypeVar("T")

MEMORY = ":memory:"
READERS = 2
DEFAULT_BUSY_TIMEOUT = 2.0

# Programming errors (bad SQL, a closed cursor, a constraint the caller did not translate) are bugs,
# not outages: they propagate unchanged instead of becoming a 503.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class SqliteDatabase:
    """One SQLite database reached from asyncio without ever blocking the event loop.

    Writes run one at a time on a single writer thread and connection, each as one
    BEGIN IMMEDIATE ... COMMIT transaction inside a single thread hop, so a write can never
    interleave with another coroutine's. Reads run on a pool of reader threads, each with a
    connection of its own; WAL lets them proceed while a write is in progress.

    The path ":memory:" gives a private in-memory database. Separate connections to ":memory:"
    would be separate databases, so reads then share the writer's thread and connection.

    A lock held past the busy timeout or an engine fault (unable to open, read-only, disk I/O, not a
    database) is raised as StorageUnavailableError. Calls have no deadline of their own (the caller
    sets one: adapters.storage_calls): a call cancelled before its thread took it never runs; one
    that had started keeps running until SQLite returns, so a write whose caller gave up may still
    have committed.
    """

    def __init__(self, writer: Lane, readers: Lane, schema: SchemaVersion) -> None:
        self.schema = schema
        """The file's schema version when it was opened, and after its migrations (the latest)."""
        self._writer = writer
        self._readers = readers
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        readers: int = READERS,
    ) -> "SqliteDatabase":
        """Open (creating if needed) the database at `path`, migrated to the latest schema version
        (adapters.sqlite.migrations), in one thread hop.

        `busy_timeout` is how long a statement waits for another connection's lock; `readers` is
        the size of the reader pool (unused for ":memory:"). Raises StorageUnavailableError when
        the file cannot be opened or written, NewerSchemaError (one of those) without writing
        anything when a newer release has migrated the file.
        """
        memory = path == MEMORY
        opened: list[sqlite3.Connection] = []
        schema: list[SchemaVersion] = []

        def connect(_: None) -> None:
            opened.append(_connect(path, busy_timeout))
            schema_version(opened[0])  # a newer file is refused before the switch to WAL writes to it
            _use_wal(opened[0], busy_timeout)
            schema.append(migrate(opened[0]))
            if not memory:
                # Opened after the schema exists, so a reader never sees a half-created file.
                opened.extend(_connect(path, busy_timeout, query_only=True) for _ in range(readers))

        writer = Lane("sqlite-writer", 1)
        try:
            await writer.run(connect)
        except BaseException:
            # Queued behind `connect`, so it also closes what a cancelled `connect` opens later.
            writer.submit(lambda _: _close_all(opened))
            writer.stop(wait=False)
            raise
        writer.connections = opened[:1]
        if memory:
            return cls(writer, writer, schema[0])
        reader_lane = Lane("sqlite-reader", readers)
        reader_lane.connections = opened[1:]
        return cls(writer, reader_lane, schema[0])

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on the writer connection inside one BEGIN IMMEDIATE transaction.

        The transaction commits when `fn` returns and rolls back when it raises (the error,
        a domain error for instance, then propagates).
        """
        return await self._call(self._writer, lambda connection: in_transaction(connection, fn))

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on a reader connection (autocommit: each statement sees its own snapshot)."""
        return await self._call(self._readers, fn)

    async def read_snapshot(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` on a reader connection inside one read transaction: every statement it runs
        sees the same snapshot (a page and its count agree, whatever is written meanwhile)."""
        return await self._call(self._readers, lambda connection: in_transaction(connection, fn, "BEGIN"))

    async def close(self) -> None:
        """Refuse new calls, let those already submitted finish, then close every connection."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._shut_down)

    def _shut_down(self) -> None:
        self._writer.stop()
        if self._readers is not self._writer:
            self._readers.stop()

    async def _call(self, lane: Lane, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise StorageUnavailableError("The storage is closed.")
        return await lane.run(fn)


def _connect(path: str, busy_timeout: float, *, query_only: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=busy_timeout, check_same_thread=False, isolation_level=None)
    try:
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


def _close_all(connections: list[sqlite3.Connection]) -> None:
    for connection in connections:
        connection.close()
