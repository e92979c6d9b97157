"""Per-workflow order counters by hour of placed_at, kept in the workflow's own orders partition.

A counter item sits beside the orders it counts: `workflow_id` = the workflow, `sort_key` =
"~" + (LAST_HOUR - hour) in 8 digits, where hour = placed_at // 3600. The "~" sorts after every
order's sort key (they start with digits), and the reversed hour puts the newest hour first, so:

- every counter of hour >= h is the key range [counter_key(LAST_HOUR), counter_key(h)]: the
  counters of older hours (expired, perhaps not yet deleted by TTL) sort above it and are never read;
- a Query from the orders of `since` up to counter_key(hour of since), newest first, reads those
  counters and then the orders, in one request (adapters.dynamodb.orders).

Attributes: `hour` (N, the hour's first second: what marks the item as a counter), one number per
direction (`BUY`, `SELL`: how many orders of the hour have it) and `ttl`, a second after the hour's
last order expires. The counter is added to in the order's own transaction, so it can never
disagree with the orders: a transaction that fails (a duplicate, a replay) adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.expressions import names
from adapters.dynamodb.mapping import MAX_PLACED_AT, n, read_int, s
from domain.model.enums import OrderDirection
from domain.model.ids import Id
from domain.model.order import RETENTION_SECONDS

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

HOUR = 3_600
LAST_HOUR = MAX_PLACED_AT // HOUR
COUNTER_MARK = "hour"
"""The attribute only counter items have (orders have `id`)."""
COUNTED = "counted"
"""Set on an order item once its counter includes it (every order this release writes; older ones
by the backfill, adapters.dynamodb.count_backfill)."""


def hour_of(placed_at: int) -> int:
    return placed_at // HOUR


def counter_key(hour: int) -> str:
    """The sort key of the workflow's counter of `hour`: after every order, newest hour first."""
    return f"~{LAST_HOUR - hour:08d}"


def counter_ttl(hour: int) -> int:
    """A second after the last order this hour can hold has expired."""
    return (hour + 1) * HOUR + RETENTION_SECONDS


def counter_update(
    table: str, workflow_id: Id, hour: int, direction: OrderDirection, how_many: int = 1
) -> TransactWriteItemTypeDef:
    """The transaction step that counts `how_many` more orders of this workflow, hour and direction."""
    return {
        "Update": {
            "TableName": table,
            "Key": {"workflow_id": s(workflow_id), "sort_key": s(counter_key(hour))},
            "UpdateExpression": "SET #hour = :hour, #ttl = :ttl ADD #direction :count",
            "ExpressionAttributeNames": names(COUNTER_MARK, "ttl") | {"#direction": direction.value},
            "ExpressionAttributeValues": {
                ":hour": n(hour * HOUR),
                ":ttl": n(counter_ttl(hour)),
                ":count": n(how_many),
            },
        }
    }


@dataclass(frozen=True, slots=True)
class HourCounts:
    """What one workflow's counters say: per hour, the number of orders of each direction."""

    by_hour: dict[int, dict[str, int]]

    @classmethod
    def of_items(cls, items: list[Any]) -> HourCounts:
        by_hour = {}
        for item in items:
            counts = {d.value: read_int(item, d.value) for d in OrderDirection if d.value in item}
            by_hour[read_int(item, COUNTER_MARK) // HOUR] = counts
        return cls(by_hour)

    def of(self, hour: int, direction: OrderDirection | None) -> int:
        counts = self.by_hour.get(hour, {})
        return sum(counts.values()) if direction is None else counts.get(direction.value, 0)

    def total(self, hours: range, direction: OrderDirection | None) -> int:
        return sum(self.of(hour, direction) for hour in self.by_hour if hour in hours)


def is_counter(item: Any) -> bool:
    return COUNTER_MARK in item
