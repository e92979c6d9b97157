"""Order records in SQLite: write-once rows, newest-first index range reads, a latest-order table."""

import sqlite3

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.feed import FeedSignal
from adapters.sqlite.history_page import page_reader
from adapters.sqlite.mapping import ORDER_COLUMNS, order_from_row, order_to_row
from adapters.sqlite.window_query import window_select
from adapters.system import SystemClock
from domain.model.enums import OrderDirection
from domain.model.errors import DuplicateOrderIdError, StaleWorkflowError, WorkflowNotFoundError
from domain.model.history import HistoryFilter, HistoryPage, LatestPage, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder, oldest_visible_placed_at
from domain.model.window import OrderWindow
from ports.clock import Clock
from ports.orders import OrderRepository

_COLUMNS = ", ".join(ORDER_COLUMNS)
_O_COLUMNS = ", ".join(f"o.{column}" for column in ORDER_COLUMNS)

# Only the constant column lists above are interpolated; every value is a bound parameter.
INSERT_ORDER = f"INSERT INTO orders ({_COLUMNS}) VALUES ({', '.join('?' * len(ORDER_COLUMNS))})"  # noqa: S608
_GET = f"SELECT {_COLUMNS} FROM orders WHERE id = ?"  # noqa: S608
# LIMIT -1 is no limit. A latest_orders row still visible always has its order (only expired
# orders are ever purged), so counting without a direction needs no join.
_LATEST = f"""
    SELECT {_O_COLUMNS} FROM latest_orders AS l JOIN orders AS o ON o.id = l.order_id
    WHERE l.placed_at >= ?
    ORDER BY l.placed_at DESC, l.order_id DESC LIMIT ?
"""  # noqa: S608
_LATEST_BY_DIRECTION = f"""
    SELECT {_O_COLUMNS} FROM latest_orders AS l JOIN orders AS o ON o.id = l.order_id
    WHERE l.placed_at >= ? AND o.order_direction = ?
    ORDER BY l.placed_at DESC, l.order_id DESC LIMIT ?
"""  # noqa: S608
_COUNT_LATEST = "SELECT COUNT(*) FROM latest_orders WHERE placed_at >= ?"
_COUNT_LATEST_BY_DIRECTION = """
    SELECT COUNT(*) FROM latest_orders AS l JOIN orders AS o ON o.id = l.order_id
    WHERE l.placed_at >= ? AND o.order_direction = ?
"""
# What a live workflow stamps on its orders: its name, and its spec's dry_run (JSON true/false
# reads as 1/0, which compare equal to True/False).
_LIVE_WORKFLOW_STAMP = "SELECT name, json_extract(spec, '$.dry_run') FROM workflows WHERE id = ? AND deleted_at IS NULL"
_ORDER_EXISTS = "SELECT 1 FROM orders WHERE id = ?"
# Moves only forward: a late order older than the stored one leaves it in place.
COUNT_RECORDED = """
    INSERT INTO recorded_orders (workflow_id, count) VALUES (?, 1)
    ON CONFLICT (workflow_id) DO UPDATE SET count = count + 1
"""
# Recorded at the clock's second, or at the newest entry's if the clock is behind it (another
# process's clock, a step back): recording times never decrease along the feed. max() reads the
# end of the recorded_at index.
ANNOUNCE = """
    INSERT INTO order_feed (order_id, expires_at, recorded_at)
    VALUES (?, ?, max(?, coalesce((SELECT max(recorded_at) FROM order_feed), 0)))
"""
ADVANCE_LATEST = """
    INSERT INTO latest_orders (workflow_id, placed_at, order_id) VALUES (?, ?, ?)
    ON CONFLICT (workflow_id) DO UPDATE SET placed_at = excluded.placed_at, order_id = excluded.order_id
    WHERE (excluded.placed_at, excluded.order_id) > (latest_orders.placed_at, latest_orders.order_id)
"""


class SqliteOrderRepository(OrderRepository):
    """OrderRepository on SQLite.

    Visibility is a lower bound on placed_at (oldest_visible_placed_at), so expired rows are
    skipped by the index range itself; nothing here deletes them.
    """

    def __init__(
        self, database: SqliteDatabase, recorded: FeedSignal | None = None, clock: Clock | None = None
    ) -> None:
        """`clock` dates the feed entries (the system clock when None)."""
        self._database = database
        self._recorded = recorded
        self._clock = SystemClock() if clock is None else clock

    async def add(self, order: WorkflowOrder) -> None:
        row = order_to_row(order)
        order_id, workflow_id = order.id, order.workflow_id
        recorded_at = self._clock.now()

        # Every check runs under the write lock BEGIN IMMEDIATE took, so nothing can change between
        # a check and the insert. A taken id is reported first: the caller answers a replay from
        # the stored order, which must work even after the workflow was deleted.
        def insert(connection: sqlite3.Connection) -> None:
            if connection.execute(_ORDER_EXISTS, (order_id,)).fetchone() is not None:
                raise DuplicateOrderIdError(order_id)
            live = connection.execute(_LIVE_WORKFLOW_STAMP, (workflow_id,)).fetchone()
            if live is None:
                raise WorkflowNotFoundError(workflow_id)
            if tuple(live) != (order.workflow_name, order.dry_run):
                raise StaleWorkflowError(workflow_id)
            connection.execute(INSERT_ORDER, row)
            connection.execute(ADVANCE_LATEST, (workflow_id, order.placed_at, order_id))
            connection.execute(COUNT_RECORDED, (workflow_id,))
            connection.execute(ANNOUNCE, (order_id, order.expires_at, recorded_at))

        await self._database.write(insert)
        if self._recorded is not None:
            self._recorded.notify()

    async def get(self, order_id: Id) -> WorkflowOrder | None:
        def select(connection: sqlite3.Connection) -> WorkflowOrder | None:
            found = connection.execute(_GET, (order_id,)).fetchone()
            return None if found is None else order_from_row(found)

        return await self._database.read(select)

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
    ) -> HistoryPage:
        return await self._database.read_snapshot(page_reader(workflow_id, history_filter, now, limit, after))

    async def latest(
        self, *, now: int, direction: OrderDirection | None = None, limit: int | None = None
    ) -> LatestPage:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        # A workflow's newest order expires before any older one, so when the newest is hidden
        # the workflow has no visible order at all: filtering latest_orders is enough.
        where: tuple[str | int, ...] = (oldest_visible_placed_at(now),)
        if direction is None:
            rows_sql, count_sql = _LATEST, _COUNT_LATEST
        else:
            rows_sql, count_sql = _LATEST_BY_DIRECTION, _COUNT_LATEST_BY_DIRECTION
            where += (direction.value,)

        def select(connection: sqlite3.Connection) -> LatestPage:
            rows = connection.execute(rows_sql, (*where, -1 if limit is None else limit)).fetchall()
            counted: int = len(rows) if limit is None else connection.execute(count_sql, where).fetchone()[0]
            return LatestPage([order_from_row(row) for row in rows], counted)

        return await self._database.read_snapshot(select)

    async def window(
        self, window: OrderWindow, *, now: int, limit: int, after: Position | None = None
    ) -> list[WorkflowOrder]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        sql, parameters = window_select(window, now, limit, after)

        def select(connection: sqlite3.Connection) -> list[WorkflowOrder]:
            return [order_from_row(row) for row in connection.execute(sql, parameters).fetchall()]

        return await self._database.read(select)
