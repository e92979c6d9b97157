"""Opening and closing the storage the settings select, as the ports the use cases need."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aioboto3

from adapters.dynamodb import (
    DynamoDbOrderRepository,
    DynamoDbStorageHealth,
    DynamoDbWorkflowRepository,
    TableNames,
    client_config,
)
from adapters.dynamodb.archive import DynamoDbArchive
from adapters.dynamodb.feed import DynamoDbOrderFeed, FeedWriter
from adapters.dynamodb.revisions import DynamoDbRevisions
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


async def open_dynamodb_client(settings: Settings) -> AsyncIterator[Any]:
    """One aioboto3 DynamoDB client for the life of the app; credentials and endpoint come from the
    standard AWS chain and variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, ...)."""
    session = aioboto3.Session()
    async with session.client("dynamodb", region_name=settings.aws_region, config=client_config()) as client:
        yield client


async def open_dynamodb_storage(settings: Settings) -> AsyncIterator[StoragePorts]:
    """The DynamoDB tables under the configured prefix, through one client."""
    async for client in open_dynamodb_client(settings):
        tables = TableNames.for_prefix(settings.dynamodb_table_prefix)
        orders = DynamoDbOrderRepository(
            client,
            orders_table=tables.orders,
            order_ids_table=tables.order_ids,
            workflows_table=tables.workflows,
            by_time_table=tables.by_time,
            feed=FeedWriter(client, tables.feed),
        )
        yield StoragePorts(
            DynamoDbWorkflowRepository(client, tables.workflows),
            orders,
            DynamoDbStorageHealth(client, tables),
            DynamoDbArchive(client, tables.workflows, orders),
            DynamoDbRevisions(client, workflows_table=tables.workflows, orders_table=tables.orders),
            DynamoDbOrderFeed(client, tables.feed),
            # With tracing on, the AWS SDK is instrumented (adapters.telemetry.tracing).
            StorageLayout("dynamodb", tables.by_operation(), client_spans_below=True),
        )
