"""The feed of recorded orders on SQLite: the `order_feed` table, read by sequence number.

Writes are serialised by SQLite, so sequence numbers are given out in commit order: a reader that
saw sequence n will never later see a new row below n. Reading needs no settling time, and no entry
repeats. Each row's `recorded_at` (seconds, never decreasing along seq) places an instant; rows
written before the column existed count as recorded when the file was migrated. The store id
is the random one in the `store` table (adapters.sqlite.schema): a new file, an import into one, or a
backup copy each have their own.
"""

import asyncio
import contextlib
import sqlite3

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.mapping import ORDER_COLUMNS, order_from_row
from domain.model.errors import InvalidEventIdError
from domain.model.feed import FeedBatch, FeedEntry, FeedPosition
from ports.feed import OrderFeed

POLL_SECONDS = 1.0
"""How often the feed is read for orders that other processes wrote to the same file (orders
written by this process wake the readers at once)."""

_COLUMNS = ", ".join(f"o.{column}" for column in ORDER_COLUMNS)
_READ = f"""
    SELECT f.seq, {_COLUMNS} FROM order_feed AS f JOIN orders AS o ON o.id = f.order_id
    WHERE f.seq > ? AND f.expires_at > ?
    ORDER BY f.seq LIMIT ?
"""  # noqa: S608 - only the constant column list is interpolated
_END = "SELECT seq FROM sqlite_sequence WHERE name = 'order_feed'"
_FIRST_RECORDED_AT = "SELECT seq FROM order_feed WHERE recorded_at >= ? ORDER BY recorded_at, seq LIMIT 1"
_STORE_ID = "SELECT id FROM store"
_KEY_DIGITS = 20


class FeedSignal:
    """Set by the order repository after each order it recorded; what the feed's readers wait on."""

    def __init__(self, poll_seconds: float = POLL_SECONDS) -> None:
        self._event = asyncio.Event()
        self._poll_seconds = poll_seconds

    def notify(self) -> None:
        self._event.set()

    async def wait(self) -> None:
        """Return at once if an order was recorded since the last return, else at the next one or
        after the polling interval."""
        if not self._event.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._event.wait()
        self._event.clear()


def position_of(seq: int) -> FeedPosition:
    return FeedPosition(f"{seq:0{_KEY_DIGITS}d}")


def seq_of(position: FeedPosition) -> int:
    if len(position.key) != _KEY_DIGITS or not position.key.isdigit():
        raise InvalidEventIdError()  # signed by us, so only possible with another storage's id
    return int(position.key)


class SqliteOrderFeed(OrderFeed):
    delay_seconds = 2 * POLL_SECONDS
    """A local write wakes the readers at once; another process's, at the next poll."""

    def __init__(self, database: SqliteDatabase, recorded: FeedSignal) -> None:
        self._database, self._recorded = database, recorded
        self._store_id: str | None = None

    async def store_id(self) -> str:
        if self._store_id is None:
            found = await self._database.read(lambda connection: connection.execute(_STORE_ID).fetchone())
            self._store_id = f"sqlite:{found[0]}"  # the row is written with the schema, before any read
        return self._store_id

    async def end(self) -> FeedPosition:
        def select(connection: sqlite3.Connection) -> FeedPosition:
            found = connection.execute(_END).fetchone()
            return position_of(0 if found is None else found[0])

        return await self._database.read(select)

    async def position_at(self, instant: int) -> FeedPosition:
        def select(connection: sqlite3.Connection) -> FeedPosition:
            found = connection.execute(_FIRST_RECORDED_AT, (instant,)).fetchone()
            if found is not None:
                return position_of(found[0] - 1)
            end = connection.execute(_END).fetchone()
            return position_of(0 if end is None else end[0])

        return await self._database.read(select)

    async def read(self, after: FeedPosition, *, now: int, limit: int) -> FeedBatch:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        start = seq_of(after)

        def select(connection: sqlite3.Connection) -> FeedBatch:
            rows = connection.execute(_READ, (start, now, limit)).fetchall()
            entries = [FeedEntry(position_of(row[0]), order_from_row(row[1:])) for row in rows]
            return FeedBatch(entries, entries[-1].position if entries else after)

        return await self._database.read(select)

    async def changed(self) -> None:
        await self._recorded.wait()
