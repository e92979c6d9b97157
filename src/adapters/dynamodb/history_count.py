"""`total_count` of a history page from the hour counters: whole hours from their counters, and a
`Select=COUNT` Query only over the hours the range covers in part (at most one hour's orders each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adapters.dynamodb.concurrency import both
from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.history_query import count_history, history_bounds
from adapters.dynamodb.hour_counts import DAY, HOUR, HourCounts, counter_key, hour_of
from adapters.dynamodb.mapping import s
from domain.model.history import HistoryFilter
from domain.model.ids import Id

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient


@dataclass(frozen=True, slots=True)
class CountPlan:
    """How a placed_at range is counted: `whole` hours by their counters, each of the `partial`
    ranges (inclusive, each inside one hour) by a COUNT Query."""

    whole: range
    partial: tuple[tuple[int, int], ...]


def count_plan(low: int, high: int) -> CountPlan:
    """The plan for placed_at in [low, high] (low <= high)."""
    first, last = hour_of(low), hour_of(high)
    starts_whole, ends_whole = low % HOUR == 0, high % HOUR == HOUR - 1
    if first == last and not (starts_whole and ends_whole):
        return CountPlan(range(0), ((low, high),))
    partial: tuple[tuple[int, int], ...] = () if starts_whole else ((low, (first + 1) * HOUR - 1),)
    partial += () if ends_whole else ((last * HOUR, high),)
    return CountPlan(range(first + (not starts_whole), last + ends_whole), partial)


class HistoryCounter:
    """Counts one workflow's visible orders matching a filter without reading them all: one Query of
    its counter items (at most 9, one per day) and at most two COUNT Queries over partial hours,
    sent together, each only when the hour's counter says it holds a matching order."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client, self._table = client, table

    async def count(
        self, workflow_id: Id, history_filter: HistoryFilter, now: int, counts: HourCounts | None = None
    ) -> int:
        """`counts`: the workflow's counter items from the lower bound's day on, when already read."""
        bounds = history_bounds(history_filter, now)
        if bounds is None:
            return 0
        low, high = bounds
        plan = count_plan(low, high)
        if plan.whole and counts is None:
            counts = await self.counters(workflow_id, low // DAY, high // DAY)
        direction = history_filter.direction
        total = 0 if counts is None else counts.total(plan.whole, direction)
        ranges = [
            (first, last) for first, last in plan.partial if counts is None or counts.of(hour_of(first), direction) > 0
        ]

        def partial(first: int, last: int) -> HistoryFilter:
            return HistoryFilter(since=first, until=last, direction=direction)

        counted = [count_history(self._client, self._table, workflow_id, partial(*r), now) for r in ranges]
        if len(counted) == 2:
            return total + sum(await both(*counted))
        return total + (await counted[0] if counted else 0)

    async def counters(self, workflow_id: Id, first: int, last: int) -> HourCounts:
        """The workflow's counters of the days first..last: one Query of those items only."""
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "#workflow_id = :wid AND #sort_key BETWEEN :newest AND :oldest",
            "ExpressionAttributeNames": names("workflow_id", "sort_key"),
            "ExpressionAttributeValues": {
                ":wid": s(workflow_id),
                ":newest": s(counter_key(last)),
                ":oldest": s(counter_key(first)),
            },
            "ConsistentRead": True,
        }
        items = []
        while True:
            async with storage_errors("order count"):
                response = await self._client.query(**request)  # type: ignore[arg-type]
            items += response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return HourCounts.of_items(items)
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
