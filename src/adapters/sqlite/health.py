"""Storage readiness for SQLite: one real query on a reader connection."""

import sqlite3

from adapters.sqlite.database import SqliteDatabase
from ports.health import StorageHealth

# A primary-key lookup: it reads the schema and an index page from the file, and never scans.
_PROBE = "SELECT 1 FROM workflows WHERE id = ''"


class SqliteStorageHealth(StorageHealth):
    """StorageHealth on SQLite: a query that touches the schema."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database

    async def check(self) -> None:
        def probe(connection: sqlite3.Connection) -> None:
            connection.execute(_PROBE).fetchall()

        await self._database.read(probe)
