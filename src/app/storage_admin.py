"""Creating the storage schema, for `workflow-orders create-tables`."""

from adapters.sqlite.database import SqliteDatabase
from app.settings import Settings


async def create_storage_schema(settings: Settings) -> str:
    """Create what the selected storage needs; idempotent; returns one line saying what happened."""
    database = await SqliteDatabase.open(settings.sqlite_path, call_timeout=settings.storage_timeout_seconds)
    await database.close()
    return f"SQLite schema is in place at {settings.sqlite_path}"
