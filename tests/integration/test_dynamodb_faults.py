"""How the DynamoDB adapters behave when the storage throttles, fails, hangs, conflicts or lacks a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters.dynamodb import (
    DynamoDbOrderRepository,
    DynamoDbStorageHealth,
    DynamoDbWorkflowRepository,
    TableNames,
)
from adapters.storage_calls import GuardedStorageHealth, StorageCalls
from adapters.telemetry.metrics import Metrics
from builders import NOW, count_of, live_workflow, make_order, new_id
from domain.model.enums import OrderDirection
from domain.model.errors import DuplicateOrderIdError, StorageUnavailableError
from domain.model.history import HistoryFilter

if TYPE_CHECKING:
    from dynamodb_server import FaultProxy
    from types_aiobotocore_dynamodb.client import DynamoDBClient

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

BUY, SELL = OrderDirection.BUY, OrderDirection.SELL


def repositories(
    client: DynamoDBClient, tables: TableNames
) -> tuple[DynamoDbWorkflowRepository, DynamoDbOrderRepository]:
    return DynamoDbWorkflowRepository(client, tables.workflows), DynamoDbOrderRepository.on_tables(client, tables)


def fault(code: str, **extra: object) -> dict[str, object]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected", **extra}


def conflict_cancellation() -> dict[str, object]:
    reasons = [{"Code": "TransactionConflict", "Message": "injected"}, {"Code": "None"}, {"Code": "None"}]
    return fault("TransactionCanceledException", CancellationReasons=reasons)


async def test_throttling_that_survives_botocores_retries_is_storage_unavailable(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    _, orders = repositories(proxied_client, dynamodb_tables)
    faults.fail("GetItem", None, 400, fault("ProvisionedThroughputExceededException"))

    with pytest.raises(StorageUnavailableError):
        await orders.get(new_id())

    assert faults.calls["GetItem"] == 2  # botocore retried once (two attempts in all) before giving up


async def test_throttling_that_a_retry_cures_is_invisible(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    _, orders = repositories(proxied_client, dynamodb_tables)
    faults.fail("Scan", 1, 400, fault("ThrottlingException"))

    assert (await orders.latest(now=NOW)).orders == []
    assert faults.calls["Scan"] == 2


@pytest.mark.parametrize("code", ["InternalServerError", "ServiceUnavailable"])
async def test_a_server_error_is_storage_unavailable(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames, code: str
) -> None:
    workflows, _ = repositories(proxied_client, dynamodb_tables)
    faults.fail("GetItem", None, 500, fault(code))

    with pytest.raises(StorageUnavailableError):
        await workflows.get(new_id())


async def test_a_read_timeout_is_storage_unavailable(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    workflows, _ = repositories(proxied_client, dynamodb_tables)
    faults.hang("Scan")

    with pytest.raises(StorageUnavailableError):
        await workflows.list()


async def test_a_transaction_conflict_is_retried_and_the_order_is_recorded_once(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    workflows, orders = repositories(proxied_client, dynamodb_tables)
    workflow = await live_workflow(workflows)
    order = make_order(workflow)
    faults.calls.clear()
    faults.fail("TransactWriteItems", 2, 400, conflict_cancellation())

    await orders.add(order)

    assert faults.calls["TransactWriteItems"] == 3
    assert await orders.get(order.id) == order
    assert await count_of(orders, workflow.id, HistoryFilter(), now=NOW) == 1


async def test_a_write_applied_but_not_answered_in_time_is_retried_and_recognised_as_its_own(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    workflows, orders = repositories(proxied_client, dynamodb_tables)
    workflow = await live_workflow(workflows)
    order = make_order(workflow)
    faults.calls.clear()
    faults.lose_answers("TransactWriteItems", 1)

    await orders.add(order)  # the retry finds the id taken, by this very call: not a duplicate

    assert faults.calls["TransactWriteItems"] == 2
    assert await orders.get(order.id) == order
    assert await count_of(orders, workflow.id, HistoryFilter(), now=NOW) == 1


async def test_another_writer_of_the_same_id_is_still_a_duplicate(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> None:
    workflows, orders = repositories(dynamodb_client, dynamodb_tables)
    order = make_order(await live_workflow(workflows))
    await orders.add(order)

    with pytest.raises(DuplicateOrderIdError):
        await orders.add(order)


async def test_a_conflict_that_persists_is_storage_unavailable_and_writes_nothing(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    workflows, orders = repositories(proxied_client, dynamodb_tables)
    order = make_order(await live_workflow(workflows))
    faults.fail("TransactWriteItems", None, 400, conflict_cancellation())

    with pytest.raises(StorageUnavailableError):
        await orders.add(order)

    assert await orders.get(order.id) is None


async def test_health_gives_up_at_the_storage_deadline_when_the_storage_hangs(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    health = GuardedStorageHealth(
        DynamoDbStorageHealth(proxied_client, dynamodb_tables),
        StorageCalls(Metrics(), deadline=0.2),
    )
    faults.hang("GetItem")

    with pytest.raises(StorageUnavailableError):
        await health.check()


async def test_health_fails_when_a_table_is_missing(dynamodb_client: DynamoDBClient) -> None:
    missing = TableNames.for_prefix("never-created-")
    health = DynamoDbStorageHealth(dynamodb_client, missing)

    with pytest.raises(StorageUnavailableError):
        await health.check()


async def test_every_read_follows_last_evaluated_key_to_the_end_of_its_results(
    proxied_client: DynamoDBClient, faults: FaultProxy, dynamodb_tables: TableNames
) -> None:
    workflows, orders = repositories(proxied_client, dynamodb_tables)
    stored = [await live_workflow(workflows, name) for name in ("a", "b", "c", "d")]
    newest = [make_order(workflow, placed_at=NOW - position) for position, workflow in enumerate(stored)]
    mine = stored[0]
    history = [newest[0]]
    history += [make_order(mine, placed_at=NOW - 100 - i, direction=SELL if i % 2 else BUY) for i in range(7)]
    for order in {*newest, *history}:
        await orders.add(order)
    faults.page_size("Scan", 2)
    faults.page_size("Query", 2)
    faults.calls.clear()

    listed = await workflows.list()
    latest = (await orders.latest(now=NOW)).orders
    counted = await count_of(orders, mine.id, HistoryFilter(direction=SELL), now=NOW)
    page = await orders.page(mine.id, HistoryFilter(direction=BUY), now=NOW, limit=10)

    assert [w.name for w in listed] == ["a", "b", "c", "d"]
    assert [o.workflow_id for o in latest] == [w.id for w in stored]
    assert counted == 3
    assert page.orders == [o for o in history if o.order_direction is BUY]
    # 8 items (4 workflows, 4 name guards) in pages of 2; 8 orders in partition "a" in pages of 2.
    assert faults.calls["Scan"] >= 2 * 4
    assert faults.calls["Query"] >= 4 + 4
