"""What each DynamoDB adapter method costs in requests, counted on the client's event hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from builders import (
    NOW,
    add_all,
    count_of,
    live_workflow,
    make_draft,
    make_order,
    make_spec,
    make_workflow,
    new_id,
)
from domain.model.enums import OrderDirection
from domain.model.history import HistoryFilter
from domain.use_cases.record_order import RecordOrder

if TYPE_CHECKING:
    from dynamodb_server import RequestLog
    from types_aiobotocore_dynamodb.client import DynamoDBClient

from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames
from adapters.dynamodb.revisions import DynamoDbRevisions
from adapters.workflow_stamps import RememberedWorkflowStamps

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

EVERYTHING = HistoryFilter()
BUY, SELL = OrderDirection.BUY, OrderDirection.SELL


async def test_recording_is_one_transaction_and_an_order_by_id_is_one_get_item(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
) -> None:
    order = make_order(await live_workflow(workflow_repository))
    request_log.clear()

    await order_repository.add(order)
    assert request_log.calls == [("TransactWriteItems", "")]

    request_log.clear()
    assert await order_repository.get(order.id) == order
    assert request_log.calls == [("GetItem", dynamodb_tables.order_ids)]


async def test_a_late_older_order_costs_a_second_transaction_and_is_still_written(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    request_log: RequestLog,
) -> None:
    workflow = await live_workflow(workflow_repository)
    newer, late = make_order(workflow, placed_at=NOW), make_order(workflow, placed_at=NOW - 60)
    await order_repository.add(newer)
    request_log.clear()

    await order_repository.add(late)

    assert request_log.operations() == {"TransactWriteItems": 2}
    assert (await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)).orders == [newer, late]
    assert (await order_repository.latest(now=NOW)).orders == [newer]


@pytest.fixture
async def fifty_orders(
    workflow_repository: DynamoDbWorkflowRepository, order_repository: DynamoDbOrderRepository, request_log: RequestLog
) -> str:
    """A workflow with 50 orders, one second apart; the request log starts empty after them."""
    workflow = await live_workflow(workflow_repository)
    await add_all(order_repository, *(make_order(workflow, placed_at=NOW - i) for i in range(50)))
    request_log.clear()
    return workflow.id


async def test_a_first_history_page_reads_its_counters_and_its_orders_in_one_query(
    fifty_orders: str, order_repository: DynamoDbOrderRepository, dynamodb_tables: TableNames, request_log: RequestLog
) -> None:
    first = await order_repository.page(fifty_orders, EVERYTHING, now=NOW, limit=20)
    first_calls = list(request_log.calls)
    request_log.clear()
    again = await order_repository.page(fifty_orders, EVERYTHING, now=NOW, limit=20)

    assert (len(first.orders), first.total_count) == (len(again.orders), again.total_count) == (20, 50)
    # The marker that says the counters are complete is read once per process (until it is found).
    assert first_calls == [("GetItem", dynamodb_tables.orders), ("Query", dynamodb_tables.orders)]
    assert request_log.calls == [("Query", dynamodb_tables.orders)]


async def test_a_filtered_page_reads_past_non_matching_orders_and_never_promises_an_empty_page(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    request_log: RequestLog,
) -> None:
    # Query's Limit counts items before the filter: 30 newer SELLs hide the 3 BUYs from a first read.
    workflow = await live_workflow(workflow_repository)
    buys = [make_order(workflow, placed_at=NOW - 100 - i, direction=BUY) for i in range(3)]
    await add_all(
        order_repository, *buys, *(make_order(workflow, placed_at=NOW - i, direction=SELL) for i in range(30))
    )
    only_buys = HistoryFilter(direction=BUY, until=NOW)  # with `until`, the Query reads orders only
    request_log.clear()

    first = await order_repository.page(workflow.id, only_buys, now=NOW, limit=2)
    reads = request_log.operations()["Query"]
    rest = await order_repository.page(workflow.id, only_buys, now=NOW, limit=2, after=first.next_position)

    assert first.orders == buys[:2]
    assert first.next_position is not None
    assert (rest.orders, rest.next_position) == (buys[2:], None)
    # More than one read, but the page's reads grow geometrically (4 here); with the count (the
    # counters, and a COUNT of the orders of the hour `until` falls in), 6.
    assert 1 < reads <= 6


@pytest.mark.parametrize("workflows", [3, 100])
async def test_listing_workflows_and_latest_cost_one_scan_each_whatever_the_number_of_workflows(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
    workflows: int,
) -> None:
    stored = [await live_workflow(workflow_repository, f"workflow {i:03d}") for i in range(workflows)]
    await add_all(order_repository, *(make_order(w, placed_at=NOW - i) for i, w in enumerate(stored)))
    request_log.clear()

    listed = await workflow_repository.list()
    latest = (await order_repository.latest(now=NOW)).orders

    assert [w.id for w in listed] == [w.id for w in stored]
    assert [o.workflow_id for o in latest] == [w.id for w in stored]
    assert request_log.calls == [("Scan", dynamodb_tables.workflows)] * 2


async def test_no_repository_method_scans_the_orders_or_order_ids_tables(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
) -> None:
    workflow = await live_workflow(workflow_repository)
    order = make_order(workflow)
    await order_repository.add(order)
    await order_repository.get(order.id)
    await order_repository.page(workflow.id, HistoryFilter(direction=SELL), now=NOW, limit=5)
    await count_of(order_repository, workflow.id, HistoryFilter(since=NOW - 10), now=NOW)
    await order_repository.latest(now=NOW)
    await workflow_repository.list(True)
    await workflow_repository.replace(workflow.replaced_by(workflow.spec, NOW + 1))
    await workflow_repository.delete(workflow.id, now=NOW)

    scanned = {table for operation, table in request_log.calls if operation == "Scan"}
    assert scanned == {dynamodb_tables.workflows}
    # Two pages, each one Query (the page holds every match: it is the count); the counters' marker once.
    assert request_log.on(dynamodb_tables.orders) == {"Query": 2, "GetItem": 1}


class FixedClock:
    def now(self) -> int:
        return NOW


class NoIds:
    def new_id(self) -> str:
        raise AssertionError("the draft carries its id")


async def test_recording_through_the_use_case_is_one_transaction_once_the_workflow_name_is_known(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    request_log: RequestLog,
) -> None:
    workflow = await live_workflow(workflow_repository)
    record = RecordOrder(RememberedWorkflowStamps(workflow_repository), order_repository, FixedClock(), NoIds())
    first = make_draft(order_quantity=Decimal("2"), id=new_id(), placed_at=NOW - 9)
    second = make_draft(order_price=Decimal("7851"), order_quantity=Decimal("1"), id=new_id(), placed_at=NOW)
    request_log.clear()

    created = await record.execute(workflow.id, first)
    assert request_log.operations() == {"GetItem": 1, "TransactWriteItems": 1}
    request_log.clear()
    await record.execute(workflow.id, second)
    assert request_log.operations() == {"TransactWriteItems": 1}

    # Strongly consistent reads by id: a replay right after the write (even after a delete) finds it.
    await workflow_repository.delete(workflow.id, now=NOW)
    request_log.clear()
    replayed = await record.execute(workflow.id, first)

    assert (created.created, replayed.created) == (True, False)
    assert replayed.order == created.order
    assert request_log.operations() == {"TransactWriteItems": 1, "GetItem": 1}  # refused write, then the read


async def test_each_workflow_write_is_one_transaction_after_at_most_one_read(
    workflow_repository: DynamoDbWorkflowRepository, request_log: RequestLog
) -> None:
    workflow = make_workflow("Breakout")
    costs = []
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: workflow_repository.add(workflow),
        lambda: workflow_repository.get(workflow.id),
        lambda: workflow_repository.replace(workflow.replaced_by(make_spec("Renamed"), NOW + 1)),
        lambda: workflow_repository.delete(workflow.id, now=NOW),
    ]
    for call in calls:
        request_log.clear()
        await call()
        costs.append(dict(request_log.operations()))

    assert costs == [
        {"TransactWriteItems": 1},
        {"GetItem": 1},
        {"GetItem": 1, "TransactWriteItems": 1},
        {"GetItem": 1, "TransactWriteItems": 1},
    ]


async def test_a_workflow_revision_is_one_get_item_and_one_query_of_one_item_whatever_the_orders(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
) -> None:
    workflow = await live_workflow(workflow_repository)
    await add_all(order_repository, *(make_order(workflow, placed_at=NOW - n) for n in range(40)))
    revisions = DynamoDbRevisions(
        dynamodb_client, workflows_table=dynamodb_tables.workflows, orders_table=dynamodb_tables.orders
    )
    queries: list[dict[str, object]] = []
    dynamodb_client.meta.events.register(
        "provide-client-params.dynamodb.Query", lambda params, **_: queries.append(params)
    )
    request_log.clear()

    revision = await revisions.of_workflow(workflow.id, now=NOW)

    assert revision.orders_recorded == 40
    assert sorted(request_log.calls) == [("GetItem", dynamodb_tables.workflows), ("Query", dynamodb_tables.orders)]
    assert [query["Limit"] for query in queries] == [1]
