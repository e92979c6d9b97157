"""RecordOrder against the real SQLite adapter in memory, with a fixed clock and sequential ids."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fakes import FixedClock, SequentialIds
from loaded_reads import LoadedOrder

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.workflow_stamps import RememberedWorkflowStamps
from builders import NOW, ORDER_ID, UNKNOWN_ID, count_of, make_draft, make_spec
from domain.model.enums import (
    AssetType,
    OrderDirection,
    OrderType,
)
from domain.model.errors import (
    InvalidInputError,
    OrderIdConflictError,
    WorkflowNotFoundError,
)
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS
from domain.model.workflow import Workflow, WorkflowSpec
from domain.use_cases.order_queries import GetOrder
from domain.use_cases.record_order import RecordOrder
from domain.use_cases.workflows import CreateWorkflow, DeleteWorkflow, ReplaceWorkflow


class RenamingWorkflowRepository:
    """The real repository, except that the first `get` is followed, before the caller can write,
    by another client renaming the workflow: the interleaving a concurrent PUT can cause."""

    def __init__(self, real: SqliteWorkflowRepository, new_spec: WorkflowSpec) -> None:
        self._real, self._new_spec = real, new_spec
        self.gets = 0

    async def get(self, workflow_id: str) -> Workflow | None:
        self.gets += 1
        seen = await self._real.get(workflow_id)
        if self.gets == 1 and seen is not None:
            await self._real.replace(seen.replaced_by(self._new_spec, seen.created_at))
        return seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@dataclass
class Env:
    clock: FixedClock
    database: SqliteDatabase
    workflows: SqliteWorkflowRepository
    orders: SqliteOrderRepository
    record: RecordOrder
    get_order: LoadedOrder
    create: CreateWorkflow
    replace: ReplaceWorkflow
    delete: DeleteWorkflow
    workflow_id: str

    async def stored_count(self, workflow_id: str | None = None) -> int:
        return await count_of(self.orders, workflow_id or self.workflow_id, HistoryFilter(), now=self.clock.now())


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    database = await SqliteDatabase.open(":memory:")
    clock, ids = FixedClock(NOW), SequentialIds()
    workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
    revisions = SqliteRevisions(database)
    create = CreateWorkflow(workflows, clock, ids)
    workflow_id = (await create.execute(make_spec("DAX Breakout"))).workflow.id
    yield Env(
        clock=clock,
        database=database,
        workflows=workflows,
        orders=orders,
        record=RecordOrder(RememberedWorkflowStamps(workflows), orders, clock, ids),
        get_order=LoadedOrder(GetOrder(orders, clock)),
        create=create,
        replace=ReplaceWorkflow(workflows, revisions, revisions, clock),
        delete=DeleteWorkflow(workflows, clock),
        workflow_id=workflow_id,
    )
    await database.close()


# a new order


async def test_a_new_order_is_created_with_the_workflows_name_and_now_as_placed_at(env: Env) -> None:
    result = await env.record.execute(env.workflow_id, make_draft())

    assert result.created is True
    assert result.order.workflow_id == env.workflow_id
    assert result.order.workflow_name == "DAX Breakout"
    assert result.order.placed_at == NOW
    assert result.order.expires_at == NOW + RETENTION_SECONDS


async def test_a_new_order_reads_back_exactly_as_recorded(env: Env) -> None:
    draft = make_draft(
        id=ORDER_ID,
        placed_at=NOW - 60,
        order_price=Decimal("12345.12345678901234567"),
        order_quantity=Decimal("0.1"),
        asset_type=AssetType.CFD_ON_INDEX,
        trigger_close=Decimal("0"),
        execution_context="lambda-event-123abc",
    )

    result = await env.record.execute(env.workflow_id, draft)

    stored = await env.get_order.execute(ORDER_ID)
    assert stored == result.order
    assert str(stored.order_price) == "12345.12345678901234567"
    assert str(stored.order_quantity) == "0.1"
    assert stored.trigger_close == 0
    assert stored.asset_type is AssetType.CFD_ON_INDEX


async def test_an_order_without_id_gets_a_fresh_uuid4(env: Env) -> None:
    first = await env.record.execute(env.workflow_id, make_draft())
    second = await env.record.execute(env.workflow_id, make_draft())

    assert first.order.id != second.order.id
    assert await env.stored_count() == 2


async def test_a_client_id_in_uppercase_is_stored_lowercase(env: Env) -> None:
    result = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID.upper()))

    assert result.order.id == ORDER_ID


async def test_two_orders_in_the_same_second_are_two_records(env: Env) -> None:
    await env.record.execute(env.workflow_id, make_draft(placed_at=NOW))
    await env.record.execute(env.workflow_id, make_draft(placed_at=NOW))

    assert await env.stored_count() == 2


async def test_the_workflow_name_on_an_order_never_changes_after_a_rename(env: Env) -> None:
    result = await env.record.execute(env.workflow_id, make_draft())

    await env.replace.execute(env.workflow_id, make_spec("Renamed"))

    assert (await env.get_order.execute(result.order.id)).workflow_name == "DAX Breakout"


async def test_an_order_recorded_after_a_rename_carries_the_new_name(env: Env) -> None:
    await env.replace.execute(env.workflow_id, make_spec("Renamed"))

    result = await env.record.execute(env.workflow_id, make_draft())

    assert result.order.workflow_name == "Renamed"


# names remembered between orders


class CountingWorkflowRepository:
    """The real repository, counting the reads a use case makes through it."""

    def __init__(self, real: SqliteWorkflowRepository) -> None:
        self._real = real
        self.gets = 0

    async def get(self, workflow_id: str) -> Workflow | None:
        self.gets += 1
        return await self._real.get(workflow_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def counted(env: Env) -> tuple[CountingWorkflowRepository, RecordOrder]:
    workflows = CountingWorkflowRepository(env.workflows)
    return workflows, RecordOrder(RememberedWorkflowStamps(workflows), env.orders, env.clock, SequentialIds(start=500))


async def test_later_orders_of_a_workflow_are_recorded_without_reading_it_again(
    env: Env, counted: tuple[CountingWorkflowRepository, RecordOrder]
) -> None:
    workflows, record = counted
    for _ in range(3):
        await record.execute(env.workflow_id, make_draft())

    assert workflows.gets == 1
    assert await env.stored_count() == 3


async def test_names_beyond_the_memorys_capacity_are_read_again(env: Env) -> None:
    counting = CountingWorkflowRepository(env.workflows)
    record = RecordOrder(RememberedWorkflowStamps(counting, capacity=1), env.orders, env.clock, SequentialIds(500))
    other = (await env.create.execute(make_spec("Other"))).workflow.id

    await record.execute(env.workflow_id, make_draft())
    await record.execute(other, make_draft())  # pushes the first name out
    await record.execute(env.workflow_id, make_draft())

    assert counting.gets == 3
    assert await env.stored_count() == 2


async def test_a_rename_after_the_name_was_remembered_is_noticed_by_the_write(
    env: Env, counted: tuple[CountingWorkflowRepository, RecordOrder]
) -> None:
    workflows, record = counted
    await record.execute(env.workflow_id, make_draft())
    await env.replace.execute(env.workflow_id, make_spec("Renamed"))

    result = await record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert result.order.workflow_name == "Renamed"
    assert (await env.get_order.execute(ORDER_ID)).workflow_name == "Renamed"
    assert workflows.gets == 2


async def test_a_delete_after_the_name_was_remembered_is_not_found_and_writes_nothing(
    env: Env, counted: tuple[CountingWorkflowRepository, RecordOrder]
) -> None:
    _, record = counted
    await record.execute(env.workflow_id, make_draft())
    await env.delete.execute(env.workflow_id)

    with pytest.raises(WorkflowNotFoundError):
        await record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert await env.orders.get(ORDER_ID) is None
    assert await env.stored_count() == 1


# replays


async def test_replaying_the_same_order_answers_the_stored_one_without_writing(env: Env) -> None:
    draft = make_draft(id=ORDER_ID, placed_at=NOW - 10, execution_context="ctx")
    first = await env.record.execute(env.workflow_id, draft)
    env.clock.advance(60)

    replay = await env.record.execute(env.workflow_id, draft)

    assert replay.created is False
    assert replay.order == first.order
    assert await env.stored_count() == 1


async def test_a_replay_compares_decimals_by_value(env: Env) -> None:
    await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, order_price=Decimal("10.5")))

    replay = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, order_price=Decimal("10.50")))

    assert replay.created is False
    assert str(replay.order.order_price) == "10.5"


async def test_a_replay_without_placed_at_matches_the_stored_one(env: Env) -> None:
    first = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))
    env.clock.advance(120)

    replay = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert replay.created is False
    assert replay.order.placed_at == first.order.placed_at == NOW


async def test_a_replay_with_the_id_in_uppercase_matches_the_stored_order(env: Env) -> None:
    await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    replay = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID.upper()))

    assert replay.created is False


@pytest.mark.parametrize(
    "change",
    [
        {"order_price": Decimal("7850.26")},
        {"order_quantity": Decimal("11")},
        {"order_code": "OTHER"},
        {"order_direction": OrderDirection.SELL},
        {"order_type": OrderType.OPEN_STOP},
        {"asset_type": AssetType.ETF},
        {"trigger_close": Decimal("0")},
        {"execution_context": "other"},
        {"placed_at": NOW - 1},
    ],
)
async def test_the_same_id_with_different_content_is_a_conflict(env: Env, change: dict[str, Any]) -> None:
    await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, placed_at=NOW))

    with pytest.raises(OrderIdConflictError):
        await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, **{"placed_at": NOW, **change}))

    assert await env.stored_count() == 1


async def test_the_same_id_for_another_workflow_is_a_conflict(env: Env) -> None:
    other_id = (await env.create.execute(make_spec("Other"))).workflow.id
    await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    with pytest.raises(OrderIdConflictError):
        await env.record.execute(other_id, make_draft(id=ORDER_ID))

    assert await env.stored_count(other_id) == 0


async def test_a_replay_after_the_workflow_was_deleted_still_answers_the_stored_order(env: Env) -> None:
    first = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))
    await env.delete.execute(env.workflow_id)

    replay = await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert replay.created is False
    assert replay.order == first.order


async def test_a_different_order_after_the_workflow_was_deleted_is_still_a_conflict(env: Env) -> None:
    await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))
    await env.delete.execute(env.workflow_id)

    with pytest.raises(OrderIdConflictError):
        await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, order_code="OTHER"))


# unknown workflows


async def test_recording_for_an_unknown_workflow_is_not_found(env: Env) -> None:
    with pytest.raises(WorkflowNotFoundError):
        await env.record.execute(UNKNOWN_ID, make_draft())


async def test_recording_for_a_deleted_workflow_is_not_found_and_writes_nothing(env: Env) -> None:
    await env.delete.execute(env.workflow_id)

    with pytest.raises(WorkflowNotFoundError):
        await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert await env.orders.get(ORDER_ID) is None


# placed_at


async def test_placed_at_exactly_five_minutes_ahead_is_recorded(env: Env) -> None:
    result = await env.record.execute(env.workflow_id, make_draft(placed_at=NOW + 300))

    assert result.order.placed_at == NOW + 300


async def test_placed_at_six_minutes_ahead_is_invalid_and_writes_nothing(env: Env) -> None:
    with pytest.raises(InvalidInputError) as error:
        await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, placed_at=NOW + 360))

    assert [e.field for e in error.value.errors] == ["placed_at"]
    assert await env.orders.get(ORDER_ID) is None


async def test_placed_at_already_expired_is_invalid_and_writes_nothing(env: Env) -> None:
    with pytest.raises(InvalidInputError) as error:
        await env.record.execute(env.workflow_id, make_draft(id=ORDER_ID, placed_at=NOW - RETENTION_SECONDS))

    assert [e.field for e in error.value.errors] == ["placed_at"]
    assert await env.orders.get(ORDER_ID) is None


async def test_placed_at_one_second_short_of_expiry_is_recorded(env: Env) -> None:
    result = await env.record.execute(env.workflow_id, make_draft(placed_at=NOW - RETENTION_SECONDS + 1))

    assert result.created is True
    assert result.order.is_visible(NOW)


# a rename racing with the write


async def test_a_rename_between_reading_the_workflow_and_writing_is_retried_with_the_new_name(
    env: Env,
) -> None:
    racing = RenamingWorkflowRepository(env.workflows, make_spec("Renamed meanwhile"))
    record = RecordOrder(RememberedWorkflowStamps(racing), env.orders, env.clock, SequentialIds(start=1000))

    result = await record.execute(env.workflow_id, make_draft(id=ORDER_ID))

    assert racing.gets == 2
    assert result.created is True
    assert result.order.workflow_name == "Renamed meanwhile"
    assert (await env.get_order.execute(ORDER_ID)).workflow_name == "Renamed meanwhile"
