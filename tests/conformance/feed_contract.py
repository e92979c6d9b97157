"""What every OrderFeed must do: the sentences of ports.feed, one test each.

Fixtures on one fresh, empty storage per test: `feed`, `workflow_repository`, `order_repository`
(writing the feed), and `settle`: a callable that lets time pass until what was written is
readable (a no-op where the storage orders commits itself); `recording_clock`, the clock that dates
the entries `order_repository` writes (`now()` in seconds, `advance(seconds)`, starting at NOW);
`feed_on_the_same_store`, another
adapter (with its own connection where the engine has any) on the same store, and
`new_store_in_its_place`, which makes a new store where the adapter's storage is (a new file, the
table created again) and returns a feed on it.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import pytest

from builders import NOW, add_all, live_workflow, make_order
from domain.model.errors import DuplicateOrderIdError, WorkflowNotFoundError
from domain.model.feed import FeedEntry
from domain.model.order import RETENTION_SECONDS
from ports.feed import OrderFeed
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository


def ids(entries: list[FeedEntry]) -> list[str]:
    return [entry.order.id for entry in entries]


class RecordingClock(Protocol):
    def now(self) -> int: ...

    def advance(self, seconds: int) -> None: ...


@dataclass
class FeedWorld:
    feed: OrderFeed
    workflows: WorkflowRepository
    orders: OrderRepository
    settle: Callable[[], None]
    clock: RecordingClock


class FeedContract:
    @pytest.fixture
    def world(
        self,
        feed: OrderFeed,
        workflow_repository: WorkflowRepository,
        order_repository: OrderRepository,
        settle: Callable[[], None],
        recording_clock: RecordingClock,
    ) -> FeedWorld:
        return FeedWorld(feed, workflow_repository, order_repository, settle, recording_clock)

    async def test_a_reader_that_waits_for_changes_gets_every_new_order_at_least_once_within_the_delay(
        self, world: FeedWorld
    ) -> None:
        workflow = await live_workflow(world.workflows)
        position = await world.feed.end()
        orders = [make_order(workflow, placed_at=NOW - n) for n in range(3)]
        await add_all(world.orders, *orders)
        world.settle()
        seen: list[str] = []

        async with asyncio.timeout(10 * world.feed.delay_seconds):  # a liveness bound, not a latency
            while not {order.id for order in orders} <= set(seen):
                batch = await world.feed.read(position, now=NOW, limit=2)
                seen += ids(batch.entries)
                position = batch.position
                if len(batch.entries) < 2:
                    await world.feed.changed()

        assert sorted(set(seen)) == sorted(order.id for order in orders)
        assert all(seen.count(order_id) <= 2 for order_id in seen)  # an order may repeat, never more

    async def test_the_position_at_an_instant_reads_the_orders_recorded_from_then_on(self, world: FeedWorld) -> None:
        workflow = await live_workflow(world.workflows)
        earlier = make_order(workflow)
        await add_all(world.orders, earlier)
        world.clock.advance(60)
        later = make_order(workflow, placed_at=NOW - 900)  # placed before `earlier`, recorded after it
        await add_all(world.orders, later)
        recorded_later = world.clock.now()
        world.settle()

        async def from_instant(instant: int) -> list[str]:
            return ids((await world.feed.read(await world.feed.position_at(instant), now=NOW, limit=10)).entries)

        assert await from_instant(recorded_later - 120) == [earlier.id, later.id]
        assert await from_instant(recorded_later - 30) == [later.id]
        assert await from_instant(recorded_later) == [later.id]
        assert await from_instant(recorded_later + 1) == []
        assert await world.feed.position_at(recorded_later + 3600) <= await world.feed.end()

    async def test_an_entry_carries_its_orders_dry_run(self, world: FeedWorld) -> None:
        dry, live = await live_workflow(world.workflows, "dry", dry_run=True), await live_workflow(world.workflows)
        start = await world.feed.end()
        orders = [make_order(dry, placed_at=NOW - 2), make_order(live, placed_at=NOW - 1)]
        await add_all(world.orders, *orders)
        world.settle()

        batch = await world.feed.read(start, now=NOW, limit=10)

        assert [(entry.order, entry.order.dry_run) for entry in batch.entries] == [
            (orders[0], True),
            (orders[1], False),
        ]

    async def test_new_orders_are_read_after_the_end_in_the_order_they_were_recorded(self, world: FeedWorld) -> None:
        workflow = await live_workflow(world.workflows)
        before = make_order(workflow)
        await add_all(world.orders, before)
        world.settle()
        start = await world.feed.end()
        newest, late, same_second = (make_order(workflow, placed_at=NOW - s) for s in (1, 900, 1))
        await add_all(world.orders, newest, late, same_second)
        world.settle()

        batch = await world.feed.read(start, now=NOW, limit=10)

        assert ids(batch.entries) == [newest.id, late.id, same_second.id]
        assert batch.entries[0].order == newest
        positions = [entry.position for entry in batch.entries]
        assert positions == sorted(set(positions))
        assert positions[0] > start
        assert (await world.feed.read(batch.position, now=NOW, limit=10)).entries == []
        assert batch.position <= await world.feed.end()

    async def test_a_read_stops_at_the_limit_and_the_next_goes_on_from_its_position(self, world: FeedWorld) -> None:
        workflow = await live_workflow(world.workflows)
        start = await world.feed.end()
        orders = [make_order(workflow, placed_at=NOW - n) for n in range(3)]
        await add_all(world.orders, *orders)
        world.settle()

        first = await world.feed.read(start, now=NOW, limit=2)
        rest = await world.feed.read(first.position, now=NOW, limit=2)
        from_the_first = await world.feed.read(first.entries[0].position, now=NOW, limit=5)

        assert ids(first.entries) + ids(rest.entries) == [order.id for order in orders]
        assert ids(from_the_first.entries) == [order.id for order in orders[1:]]

    async def test_refused_writes_and_replays_add_nothing(self, world: FeedWorld) -> None:
        workflow = await live_workflow(world.workflows)
        order = make_order(workflow)
        await add_all(world.orders, order)
        world.settle()
        start = await world.feed.end()

        with pytest.raises(DuplicateOrderIdError):
            await world.orders.add(order)
        with pytest.raises(WorkflowNotFoundError):
            await world.orders.add(make_order())  # of a workflow never created
        world.settle()

        assert (await world.feed.read(start, now=NOW, limit=10)).entries == []

    async def test_orders_no_longer_visible_are_skipped(self, world: FeedWorld) -> None:
        workflow = await live_workflow(world.workflows)
        start = await world.feed.end()
        expiring = make_order(workflow, placed_at=NOW - RETENTION_SECONDS + 5)
        staying = make_order(workflow)
        await add_all(world.orders, expiring, staying)
        world.settle()

        assert ids((await world.feed.read(start, now=NOW, limit=10)).entries) == [expiring.id, staying.id]
        assert ids((await world.feed.read(start, now=NOW + 5, limit=10)).entries) == [staying.id]

    async def test_the_store_id_is_one_for_every_reader_of_a_store_and_another_for_a_new_store(
        self,
        world: FeedWorld,
        feed_on_the_same_store: OrderFeed,
        new_store_in_its_place: Callable[[], Awaitable[OrderFeed]],
    ) -> None:
        store = await world.feed.store_id()
        workflow = await live_workflow(world.workflows)
        await add_all(world.orders, make_order(workflow))

        assert await world.feed.store_id() == store
        assert await feed_on_the_same_store.store_id() == store
        assert store.partition(":")[0] in {"sqlite", "dynamodb"}
        assert await (await new_store_in_its_place()).store_id() != store
