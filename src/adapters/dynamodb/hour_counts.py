"""Per-workflow order counters by hour of placed_at, one item per UTC day, in the workflow's own
orders partition.

A counter item sits beside the orders it counts: `workflow_id` = the workflow, `sort_key` =
"~" + (LAST_DAY - day) in 7 digits, where day = placed_at // 86400. The "~" sorts after every
order's sort key (they start with digits), and the reversed day puts the newest day first, so:

- every counter item of day >= d is the key range [counter_key(LAST_DAY), counter_key(d)]: the
  items of older days (expired, perhaps not yet deleted by TTL) sort above it and are never read;
- a Query from the orders of `since` up to counter_key(day of since), newest first, reads those
  items (at most 9: seven days, the day the bound falls in, the day after) and then the orders, in
  one request (adapters.dynamodb.orders).

Attributes: `day` (N, the day's first second: what marks the item as a counter), one number per
direction and hour of the day (`BUY07`, `SELL23`: how many orders of that hour have it) and `ttl`,
a second after the day's last order expires. The counter is added to in the order's own
transaction, so it can never disagree with the orders: a transaction that fails (a duplicate, a
replay) adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.expressions import names
from adapters.dynamodb.mapping import MAX_PLACED_AT, n, read_int, s
from domain.model.enums import OrderDirection
from domain.model.ids import Id
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.rules import FUTURE_TOLERANCE_SECONDS

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.type_defs import TransactWriteItemTypeDef

HOUR = 3_600
DAY = 86_400
LAST_DAY = MAX_PLACED_AT // DAY
COUNTER_MARK = "day"
"""The attribute only counter items have (orders have `id`)."""
COUNTED = "counted"
"""Set on an order item once its counter includes it (every order this release writes; older ones
by the backfill, adapters.dynamodb.count_backfill)."""


def hour_of(placed_at: int) -> int:
    return placed_at // HOUR


def counter_key(day: int) -> str:
    """The sort key of the workflow's counter item of `day`: after every order, newest day first."""
    return f"~{LAST_DAY - day:07d}"


def counter_days(low: int, now: int) -> int:
    """How many counter items a range from `low` on can meet: orders are placed at most
    FUTURE_TOLERANCE_SECONDS ahead of the clock."""
    return max((now + FUTURE_TOLERANCE_SECONDS) // DAY - low // DAY + 1, 1)


def counter_update(
    table: str, workflow_id: Id, day: int, counts: Mapping[tuple[int, OrderDirection], int]
) -> TransactWriteItemTypeDef:
    """The transaction step that adds `counts` (orders per hour and direction, hours of `day`) to
    the workflow's counter item of that day."""
    attributes = {f"#c{i}": _attribute(direction, hour) for i, (hour, direction) in enumerate(counts)}
    values = {f":c{i}": n(count) for i, count in enumerate(counts.values())}
    added = ", ".join(f"#c{i} :c{i}" for i in range(len(counts)))
    return {
        "Update": {
            "TableName": table,
            "Key": {"workflow_id": s(workflow_id), "sort_key": s(counter_key(day))},
            "UpdateExpression": f"SET #day = :day, #ttl = :ttl ADD {added}",
            "ExpressionAttributeNames": names(COUNTER_MARK, "ttl") | attributes,
            "ExpressionAttributeValues": {":day": n(day * DAY), ":ttl": n((day + 1) * DAY + RETENTION_SECONDS)}
            | values,
        }
    }


def order_counter_update(table: str, order: WorkflowOrder) -> TransactWriteItemTypeDef:
    """The step of an order's transaction that counts it."""
    hour = hour_of(order.placed_at)
    return counter_update(table, order.workflow_id, order.placed_at // DAY, {(hour, order.order_direction): 1})


_DIRECTIONS = {direction.value: direction for direction in OrderDirection}


def _attribute(direction: OrderDirection, hour: int) -> str:
    return f"{direction.value}{hour % (DAY // HOUR):02d}"


@dataclass(frozen=True, slots=True)
class HourCounts:
    """What one workflow's counter items say: per hour, the number of orders of each direction."""

    by_hour: dict[int, dict[OrderDirection, int]]

    @classmethod
    def of_items(cls, items: list[Any]) -> HourCounts:
        by_hour: dict[int, dict[OrderDirection, int]] = {}
        for item in items:
            first_hour = read_int(item, COUNTER_MARK) // HOUR
            for name in item:
                direction = _DIRECTIONS.get(name[:-2])
                if direction is not None and name[-2:].isdigit():
                    by_hour.setdefault(first_hour + int(name[-2:]), {})[direction] = read_int(item, name)
        return cls(by_hour)

    def of(self, hour: int, direction: OrderDirection | None) -> int:
        counts = self.by_hour.get(hour, {})
        return sum(counts.values()) if direction is None else counts.get(direction, 0)

    def total(self, hours: range, direction: OrderDirection | None) -> int:
        return sum(self.of(hour, direction) for hour in self.by_hour if hour in hours)


def is_counter(item: Any) -> bool:
    return COUNTER_MARK in item
