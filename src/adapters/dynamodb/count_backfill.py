"""Building the hour counters for orders recorded before them (`create-tables --repair`).

An order is counted at most once because counting it and marking it `counted` happen in one
transaction, on condition that it is not marked yet: running the backfill twice, or while the
service records orders (which it writes counted), or twice at once, counts each order once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.counter_readiness import mark_counters_complete
from adapters.dynamodb.expressions import names
from adapters.dynamodb.hour_counts import COUNTED, counter_update, hour_of
from adapters.dynamodb.mapping import boolean, n, read_id, read_int, read_s, s
from adapters.dynamodb.transactions import transact
from domain.model.enums import OrderDirection
from domain.model.ids import Id

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

_PER_TRANSACTION = 99
"""Orders marked per transaction, beside their counter's update (DynamoDB takes 100 items)."""

Group = tuple[Id, int, OrderDirection]
"""Orders of one workflow, hour and direction: one counter attribute."""


async def backfill_counts(client: DynamoDBClient, orders_table: str, *, now: int) -> int:
    """Count every visible order not counted yet in its hour's counter, then mark the counters
    complete (adapters.dynamodb.counter_readiness). Returns how many orders it counted.

    One Scan of the orders table (a one-off migration, never a request path); per workflow, hour
    and direction, one transaction per 99 orders.
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
        groups: dict[Group, list[str]] = defaultdict(list)
        for item in response.get("Items", []):
            group = (read_id(item, "workflow_id"), hour_of(read_int(item, "placed_at")), _direction(item))
            groups[group].append(read_s(item, "sort_key"))
        for group, sort_keys in groups.items():
            for start in range(0, len(sort_keys), _PER_TRANSACTION):
                counted += await _count(client, orders_table, group, sort_keys[start : start + _PER_TRANSACTION])
        if "LastEvaluatedKey" not in response:
            await mark_counters_complete(client, orders_table, now=now)
            return counted
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _direction(item: Any) -> OrderDirection:
    return OrderDirection(read_s(item, "order_direction"))


async def _count(client: DynamoDBClient, table: str, group: Group, sort_keys: list[str]) -> int:
    """Count these orders of one group; when one of them was counted meanwhile (or is gone), each
    of them alone. Returns how many this call counted."""
    steps = [_counter(table, group, len(sort_keys)), *(_mark(table, group[0], key) for key in sort_keys)]
    if await transact(client, steps, "count orders") is None:
        return len(sort_keys)
    if len(sort_keys) == 1:
        return 0
    return sum([await _count(client, table, group, [key]) for key in sort_keys])


def _counter(table: str, group: Group, how_many: int) -> TransactWriteItemTypeDef:
    workflow_id, hour, direction = group
    return counter_update(table, workflow_id, hour, direction, how_many)


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
