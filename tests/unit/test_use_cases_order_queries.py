"""GetOrder, GetOrderHistory and GetLatestOrders against the real SQLite adapter in memory."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from fakes import FixedClock, SequentialIds
from loaded_reads import LoadedHistory, LoadedOrder

from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.workflow_stamps import RememberedWorkflowStamps
from builders import NOW, UNKNOWN_ID, make_draft, make_spec, newest_first
from domain.model.enums import (
    OrderDirection,
)
from domain.model.errors import (
    InvalidCursorError,
    InvalidInputError,
    OrderNotFoundError,
    WorkflowNotFoundError,
)
from domain.model.history import CursorCodec, HistoryFilter
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.use_cases.order_queries import GetLatestOrders, GetOrder, GetOrderHistory
from domain.use_cases.record_order import RecordOrder
from domain.use_cases.workflows import CreateWorkflow, DeleteWorkflow

BUY, SELL = OrderDirection.BUY, OrderDirection.SELL
EVERYTHING = HistoryFilter()


@dataclass
class Env:
    clock: FixedClock
    create: CreateWorkflow
    delete: DeleteWorkflow
    recorder: RecordOrder
    get_order: LoadedOrder
    history: LoadedHistory
    latest: GetLatestOrders

    async def workflow(self, name: str) -> str:
        return (await self.create.execute(make_spec(name))).workflow.id

    async def order(
        self, workflow_id: str, placed_at: int, direction: OrderDirection = BUY, order_id: str | None = None
    ) -> WorkflowOrder:
        draft = make_draft(
            order_price=Decimal("100.5"),
            order_quantity=Decimal("1"),
            order_direction=direction,
            id=order_id,
            placed_at=placed_at,
        )
        return (await self.recorder.execute(workflow_id, draft)).order


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    database = await SqliteDatabase.open(":memory:")
    clock, ids = FixedClock(NOW), SequentialIds()
    workflows, orders = SqliteWorkflowRepository(database), SqliteOrderRepository(database)
    revisions = SqliteRevisions(database)
    yield Env(
        clock=clock,
        create=CreateWorkflow(workflows, clock, ids),
        delete=DeleteWorkflow(workflows, clock),
        recorder=RecordOrder(RememberedWorkflowStamps(workflows), orders, clock, ids),
        get_order=LoadedOrder(GetOrder(orders, clock)),
        history=LoadedHistory(GetOrderHistory(revisions, revisions, clock, CursorCodec(b"test-key" * 4))),
        latest=GetLatestOrders(orders, clock),
    )
    await database.close()


# GetOrder


async def test_a_recorded_order_can_be_read_by_id(env: Env) -> None:
    order = await env.order(await env.workflow("A"), NOW)

    assert await env.get_order.execute(order.id) == order


async def test_an_unknown_order_is_not_found(env: Env) -> None:
    with pytest.raises(OrderNotFoundError):
        await env.get_order.execute(UNKNOWN_ID)


async def test_an_order_is_readable_until_one_second_before_it_expires(env: Env) -> None:
    order = await env.order(await env.workflow("A"), NOW)
    env.clock.advance(RETENTION_SECONDS - 1)

    assert await env.get_order.execute(order.id) == order


async def test_an_expired_order_is_not_found(env: Env) -> None:
    order = await env.order(await env.workflow("A"), NOW)
    env.clock.advance(RETENTION_SECONDS)

    with pytest.raises(OrderNotFoundError):
        await env.get_order.execute(order.id)


# GetOrderHistory: content and counts


async def test_history_is_newest_first_with_same_second_ties_in_a_fixed_order(env: Env) -> None:
    workflow_id = await env.workflow("A")
    recorded = [await env.order(workflow_id, NOW - t) for t in (30, 10, 20, 10, 10, 0)]

    result = await env.history.execute(workflow_id, EVERYTHING, limit=100)

    assert result.orders == newest_first(recorded)
    assert [o.placed_at for o in result.orders] == [NOW, NOW - 10, NOW - 10, NOW - 10, NOW - 20, NOW - 30]
    assert result.total_count == 6
    assert result.next_cursor is None


async def test_history_total_count_counts_every_match_not_just_the_page(env: Env) -> None:
    workflow_id = await env.workflow("A")
    for t in range(5):
        await env.order(workflow_id, NOW - t)

    result = await env.history.execute(workflow_id, EVERYTHING, limit=2)

    assert len(result.orders) == 2
    assert result.total_count == 5
    assert result.next_cursor is not None


async def test_history_neither_returns_nor_counts_expired_orders(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW - 100)
    kept = await env.order(workflow_id, NOW - 99)
    env.clock.advance(RETENTION_SECONDS - 100)

    result = await env.history.execute(workflow_id, EVERYTHING, limit=20)

    assert result.orders == [kept]
    assert result.total_count == 1


async def test_history_filters_by_inclusive_since_and_until_and_by_direction(env: Env) -> None:
    workflow_id = await env.workflow("A")
    orders = [await env.order(workflow_id, NOW - t, SELL if t % 2 else BUY) for t in range(10)]
    history_filter = HistoryFilter(since=NOW - 7, until=NOW - 2, direction=SELL)

    result = await env.history.execute(workflow_id, history_filter, limit=20)

    expected = newest_first([o for o in orders if history_filter.matches(o)])
    assert [o.placed_at for o in result.orders] == [NOW - 3, NOW - 5, NOW - 7]
    assert result.orders == expected
    assert result.total_count == 3


async def test_history_since_equal_to_until_is_allowed(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW - 1)
    exact = await env.order(workflow_id, NOW - 2)

    result = await env.history.execute(workflow_id, HistoryFilter(since=NOW - 2, until=NOW - 2), limit=20)

    assert result.orders == [exact]


async def test_history_with_since_after_until_is_invalid(env: Env) -> None:
    workflow_id = await env.workflow("A")

    with pytest.raises(InvalidInputError) as error:
        await env.history.execute(workflow_id, HistoryFilter(since=NOW, until=NOW - 1), limit=20)

    assert [e.field for e in error.value.errors] == ["since"]
    assert not isinstance(error.value, InvalidCursorError)


async def test_history_of_a_workflow_without_orders_is_empty_not_missing(env: Env) -> None:
    workflow_id = await env.workflow("A")

    result = await env.history.execute(workflow_id, EVERYTHING, limit=20)

    assert (result.orders, result.total_count, result.next_cursor) == ([], 0, None)


async def test_history_with_no_match_for_the_filters_is_empty_not_missing(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW, BUY)

    result = await env.history.execute(workflow_id, HistoryFilter(direction=SELL), limit=20)

    assert (result.orders, result.total_count) == ([], 0)


# GetOrderHistory: workflows that are gone


async def test_history_of_a_deleted_workflow_still_serves_its_orders(env: Env) -> None:
    workflow_id = await env.workflow("A")
    order = await env.order(workflow_id, NOW)
    await env.delete.execute(workflow_id)

    result = await env.history.execute(workflow_id, EVERYTHING, limit=20)

    assert result.orders == [order]
    assert result.total_count == 1


async def test_history_of_a_deleted_workflow_with_orders_outside_the_filter_is_empty(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW, BUY)
    await env.delete.execute(workflow_id)

    result = await env.history.execute(workflow_id, HistoryFilter(direction=SELL), limit=20)

    assert (result.orders, result.total_count) == ([], 0)


async def test_history_of_a_deleted_workflow_without_visible_orders_is_not_found(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW)
    await env.delete.execute(workflow_id)
    env.clock.advance(RETENTION_SECONDS)

    with pytest.raises(WorkflowNotFoundError):
        await env.history.execute(workflow_id, EVERYTHING, limit=20)


@pytest.mark.parametrize(
    "history_filter",
    [
        EVERYTHING,
        HistoryFilter(direction=BUY),
        HistoryFilter(since=NOW - 10, until=NOW),
        HistoryFilter(since=0),
    ],
)
async def test_history_of_a_workflow_that_never_existed_is_not_found_whatever_the_filters(
    env: Env, history_filter: HistoryFilter
) -> None:
    await env.order(await env.workflow("Other"), NOW)

    with pytest.raises(WorkflowNotFoundError):
        await env.history.execute(UNKNOWN_ID, history_filter, limit=20)


# GetOrderHistory: cursors


@pytest.mark.parametrize("limits", [[1], [2], [3], [7], [100], [1, 4, 2, 100], [5, 1, 1, 3]])
async def test_following_cursors_visits_every_matching_order_exactly_once(env: Env, limits: list[int]) -> None:
    workflow_id = await env.workflow("A")
    other_id = await env.workflow("B")
    recorded = [
        await env.order(workflow_id, NOW - t, SELL if i % 3 == 0 else BUY)
        for i, t in enumerate([0, 0, 0, 5, 5, 9, 12, 12, 12, 12, 40, 41, 41, 100, 200])
    ]
    await env.order(other_id, NOW)  # another workflow's order never shows up
    visited: list[WorkflowOrder] = []
    cursor: str | None = None
    pages = 0

    while True:
        limit = limits[min(pages, len(limits) - 1)]
        page = await env.history.execute(workflow_id, EVERYTHING, limit=limit, cursor=cursor)
        pages += 1
        assert page.orders, "a cursor never leads to an empty page"
        assert len(page.orders) <= limit
        assert page.total_count == len(recorded)
        visited.extend(page.orders)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert visited == newest_first(recorded)


async def test_following_cursors_with_filters_visits_every_match_once(env: Env) -> None:
    workflow_id = await env.workflow("A")
    recorded = [await env.order(workflow_id, NOW - t // 2, SELL if t % 2 else BUY) for t in range(20)]
    history_filter = HistoryFilter(since=NOW - 8, until=NOW - 1, direction=SELL)
    visited: list[WorkflowOrder] = []
    cursor: str | None = None

    while True:
        page = await env.history.execute(workflow_id, history_filter, limit=2, cursor=cursor)
        visited.extend(page.orders)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert visited == newest_first([o for o in recorded if history_filter.matches(o)])


async def test_a_cursor_from_another_workflow_is_refused(env: Env) -> None:
    first, second = await env.workflow("A"), await env.workflow("B")
    for workflow_id in (first, second):
        await env.order(workflow_id, NOW)
        await env.order(workflow_id, NOW - 1)
    cursor = (await env.history.execute(first, EVERYTHING, limit=1)).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidCursorError):
        await env.history.execute(second, EVERYTHING, limit=1, cursor=cursor)


async def test_a_cursor_used_with_other_filters_is_refused(env: Env) -> None:
    workflow_id = await env.workflow("A")
    await env.order(workflow_id, NOW)
    await env.order(workflow_id, NOW - 1)
    cursor = (await env.history.execute(workflow_id, EVERYTHING, limit=1)).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidCursorError):
        await env.history.execute(workflow_id, HistoryFilter(direction=BUY), limit=1, cursor=cursor)


async def test_a_garbage_cursor_is_refused(env: Env) -> None:
    workflow_id = await env.workflow("A")

    with pytest.raises(InvalidCursorError):
        await env.history.execute(workflow_id, EVERYTHING, limit=1, cursor="not-a-cursor")


# GetLatestOrders


async def test_latest_is_each_workflows_newest_order_newest_first(env: Env) -> None:
    a, b, c = await env.workflow("A"), await env.workflow("B"), await env.workflow("C")
    await env.order(a, NOW - 50)
    newest_a = await env.order(a, NOW - 10)
    newest_b = await env.order(b, NOW - 5)
    await env.order(b, NOW - 60)
    newest_c = await env.order(c, NOW - 30)

    result = await env.latest.execute(limit=100)

    assert result.orders == [newest_b, newest_a, newest_c]
    assert result.total_count == 3


async def test_latest_includes_deleted_workflows_with_their_captured_name(env: Env) -> None:
    gone = await env.workflow("Gone")
    order = await env.order(gone, NOW)
    await env.delete.execute(gone)
    await env.workflow("Gone")  # the name is reused by a new workflow

    result = await env.latest.execute(limit=100)

    assert result.orders == [order]
    assert result.orders[0].workflow_id == gone
    assert result.orders[0].workflow_name == "Gone"


async def test_latest_leaves_out_workflows_whose_orders_all_expired(env: Env) -> None:
    old, fresh = await env.workflow("Old"), await env.workflow("Fresh")
    await env.order(old, NOW - 100)
    kept = await env.order(fresh, NOW - 99)
    env.clock.advance(RETENTION_SECONDS - 100)

    result = await env.latest.execute(limit=100)

    assert result.orders == [kept]
    assert result.total_count == 1


async def test_latest_filters_direction_after_picking_each_workflows_newest_order(env: Env) -> None:
    a, b = await env.workflow("A"), await env.workflow("B")
    await env.order(a, NOW - 20, BUY)
    await env.order(a, NOW - 10, SELL)  # A's newest is a SELL: A has no BUY row
    newest_b = await env.order(b, NOW - 5, BUY)

    result = await env.latest.execute(limit=100, direction=BUY)

    assert result.orders == [newest_b]
    assert result.total_count == 1


async def test_latest_total_count_is_the_number_of_rows_before_the_limit(env: Env) -> None:
    workflow_ids = [await env.workflow(name) for name in "ABCDE"]
    recorded = [await env.order(workflow_id, NOW - i) for i, workflow_id in enumerate(workflow_ids)]

    result = await env.latest.execute(limit=2)

    assert result.orders == recorded[:2]
    assert result.total_count == 5


async def test_latest_breaks_same_second_ties_like_history(env: Env) -> None:
    a, b, c = await env.workflow("A"), await env.workflow("B"), await env.workflow("C")
    recorded = [await env.order(workflow_id, NOW) for workflow_id in (a, b, c)]

    result = await env.latest.execute(limit=100)

    assert result.orders == newest_first(recorded)


async def test_latest_of_an_empty_store_is_empty(env: Env) -> None:
    result = await env.latest.execute(limit=100)

    assert (result.orders, result.total_count) == ([], 0)
