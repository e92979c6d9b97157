"""The Query request that reads one workflow's visible orders, newest first, within a filter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.hour_counts import DAY, counter_key
from adapters.dynamodb.mapping import MAX_PLACED_AT, n, order_sort_key, s, sort_key_ceiling, sort_key_floor
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.order import oldest_visible_placed_at

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient


def history_bounds(history_filter: HistoryFilter, now: int) -> tuple[int, int] | None:
    """The placed_at range (inclusive) of the visible orders the filter asks for, or None when empty."""
    low = max(oldest_visible_placed_at(now), history_filter.since or 0, 0)
    high = MAX_PLACED_AT if history_filter.until is None else min(history_filter.until, MAX_PLACED_AT)
    return None if low > high else (low, high)


def history_query(
    table: str,
    workflow_id: Id,
    history_filter: HistoryFilter,
    now: int,
    after: Position | None,
    *,
    with_counters: bool = False,
) -> dict[str, Any] | None:
    """The Query request for visible matching orders, from `after` on (inclusive: the caller skips
    the order at `after` itself), or None when the key range is empty.

    Visibility and since/until are a key condition on the sort key (placed_at >=
    oldest_visible_placed_at(now)); direction and `ttl > now` are filters. `with_counters` (only
    without `until` and `after`) extends the range to the workflow's counter items from the day of
    its lower bound on, which the Query then reads first (adapters.dynamodb.hour_counts).
    """
    bounds = history_bounds(history_filter, now)
    if bounds is None or (after is not None and after.placed_at < bounds[0]):
        return None
    low, high = bounds
    ceiling = sort_key_ceiling(high)
    if after is not None and after.placed_at <= high:
        ceiling = order_sort_key(after.placed_at, after.order_id)  # BETWEEN is inclusive
    if with_counters:
        if after is not None or history_filter.until is not None:
            raise ValueError("the hour counters follow the orders only up to the newest one")
        ceiling = counter_key(low // DAY)
    condition = "#ttl > :now"
    values = {":wid": s(workflow_id), ":low": s(sort_key_floor(low)), ":high": s(ceiling), ":now": n(now)}
    attribute_names = names("workflow_id", "sort_key", "ttl")
    if history_filter.direction is not None:
        matching = "#order_direction = :direction"
        condition += f" AND (attribute_exists(#day) OR {matching})" if with_counters else f" AND {matching}"
        values[":direction"] = s(history_filter.direction.value)
        attribute_names |= names("order_direction", "day") if with_counters else names("order_direction")
    return {
        "TableName": table,
        "KeyConditionExpression": "#workflow_id = :wid AND #sort_key BETWEEN :low AND :high",
        "FilterExpression": condition,
        "ExpressionAttributeNames": attribute_names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,
        "ConsistentRead": True,
    }


async def count_history(
    client: DynamoDBClient, table: str, workflow_id: Id, history_filter: HistoryFilter, now: int
) -> int:
    """How many visible orders of the workflow match the filter (Select=COUNT: it reads every one of
    them; adapters.dynamodb.history_count calls it on ranges within one hour)."""
    request = history_query(table, workflow_id, history_filter, now, None)
    if request is None:
        return 0
    request["Select"] = "COUNT"
    total = 0
    while True:
        async with storage_errors("order count"):
            response = await client.query(**request)
        total += response["Count"]
        if "LastEvaluatedKey" not in response:
            return total
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
