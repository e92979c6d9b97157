"""The Query request that reads one workflow's visible orders, newest first, within a filter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.mapping import MAX_PLACED_AT, n, order_sort_key, s, sort_key_ceiling, sort_key_floor
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.order import oldest_visible_placed_at

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient


def history_query(
    table: str, workflow_id: Id, history_filter: HistoryFilter, now: int, after: Position | None
) -> dict[str, Any] | None:
    """The Query request for visible matching orders, from `after` on (inclusive: the caller skips
    the order at `after` itself), or None when the key range is empty.

    Visibility and since/until are a key condition on the sort key (placed_at >=
    oldest_visible_placed_at(now)); direction and `ttl > now` are filters.
    """
    low = max(oldest_visible_placed_at(now), history_filter.since or 0, 0)
    high = MAX_PLACED_AT if history_filter.until is None else min(history_filter.until, MAX_PLACED_AT)
    if low > high or (after is not None and after.placed_at < low):
        return None
    ceiling = sort_key_ceiling(high)
    if after is not None and after.placed_at <= high:
        ceiling = order_sort_key(after.placed_at, after.order_id)  # BETWEEN is inclusive
    condition = "#ttl > :now"
    values = {":wid": s(workflow_id), ":low": s(sort_key_floor(low)), ":high": s(ceiling), ":now": n(now)}
    if history_filter.direction is not None:
        condition += " AND #order_direction = :direction"
        values[":direction"] = s(history_filter.direction.value)
    return {
        "TableName": table,
        "KeyConditionExpression": "#workflow_id = :wid AND #sort_key BETWEEN :low AND :high",
        "FilterExpression": condition,
        "ExpressionAttributeNames": names("workflow_id", "sort_key", "ttl")
        | ({"#order_direction": "order_direction"} if history_filter.direction else {}),
        "ExpressionAttributeValues": values,
        "ScanIndexForward": False,
        "ConsistentRead": True,
    }


async def count_history(
    client: DynamoDBClient, table: str, workflow_id: Id, history_filter: HistoryFilter, now: int
) -> int:
    """How many visible orders of the workflow match the filter (Select=COUNT, every page)."""
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
