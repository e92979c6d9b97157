"""Workflow use cases against the real SQLite adapter in memory, with a fixed clock and sequential ids."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fakes import FixedClock, SequentialIds
from loaded_reads import LoadedOrder, LoadedWorkflow

import builders
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.workflow_stamps import RememberedWorkflowStamps
from builders import NOW, UNKNOWN_ID, make_condition, make_draft
from domain.model.enums import (
    CloseDirection,
    IndicatorName,
    OrderDirection,
    UnitTime,
)
from domain.model.errors import WorkflowNameTakenError, WorkflowNotFoundError
from domain.model.order import RETENTION_SECONDS
from domain.model.workflow import WorkflowSpec
from domain.use_cases.order_queries import GetOrder
from domain.use_cases.record_order import RecordOrder
from domain.use_cases.workflows import (
    CreateWorkflow,
    DeleteWorkflow,
    GetWorkflow,
    ListWorkflows,
    ReplaceWorkflow,
)


def make_spec(
    name: str = "DAX Breakout",
    *,
    enable: bool = True,
    indicator: IndicatorName = IndicatorName.MA50,
    ut: UnitTime = UnitTime.H1,
) -> WorkflowSpec:
    """Two conditions: the first gives the workflow its primary indicator and unit time."""
    second = make_condition(IndicatorName.BBB, UnitTime.WEEKLY, spread=Decimal("0"), direction=CloseDirection.BELOW)
    return builders.make_spec(name, enable=enable, conditions=(make_condition(indicator, ut), second))


@dataclass
class Env:
    clock: FixedClock
    workflows: SqliteWorkflowRepository
    orders: SqliteOrderRepository
    create: CreateWorkflow
    get: LoadedWorkflow
    replace: ReplaceWorkflow
    delete: DeleteWorkflow
    list: ListWorkflows
    record: RecordOrder
    get_order: LoadedOrder


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    database = await SqliteDatabase.open(":memory:")
    clock, ids = FixedClock(NOW), SequentialIds()
    workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
    revisions = SqliteRevisions(database)
    yield Env(
        clock=clock,
        workflows=workflows,
        orders=orders,
        create=CreateWorkflow(workflows, clock, ids),
        get=LoadedWorkflow(GetWorkflow(revisions, revisions, clock)),
        replace=ReplaceWorkflow(workflows, revisions, revisions, clock),
        delete=DeleteWorkflow(workflows, clock),
        list=ListWorkflows(workflows, orders, clock),
        record=RecordOrder(RememberedWorkflowStamps(workflows), orders, clock, ids),
        get_order=LoadedOrder(GetOrder(orders, clock)),
    )
    await database.close()


# CreateWorkflow / GetWorkflow


async def test_a_created_workflow_has_a_fresh_id_and_no_orders(env: Env) -> None:
    details = await env.create.execute(make_spec())

    assert details.workflow.id == "00000000-0000-4000-8000-000000000001"
    assert details.workflow.created_at == NOW
    assert details.workflow.updated_at == NOW
    assert details.order_count == 0
    assert details.last_order is None


async def test_a_created_workflow_reads_back_with_its_whole_spec(env: Env) -> None:
    spec = make_spec()
    created = await env.create.execute(spec)

    details = await env.get.execute(created.workflow.id)

    assert details.workflow.spec == spec
    assert details.workflow.created_at == NOW


async def test_two_workflows_cannot_share_a_name(env: Env) -> None:
    await env.create.execute(make_spec("Same"))

    with pytest.raises(WorkflowNameTakenError):
        await env.create.execute(make_spec("Same"))


async def test_names_are_compared_case_sensitively(env: Env) -> None:
    await env.create.execute(make_spec("Alpha"))

    other = await env.create.execute(make_spec("alpha"))

    assert other.workflow.name == "alpha"


async def test_a_deleted_workflows_name_can_be_reused(env: Env) -> None:
    first = await env.create.execute(make_spec("Reused"))
    await env.delete.execute(first.workflow.id)

    second = await env.create.execute(make_spec("Reused"))

    assert second.workflow.id != first.workflow.id


async def test_getting_an_unknown_workflow_is_not_found(env: Env) -> None:
    with pytest.raises(WorkflowNotFoundError):
        await env.get.execute(UNKNOWN_ID)


async def test_getting_a_deleted_workflow_is_not_found(env: Env) -> None:
    created = await env.create.execute(make_spec())
    await env.delete.execute(created.workflow.id)

    with pytest.raises(WorkflowNotFoundError):
        await env.get.execute(created.workflow.id)


async def test_order_summary_counts_only_visible_orders_and_shows_the_newest(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.record.execute(workflow_id, make_draft(placed_at=NOW - RETENTION_SECONDS + 10))
    await env.record.execute(workflow_id, make_draft(placed_at=NOW - 100, order_quantity=Decimal("3")))
    newest = await env.record.execute(
        workflow_id, make_draft(placed_at=NOW - 50, order_direction=OrderDirection.SELL, order_quantity=Decimal("4"))
    )
    await env.record.execute(workflow_id, make_draft(placed_at=NOW - 200))
    env.clock.advance(10)  # the first order has just expired

    details = await env.get.execute(workflow_id)

    assert details.order_count == 3
    assert details.last_order == newest.order


async def test_order_summary_is_empty_when_every_order_expired(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.record.execute(workflow_id, make_draft())
    env.clock.advance(RETENTION_SECONDS)

    details = await env.get.execute(workflow_id)

    assert details.order_count == 0
    assert details.last_order is None


# ReplaceWorkflow


async def test_replacing_keeps_id_and_created_at_and_moves_updated_at(env: Env) -> None:
    created = await env.create.execute(make_spec("Before"))
    env.clock.advance(3600)
    new_spec = make_spec("After", enable=False, indicator=IndicatorName.COMBO)

    replaced = await env.replace.execute(created.workflow.id, new_spec)

    assert replaced.workflow.id == created.workflow.id
    assert replaced.workflow.created_at == NOW
    assert replaced.workflow.updated_at == NOW + 3600
    assert replaced.workflow.spec == new_spec
    assert (await env.get.execute(created.workflow.id)).workflow == replaced.workflow


async def test_replacing_answers_with_the_order_summary(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec("Before"))).workflow.id
    recorded = await env.record.execute(workflow_id, make_draft())

    replaced = await env.replace.execute(workflow_id, make_spec("After"))

    assert replaced.order_count == 1
    assert replaced.last_order == recorded.order


async def test_replacing_an_unknown_workflow_is_not_found(env: Env) -> None:
    with pytest.raises(WorkflowNotFoundError):
        await env.replace.execute(UNKNOWN_ID, make_spec())


async def test_replacing_a_deleted_workflow_is_not_found(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.delete.execute(workflow_id)

    with pytest.raises(WorkflowNotFoundError):
        await env.replace.execute(workflow_id, make_spec("New name"))


async def test_replacing_with_another_workflows_name_is_a_conflict_and_changes_nothing(env: Env) -> None:
    await env.create.execute(make_spec("Taken"))
    mine = await env.create.execute(make_spec("Mine"))

    with pytest.raises(WorkflowNameTakenError):
        await env.replace.execute(mine.workflow.id, make_spec("Taken"))

    assert (await env.get.execute(mine.workflow.id)).workflow.name == "Mine"


async def test_replacing_a_workflow_with_its_own_name_is_allowed(env: Env) -> None:
    created = await env.create.execute(make_spec("Same"))

    replaced = await env.replace.execute(created.workflow.id, make_spec("Same", enable=False))

    assert replaced.workflow.spec.enable is False


async def test_replacing_with_a_deleted_workflows_name_is_allowed(env: Env) -> None:
    gone = await env.create.execute(make_spec("Freed"))
    await env.delete.execute(gone.workflow.id)
    mine = await env.create.execute(make_spec("Mine"))

    replaced = await env.replace.execute(mine.workflow.id, make_spec("Freed"))

    assert replaced.workflow.name == "Freed"


# DeleteWorkflow


async def test_deleting_an_unknown_workflow_is_not_found(env: Env) -> None:
    with pytest.raises(WorkflowNotFoundError):
        await env.delete.execute(UNKNOWN_ID)


async def test_deleting_a_workflow_twice_is_not_found_the_second_time(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.delete.execute(workflow_id)

    with pytest.raises(WorkflowNotFoundError):
        await env.delete.execute(workflow_id)


async def test_deleting_a_workflow_keeps_its_orders_readable(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    recorded = await env.record.execute(workflow_id, make_draft())

    await env.delete.execute(workflow_id)

    assert await env.get_order.execute(recorded.order.id) == recorded.order


async def test_a_deleted_workflow_takes_no_new_orders(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.delete.execute(workflow_id)

    with pytest.raises(WorkflowNotFoundError):
        await env.record.execute(workflow_id, make_draft())


# ListWorkflows


async def test_workflows_are_listed_by_name_in_code_point_order(env: Env) -> None:
    for name in ["beta", "Zulu", "alpha", "Émile", "Alpha"]:
        await env.create.execute(make_spec(name))

    listed = await env.list.execute()

    assert [item.workflow.name for item in listed] == ["Alpha", "Zulu", "alpha", "beta", "Émile"]


async def test_listing_shows_primary_indicator_and_unit_time_of_the_first_condition(env: Env) -> None:
    await env.create.execute(make_spec(indicator=IndicatorName.BBH, ut=UnitTime.H4))

    (item,) = await env.list.execute()

    assert item.workflow.primary_indicator is IndicatorName.BBH
    assert item.workflow.primary_unit_time is UnitTime.H4


async def test_listing_shows_each_workflows_newest_visible_order(env: Env) -> None:
    a = (await env.create.execute(make_spec("A"))).workflow.id
    b = (await env.create.execute(make_spec("B"))).workflow.id
    c = (await env.create.execute(make_spec("C"))).workflow.id
    await env.record.execute(a, make_draft(placed_at=NOW - 30))
    newest_a = await env.record.execute(a, make_draft(placed_at=NOW - 10, order_direction=OrderDirection.SELL))
    await env.record.execute(a, make_draft(placed_at=NOW - 20))
    newest_b = await env.record.execute(b, make_draft(placed_at=NOW - 5))

    listed = await env.list.execute()

    assert [(item.workflow.id, item.last_order) for item in listed] == [
        (a, newest_a.order),
        (b, newest_b.order),
        (c, None),
    ]


async def test_listing_shows_no_last_order_once_every_order_expired(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    await env.record.execute(workflow_id, make_draft(placed_at=NOW - 100))
    await env.record.execute(workflow_id, make_draft(placed_at=NOW - 50))
    env.clock.advance(RETENTION_SECONDS - 50)

    (item,) = await env.list.execute()

    assert item.last_order is None


async def test_listing_shows_the_last_order_until_the_second_it_expires(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec())).workflow.id
    recorded = await env.record.execute(workflow_id, make_draft(placed_at=NOW))
    env.clock.advance(RETENTION_SECONDS - 1)

    (item,) = await env.list.execute()

    assert item.last_order == recorded.order


@pytest.mark.parametrize(("enable", "expected"), [(None, ["Off", "On"]), (True, ["On"]), (False, ["Off"])])
async def test_listing_can_be_filtered_by_enable(env: Env, enable: bool | None, expected: list[str]) -> None:
    await env.create.execute(make_spec("On", enable=True))
    await env.create.execute(make_spec("Off", enable=False))

    listed = await env.list.execute(enable)

    assert [item.workflow.name for item in listed] == expected


async def test_listing_leaves_out_deleted_workflows(env: Env) -> None:
    kept = (await env.create.execute(make_spec("Kept"))).workflow.id
    gone = (await env.create.execute(make_spec("Gone"))).workflow.id
    await env.record.execute(gone, make_draft())
    await env.delete.execute(gone)

    listed = await env.list.execute()

    assert [item.workflow.id for item in listed] == [kept]


async def test_listing_follows_a_replace(env: Env) -> None:
    workflow_id = (await env.create.execute(make_spec("Old", enable=True))).workflow.id
    await env.replace.execute(workflow_id, make_spec("New", enable=False))

    enabled = await env.list.execute(True)
    disabled = await env.list.execute(False)

    assert enabled == []
    assert [item.workflow.name for item in disabled] == ["New"]
