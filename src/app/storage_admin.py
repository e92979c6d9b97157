"""Creating or migrating the storage schema: `workflow-orders create-tables`, and `serve` before it listens."""

from adapters.sqlite.database import SqliteDatabase
from app.settings import Settings


async def create_storage_schema(settings: Settings, *, repair: bool = False) -> tuple[str, bool]:
    """Create what the selected storage needs; idempotent. Returns what happened, in words, and
    whether the storage is as safe as it should be (DynamoDB: every table's protections on).

    DynamoDB: when the time index (orders_by_time) is new, and on every `repair`, it is filled from
    the orders table (what deployments from before the index need; idempotent). On every `repair`,
    the hour counters are built for the orders recorded without them (idempotent too)."""
    if settings.storage == "dynamodb":
        from app.dynamodb_storage import create_dynamodb_schema

        return await create_dynamodb_schema(settings, repair=repair)
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
