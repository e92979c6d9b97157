"""Schema versions of the SQLite file, and the ordered steps between them.

The file's version is its `PRAGMA user_version`: the number of steps of MIGRATIONS applied to it.
Files made before versioning existed are at 0, with or without tables; step 1 is that era's schema,
made of idempotent statements, so such a file is stamped at version 1 without anything re-created
(a file from before the `store` table also gets its store id), and a new file gets every table.

To change the schema, append a step; never edit one that has shipped. Each step runs in a write
transaction of its own, with the version bump, so a file is always at exactly one version: a crash
or a failing statement mid-step leaves the previous version and its data. A file at a version
newer than this code knows is refused, untouched.
"""

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.sqlite.schema import FEED_RECORDED_AT, ORDERS_BY_TIME, VERSION_1
from adapters.sqlite.transactions import in_transaction
from domain.model.errors import StorageUnavailableError

MIGRATION_BUSY_TIMEOUT_SECONDS = 60.0
"""How long an opener waits for another one's migration step (an index over every order may take
a while on a large file) before giving up."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: what it changes, in words, and the statements that make the change."""

    summary: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration("the schema of files made before versioning (user_version 0)", VERSION_1),
    # Orders recorded before this step have NULL: their workflow's dry_run was not captured.
    Migration(
        "each order's dry_run, captured from its workflow when recorded (1.4.0)",
        ("ALTER TABLE orders ADD COLUMN dry_run INTEGER NULL CHECK (dry_run IN (0, 1))",),
    ),
    Migration("orders of every workflow by time, for windows across workflows", ORDERS_BY_TIME),
    Migration("each feed entry's recording time, for streams that start at an instant (1.5.0)", FEED_RECORDED_AT),
)
"""Step N takes a file from version N - 1 to version N."""

LATEST_VERSION = len(MIGRATIONS)


class NewerSchemaError(StorageUnavailableError):
    """The file is at a version that a newer release wrote: refused, and left as it is."""

    def __init__(self, version: int, known: int) -> None:
        super().__init__(
            f"the SQLite file is at schema version {version}, but this release knows versions up to {known}: "
            "a newer release has migrated it. Run that release or a later one (going back to an older "
            "release is refused); the file was not changed."
        )


@dataclass(frozen=True, slots=True)
class SchemaVersion:
    """What opening the file found and left: its version before and after the migrations."""

    found: int
    version: int


def schema_version(connection: sqlite3.Connection, known: int = LATEST_VERSION) -> int:
    """The file's version; NewerSchemaError when it is past `known`."""
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > known:
        raise NewerSchemaError(version, known)
    return version


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> SchemaVersion:
    """Bring the file to the last version of `migrations`, one write transaction per step.

    Every step re-reads the version under the write lock (BEGIN IMMEDIATE), so that processes
    opening one old file at once apply each step exactly once. `connection` is in autocommit mode
    (isolation_level None). Raises NewerSchemaError before writing anything to a newer file; a
    failing step raises its error, with the file left at the version before it.
    """
    latest = len(migrations)
    found = version = schema_version(connection, latest)
    if version == latest:
        return SchemaVersion(found, version)

    def step(connection: sqlite3.Connection) -> int:
        current = schema_version(connection, latest)  # another opener may have moved it meanwhile
        if current < latest:
            for statement in migrations[current].statements:
                connection.execute(statement)
            current += 1
            connection.execute(f"PRAGMA user_version = {current}")
        return current

    busy_timeout_ms = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute(f"PRAGMA busy_timeout = {int(MIGRATION_BUSY_TIMEOUT_SECONDS * 1000)}")
    try:
        while version < latest:
            version = in_transaction(connection, step)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return SchemaVersion(found, version)
