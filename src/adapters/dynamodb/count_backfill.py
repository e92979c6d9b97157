"""Building the hour counters for orders recorded before them (`create-tables --repair`).

An order is counted exactly once because counting it and marking it `counted` happen in one
transaction, on condition that it is not marked yet: running the backfill twice, or while the
service records orders (which it writes counted), or twice at once, counts each order once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.counter_readiness import mark_counters_complete
from adapters.dynamodb.expressions import names
from adapters.dynamodb.hour_counts import COUNTED, DAY, counter_update, hour_of
from adapters.dynamodb.mapping import boolean, n, read_id, read_int, read_s, s
from adapters.dynamodb.transactions import transact
from domain.model.enums import OrderDirection
from domain.model.ids import Id

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

_PER_TRANSACTION = 99
"""Orders marked per transaction, beside their counter item's update (DynamoDB takes 100 items)."""


@dataclass(frozen=True, slots=True)
class _Uncounted:
    sort_key: str
    hour: int
    direction: OrderDirection


async def backfill_counts(client: DynamoDBClient, orders_table: str, *, now: int) -> int:
    """Count every visible order not counted yet in its workflow's counter item of its day, then
    mark the counters complete (adapters.dynamodb.counter_readiness). Returns how many orders it
    counted.

    One Scan of the orders table (a one-off migration, never a request path); per workflow and
    day, one transaction per 99 orders.
    """
    request: dict[str, Any] = {
        "TableName": orders_table,
        "ConsistentRead": True,
        "FilterExpression": "attribute_exists(#id) AND attribute_not_exists(#counted) AND #ttl > :now",
        "ProjectionExpression": "#workflow_id, #sort_key, #placed_at, #order_direction",
        "ExpressionAttributeNames": names("id", COUNTED, "ttl", "workflow_id", "sort_key", "placed_at")
        | names("order_direction"),
        "ExpressionAttributeValues": {":now": n(now)},
    }
    counted = 0
    while True:
        response = await client.scan(**request)
        by_day: dict[tuple[Id, int], list[_Uncounted]] = defaultdict(list)
        for item in response.get("Items", []):
            placed_at = read_int(item, "placed_at")
            direction = OrderDirection(read_s(item, "order_direction"))
            order = _Uncounted(read_s(item, "sort_key"), hour_of(placed_at), direction)
            by_day[(read_id(item, "workflow_id"), placed_at // DAY)].append(order)
        for (workflow_id, day), orders in by_day.items():
            for start in range(0, len(orders), _PER_TRANSACTION):
                chunk = orders[start : start + _PER_TRANSACTION]
                counted += await _count(client, orders_table, workflow_id, day, chunk)
        if "LastEvaluatedKey" not in response:
            await mark_counters_complete(client, orders_table, now=now)
            return counted
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


async def _count(client: DynamoDBClient, table: str, workflow_id: Id, day: int, orders: list[_Uncounted]) -> int:
    """Count these orders of one workflow and day; when one of them was counted meanwhile (or is
    gone), each of them alone. Returns how many this call counted."""
    counts = Counter((order.hour, order.direction) for order in orders)
    steps = [counter_update(table, workflow_id, day, counts), *(_mark(table, workflow_id, o.sort_key) for o in orders)]
    if await transact(client, steps, "count orders") is None:
        return len(orders)
    if len(orders) == 1:
        return 0
    return sum([await _count(client, table, workflow_id, day, [order]) for order in orders])


def _mark(table: str, workflow_id: Id, sort_key: str) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": table,
            "Key": {"workflow_id": s(workflow_id), "sort_key": s(sort_key)},
            "UpdateExpression": "SET #counted = :counted",
            "ConditionExpression": "attribute_exists(#sort_key) AND attribute_not_exists(#counted)",
            "ExpressionAttributeNames": names(COUNTED, "sort_key"),
            "ExpressionAttributeValues": {":counted": boolean(True)},
        }
    }
