"""Storage readiness for SQLite: one real query on a reader connection."""

import sqlite3

from adapters.sqlite.database import SqliteDatabase

_PROBE = "SELECT 1 FROM workflows LIMIT 1"


class SqliteStorageHealth:
    """StorageHealth on SQLite: a query that touches the schema, bounded by the call timeout."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database

    async def check(self) -> None:
        def probe(connection: sqlite3.Connection) -> None:
            connection.execute(_PROBE).fetchall()

        await self._database.read(probe)
