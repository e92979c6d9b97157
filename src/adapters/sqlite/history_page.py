"""One page of a workflow's history in SQLite, and its count: two index range reads, run in the
caller's snapshot so that the page and the count agree."""

import sqlite3
from collections.abc import Callable

from adapters.sqlite.mapping import ORDER_COLUMNS, order_from_row
from domain.model.history import HistoryFilter, HistoryPage, Position
from domain.model.ids import Id
from domain.model.order import oldest_visible_placed_at

_COLUMNS = ", ".join(ORDER_COLUMNS)
NO_LATER_THAN = 2**62
"""An upper bound on placed_at beyond any real timestamp, used when a query has no upper bound."""

# Only the constant column list above is interpolated; every value is a bound parameter.
# The range is [lowest placed_at, (placed_at, id) bound): the row-value upper bound lets the index
# start exactly after a cursor position, and the index order is already newest first.
PAGE = f"""
    SELECT {_COLUMNS} FROM orders
    WHERE workflow_id = ? AND placed_at >= ? AND (placed_at, id) < (?, ?)
    ORDER BY placed_at DESC, id DESC LIMIT ?
"""  # noqa: S608
_PAGE_BY_DIRECTION = f"""
    SELECT {_COLUMNS} FROM orders
    WHERE workflow_id = ? AND order_direction = ? AND placed_at >= ? AND (placed_at, id) < (?, ?)
    ORDER BY placed_at DESC, id DESC LIMIT ?
"""  # noqa: S608
_COUNT = "SELECT COUNT(*) FROM orders WHERE workflow_id = ? AND placed_at BETWEEN ? AND ?"
_COUNT_BY_DIRECTION = """
    SELECT COUNT(*) FROM orders
    WHERE workflow_id = ? AND order_direction = ? AND placed_at BETWEEN ? AND ?
"""


def page_reader(
    workflow_id: Id, history_filter: HistoryFilter, now: int, limit: int, after: Position | None
) -> Callable[[sqlite3.Connection], HistoryPage]:
    """What OrderRepository.page reads, as a function of a connection (to run in a read snapshot)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    lowest, highest = _placed_at_range(history_filter, now)
    bound = (highest + 1, "")  # ids are never empty, so this means placed_at <= highest
    if after is not None:
        bound = min(bound, (after.placed_at, after.order_id))
    # One row more than asked tells whether another page follows, without a second query.
    page: tuple[str | int, ...]
    count: tuple[str | int, ...]
    if history_filter.direction is None:
        page_sql, page = PAGE, (workflow_id, lowest, *bound, limit + 1)
        count_sql, count = _COUNT, (workflow_id, lowest, highest)
    else:
        direction = history_filter.direction.value
        page_sql, page = _PAGE_BY_DIRECTION, (workflow_id, direction, lowest, *bound, limit + 1)
        count_sql, count = _COUNT_BY_DIRECTION, (workflow_id, direction, lowest, highest)

    def select(connection: sqlite3.Connection) -> HistoryPage:
        rows = connection.execute(page_sql, page).fetchall()
        counted: int = connection.execute(count_sql, count).fetchone()[0]
        orders = [order_from_row(row) for row in rows[:limit]]
        more = len(rows) > limit
        last = orders[-1] if more else None
        return HistoryPage(orders, None if last is None else Position(last.placed_at, last.id), counted)

    return select


def _placed_at_range(history_filter: HistoryFilter, now: int) -> tuple[int, int]:
    """Inclusive placed_at bounds: the filter's, narrowed to what is still visible at `now`."""
    lowest = oldest_visible_placed_at(now)
    if history_filter.since is not None:
        lowest = max(lowest, history_filter.since)
    highest = NO_LATER_THAN if history_filter.until is None else min(history_filter.until, NO_LATER_THAN)
    return lowest, highest
