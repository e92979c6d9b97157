"""What every OrderRepository must do when recording orders and reading them by id or as latest."""

from decimal import Decimal

import pytest

from builders import (
    NOW,
    add_all,
    count_of,
    live_workflow,
    make_order,
    make_spec,
    make_workflow,
    new_id,
    newest_first,
    sorted_ids,
)
from domain.model.enums import AssetType, OrderDirection
from domain.model.errors import DuplicateOrderIdError, StaleWorkflowError, WorkflowNotFoundError
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

EVERYTHING = HistoryFilter()
SELL = OrderDirection.SELL
BUY = OrderDirection.BUY


class OrderRecordsContract:
    """add, get and latest, against a fresh, empty storage per test reached through the
    `workflow_repository` and `order_repository` fixtures (which share that storage)."""

    async def test_an_added_order_is_returned_by_get_unchanged(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        order = make_order(
            workflow,
            direction=SELL,
            asset_type=AssetType.CFD_ON_INDEX,
            trigger_close="7849.5",
            execution_context="breakout above 7850 on h1",
        )

        await order_repository.add(order)

        assert await order_repository.get(order.id) == order

    async def test_get_finds_an_order_by_its_id(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        order = make_order(await live_workflow(workflow_repository))
        await order_repository.add(order)

        assert await order_repository.get(order.id) == order

    async def test_get_of_an_unknown_id_is_none(self, order_repository: OrderRepository) -> None:
        assert await order_repository.get(new_id()) is None

    @pytest.mark.parametrize(
        "value",
        [
            "12345.12345678901234567",
            "0.1",
            "1E-130",
            "9.99E+125",
            "10.50",
            "12345678901234567890123456789012345678",
            "0.00000000000000000000000000000000000001234",
        ],
    )
    async def test_decimals_come_back_with_exactly_the_digits_stored(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository, value: str
    ) -> None:
        order = make_order(await live_workflow(workflow_repository), price=value, quantity=value, trigger_close=value)
        await order_repository.add(order)

        stored = await order_repository.get(order.id)

        assert stored is not None
        assert stored.order_price == stored.order_quantity == stored.trigger_close == Decimal(value)
        assert [str(stored.order_price), str(stored.order_quantity), str(stored.trigger_close)] == [
            str(order.order_price)
        ] * 3

    async def test_a_trigger_close_of_zero_survives_and_an_absent_one_stays_absent(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        zero, absent = make_order(workflow, trigger_close="0"), make_order(workflow, trigger_close=None)
        await add_all(order_repository, zero, absent)

        stored_zero, stored_absent = (
            await order_repository.get(zero.id),
            await order_repository.get(absent.id),
        )

        assert stored_zero is not None
        assert stored_zero.trigger_close is not None
        assert stored_zero.trigger_close == 0
        assert stored_absent is not None
        assert stored_absent.trigger_close is None

    @pytest.mark.parametrize("asset_type", [*AssetType, None])
    async def test_asset_type_comes_back_as_stored(
        self,
        workflow_repository: WorkflowRepository,
        order_repository: OrderRepository,
        asset_type: AssetType | None,
    ) -> None:
        order = make_order(await live_workflow(workflow_repository), asset_type=asset_type)
        await order_repository.add(order)

        stored = await order_repository.get(order.id)

        assert stored is not None
        assert stored.asset_type is asset_type

    async def test_adding_an_id_already_stored_raises_duplicate_and_writes_nothing(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, "First")
        other = await live_workflow(workflow_repository, "Other")
        stored = make_order(workflow, placed_at=NOW - 100)
        await order_repository.add(stored)

        for clash in (
            make_order(workflow, order_id=stored.id, placed_at=NOW, price="1", direction=SELL),
            make_order(other, order_id=stored.id, placed_at=NOW),
        ):
            with pytest.raises(DuplicateOrderIdError):
                await order_repository.add(clash)

        assert await order_repository.get(stored.id) == stored
        assert (await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)).orders == [stored]
        assert await count_of(order_repository, other.id, EVERYTHING, now=NOW) == 0
        assert (await order_repository.latest(now=NOW)).orders == [stored]

    async def test_adding_to_a_workflow_that_never_existed_raises_not_found_and_writes_nothing(
        self, order_repository: OrderRepository
    ) -> None:
        workflow = make_workflow()
        order = make_order(workflow)

        with pytest.raises(WorkflowNotFoundError):
            await order_repository.add(order)

        assert await order_repository.get(order.id) is None
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=NOW) == 0
        assert (await order_repository.latest(now=NOW)).orders == []

    async def test_adding_to_a_deleted_workflow_raises_not_found_and_writes_nothing(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        await workflow_repository.delete(workflow.id, now=NOW)
        order = make_order(workflow)

        with pytest.raises(WorkflowNotFoundError):
            await order_repository.add(order)

        assert await order_repository.get(order.id) is None
        assert (await order_repository.latest(now=NOW)).orders == []

    async def test_adding_under_a_name_the_workflow_no_longer_has_raises_stale_and_writes_nothing(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, "Old name")
        renamed = workflow.replaced_by(make_spec("New name"), NOW)
        await workflow_repository.replace(renamed)
        stale = make_order(workflow)

        with pytest.raises(StaleWorkflowError):
            await order_repository.add(stale)

        assert await order_repository.get(stale.id) is None
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=NOW) == 0
        assert (await order_repository.latest(now=NOW)).orders == []
        fresh = make_order(renamed)
        await order_repository.add(fresh)
        assert (await order_repository.latest(now=NOW)).orders == [fresh]

    @pytest.mark.parametrize("dry_run", [True, False])
    async def test_an_order_reads_back_the_dry_run_it_was_recorded_with_everywhere(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository, dry_run: bool
    ) -> None:
        workflow = await live_workflow(workflow_repository, dry_run=dry_run)
        order = make_order(workflow)
        assert order.dry_run is dry_run

        await order_repository.add(order)

        assert (await order_repository.get(order.id)) == order
        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)
        assert [o.dry_run for o in page.orders] == [dry_run]
        assert [o.dry_run for o in (await order_repository.latest(now=NOW)).orders] == [dry_run]

    async def test_adding_under_a_dry_run_the_workflow_no_longer_has_raises_stale_and_writes_nothing(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, dry_run=False)
        live = make_order(workflow, placed_at=NOW - 60)
        await order_repository.add(live)
        dry = workflow.replaced_by(make_spec(workflow.name, dry_run=True), NOW)
        await workflow_repository.replace(dry)
        stale = make_order(workflow)

        with pytest.raises(StaleWorkflowError):
            await order_repository.add(stale)

        assert await order_repository.get(stale.id) is None
        fresh = make_order(dry)
        await order_repository.add(fresh)
        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)
        assert [(o.id, o.dry_run) for o in page.orders] == [(fresh.id, True), (live.id, False)]
        assert (await order_repository.latest(now=NOW)).orders == [fresh]

    async def test_an_order_without_a_dry_run_is_never_added_as_new(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        """None is what orders recorded before dry_run was captured read as; no workflow has it."""
        order = make_order(await live_workflow(workflow_repository), dry_run=None)

        with pytest.raises(StaleWorkflowError):
            await order_repository.add(order)

        assert await order_repository.get(order.id) is None

    async def test_a_deleted_workflows_orders_stay_readable_and_its_newest_stays_in_latest(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        older, newer = make_order(workflow, placed_at=NOW - 60), make_order(workflow, placed_at=NOW - 30)
        await add_all(order_repository, older, newer)

        await workflow_repository.delete(workflow.id, now=NOW)

        assert await order_repository.get(older.id) == older
        assert (await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)).orders == [
            newer,
            older,
        ]
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=NOW) == 2
        assert (await order_repository.latest(now=NOW)).orders == [newer]

    async def test_latest_is_the_newest_visible_order_of_each_workflow_newest_first(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        a, b, c = [await live_workflow(workflow_repository, name) for name in ("a", "b", "c")]
        await live_workflow(workflow_repository, "without orders")
        newest = {
            a.id: make_order(a, placed_at=NOW - 10),
            b.id: make_order(b, placed_at=NOW - 50),
            c.id: make_order(c, placed_at=NOW - 10),  # a tie with a's newest: id decides
        }
        older = [make_order(a, placed_at=NOW - 100), make_order(b, placed_at=NOW - 60)]
        await add_all(order_repository, *older, *newest.values())

        assert (await order_repository.latest(now=NOW)).orders == newest_first(list(newest.values()))

    @pytest.mark.parametrize("limit", [None, 1, 2, 3, 10])
    async def test_latest_filters_by_direction_after_picking_each_newest_then_limits_and_counts(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository, limit: int | None
    ) -> None:
        a, b, c, d = [await live_workflow(workflow_repository, name) for name in ("a", "b", "c", "d")]
        newest = {
            a.id: make_order(a, placed_at=NOW - 10, direction=BUY),
            b.id: make_order(b, placed_at=NOW - 20, direction=SELL),  # its older BUY must not show
            c.id: make_order(c, placed_at=NOW - 30, direction=BUY),
            d.id: make_order(d, placed_at=NOW - 40, direction=BUY),
        }
        await add_all(order_repository, make_order(b, placed_at=NOW - 90, direction=BUY), *newest.values())
        await workflow_repository.delete(d.id, now=NOW)  # deleted workflows keep their row
        everything = newest_first(list(newest.values()))
        buys = [order for order in everything if order.order_direction == BUY]

        every = await order_repository.latest(now=NOW, limit=limit)
        bought = await order_repository.latest(now=NOW, direction=BUY, limit=limit)
        sold = await order_repository.latest(now=NOW, direction=SELL, limit=limit)

        assert (every.orders, every.total_count) == (everything[:limit], 4)
        assert (bought.orders, bought.total_count) == (buys[:limit], 3)
        assert (sold.orders, sold.total_count) == ([newest[b.id]], 1)

    async def test_latest_counts_only_visible_rows(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        a, b = [await live_workflow(workflow_repository, name) for name in ("a", "b")]
        fresh, old = make_order(a, placed_at=NOW, direction=SELL), make_order(b, placed_at=NOW - 100, direction=SELL)
        await add_all(order_repository, fresh, old)
        now = NOW - 100 + RETENTION_SECONDS  # b's only order has just expired

        for direction in (None, SELL):
            page = await order_repository.latest(now=now, direction=direction, limit=1)
            assert (page.orders, page.total_count) == ([fresh], 1)

    async def test_a_late_older_order_does_not_displace_the_newer_latest(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        newer, late = make_order(workflow, placed_at=NOW), make_order(workflow, placed_at=NOW - 100)
        await add_all(order_repository, newer, late)

        assert (await order_repository.latest(now=NOW)).orders == [newer]

    async def test_in_the_same_second_the_greater_id_is_the_latest_whatever_the_insertion_order(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        low, middle, high = (make_order(workflow, order_id=order_id) for order_id in sorted_ids(3))

        await order_repository.add(middle)
        assert (await order_repository.latest(now=NOW)).orders == [middle]
        await order_repository.add(low)
        assert (await order_repository.latest(now=NOW)).orders == [middle]
        await order_repository.add(high)
        assert (await order_repository.latest(now=NOW)).orders == [high]

    async def test_latest_of_an_empty_storage_is_empty(self, order_repository: OrderRepository) -> None:
        assert (await order_repository.latest(now=NOW)).orders == []
