"""One function run inside one SQLite transaction: committed when it returns, rolled back when it raises."""

import contextlib
import sqlite3
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def in_transaction(
    connection: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T], begin: str = "BEGIN IMMEDIATE"
) -> T:
    """`fn(connection)` between `begin` and COMMIT; on an error, ROLLBACK and the error propagates."""
    connection.execute(begin)
    try:
        result = fn(connection)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            # A failed rollback must not hide the error that caused it; SQLite rolls back anyway
            # when the connection is closed.
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise
    return result
