"""What the DynamoDB adapters promise beyond the port contract: tables, concurrency, storage form."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames, create_tables
from builders import (
    NOW,
    add_all,
    count_of,
    live_workflow,
    make_order,
    make_workflow,
    newest_first,
)
from domain.model.enums import OrderDirection
from domain.model.errors import DuplicateOrderIdError, WorkflowNameTakenError
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

EVERYTHING = HistoryFilter()
BUY, SELL = OrderDirection.BUY, OrderDirection.SELL


async def test_create_tables_is_idempotent_and_makes_tables_with_pitr_deletion_protection_and_ttl(
    dynamodb_client: DynamoDBClient,
) -> None:
    first = await create_tables(dynamodb_client, "idempotent-")
    again = await create_tables(dynamodb_client, "idempotent-")

    names = TableNames.for_prefix("idempotent-").all()
    assert [(t.name, t.created, t.safe, t.repaired) for t in first] == [(name, True, True, ()) for name in names]
    assert [(t.name, t.created, t.safe, t.repaired) for t in again] == [(name, False, True, ()) for name in names]
    assert str(first[0]) == (
        "created idempotent-workflows: point-in-time recovery on, deletion protection on, TTL on ttl on"
    )
    for name in names:
        await assert_protected(dynamodb_client, name)


async def assert_protected(client: DynamoDBClient, name: str) -> None:
    """What DynamoDB itself says about the table: on-demand, PITR, deletion protection and TTL on."""
    table = (await client.describe_table(TableName=name))["Table"]
    ttl = (await client.describe_time_to_live(TableName=name))["TimeToLiveDescription"]
    backups = (await client.describe_continuous_backups(TableName=name))["ContinuousBackupsDescription"]
    assert table["TableStatus"] == "ACTIVE"
    assert table.get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST"
    assert table.get("DeletionProtectionEnabled") is True
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert (ttl.get("TimeToLiveStatus"), ttl.get("AttributeName")) == ("ENABLED", "ttl")


async def test_create_tables_reports_a_table_left_unprotected_and_repairs_it_only_when_asked(
    dynamodb_client: DynamoDBClient,
) -> None:
    await create_tables(dynamodb_client, "unsafe-")
    orders = TableNames.for_prefix("unsafe-").orders
    await dynamodb_client.update_table(TableName=orders, DeletionProtectionEnabled=False)
    await dynamodb_client.update_continuous_backups(
        TableName=orders, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )

    checked = {t.name: t for t in await create_tables(dynamodb_client, "unsafe-")}
    assert not checked[orders].safe
    assert (checked[orders].point_in_time_recovery, checked[orders].deletion_protection) == (False, False)
    assert str(checked[orders]).endswith("(run create-tables --repair to turn it on)")
    assert "point-in-time recovery OFF, deletion protection OFF" in str(checked[orders])
    assert [t.safe for name, t in checked.items() if name != orders] == [True] * 4

    repaired = {t.name: t for t in await create_tables(dynamodb_client, "unsafe-", repair=True)}
    assert repaired[orders].repaired == ("point-in-time recovery", "deletion protection")
    assert all(t.safe for t in repaired.values())
    await assert_protected(dynamodb_client, orders)
    with pytest.raises(ClientError, match="DeletionProtectionEnabled"):
        await dynamodb_client.delete_table(TableName=orders)


async def test_concurrent_recordings_to_one_workflow_all_land_and_the_newest_becomes_latest(
    workflow_repository: DynamoDbWorkflowRepository, order_repository: DynamoDbOrderRepository
) -> None:
    workflow = await live_workflow(workflow_repository)
    orders = [make_order(workflow, placed_at=NOW - (i * 7919) % 600) for i in range(60)]

    await asyncio.gather(*(order_repository.add(order) for order in orders))

    page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=100)
    assert page.orders == newest_first(orders)
    assert (await order_repository.latest(now=NOW)).orders == newest_first(orders)[:1]


async def test_concurrent_recordings_of_one_id_store_it_exactly_once(
    workflow_repository: DynamoDbWorkflowRepository, order_repository: DynamoDbOrderRepository
) -> None:
    first, second = await live_workflow(workflow_repository, "a"), await live_workflow(workflow_repository, "b")
    order = make_order(first)
    same_id = [order, *(make_order(w, order_id=order.id, placed_at=NOW - i) for i, w in enumerate([first, second] * 4))]

    results = await asyncio.gather(*(order_repository.add(o) for o in same_id), return_exceptions=True)

    assert sum(result is None for result in results) == 1
    assert all(isinstance(result, DuplicateOrderIdError) for result in results if result is not None)
    total = sum([await count_of(order_repository, w.id, EVERYTHING, now=NOW) for w in (first, second)])
    assert total == 1


async def test_concurrent_adds_of_one_name_leave_exactly_one_workflow_with_it(
    workflow_repository: DynamoDbWorkflowRepository,
) -> None:
    contenders = [make_workflow("Breakout") for _ in range(8)]

    results = await asyncio.gather(*(workflow_repository.add(w) for w in contenders), return_exceptions=True)

    assert sum(result is None for result in results) == 1
    assert all(isinstance(result, WorkflowNameTakenError) for result in results if result is not None)
    assert len(await workflow_repository.list()) == 1


async def test_a_deleted_workflow_leaves_a_tombstone_that_expires_with_its_latest_order(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
) -> None:
    workflow = await live_workflow(workflow_repository, "Gone")
    await add_all(order_repository, make_order(workflow, placed_at=NOW - 5), make_order(workflow, placed_at=NOW - 9))

    await workflow_repository.delete(workflow.id, now=NOW)

    def key(pk: str) -> dict[str, dict[str, str]]:
        return {"pk": {"S": pk}}

    tombstone = await dynamodb_client.get_item(TableName=dynamodb_tables.workflows, Key=key(f"WORKFLOW#{workflow.id}"))
    guard = await dynamodb_client.get_item(TableName=dynamodb_tables.workflows, Key=key("NAME#Gone"))
    assert tombstone["Item"]["ttl"] == {"N": str(NOW - 5 + RETENTION_SECONDS)}
    assert "Item" not in guard
    assert await workflow_repository.get(workflow.id) is None


async def test_orders_are_stored_in_their_partition_under_a_placed_at_and_id_sort_key(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
) -> None:
    workflow = await live_workflow(workflow_repository)
    order = make_order(workflow, price="12345.12345678901234567", trigger_close="0")
    await order_repository.add(order)

    stored = await dynamodb_client.get_item(
        TableName=dynamodb_tables.orders,
        Key={"workflow_id": {"S": workflow.id}, "sort_key": {"S": f"{NOW:011d}#{order.id}"}},
    )

    item = stored["Item"]
    assert item["order_price"] == {"N": "12345.12345678901234567"}
    assert item["trigger_close"] == {"N": "0"}
    assert item["ttl"] == {"N": str(NOW + RETENTION_SECONDS)}
    assert "asset_type" not in item


async def test_orders_stored_without_a_dry_run_attribute_read_it_as_none(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
) -> None:
    """Items written before dry_run was captured have no such attribute: their order's is None."""
    workflow = await live_workflow(workflow_repository, dry_run=True)
    order = make_order(workflow)
    await order_repository.add(order)
    remove = {"UpdateExpression": "REMOVE #dry_run", "ExpressionAttributeNames": {"#dry_run": "dry_run"}}
    await dynamodb_client.update_item(
        TableName=dynamodb_tables.orders,
        Key={"workflow_id": {"S": workflow.id}, "sort_key": {"S": f"{NOW:011d}#{order.id}"}},
        **remove,
    )
    await dynamodb_client.update_item(TableName=dynamodb_tables.order_ids, Key={"id": {"S": order.id}}, **remove)
    await dynamodb_client.update_item(
        TableName=dynamodb_tables.workflows,
        Key={"pk": {"S": f"WORKFLOW#{workflow.id}"}},
        UpdateExpression="REMOVE #latest.#dry_run",
        ExpressionAttributeNames={"#latest": "latest", "#dry_run": "dry_run"},
    )

    before = dataclasses.replace(order, dry_run=None)
    assert await order_repository.get(order.id) == before
    assert (await order_repository.page(workflow.id, HistoryFilter(), now=NOW, limit=10)).orders == [before]
    assert (await order_repository.latest(now=NOW)).orders == [before]


async def test_repositories_on_separate_prefixes_do_not_see_each_other(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> None:
    other = TableNames.for_prefix("elsewhere-")
    await create_tables(dynamodb_client, "elsewhere-")
    here = DynamoDbWorkflowRepository(dynamodb_client, dynamodb_tables.workflows)
    workflow = await live_workflow(here)
    order = make_order(workflow)
    await DynamoDbOrderRepository.on_tables(dynamodb_client, dynamodb_tables).add(order)
    there = DynamoDbOrderRepository.on_tables(dynamodb_client, other)

    assert await DynamoDbWorkflowRepository(dynamodb_client, other.workflows).get(workflow.id) is None
    assert (await there.latest(now=NOW)).orders == []
    assert await there.get(order.id) is None
