"""Order records in DynamoDB: a workflow's orders by sort key, a guard copy by id, latest on the workflow."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from adapters.dynamodb.errors import storage_errors
from adapters.dynamodb.expressions import names
from adapters.dynamodb.feed import FeedWriter
from adapters.dynamodb.history_pages import HistoryPages
from adapters.dynamodb.mapping import item_to_order, n, order_to_item, s
from adapters.dynamodb.order_steps import WRITER, OrderWriteSteps, is_newer, stamped_as, stamps_as
from adapters.dynamodb.scans import scanned_items
from adapters.dynamodb.time_index import TimeIndexReader
from adapters.dynamodb.transactions import CONFLICT_ATTEMPTS, failed, old_item, transact
from domain.model.enums import OrderDirection
from domain.model.errors import (
    DuplicateOrderIdError,
    StaleWorkflowError,
    StorageUnavailableError,
    WorkflowNotFoundError,
)
from domain.model.history import HistoryFilter, HistoryPage, LatestPage, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow
from ports.orders import OrderRepository

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

    from adapters.dynamodb.tables import TableNames


class DynamoDbOrderRepository(OrderRepository):
    """OrderRepository on five tables (see adapters.dynamodb.tables).

    add: one TransactWriteItems of [workflow Update, order Put, id-guard Put, time-index Put, hour
    counter Update, feed Put].
    The workflow step counts the order in `recorded` and takes it as the workflow's `latest` only if it sorts after
    the current one; when that condition is what failed (a late, older order), the transaction is
    sent again with an Update that only counts, so the older order is still written. `latest_sk` only ever
    grows, so that second attempt needs no condition on it. The reason a workflow condition failed
    comes from ReturnValuesOnConditionCheckFailure=ALL_OLD, without a second read.

    get: a strongly consistent GetItem on the id guard, which holds the whole order.
    page: Query on one workflow's partition, newest first; the visibility lower bound and
    since/until are a key condition on the sort key, direction and `ttl > now` are filters. Its
    total_count from the workflow's hour counters (adapters.dynamodb.history_pages).
    latest: a paginated Scan of the workflows table, projecting each workflow's `latest` copy.
    window: Queries on the time index, one day partition after the other, newest first.
    """

    def __init__(
        self,
        client: DynamoDBClient,
        *,
        orders_table: str,
        order_ids_table: str,
        workflows_table: str,
        by_time_table: str,
        feed: FeedWriter | None = None,
    ) -> None:
        """Without `feed`, no feed entries are written (tools that never serve streams)."""
        self._client = client
        self._orders, self._ids, self._workflows = orders_table, order_ids_table, workflows_table
        self.steps = OrderWriteSteps(
            orders_table=orders_table,
            order_ids_table=order_ids_table,
            workflows_table=workflows_table,
            by_time_table=by_time_table,
        )
        """The steps of an order's write transaction (import writes orders with them too)."""
        self._time_index = TimeIndexReader(client, by_time_table)
        self._history = HistoryPages(client, orders_table)
        self._feed = feed

    @classmethod
    def on_tables(
        cls, client: DynamoDBClient, tables: TableNames, feed: FeedWriter | None = None
    ) -> DynamoDbOrderRepository:
        """The repository over the tables of one prefix."""
        return cls(
            client,
            orders_table=tables.orders,
            order_ids_table=tables.order_ids,
            workflows_table=tables.workflows,
            by_time_table=tables.by_time,
            feed=feed,
        )

    async def add(self, order: WorkflowOrder) -> None:
        write_token = uuid.uuid4().hex
        item = {**order_to_item(order), WRITER: s(write_token)}
        take_latest = True
        for _ in range(CONFLICT_ATTEMPTS):
            step = self.steps.workflow_step(order, item, take_latest, *stamped_as(order))
            steps = [step, *self.steps.order_writes(order, item)]
            stamped = 0
            if self._feed is not None:
                stamped = self._feed.stamp()
                steps.append(self._feed.put(order, item, stamped))
            reasons = await transact(self._client, steps, "record order")
            if reasons is None:
                if self._feed is not None:
                    await self._feed.announce_late(order, item, stamped)
                return
            if failed(reasons, 1) or failed(reasons, 2):
                if await self.written_by(order.id, write_token, old_item(reasons, 2)):
                    # botocore retried a transaction whose first try was applied but not answered
                    # in time (ClientRequestToken makes that idempotent on AWS; emulators differ).
                    return
                raise DuplicateOrderIdError(order.id)
            workflow = old_item(reasons, 0)
            if workflow is None or "deleted" in workflow:
                raise WorkflowNotFoundError(order.workflow_id)
            if not stamps_as(workflow, order):
                raise StaleWorkflowError(order.workflow_id)
            # Live, and still stamping orders so: what failed is "only if newer". latest_sk only grows,
            # so the order can be written without touching it (checked, in case the reason was another).
            take_latest = is_newer(order, workflow)
        raise StorageUnavailableError("The workflow kept changing while recording; try again shortly.")

    async def written_by(self, order_id: Id, write_token: str, stored: dict[str, Any] | None) -> bool:
        """True when the stored order with this id was written by the add() holding `write_token`.

        `stored` is the id guard as the refused transaction saw it; it is read only when missing.
        """
        if stored is not None:
            return bool(stored.get(WRITER) == s(write_token))
        async with storage_errors("get order"):
            response = await self._client.get_item(
                TableName=self._ids, Key={"id": s(order_id)}, ConsistentRead=True, ProjectionExpression=WRITER
            )
        return response.get("Item", {}).get(WRITER) == s(write_token)

    async def get(self, order_id: Id) -> WorkflowOrder | None:
        async with storage_errors("get order"):
            response = await self._client.get_item(TableName=self._ids, Key={"id": s(order_id)}, ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else item_to_order(item)

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
    ) -> HistoryPage:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        return await self._history.page(workflow_id, history_filter, now, limit, after)

    async def orders_after(
        self, workflow_id: Id, history_filter: HistoryFilter, now: int, limit: int, after: Position | None
    ) -> tuple[list[WorkflowOrder], Position | None]:
        """Up to `limit` visible matching orders strictly after `after` (no count: what the export reads)."""
        return await self._history.orders_after(workflow_id, history_filter, now, limit, after)

    async def latest(
        self, *, now: int, direction: OrderDirection | None = None, limit: int | None = None
    ) -> LatestPage:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        newest = await self._newest_of_every_workflow(now)
        if direction is not None:
            newest = [order for order in newest if order.order_direction == direction]
        return LatestPage(newest if limit is None else newest[:limit], len(newest))

    async def _newest_of_every_workflow(self, now: int) -> list[WorkflowOrder]:
        request: dict[str, Any] = {
            "TableName": self._workflows,
            "ConsistentRead": True,
            "ProjectionExpression": "#latest",
            "FilterExpression": "attribute_exists(#latest) AND #latest.#ttl > :now",
            "ExpressionAttributeNames": names("latest", "ttl"),
            "ExpressionAttributeValues": {":now": n(now)},
        }
        newest = [
            item_to_order(item["latest"]["M"]) async for item in scanned_items(self._client, request, "latest orders")
        ]
        return sorted(newest, key=lambda order: order.sort_key, reverse=True)

    async def window(
        self, window: OrderWindow, *, now: int, limit: int, after: Position | None = None
    ) -> list[WorkflowOrder]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        return await self._time_index.window(window, now=now, limit=limit, after=after)
