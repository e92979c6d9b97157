"""Creating the storage schema, for `workflow-orders create-tables`."""

from adapters.dynamodb import create_tables
from adapters.sqlite.database import SqliteDatabase
from app.settings import Settings
from app.storage import open_dynamodb_client


async def create_storage_schema(settings: Settings, *, repair: bool = False) -> tuple[str, bool]:
    """Create what the selected storage needs; idempotent. Returns what happened, in words, and
    whether the storage is as safe as it should be (DynamoDB: every table's protections on)."""
    if settings.storage == "dynamodb":
        async for client in open_dynamodb_client(settings):
            tables = await create_tables(client, settings.dynamodb_table_prefix, repair=repair)
            return "\n".join(map(str, tables)), all(table.safe for table in tables)
    database = await SqliteDatabase.open(settings.sqlite_path)
    await database.close()
    return f"SQLite schema is in place at {settings.sqlite_path}", True
