"""History pages on DynamoDB: the Query of a workflow's orders, newest first, and the page's total_count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.dynamodb.concurrency import both
from adapters.dynamodb.counter_readiness import CountersReadiness
from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.history_count import HistoryCounter
from adapters.dynamodb.history_query import count_history, history_bounds, history_query
from adapters.dynamodb.hour_counts import HourCounts, counter_days, is_counter
from adapters.dynamodb.mapping import item_to_order
from domain.model.history import HistoryFilter, HistoryPage, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

_MAX_QUERY_LIMIT = 1000


class HistoryPages:
    """A page is one Query (more only when filters thin it out); its total_count comes from the
    workflow's hour counters (adapters.dynamodb.history_count): a first page without `until` reads
    them in its own Query, after them its orders; when the page holds every match, the count is the
    page's length. Until the counters include every order (counter_readiness), a COUNT of all matches.
    """

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client, self._table = client, table
        self._counter = HistoryCounter(client, table)
        self._counters_complete = CountersReadiness(client, table)

    async def page(
        self, workflow_id: Id, history_filter: HistoryFilter, now: int, limit: int, after: Position | None
    ) -> HistoryPage:
        """OrderRepository.page (limit >= 1)."""
        if not await self._counters_complete.complete():
            # Orders from before the counters are not in them yet: count every matching order.
            (orders, next_position), total = await both(
                self.orders_after(workflow_id, history_filter, now, limit, after),
                count_history(self._client, self._table, workflow_id, history_filter, now),
            )
            return HistoryPage(orders, next_position, total)
        if after is None and history_filter.until is None:
            # One Query reads the counter items from the lower bound's day on, then the page's orders.
            orders, next_position, counts = await self._read(workflow_id, history_filter, now, limit, None, True)
            if next_position is None:  # every matching order is on this page
                return HistoryPage(orders, None, len(orders))
            total = await self._counter.count(workflow_id, history_filter, now, HourCounts.of_items(counts))
            return HistoryPage(orders, next_position, total)
        (orders, next_position), total = await both(
            self.orders_after(workflow_id, history_filter, now, limit, after),
            self._counter.count(workflow_id, history_filter, now),
        )
        return HistoryPage(orders, next_position, total)

    async def orders_after(
        self, workflow_id: Id, history_filter: HistoryFilter, now: int, limit: int, after: Position | None
    ) -> tuple[list[WorkflowOrder], Position | None]:
        """Up to `limit` visible matching orders strictly after `after`, and the next position."""
        orders, next_position, _ = await self._read(workflow_id, history_filter, now, limit, after, False)
        return orders, next_position

    async def _read(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        now: int,
        limit: int,
        after: Position | None,
        with_counters: bool,
    ) -> tuple[list[WorkflowOrder], Position | None, list[Any]]:
        """The page, and the hour counter items the Query met (with_counters: all of them, read first)."""
        request = history_query(self._table, workflow_id, history_filter, now, after, with_counters=with_counters)
        if request is None:
            return [], None, []
        # The counter items come first; then Limit counts orders read before the filter: read on
        # until limit + 1 match or none remain, doubling Limit.
        orders_limit = limit + 2
        counter_items = 0
        if with_counters and (bounds := history_bounds(history_filter, now)) is not None:
            counter_items = counter_days(bounds[0], now)
        request["Limit"] = orders_limit + counter_items
        found: list[WorkflowOrder] = []
        counters: list[Any] = []
        while len(found) <= limit:
            async with storage_errors("order history"):
                response = await self._client.query(**request)
            for item in response.get("Items", []):
                if is_counter(item):
                    counters.append(item)
                    continue
                order = item_to_order(item)
                if after is None or after.is_after(order):
                    found.append(order)
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            orders_limit = min(orders_limit * 2, _MAX_QUERY_LIMIT)
            request["Limit"] = orders_limit
        if len(found) <= limit:
            return found, None, counters
        last = found[limit - 1]
        return found[:limit], Position(last.placed_at, last.id), counters
