"""Bounded history counts on DynamoDB: what each request of a history page reads (its ScannedCount),
the exact total_count from the hour counters, the import that writes them and the backfill that
builds them for orders recorded before them."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from dynamodb_server import delete_table, order_repository_for
from service_process import dynamodb_settings, run_command, service_env

from adapters.dynamodb import DynamoDbOrderRepository, TableNames, create_tables
from adapters.dynamodb.archive import DynamoDbArchive
from adapters.dynamodb.counter_readiness import MARKER_KEY
from adapters.dynamodb.hour_counts import COUNTED, counter_update
from adapters.dynamodb.mapping import order_sort_key, order_to_item, s
from builders import NOW, live_workflow, make_order
from domain.model.enums import OrderDirection
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.order import RETENTION_SECONDS, WorkflowOrder, oldest_visible_placed_at
from domain.model.workflow import Workflow
from ports.workflows import WorkflowRepository

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

BUY, SELL = OrderDirection.BUY, OrderDirection.SELL
HOUR = 3_600
MOST_COUNTER_ITEMS = 9
"""One counter item per UTC day: 7 days, the day the visibility bound falls in, the day after."""


@dataclass
class ReadLog:
    """Per Query sent while attached: how many items it read (ScannedCount), how many of them
    were counter items (they come back as Items: no filter removes them)."""

    reads: list[tuple[int, int]] = field(default_factory=list)

    def record(self, parsed: dict[str, Any], **_: Any) -> None:
        counters = sum(1 for item in parsed.get("Items", []) if "day" in item and "id" not in item)
        self.reads.append((parsed["ScannedCount"], counters))


@pytest.fixture
def read_log(dynamodb_client: DynamoDBClient) -> Any:
    log = ReadLog()
    event = "after-call.dynamodb.Query"
    dynamodb_client.meta.events.register(event, log.record, unique_id=f"reads-{id(log)}")
    yield log
    dynamodb_client.meta.events.unregister(event, unique_id=f"reads-{id(log)}")


def spread_over_the_week(workflow: Workflow, count: int) -> list[WorkflowOrder]:
    """`count` orders from the oldest visible second to the newest, evenly; every third one a BUY;
    and five that expired already (still stored: nothing relies on TTL having removed them)."""
    low, step = oldest_visible_placed_at(NOW), (RETENTION_SECONDS - 60) // count
    visible = [
        make_order(workflow, placed_at=low + i * step, direction=BUY if i % 3 == 0 else SELL) for i in range(count)
    ]
    return visible + [make_order(workflow, placed_at=low - 1 - i * 977) for i in range(5)]


async def write_in_bulk(
    client: DynamoDBClient, tables: TableNames, orders: list[WorkflowOrder], *, counted: bool
) -> None:
    """The orders table's items, written in bulk: as releases before the counters wrote them, or
    (`counted`) as this one does, with the counter updates their transactions make, summed per day
    (moto copies every table on each transaction: 2,000 of them would take many minutes)."""
    mark = {COUNTED: {"BOOL": True}} if counted else {}
    items = [{**order_to_item(o), "sort_key": s(order_sort_key(o.placed_at, o.id)), **mark} for o in orders]
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        pending: Any = {tables.orders: batch}
        while pending:
            pending = (await client.batch_write_item(RequestItems=pending)).get("UnprocessedItems")
    if counted:
        by_day: dict[tuple[str, int], Counter[tuple[int, OrderDirection]]] = {}
        for order in orders:
            day = by_day.setdefault((order.workflow_id, order.placed_at // 86_400), Counter())
            day[(order.placed_at // HOUR, order.order_direction)] += 1
        for (workflow_id, day_number), counts in by_day.items():
            await client.update_item(**counter_update(tables.orders, Id(workflow_id), day_number, counts)["Update"])


def filters(now: int = NOW) -> list[HistoryFilter]:
    day = 86_400
    return [
        HistoryFilter(),
        HistoryFilter(direction=BUY),
        HistoryFilter(since=now - 3 * day + 123),
        HistoryFilter(until=now - day - 77, direction=SELL),
        HistoryFilter(since=now - 5 * day + 1000, until=now - 2 * day + 555),
        HistoryFilter(since=now - 4 * day + 100, until=now - 4 * day + 3000),  # inside one hour
        HistoryFilter(since=now - 6 * day - now % HOUR, until=now - 5 * day - now % HOUR - 1),  # whole hours
    ]


def expected(orders: list[WorkflowOrder], history_filter: HistoryFilter, now: int) -> list[WorkflowOrder]:
    matching = [order for order in orders if order.is_visible(now) and history_filter.matches(order)]
    return sorted(matching, key=lambda order: order.sort_key, reverse=True)


async def check_pages(
    repository: DynamoDbOrderRepository, stored: list[WorkflowOrder], read_log: ReadLog, *, limit: int, nows: list[int]
) -> None:
    """First and second pages, every filter, at each `now`: exact counts and orders, and no Query
    reading more than one hour's orders + what the page needs (twice over for a thinned page)."""
    workflow_id = stored[0].workflow_id
    most_orders = (
        max(Counter(order.placed_at // HOUR for order in stored).values()) + 2 * (limit + 2) + MOST_COUNTER_ITEMS
    )
    for now in nows:
        for history_filter in filters():
            wanted = expected(stored, history_filter, now)
            read_log.reads.clear()
            first = await repository.page(workflow_id, history_filter, now=now, limit=limit)
            pages = [first]
            if first.next_position is not None:
                pages.append(
                    await repository.page(workflow_id, history_filter, now=now, limit=limit, after=first.next_position)
                )
            where = f"{history_filter} at {now}"
            assert [page.total_count for page in pages] == [len(wanted)] * len(pages), where
            assert first.orders == wanted[:limit], where
            if len(pages) == 2:
                assert pages[1].orders == wanted[limit : 2 * limit], where
            for scanned, counters in read_log.reads:
                assert counters <= MOST_COUNTER_ITEMS, where
                assert scanned - counters <= most_orders, (where, scanned, counters)


@pytest.mark.parametrize(("orders", "limit"), [(20, 5), (2_000, 20)])
async def test_every_query_of_a_history_page_reads_at_most_an_hour_of_orders_and_the_count_is_exact(
    workflow_repository: WorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
    read_log: ReadLog,
    orders: int,
    limit: int,
) -> None:
    workflow = await live_workflow(workflow_repository)
    stored = spread_over_the_week(workflow, orders)
    # Late orders (placed long before the newest), one in the hour the visibility bound reaches next.
    stored += [
        make_order(workflow, placed_at=NOW - 3 * 86_400 + 7, direction=BUY),
        make_order(workflow, placed_at=oldest_visible_placed_at(NOW) + 1500, direction=SELL),
        make_order(workflow, placed_at=NOW - 86_400 - 100, direction=BUY),
    ]
    if orders > 100:
        await write_in_bulk(dynamodb_client, dynamodb_tables, stored, counted=True)
    else:
        for order in stored:  # each in its own transaction, the late ones last
            await order_repository.add(order)

    # At NOW, and later: the visibility bound moves inside an hour, then across hours of orders.
    await check_pages(order_repository, stored, read_log, limit=limit, nows=[NOW, NOW + 1234, NOW + 5 * HOUR + 17])


async def test_the_import_writes_the_counters_and_a_round_trip_keeps_every_count(
    workflow_repository: WorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    archive: DynamoDbArchive,
    dynamodb_client: DynamoDBClient,
    read_log: ReadLog,
) -> None:
    workflow = await live_workflow(workflow_repository)
    stored = spread_over_the_week(workflow, 40)
    for order in stored:
        await order_repository.add(order)
    prefix = f"copy{uuid.uuid4().hex[:8]}-"
    await create_tables(dynamodb_client, prefix)
    copy = TableNames.for_prefix(prefix)
    try:
        copied = order_repository_for(dynamodb_client, copy)
        into = DynamoDbArchive(dynamodb_client, copy.workflows, copied)
        for archived in await archive.workflows(now=NOW):
            await into.restore_workflow(archived, keep_until=NOW + RETENTION_SECONDS)
        after: Position | None = None
        while True:
            batch = await archive.orders(workflow.id, now=NOW, limit=7, after=after)
            for order in batch.orders:
                await into.restore_order(order)
            if (after := batch.next_position) is None:
                break
        await check_pages(copied, stored, read_log, limit=4, nows=[NOW, NOW + 2 * HOUR])
    finally:
        for table in copy.all():
            await delete_table(dynamodb_client, table)


async def test_create_tables_repair_builds_the_counters_for_orders_recorded_before_them(
    workflow_repository: WorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_endpoint: str,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
    read_log: ReadLog,
    tmp_path: Any,
) -> None:
    # A deployment from before the counters: its orders have none, and no marker says they are complete.
    await dynamodb_client.delete_item(TableName=dynamodb_tables.orders, Key=MARKER_KEY)
    now = int(time.time())
    workflow = await live_workflow(workflow_repository)
    old = [make_order(workflow, placed_at=now - i * 9_000, direction=BUY if i % 2 else SELL) for i in range(30)]
    await write_in_bulk(dynamodb_client, dynamodb_tables, old, counted=False)
    new = make_order(workflow, placed_at=now - 4_321, direction=BUY)  # by this release, counted at once
    await order_repository.add(new)
    stored = [*old, new]
    before = order_repository_for(dynamodb_client, dynamodb_tables)

    # Until the counters are complete, counts read every matching order: slow, never wrong.
    read_log.reads.clear()
    assert (await before.page(workflow.id, HistoryFilter(), now=now, limit=3)).total_count == 31
    assert max(scanned for scanned, _ in read_log.reads) >= 31

    prefix = dynamodb_tables.orders.removesuffix("workflow_orders")
    env = service_env(tmp_path / "unused.db", dynamodb_settings(dynamodb_endpoint, prefix))
    checked = await asyncio.to_thread(run_command, ["create-tables"], env, 120)
    repaired = await asyncio.to_thread(run_command, ["create-tables", "--repair"], env, 120)
    again = await asyncio.to_thread(run_command, ["create-tables", "--repair"], env, 120)

    assert f"{dynamodb_tables.orders}: hour counters not built yet" in checked.stdout, checked.stderr
    assert f"{dynamodb_tables.orders}: hour counters complete (30 orders counted now)" in repaired.stdout
    assert f"{dynamodb_tables.orders}: hour counters complete (0 orders counted now)" in again.stdout
    after = order_repository_for(dynamodb_client, dynamodb_tables)
    for history_filter in filters(now):
        read_log.reads.clear()
        page = await after.page(workflow.id, history_filter, now=now, limit=3)
        assert page.total_count == len(expected(stored, history_filter, now)), history_filter
        assert all(
            scanned - counters
            <= max(Counter(order.placed_at // HOUR for order in stored).values()) + 10 + MOST_COUNTER_ITEMS
            for scanned, counters in read_log.reads
        )
