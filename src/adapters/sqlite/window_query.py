"""The SELECT that reads a window of orders across workflows, newest first, on the orders_by_time index."""

from adapters.sqlite.mapping import ORDER_COLUMNS
from domain.model.history import Position
from domain.model.window import OrderWindow

_COLUMNS = ", ".join(ORDER_COLUMNS)


def window_select(
    window: OrderWindow, now: int, limit: int, after: Position | None
) -> tuple[str, tuple[str | int, ...]]:
    """The statement and its parameters: visible orders matching `window`, strictly after `after`.

    The range [lowest placed_at, (placed_at, id) bound) is read on an index, never the whole table:
    orders_by_time (placed_at DESC, id DESC) in index order, so the rows come newest first without a
    sort and the read stops after `limit` matches, the filters tested on the rows of that range.
    """
    lowest, highest = window.placed_at_range(now)
    bound: tuple[int, str] = (highest + 1, "")  # ids are never empty: this means placed_at <= highest
    if after is not None:
        bound = min(bound, (after.placed_at, after.order_id))
    where = ["placed_at >= ?", "(placed_at, id) < (?, ?)"]
    parameters: list[str | int] = [lowest, *bound]
    for column, values in (("workflow_id", window.workflow_ids), ("order_code", window.order_codes)):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            parameters += sorted(values)
    if window.direction is not None:
        where.append("order_direction = ?")
        parameters.append(window.direction.value)
    if window.dry_run is not None:
        where.append("dry_run = ?")
        parameters.append(int(window.dry_run))
    # Without workflow filter, orders_by_time is the only index that fits, and naming it makes a
    # missing index an error instead of a silent table scan. With one, the planner may prefer a
    # workflow's own index (orders_by_workflow_time): fewer rows when the workflows are few.
    indexed = "" if window.workflow_ids else "INDEXED BY orders_by_time"
    # Only constant names and placeholders are interpolated; every value is a parameter.
    sql = f"""
        SELECT {_COLUMNS} FROM orders {indexed}
        WHERE {" AND ".join(where)}
        ORDER BY placed_at DESC, id DESC LIMIT ?
    """  # noqa: S608
    return sql, (*parameters, limit)
