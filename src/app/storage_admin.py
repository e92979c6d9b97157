"""Creating or migrating the storage schema: `workflow-orders create-tables`, and `serve` before it listens."""

import time

from adapters.dynamodb import TableNames, create_tables
from adapters.dynamodb.count_backfill import backfill_counts
from adapters.dynamodb.counter_readiness import counters_complete
from adapters.dynamodb.time_index import backfill
from adapters.sqlite.database import SqliteDatabase
from app.settings import Settings
from app.storage import open_dynamodb_client

_COUNTERS_LATER = (
    "history counts read every matching order until `create-tables --repair` builds them "
    "(run it once this release runs on every replica)"
)


async def create_storage_schema(settings: Settings, *, repair: bool = False) -> tuple[str, bool]:
    """Create what the selected storage needs; idempotent. Returns what happened, in words, and
    whether the storage is as safe as it should be (DynamoDB: every table's protections on).

    DynamoDB: when the time index (orders_by_time) is new, and on every `repair`, it is filled from
    the orders table (what deployments from before the index need; idempotent). On every `repair`,
    the hour counters are built for the orders recorded without them (idempotent too)."""
    if settings.storage == "dynamodb":
        async for client in open_dynamodb_client(settings):
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
    return f"{await migrate_sqlite(settings)} at {settings.sqlite_path}", True


async def migrate_sqlite(settings: Settings) -> str:
    """Open the SQLite file (made if missing) and close it: that migrates it to the latest schema
    version. Says the version, and the one found when a migration ran. Raises NewerSchemaError,
    without touching the file, when a newer release migrated it."""
    database = await SqliteDatabase.open(settings.sqlite_path)
    await database.close()
    schema = database.schema
    migrated = "" if schema.found == schema.version else f" (migrated from version {schema.found})"
    return f"SQLite schema at version {schema.version}{migrated}"
