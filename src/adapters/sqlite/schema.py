"""The SQLite schema at version 1, and the tables each storage call touches.

VERSION_1 is frozen: it is what files made before schema versioning hold, and the first step of
adapters.sqlite.migrations. A change to the schema is a new step there, never an edit here."""

import sqlite3

# The store's id (adapters.sqlite.feed): one row, 128 random bits, given when the file is created or
# first opened by a version that has the table, and renewed in every backup copy.
STORE_TABLE = """
    CREATE TABLE IF NOT EXISTS store (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id TEXT NOT NULL
    )
"""
_GIVE_STORE_ID = "INSERT OR {} INTO store (singleton, id) VALUES (1, lower(hex(randomblob(16))))"

VERSION_1: tuple[str, ...] = (
    # Workflows are soft-deleted: a deleted row keeps its id (so its orders keep a parent) and
    # frees its name. `spec` is the JSON of a WorkflowSpec; name and enable are copied out of it
    # so that uniqueness, sorting and filtering happen in the engine.
    """
    CREATE TABLE IF NOT EXISTS workflows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        enable INTEGER NOT NULL CHECK (enable IN (0, 1)),
        spec TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER NULL
    )
    """,
    # Names are unique among live workflows only. BINARY collation compares UTF-8 bytes, which is
    # Unicode code point order, so this index also serves "list live workflows sorted by name".
    """
    CREATE UNIQUE INDEX IF NOT EXISTS workflows_live_name
        ON workflows (name) WHERE deleted_at IS NULL
    """,
    # Decimals are TEXT in canonical form (never REAL); enums are stored by value; NULL means
    # "absent", so a trigger_close of 0 is the text '0'.
    """
    CREATE TABLE IF NOT EXISTS orders (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL REFERENCES workflows (id),
        workflow_name TEXT NOT NULL,
        placed_at INTEGER NOT NULL,
        order_code TEXT NOT NULL,
        order_price TEXT NOT NULL,
        order_quantity TEXT NOT NULL,
        order_direction TEXT NOT NULL,
        order_type TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        asset_type TEXT NULL,
        trigger_close TEXT NULL,
        execution_context TEXT NULL
    )
    """,
    # History pages and counts are range reads on one of these, in newest-first order.
    """
    CREATE INDEX IF NOT EXISTS orders_by_workflow_time
        ON orders (workflow_id, placed_at DESC, id DESC)
    """,
    """
    CREATE INDEX IF NOT EXISTS orders_by_workflow_direction_time
        ON orders (workflow_id, order_direction, placed_at DESC, id DESC)
    """,
    # The retention purge finds expired rows through this (adapters.sqlite.retention).
    """
    CREATE INDEX IF NOT EXISTS orders_by_expiry ON orders (expires_at)
    """,
    # One row per workflow that ever had an order: the key of its newest order. Kept in the same
    # transaction as the order insert; never moves backwards.
    """
    CREATE TABLE IF NOT EXISTS latest_orders (
        workflow_id TEXT PRIMARY KEY,
        placed_at INTEGER NOT NULL,
        order_id TEXT NOT NULL
    )
    """,
    # How many orders were ever recorded per workflow, counted in the order insert's transaction:
    # with the oldest visible order, what says whether anything about a workflow changed (ETags).
    """
    CREATE TABLE IF NOT EXISTS recorded_orders (
        workflow_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL
    )
    """,
    # The feed of recorded orders (adapters.sqlite.feed): one row per new order, written in the
    # order insert's transaction. AUTOINCREMENT: a sequence number is never given out twice, even
    # after the retention purge deleted the newest rows, so a position is never reused.
    """
    CREATE TABLE IF NOT EXISTS order_feed (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS order_feed_by_expiry ON order_feed (expires_at)
    """,
    # Lets "latest" read only the still-visible rows, already newest first.
    """
    CREATE INDEX IF NOT EXISTS latest_orders_by_time
        ON latest_orders (placed_at DESC, order_id DESC)
    """,
    STORE_TABLE,
    _GIVE_STORE_ID.format("IGNORE"),
)
"""Statements run in order in one write transaction; each is a no-op when already applied, so a file
made before versioning is stamped at version 1 unchanged (or only given its store id)."""

ORDERS_BY_TIME: tuple[str, ...] = (
    # Windows across workflows (GET /v1/orders and its summary) are range reads on this, newest first.
    """
    CREATE INDEX IF NOT EXISTS orders_by_time ON orders (placed_at DESC, id DESC)
    """,
)
"""Version 2: one index; building it reads every order once, on the first start of this release."""

FEED_RECORDED_AT: tuple[str, ...] = (
    # When each feed entry was recorded (epoch seconds, never decreasing along seq: adapters.sqlite.
    # orders), so that a stream can start at an instant. Entries written before this step cannot be
    # dated: they count as recorded at the migration, so a start before it includes all of them.
    "ALTER TABLE order_feed ADD COLUMN recorded_at INTEGER NULL",
    "UPDATE order_feed SET recorded_at = CAST(strftime('%s', 'now') AS INTEGER)",
    "CREATE INDEX IF NOT EXISTS order_feed_by_recorded_at ON order_feed (recorded_at)",
)
"""Version 4: a column and its index on the feed table (small: it holds a week of orders at most)."""


def renew_store_id(connection: sqlite3.Connection) -> None:
    """Give the database a new store id: what a copy whose feed may fall behind its original
    needs (app.backup), so that event ids of the original are refused by it."""
    connection.execute(STORE_TABLE)
    connection.execute(_GIVE_STORE_ID.format("REPLACE"))


TABLES_BY_OPERATION: dict[str, tuple[str, ...]] = {
    "workflows.add": ("workflows",),
    "workflows.get": ("workflows",),
    "workflows.replace": ("workflows",),
    "workflows.delete": ("workflows",),
    "workflows.list": ("workflows",),
    "orders.add": ("orders", "latest_orders", "recorded_orders", "order_feed", "workflows"),
    "orders.get": ("orders",),
    "orders.latest": ("latest_orders", "orders"),
    "orders.window": ("orders",),
    "health.check": ("workflows",),
    "revisions.of_workflow": ("workflows", "recorded_orders", "orders"),
    "revisions.page": ("orders", "workflows", "recorded_orders"),
    "feed.store_id": ("store",),
    "feed.end": ("order_feed",),
    "feed.position_at": ("order_feed",),
    "feed.read": ("order_feed", "orders"),
}
"""The tables each storage port call (adapters.storage_calls) the service makes reads or writes, its
main one first: what its trace span names. (orders.page is not among them: the service reads pages
with their revision, as revisions.page.)"""
