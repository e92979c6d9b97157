"""DynamoDB as the storage: one aioboto3 client, the ports over its tables, and their creation.

Imported only where DynamoDB is selected (app.storage, app.storage_admin): a service or command on
SQLite never loads the AWS SDK.
"""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aioboto3

from adapters.dynamodb import (
    DynamoDbOrderRepository,
    DynamoDbStorageHealth,
    DynamoDbWorkflowRepository,
    TableNames,
    client_config,
    create_tables,
)
from adapters.dynamodb.archive import DynamoDbArchive
from adapters.dynamodb.count_backfill import backfill_counts
from adapters.dynamodb.counter_readiness import counters_complete
from adapters.dynamodb.feed import DynamoDbOrderFeed, FeedWriter
from adapters.dynamodb.revisions import DynamoDbRevisions
from adapters.dynamodb.time_index import backfill
from adapters.telemetry.storage_spans import StorageLayout
from app.settings import Settings
from app.storage import StoragePorts


async def open_dynamodb_client(settings: Settings) -> AsyncIterator[Any]:
    """One aioboto3 DynamoDB client for the life of the app; credentials and endpoint come from the
    standard AWS chain and variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, ...)."""
    session = aioboto3.Session()
    async with session.client("dynamodb", region_name=settings.aws_region, config=client_config()) as client:
        yield client


async def open_dynamodb_tables(settings: Settings) -> AsyncIterator[StoragePorts]:
    """The DynamoDB tables under the configured prefix, through one client."""
    async for client in open_dynamodb_client(settings):
        tables = TableNames.for_prefix(settings.dynamodb_table_prefix)
        orders = DynamoDbOrderRepository.on_tables(client, tables, FeedWriter(client, tables.feed))
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


_COUNTERS_LATER = (
    "history counts read every matching order until `create-tables --repair` builds them "
    "(run it once this release runs on every replica)"
)


async def create_dynamodb_schema(settings: Settings, *, repair: bool) -> tuple[str, bool]:
    """app.storage_admin.create_storage_schema on DynamoDB: the tables, the time index filled when
    it is new (or on `repair`), the hour counters built on `repair`."""
    async with asynccontextmanager(open_dynamodb_client)(settings) as client:
        prefix = settings.dynamodb_table_prefix
        tables = await create_tables(client, prefix, repair=repair)
        lines = list(map(str, tables))
        names = TableNames.for_prefix(prefix)
        created = {table.name for table in tables if table.created}
        # A new index beside orders recorded before it; a new orders table has nothing to copy.
        if repair or (names.by_time in created and names.orders not in created):
            copied = await backfill(client, names.orders, names.by_time, now=int(time.time()))
            lines.append(f"{names.by_time}: holds the {copied} visible orders of {names.orders} (backfilled)")
        if repair:
            counted = await backfill_counts(client, names.orders, now=int(time.time()))
            lines.append(f"{names.orders}: hour counters complete ({counted} orders counted now)")
        elif not await counters_complete(client, names.orders):
            lines.append(f"{names.orders}: hour counters not built yet; {_COUNTERS_LATER}")
        return "\n".join(lines), all(table.safe for table in tables)
