"""What every OrderRepository must do when serving windows across workflows, and the summaries made
from them: order, bounds, filters, calendar days, positions, late orders, expiry, deleted workflows."""

from datetime import date
from decimal import Decimal

from builders import NOW, add_all, live_workflow, make_order, newest_first, sorted_ids
from domain.model.enums import OrderDirection
from domain.model.history import Position
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.window import OrderWindow, day_bounds, zone_named
from domain.model.window_summary import MAX_SUMMARY_ORDERS, digest_of, summarize
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

EVERYTHING = OrderWindow()
BUY, SELL = OrderDirection.BUY, OrderDirection.SELL
DAY = 86_400
PARIS = zone_named("Europe/Paris")


class OrderWindowContract:
    """window, against a fresh, empty storage per test reached through the `workflow_repository` and
    `order_repository` fixtures."""

    async def test_a_window_holds_every_workflows_orders_newest_first_with_ties_by_id_descending(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        first, second = await live_workflow(workflow_repository, "A"), await live_workflow(workflow_repository, "B")
        low, high = sorted_ids(2)
        orders = [
            make_order(first, placed_at=NOW, order_id=low),
            make_order(second, placed_at=NOW, order_id=high),
            make_order(second, placed_at=NOW - 2 * DAY),
            make_order(first, placed_at=NOW - 3600),
            make_order(second, placed_at=NOW - 6 * DAY),
        ]
        await add_all(order_repository, *orders)

        found = await order_repository.window(EVERYTHING, now=NOW, limit=100)

        assert found == newest_first(orders)
        assert found[:2] == [orders[1], orders[0]]

    async def test_since_and_until_are_inclusive_and_limit_bounds_the_answer(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        since, until = NOW - 2 * DAY - 10, NOW - DAY + 10
        at = {t: make_order(workflow, placed_at=t) for t in (since - 1, since, NOW - DAY - 5, until, until + 1)}
        await add_all(order_repository, *at.values())
        window = OrderWindow(since=since, until=until)

        found = await order_repository.window(window, now=NOW, limit=10)
        first_two = await order_repository.window(window, now=NOW, limit=2)

        assert found == [at[until], at[NOW - DAY - 5], at[since]]
        assert first_two == found[:2]

    async def test_filters_on_workflows_codes_and_direction_combine(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        a, b, c = [await live_workflow(workflow_repository, name) for name in ("A", "B", "C")]
        wanted = [
            make_order(a, placed_at=NOW - 10, order_code="FRA40.I", direction=SELL),
            make_order(b, placed_at=NOW - DAY, order_code="US500", direction=SELL),
        ]
        others = [
            make_order(a, placed_at=NOW - 11, order_code="FRA40.I", direction=BUY),
            make_order(b, placed_at=NOW - 12, order_code="GER40", direction=SELL),
            make_order(c, placed_at=NOW - 13, order_code="FRA40.I", direction=SELL),
        ]
        await add_all(order_repository, *wanted, *others)
        window = OrderWindow(
            workflow_ids=frozenset({a.id, b.id}), order_codes=frozenset({"FRA40.I", "US500"}), direction=SELL
        )

        found = await order_repository.window(window, now=NOW, limit=10)
        by_workflow = await order_repository.window(OrderWindow(workflow_ids=frozenset({c.id})), now=NOW, limit=10)

        assert found == wanted
        assert by_workflow == [others[2]]

    async def test_a_paris_day_is_23_hours_in_march_and_25_hours_in_october(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        orders = {}
        for day in (date(2026, 3, 29), date(2026, 10, 25)):
            first, last = day_bounds(day, PARIS)
            orders[day] = {
                "before": make_order(workflow, placed_at=first - 1),
                "first": make_order(workflow, placed_at=first),
                "last": make_order(workflow, placed_at=last),
                "after": make_order(workflow, placed_at=last + 1),
            }
            await add_all(order_repository, *orders[day].values())
        spring, autumn = (day_bounds(day, PARIS) for day in orders)

        found = {
            day: await order_repository.window(OrderWindow(*day_bounds(day, PARIS)), now=end + 1, limit=10)
            for day, end in ((date(2026, 3, 29), spring[1]), (date(2026, 10, 25), autumn[1]))
        }

        assert (spring[1] - spring[0] + 1, autumn[1] - autumn[0] + 1) == (23 * 3600, 25 * 3600)
        assert spring[0] == 1_774_738_800  # 2026-03-28T23:00:00Z, midnight in Paris (UTC+1)
        assert autumn[0] == 1_792_879_200  # 2026-10-24T22:00:00Z, midnight in Paris (UTC+2)
        for day, at in orders.items():
            assert found[day] == [at["last"], at["first"]]

    async def test_positions_visit_each_order_once_while_orders_arrive_newer_and_late(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        a, b = await live_workflow(workflow_repository, "A"), await live_workflow(workflow_repository, "B")
        placed = [NOW - n * 7000 for n in range(40)]
        orders = [make_order(a if n % 3 else b, placed_at=at) for n, at in enumerate(placed)]
        await add_all(order_repository, *orders)

        first = await order_repository.window(EVERYTHING, now=NOW, limit=15)
        newer = make_order(a, placed_at=NOW + 1)
        late = make_order(b, placed_at=NOW - 39 * 7000 + 1)  # recorded now, placed before the position
        await add_all(order_repository, newer, late)
        after = Position(first[-1].placed_at, first[-1].id)
        rest, _ = await walk_from(order_repository, after, limit=15)

        assert first + rest == newest_first([*orders, late])
        assert newer not in first + rest
        assert await order_repository.window(EVERYTHING, now=NOW, limit=1) == [newer]

    async def test_an_order_leaves_every_window_at_the_exact_second_it_expires(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        old, young = make_order(workflow, placed_at=NOW - DAY), make_order(workflow, placed_at=NOW)
        await add_all(order_repository, old, young)
        expiry = old.placed_at + RETENTION_SECONDS

        before = await order_repository.window(EVERYTHING, now=expiry - 1, limit=10)
        at = await order_repository.window(EVERYTHING, now=expiry, limit=10)
        bounded = await order_repository.window(OrderWindow(since=NOW - 2 * DAY), now=expiry, limit=10)

        assert before == [young, old]
        assert at == bounded == [young]

    async def test_a_deleted_workflows_visible_orders_stay_with_the_name_they_were_recorded_with(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, "Soon gone")
        order = make_order(workflow, placed_at=NOW - 60)
        await add_all(order_repository, order)
        await workflow_repository.delete(workflow.id, now=NOW)

        found = await order_repository.window(OrderWindow(workflow_ids=frozenset({workflow.id})), now=NOW, limit=5)

        assert found == [order]
        assert found[0].workflow_name == "Soon gone"

    async def test_a_summary_of_a_window_counts_groups_and_digests_exactly_its_orders(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        a, b = await live_workflow(workflow_repository, "A"), await live_workflow(workflow_repository, "B")
        price, quantity = "12345678901234567890123", "0.00000000000000000000000000000000000003"
        inside = [
            make_order(a, placed_at=NOW - 100, price=price, quantity=quantity),
            make_order(a, placed_at=NOW - 50, price="2.5", quantity="4"),
            make_order(a, placed_at=NOW - 70, direction=SELL),
            make_order(b, placed_at=NOW - 2 * DAY),
        ]
        outside = make_order(b, placed_at=NOW - 3 * DAY)
        await add_all(order_repository, *inside, outside)
        window = OrderWindow(since=NOW - 2 * DAY, until=NOW)

        summary = summarize(await order_repository.window(window, now=NOW, limit=MAX_SUMMARY_ORDERS + 1))

        assert (summary.count, summary.digest) == (4, digest_of(order.id for order in inside))
        groups = {(group.workflow_id, group.order_direction): group for group in summary.groups}
        assert set(groups) == {(a.id, BUY), (a.id, SELL), (b.id, BUY)}
        a_buy = groups[(a.id, BUY)]
        assert (a_buy.count, a_buy.first_placed_at, a_buy.last_placed_at) == (2, NOW - 100, NOW - 50)
        assert a_buy.volume == Decimal("10.00000000000000037037036703703703670369")

    async def test_dry_run_filters_and_splits_the_summary_groups(
        self, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        live = await live_workflow(workflow_repository, "Live")
        rehearsal = await live_workflow(workflow_repository, "Rehearsal", dry_run=True)
        live_orders = [make_order(live, placed_at=NOW - 10), make_order(live, placed_at=NOW - 20)]
        rehearsed = make_order(rehearsal, placed_at=NOW - 30)
        await add_all(order_repository, *live_orders, rehearsed)

        dry = await order_repository.window(OrderWindow(dry_run=True), now=NOW, limit=10)
        real = await order_repository.window(OrderWindow(dry_run=False), now=NOW, limit=10)
        summary = summarize(await order_repository.window(EVERYTHING, now=NOW, limit=MAX_SUMMARY_ORDERS + 1))

        assert dry == [rehearsed]
        assert real == live_orders
        assert [(group.workflow_name, group.dry_run, group.count) for group in summary.groups] == sorted(
            [("Live", False, 2), ("Rehearsal", True, 1)],
            key=lambda row: str(live.id if row[0] == "Live" else rehearsal.id),
        )


async def walk_from(orders: OrderRepository, after: Position, *, limit: int) -> tuple[list[WorkflowOrder], int]:
    """The rest of the whole window after `after`, page by page."""
    seen: list[WorkflowOrder] = []
    pages = 0
    while True:
        found = await orders.window(EVERYTHING, now=NOW, limit=limit, after=after)
        pages += 1
        seen += found
        if len(found) < limit:
            return seen, pages
        after = Position(found[-1].placed_at, found[-1].id)
