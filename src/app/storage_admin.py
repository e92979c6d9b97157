"""Creating the storage schema, for `workflow-orders create-tables`."""

from adapters.dynamodb import create_tables
from adapters.sqlite.database import SqliteDatabase
from app.settings import Settings
from app.storage import open_dynamodb_client


async def create_storage_schema(settings: Settings) -> str:
    """Create what the selected storage needs; idempotent; returns what happened, in words."""
    if settings.storage == "dynamodb":
        async for client in open_dynamodb_client(settings):
            return "\n".join(await create_tables(client, settings.dynamodb_table_prefix))
    database = await SqliteDatabase.open(settings.sqlite_path)
    await database.close()
    return f"SQLite schema is in place at {settings.sqlite_path}"
