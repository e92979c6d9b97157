"""Opening and closing the storage the settings select, as the ports the use cases need (DynamoDB's
in app.dynamodb_storage)."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from adapters.sqlite.archive import SqliteArchive
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.feed import FeedSignal, SqliteOrderFeed
from adapters.sqlite.health import SqliteStorageHealth
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.retention import purge_periodically
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.schema import TABLES_BY_OPERATION
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.telemetry.storage_spans import StorageLayout
from app.settings import Settings
from ports.archive import StorageArchive
from ports.clock import Clock
from ports.feed import OrderFeed
from ports.health import StorageHealth
from ports.orders import OrderRepository
from ports.revisions import RevisedPages, Revisions
from ports.workflows import WorkflowRepository


@dataclass(frozen=True, slots=True)
class StoragePorts:
    """The storage adapters of one opened storage, typed as the ports they implement, and what
    the trace spans of their calls say about the storage."""

    workflows: WorkflowRepository
    orders: OrderRepository
    health: StorageHealth
    archive: StorageArchive
    revisions: Revisions
    feed: OrderFeed
    layout: StorageLayout
    revised_pages: RevisedPages | None = None
    """A page with its revision in one snapshot, where the storage has one; else the container
    composes it from `revisions` and `orders` (adapters.revised_pages)."""


async def open_sqlite_storage(settings: Settings, clock: Clock) -> AsyncIterator[StoragePorts]:
    """The SQLite file (schema created if missing) for the life of the app, with expired orders
    purged in the background meanwhile."""
    database = await SqliteDatabase.open(settings.sqlite_path)
    purge = asyncio.create_task(purge_periodically(database, clock), name="sqlite-retention")
    recorded = FeedSignal()
    revisions = SqliteRevisions(database)
    try:
        yield StoragePorts(
            SqliteWorkflowRepository(database),
            SqliteOrderRepository(database, recorded),
            SqliteStorageHealth(database),
            SqliteArchive(database),
            revisions,
            SqliteOrderFeed(database, recorded),
            StorageLayout("sqlite", TABLES_BY_OPERATION),
            revised_pages=revisions,
        )
    finally:
        purge.cancel()
        try:
            await asyncio.gather(purge, return_exceptions=True)  # it only ends when cancelled
        finally:
            await database.close()


async def open_dynamodb_storage(settings: Settings) -> AsyncIterator[StoragePorts]:
    """The DynamoDB tables under the configured prefix, through one client (app.dynamodb_storage).

    Imported only when chosen: the AWS SDK takes about a third of a second to import, which a
    service or a command on SQLite would otherwise pay at every start."""
    from app.dynamodb_storage import open_dynamodb_tables

    async for ports in open_dynamodb_tables(settings):
        yield ports
