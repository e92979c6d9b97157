"""The `{prefix}orders_by_time` table: every order once more, partitioned by the UTC day of placed_at.

Key: `day` (S, "2026-02-22", the UTC day of placed_at) + `sort_key` (S, the orders table's
f"{placed_at:011d}#{id}"), and a full copy of the order, so a window is read with Query calls on the
days it overlaps and nothing else, strongly consistent. The copy is written in the order's own
TransactWriteItems (adapters.dynamodb.order_steps); `ttl` expires it with the order.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.hour_counts import COUNTED
from adapters.dynamodb.mapping import (
    MAX_PLACED_AT,
    item_to_order,
    n,
    order_sort_key,
    s,
    sort_key_ceiling,
    sort_key_floor,
)
from domain.model.history import Position
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

DAY_SECONDS = 86_400
_MAX_QUERY_LIMIT = 1000
_BATCH = 25
"""Items per BatchWriteItem (the most DynamoDB takes)."""


def day_of(placed_at: int) -> str:
    """The partition of an order: the UTC calendar day of its placed_at."""
    return datetime.fromtimestamp(placed_at - placed_at % DAY_SECONDS, tz=UTC).date().isoformat()


def by_time_item(order: WorkflowOrder, item: dict[str, Any]) -> dict[str, Any]:
    """The index's item for an order: its stored item, keyed by day and sort key."""
    return {**item, "day": s(day_of(order.placed_at)), "sort_key": s(order_sort_key(order.placed_at, order.id))}


def by_time_put(table: str, order: WorkflowOrder, item: dict[str, Any]) -> TransactWriteItemTypeDef:
    """The index's write in the order's transaction (the id guard already makes the order unique)."""
    return {"Put": {"TableName": table, "Item": by_time_item(order, item)}}


class TimeIndexReader:
    """Reads a window newest first, one day partition after the other."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client, self._table = client, table

    async def window(self, window: OrderWindow, *, now: int, limit: int, after: Position | None) -> list[WorkflowOrder]:
        """Up to `limit` visible orders matching `window`, strictly after `after`, newest first.

        One Query per day the range overlaps, newest day first, stopping as soon as `limit` orders
        matched (more Queries only where a day holds more items than asked for, or where filters
        leave many aside). The filters are applied to the items read, as a FilterExpression would
        be: read capacity is the same.
        """
        low, high = window.placed_at_range(now)
        high = min(high, MAX_PLACED_AT)
        if after is not None:
            high = min(high, after.placed_at)
        low = max(low, 0)
        found: list[WorkflowOrder] = []
        day_start = high - high % DAY_SECONDS
        while day_start + DAY_SECONDS - 1 >= low and len(found) < limit:
            first, last = max(low, day_start), min(high, day_start + DAY_SECONDS - 1)
            if first <= last:
                await self._read_day(window, now, limit, after, first, last, found)
            day_start -= DAY_SECONDS
        return found

    async def _read_day(
        self,
        window: OrderWindow,
        now: int,
        limit: int,
        after: Position | None,
        first: int,
        last: int,
        found: list[WorkflowOrder],
    ) -> None:
        ceiling = sort_key_ceiling(last)
        if after is not None and after.placed_at == last:
            ceiling = order_sort_key(after.placed_at, after.order_id)  # inclusive: skipped below
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#day = :day AND #sort_key BETWEEN :low AND :high",
            "ExpressionAttributeNames": names("day", "sort_key"),
            "ExpressionAttributeValues": {
                ":day": s(day_of(first)),
                ":low": s(sort_key_floor(first)),
                ":high": s(ceiling),
            },
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit - len(found) + 1,
        }
        while len(found) < limit:
            async with storage_errors("orders window"):
                response = await self._client.query(**request)
            for order in map(item_to_order, response.get("Items", [])):
                visible = order.is_visible(now) and window.matches(order)
                if visible and (after is None or after.is_after(order)) and len(found) < limit:
                    found.append(order)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            request["Limit"] = min(request["Limit"] * 2, _MAX_QUERY_LIMIT)


async def backfill(client: DynamoDBClient, orders_table: str, by_time_table: str, *, now: int) -> int:
    """Copy every visible order of the orders table into the time index; returns how many.

    Idempotent: an order already there is written again with the same content. One Scan of the
    orders table (a one-off migration, never a request path), written 25 items per BatchWriteItem.
    """
    request: dict[str, Any] = {
        "TableName": orders_table,
        "ConsistentRead": True,
        "FilterExpression": "attribute_exists(#id) AND #ttl > :now",  # orders, not hour counters
        "ExpressionAttributeNames": names("id", "ttl"),
        "ExpressionAttributeValues": {":now": n(now)},
    }
    copied = 0
    while True:
        response = await client.scan(**request)
        items = response.get("Items", [])
        for start in range(0, len(items), _BATCH):
            batch = []
            for item in items[start : start + _BATCH]:
                order = item_to_order(item)
                batch.append({"PutRequest": {"Item": by_time_item(order, _without_key(item))}})
            await _write_all(client, by_time_table, batch)
            copied += len(batch)
        if "LastEvaluatedKey" not in response:
            return copied
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _without_key(item: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name not in ("sort_key", COUNTED)}


async def _write_all(client: DynamoDBClient, table: str, requests: list[Any]) -> None:
    """BatchWriteItem until nothing is left unprocessed (throttled items come back there)."""
    pending = {table: requests}
    for attempt in itertools.count():
        response = await client.batch_write_item(RequestItems=pending)
        pending = response.get("UnprocessedItems") or {}
        if not pending:
            return
        await asyncio.sleep(min(0.05 * 2**attempt, 2.0))  # throttled: back off before the rest
