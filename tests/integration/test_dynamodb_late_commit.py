"""The DynamoDB feed's second entry for an order whose transaction committed late (adapters.dynamodb.
feed.FeedWriter.announce_late, called by DynamoDbOrderRepository.add): what it is for, on the real
protocol server, with the feed's clocks scripted (the only fakes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames
from adapters.dynamodb.feed import SETTLE_SECONDS, DynamoDbOrderFeed, FeedWriter, boundary
from builders import NOW, live_workflow, make_order
from domain.model.feed import EventPoint, StreamFilter
from domain.use_cases.order_stream import OrderStream

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

STAMPED = NOW * 1000
SETTLE_MS = int(SETTLE_SECONDS * 1000)


class AtNow:
    """The domain clock at NOW, when the orders recorded here are visible."""

    def now(self) -> int:
        return NOW


class CommitClock:
    """The writer's clock: `STAMPED` when the transaction is stamped, `commit_ms` later from then on
    (when the commit is acknowledged)."""

    def __init__(self, commit_ms: int) -> None:
        self._calls, self._commit_ms = 0, commit_ms

    def __call__(self) -> int:
        self._calls += 1
        return STAMPED if self._calls == 1 else STAMPED + self._commit_ms


async def record_one(client: DynamoDBClient, tables: TableNames, commit_ms: int) -> str:
    workflow = await live_workflow(DynamoDbWorkflowRepository(client, tables.workflows))
    orders = DynamoDbOrderRepository.on_tables(client, tables, FeedWriter(client, tables.feed, CommitClock(commit_ms)))
    order = make_order(workflow)
    await orders.add(order)
    return order.id


def reader(client: DynamoDBClient, tables: TableNames) -> DynamoDbOrderFeed:
    """A feed read well after both entries settled."""
    return DynamoDbOrderFeed(client, tables.feed, lambda: STAMPED + 10 * SETTLE_MS)


async def test_an_order_committed_after_readers_passed_its_stamp_reaches_them_by_a_second_entry(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> None:
    order_id = await record_one(dynamodb_client, dynamodb_tables, commit_ms=2 * SETTLE_MS)
    feed = reader(dynamodb_client, dynamodb_tables)
    # Where a live reader was when the commit landed: past the stamp, by the settling time.
    passed = boundary(STAMPED + SETTLE_MS)

    after_the_stamp = await feed.read(passed, now=NOW, limit=10)
    from_before = await feed.read(boundary(STAMPED - 1), now=NOW, limit=10)

    assert [entry.order.id for entry in after_the_stamp.entries] == [order_id]
    assert [entry.order.id for entry in from_before.entries] == [order_id, order_id]


async def test_an_order_committed_in_time_has_one_entry(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> None:
    order_id = await record_one(dynamodb_client, dynamodb_tables, commit_ms=SETTLE_MS // 10)

    from_before = await reader(dynamodb_client, dynamodb_tables).read(boundary(STAMPED - 1), now=NOW, limit=10)

    assert [entry.order.id for entry in from_before.entries] == [order_id]


async def test_a_stream_that_reads_both_entries_gives_the_order_once(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> None:
    order_id = await record_one(dynamodb_client, dynamodb_tables, commit_ms=2 * SETTLE_MS)
    feed = reader(dynamodb_client, dynamodb_tables)
    stream = OrderStream(feed, AtNow(), max_subscribers=1, buffer=10)
    try:
        store = await feed.store_id()
        subscription = await stream.subscribe(StreamFilter(), resume=EventPoint(store, boundary(STAMPED - 1)))

        batch = await subscription.next_batch()

        assert batch is not None
        assert [entry.order.id for entry in batch] == [order_id]
    finally:
        stream.end_all()
