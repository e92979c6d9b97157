"""Expired orders leave the SQLite file: what DynamoDB's TTL does for its tables, done in-process.

Reads never depend on it (every query bounds placed_at to what is still visible); it keeps the
file at about a week of orders instead of growing forever. Once purged, an expired order's id can
be recorded again, as on DynamoDB once TTL has deleted the item.
"""

import asyncio
import sqlite3

import structlog

from adapters.sqlite.database import SqliteDatabase
from domain.model.errors import UnavailableError
from ports.clock import Clock

PURGE_BATCH = 1000
"""Rows deleted per write transaction, so that request writes queued meanwhile wait little."""
PURGE_EVERY_SECONDS = 600.0

_DELETE_EXPIRED = """
    DELETE FROM orders WHERE rowid IN (SELECT rowid FROM orders WHERE expires_at <= ? LIMIT ?)
"""
_DELETE_EXPIRED_FEED = """
    DELETE FROM order_feed WHERE seq IN (SELECT seq FROM order_feed WHERE expires_at <= ? LIMIT ?)
"""


async def purge_expired(database: SqliteDatabase, now: int, batch: int = PURGE_BATCH) -> int:
    """Delete every order expired at `now` (expires_at <= now) and its feed entry, `batch` rows of
    each per transaction; returns how many orders were deleted."""

    def delete_batch(connection: sqlite3.Connection) -> tuple[int, int]:
        orders: int = connection.execute(_DELETE_EXPIRED, (now, batch)).rowcount
        entries: int = connection.execute(_DELETE_EXPIRED_FEED, (now, batch)).rowcount
        return orders, entries

    total = 0
    while True:
        orders, entries = await database.write(delete_batch)
        total += orders
        if orders < batch and entries < batch:
            return total


async def purge_periodically(database: SqliteDatabase, clock: Clock, every: float = PURGE_EVERY_SECONDS) -> None:
    """Purge at once, then every `every` seconds, until cancelled. A pass that fails (the storage
    refuses, or anything else) is logged and tried again at the next one: the loop never ends on
    its own."""
    log = structlog.get_logger("workflow_orders.retention")
    while True:
        try:
            deleted = await purge_expired(database, clock.now())
        except UnavailableError as error:
            log.warning("expired orders could not be purged; trying again later", error=str(error))
        except Exception:
            log.exception("purging expired orders failed; trying again later")
        else:
            if deleted:
                log.info("expired orders purged", count=deleted)
        await asyncio.sleep(every)
