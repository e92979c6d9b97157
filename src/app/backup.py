"""`workflow-orders backup FILE`: a consistent, checked copy of the SQLite file, taken while the service runs."""

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from adapters.sqlite.schema import renew_store_id
from app.command_error import CommandError
from app.settings import Settings
from app.targets import check_target, partial_of

BUSY_TIMEOUT_SECONDS = 10.0


class BackupError(CommandError):
    """The backup could not be made or did not pass its check; nothing was left at the target."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    workflows: int
    orders: int
    size_bytes: int

    def __str__(self) -> str:
        return (
            f"backed up to {self.path}: {self.workflows} workflows, {self.orders} orders, "
            f"{self.size_bytes} bytes; integrity ok"
        )


def backup_sqlite(settings: Settings, target: str) -> BackupReport:
    """Copy the database with VACUUM INTO, check the copy, and only then put it at `target`.

    VACUUM INTO reads one snapshot, so the copy holds exactly the transactions committed when it
    began, while the service goes on writing (WAL mode lets readers and the writer overlap). The
    copy is written next to the target, given a store id of its own, synced, checked with PRAGMA
    integrity_check, then renamed over the target: a failed backup never replaces a good one.
    """
    if settings.storage != "sqlite":
        raise BackupError(
            "backup copies the embedded SQLite file; on DynamoDB use point-in-time recovery "
            "(see docs/operations.md, 'DynamoDB: point-in-time recovery')"
        )
    source = Path(settings.sqlite_path)
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    check_target(target, settings)
    path = Path(target)
    partial = partial_of(path)
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as database:
            database.execute("VACUUM INTO ?", (str(partial),))
        _new_store(partial)
        report = _checked(partial, path)
        _sync(partial)
        partial.replace(path)
        _sync(path.parent)
    except sqlite3.Error as error:
        raise BackupError(f"backup failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return report


def _new_store(copy: Path) -> None:
    """Give the copy a store id of its own: restored later, its feed is behind what clients of the
    original hold, and their event ids must be refused by it (410), not silently match nothing."""
    with closing(sqlite3.connect(copy, isolation_level=None)) as database:
        database.execute("BEGIN IMMEDIATE")
        renew_store_id(database)
        database.execute("COMMIT")


def _checked(copy: Path, target: Path) -> BackupReport:
    with closing(sqlite3.connect(copy)) as database:
        problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"the copy failed its integrity check: {'; '.join(problems[:5])}")
        workflows = database.execute("SELECT COUNT(*) FROM workflows").fetchone()[0]
        orders = database.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    return BackupReport(target, workflows, orders, copy.stat().st_size)


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
