"""What every OrderRepository must do when serving a workflow's history: pages, positions, counts."""

import pytest

from builders import NOW, add_all, count_of, live_workflow, make_order, new_id, newest_first, sorted_ids
from domain.model.enums import OrderDirection
from domain.model.history import HistoryFilter, Position
from domain.model.order import RETENTION_SECONDS
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

EVERYTHING = HistoryFilter()
BUY, SELL = OrderDirection.BUY, OrderDirection.SELL


class OrderHistoryContract:
    """page and count (and where visibility meets latest), against a fresh, empty storage per test
    reached through the `workflow_repository` and `order_repository` fixtures."""

    async def test_two_orders_placed_in_the_same_second_are_two_records_ordered_by_id_descending(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        low, high = sorted_ids(2)
        first, second = make_order(workflow, order_id=high), make_order(workflow, order_id=low, price="1")
        await add_all(order_repository, first, second)

        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)

        assert page.orders == [first, second]
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=NOW) == 2
        assert await order_repository.get(first.id) == first
        assert await order_repository.get(second.id) == second

    async def test_a_page_is_newest_first_with_ties_broken_by_id_descending(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        placed = [NOW - 60, NOW, NOW - 3600, NOW, NOW - 60, NOW - 60, NOW - 3600]
        orders = [make_order(workflow, placed_at=at) for at in placed]
        await add_all(order_repository, *orders)

        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=100)

        assert page.orders == newest_first(orders)
        assert page.next_position is None

    async def test_a_page_after_a_position_starts_strictly_after_it(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        low, middle, high = sorted_ids(3)
        at_now = [make_order(workflow, order_id=order_id) for order_id in (low, middle, high)]
        earlier = make_order(workflow, placed_at=NOW - 1)
        await add_all(order_repository, *at_now, earlier)

        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10, after=Position(NOW, middle))

        assert page.orders == [at_now[0], earlier]
        assert page.next_position is None

    async def test_next_position_is_none_when_exactly_limit_matching_orders_remain(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        orders = newest_first([make_order(workflow, placed_at=NOW - seconds) for seconds in (1, 2, 3)])
        await add_all(order_repository, *orders)

        whole = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=3)
        first = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=2)
        rest = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=1, after=first.next_position)

        assert (whole.orders, whole.next_position) == (orders, None)
        assert (first.orders, first.next_position) == (
            orders[:2],
            Position(orders[1].placed_at, orders[1].id),
        )
        assert (rest.orders, rest.next_position) == (orders[2:], None)

    async def test_since_and_until_are_inclusive_bounds_on_placed_at(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        since, until = NOW - 100, NOW - 50
        orders = {at: make_order(workflow, placed_at=at) for at in (since - 1, since, until, until + 1)}
        await add_all(order_repository, *orders.values())
        window = HistoryFilter(since=since, until=until)

        page = await order_repository.page(workflow.id, window, now=NOW, limit=10)

        assert page.orders == [orders[until], orders[since]]
        assert await count_of(order_repository, workflow.id, window, now=NOW) == 2

    async def test_page_and_count_cover_only_the_given_workflow(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        mine, other = (
            await live_workflow(workflow_repository, "Mine"),
            await live_workflow(workflow_repository, "Other"),
        )
        my_order = make_order(mine, placed_at=NOW - 10)
        await add_all(order_repository, my_order, make_order(other), make_order(other, placed_at=NOW - 20))

        page = await order_repository.page(mine.id, EVERYTHING, now=NOW, limit=10)

        assert page.orders == [my_order]
        assert await count_of(order_repository, mine.id, EVERYTHING, now=NOW) == 1

    async def test_count_is_exact_beyond_one_page_and_with_a_direction(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        directions = [SELL if i % 3 == 0 else BUY for i in range(25)]
        await add_all(
            order_repository,
            *(make_order(workflow, placed_at=NOW - i, direction=d) for i, d in enumerate(directions)),
        )

        page = await order_repository.page(workflow.id, EVERYTHING, now=NOW, limit=10)

        assert len(page.orders) == 10
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=NOW) == 25
        assert await count_of(order_repository, workflow.id, HistoryFilter(direction=SELL), now=NOW) == 9
        assert await count_of(order_repository, workflow.id, HistoryFilter(direction=BUY), now=NOW) == 16

    async def test_page_and_count_of_a_workflow_without_orders_are_empty(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        for workflow_id in ((await live_workflow(workflow_repository)).id, new_id()):
            page = await order_repository.page(workflow_id, EVERYTHING, now=NOW, limit=10)
            assert (page.orders, page.next_position) == ([], None)
            assert await count_of(order_repository, workflow_id, EVERYTHING, now=NOW) == 0

    async def test_an_order_is_visible_in_its_last_second(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        order = make_order(workflow, placed_at=NOW)
        await order_repository.add(order)
        now = NOW + RETENTION_SECONDS - 1

        page = await order_repository.page(workflow.id, EVERYTHING, now=now, limit=10)

        assert page.orders == [order]
        assert await count_of(order_repository, workflow.id, EVERYTHING, now=now) == 1
        assert (await order_repository.latest(now=now)).orders == [order]

    @pytest.mark.parametrize(
        "history_filter",
        [EVERYTHING, HistoryFilter(since=NOW - 10), HistoryFilter(until=NOW, direction=BUY)],
        ids=["no filter", "since before placed_at", "until and direction"],
    )
    async def test_an_expired_order_is_hidden_from_page_count_and_latest_but_not_from_get(
        self,
        workflow_repository: WorkflowRepository,
        order_repository: OrderRepository,
        history_filter: HistoryFilter,
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        order = make_order(workflow, placed_at=NOW, direction=BUY)
        await order_repository.add(order)
        now = NOW + RETENTION_SECONDS

        page = await order_repository.page(workflow.id, history_filter, now=now, limit=10)

        assert (page.orders, page.next_position) == ([], None)
        assert await count_of(order_repository, workflow.id, history_filter, now=now) == 0
        assert (await order_repository.latest(now=now)).orders == []
        assert await order_repository.get(order.id) == order

    @pytest.mark.parametrize("limit", [1, 2, 3, 5, 100])
    @pytest.mark.parametrize(
        "history_filter",
        [
            EVERYTHING,
            HistoryFilter(since=NOW - 7200),
            HistoryFilter(until=NOW),
            HistoryFilter(since=NOW - 3600, until=NOW),
            HistoryFilter(direction=BUY),
            HistoryFilter(since=NOW - 7200, direction=SELL),
            HistoryFilter(since=NOW - RETENTION_SECONDS - 100),
            HistoryFilter(until=NOW - RETENTION_SECONDS - 100),
        ],
        ids=[
            "no filter",
            "since on a tie",
            "until on a tie",
            "since and until",
            "BUY",
            "SELL since",
            "since before the visible window",
            "until before the visible window",
        ],
    )
    async def test_following_positions_visits_every_matching_visible_order_exactly_once(
        self,
        workflow_repository: WorkflowRepository,
        order_repository: OrderRepository,
        history_filter: HistoryFilter,
        limit: int,
    ) -> None:
        workflow = await live_workflow(workflow_repository, "Walked")
        other = await live_workflow(workflow_repository, "Other")
        placed = [NOW - RETENTION_SECONDS, NOW - RETENTION_SECONDS + 1, NOW - 7200, NOW - 7200, NOW - 7200]
        placed += [NOW - 3600, NOW - 3600, NOW - 60, NOW, NOW, NOW, NOW + 120]
        orders = [
            make_order(workflow, placed_at=at, direction=SELL if i % 3 == 0 else BUY) for i, at in enumerate(placed)
        ]
        await add_all(order_repository, *orders, *(make_order(other, placed_at=at) for at in placed))
        expected = newest_first([o for o in orders if history_filter.matches(o) and o.is_visible(NOW)])

        visited, after = [], None
        for _ in range(len(orders) + 1):
            page = await order_repository.page(workflow.id, history_filter, now=NOW, limit=limit, after=after)
            assert 0 < len(page.orders) <= limit or (after is None and page.orders == [])
            assert page.total_count == len(expected), "every page counts the whole filtered history"
            visited += page.orders
            if page.next_position is None:
                break
            assert page.next_position == Position(page.orders[-1].placed_at, page.orders[-1].id)
            after = page.next_position

        assert visited == expected
        assert await count_of(order_repository, workflow.id, history_filter, now=NOW) == len(expected)
