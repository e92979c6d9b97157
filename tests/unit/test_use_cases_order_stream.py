"""OrderStream against the real SQLite adapter in memory, with a fixed clock (event ids and heartbeats:
the HTTP adapter's, tested here with it)."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from fakes import FixedClock

from adapters.http.event_ids import EventIdCodec, EventIds
from adapters.http.heartbeats import Heartbeats
from adapters.sqlite.database import MEMORY, SqliteDatabase
from adapters.sqlite.feed import FeedSignal, SqliteOrderFeed, position_of
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import NOW, event_id_without_store, live_workflow, make_order
from domain.model.enums import OrderDirection
from domain.model.errors import (
    EventIdExpiredError,
    EventIdUnknownHereError,
    InvalidEventIdError,
    InvalidInputError,
    ShuttingDownError,
    StorageUnavailableError,
    TooManySubscribersError,
)
from domain.model.feed import EventPoint, FeedEntry, StreamFilter
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.workflow import Workflow
from domain.use_cases.order_stream import OrderStream
from domain.use_cases.subscription import Subscription

KEY = b"k" * 32
WAIT = 5.0
HEARTBEATS = Heartbeats(0.05)


@dataclass
class Setup:
    watch: OrderStream
    orders: SqliteOrderRepository
    workflow: Workflow
    clock: FixedClock
    database: SqliteDatabase
    event_ids: EventIds

    async def record(self, *orders: WorkflowOrder) -> None:
        for order in orders:
            await self.orders.add(order)

    def event_id(self, subscription: Subscription, entry: FeedEntry) -> str:
        return self.event_ids.issue(subscription.store, entry.position)

    async def subscribe(self, stream_filter: StreamFilter, last_event_id: str | None = None) -> Subscription:
        """As the stream controller subscribes: the event id read first."""
        return await self.watch.subscribe(stream_filter, resume=self.event_ids.read(last_event_id))


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    database = await SqliteDatabase.open(MEMORY)
    signal = FeedSignal(poll_seconds=0.05)
    clock = FixedClock(NOW)
    watch = OrderStream(SqliteOrderFeed(database, signal), clock, max_subscribers=3, buffer=5)
    workflow = await live_workflow(SqliteWorkflowRepository(database))
    orders = SqliteOrderRepository(database, signal, clock)
    yield Setup(watch, orders, workflow, clock, database, EventIds(EventIdCodec(KEY), clock))
    watch.end_all()
    await database.close()


async def take(subscription: Subscription, count: int) -> list[FeedEntry]:
    """The next `count` entries (heartbeats skipped), or fail after WAIT seconds."""
    taken: list[FeedEntry] = []
    async with asyncio.timeout(WAIT):
        while len(taken) < count and (batch := await subscription.next_batch()) is not None:
            taken += batch
    assert len(taken) == count
    return taken


async def ended(subscription: Subscription) -> bool:
    """True when the stream ends (after any buffered entries) within WAIT seconds."""
    async with asyncio.timeout(WAIT):
        while await subscription.next_batch() is not None:
            pass
    return True


def order_ids(entries: list[FeedEntry]) -> list[str]:
    return [entry.order.id for entry in entries]


async def test_subscribers_get_the_orders_recorded_after_they_subscribed_in_recorded_order(setup: Setup) -> None:
    earlier = make_order(setup.workflow)
    await setup.record(earlier)
    everything = await setup.subscribe(StreamFilter())
    sells = await setup.subscribe(StreamFilter(direction=OrderDirection.SELL))
    new = [make_order(setup.workflow, placed_at=NOW - n, direction=("BUY", "SELL")[n % 2]) for n in range(4)]
    await setup.record(*new)

    assert order_ids(await take(everything, 4)) == [order.id for order in new]
    assert order_ids(await take(sells, 2)) == [new[1].id, new[3].id]


async def test_a_resumed_subscription_gets_what_followed_its_event_then_live_ones_once_each(setup: Setup) -> None:
    first = await setup.subscribe(StreamFilter())
    before = [make_order(setup.workflow) for _ in range(3)]
    await setup.record(*before)
    [seen, *_] = await take(first, 3)
    last_event_id = setup.event_id(first, seen)

    resumed = await setup.subscribe(StreamFilter(), last_event_id)
    after = make_order(setup.workflow)
    await setup.record(after)

    assert order_ids(await take(resumed, 3)) == [before[1].id, before[2].id, after.id]


async def test_a_resume_the_storage_cannot_serve_ends_the_stream(setup: Setup) -> None:
    first = await setup.subscribe(StreamFilter())
    await setup.record(make_order(setup.workflow), make_order(setup.workflow))
    [seen, _] = await take(first, 2)
    resumed = await setup.subscribe(StreamFilter(), setup.event_id(first, seen))
    await setup.database.close()

    assert await ended(resumed)


async def test_a_resume_is_refused_as_unavailable_when_the_storage_cannot_check_its_event_id(setup: Setup) -> None:
    first = await setup.subscribe(StreamFilter())
    await setup.record(make_order(setup.workflow), make_order(setup.workflow))
    [seen, _] = await take(first, 2)
    await setup.database.close()

    with pytest.raises(StorageUnavailableError):
        await setup.subscribe(StreamFilter(), setup.event_id(first, seen))


async def test_event_ids_not_issued_here_are_refused_and_old_ones_are_gone(setup: Setup) -> None:
    subscription = await setup.subscribe(StreamFilter())
    await setup.record(make_order(setup.workflow))
    [entry] = await take(subscription, 1)
    event_id = setup.event_id(subscription, entry)

    with pytest.raises(InvalidEventIdError):
        await setup.subscribe(StreamFilter(), event_id[:-2] + ("AA" if not event_id.endswith("AA") else "BB"))
    signed_elsewhere = EventIdCodec(b"another key" * 3).encode(EventIdCodec(KEY).decode(event_id, now=NOW), now=NOW)
    with pytest.raises(InvalidEventIdError):
        await setup.subscribe(StreamFilter(), signed_elsewhere)
    setup.clock.advance(RETENTION_SECONDS)
    with pytest.raises(EventIdExpiredError):
        await setup.subscribe(StreamFilter(), event_id)


async def test_event_ids_of_another_store_beyond_this_ones_end_or_without_a_store_are_gone(setup: Setup) -> None:
    subscription = await setup.subscribe(StreamFilter())
    await setup.record(make_order(setup.workflow))
    [entry] = await take(subscription, 1)
    codec = EventIdCodec(KEY)
    here = codec.decode(setup.event_id(subscription, entry), now=NOW)
    other_database = await SqliteDatabase.open(MEMORY)
    try:
        other_store = await SqliteOrderFeed(other_database, FeedSignal()).store_id()
    finally:
        await other_database.close()

    refused = [
        codec.encode(EventPoint(other_store, entry.position), now=NOW),  # an empty store: never issued it
        codec.encode(EventPoint(here.store, position_of(2)), now=NOW),  # beyond the one order recorded
        event_id_without_store(KEY, entry.position.key, issued_at=NOW),  # as earlier versions signed it
    ]
    for event_id in refused:
        with pytest.raises(EventIdUnknownHereError):
            await setup.subscribe(StreamFilter(), event_id)
    later = make_order(setup.workflow)
    await setup.record(later)
    resumed = await setup.subscribe(StreamFilter(), codec.encode(here, now=NOW))
    assert order_ids(await take(resumed, 1)) == [later.id]


async def test_a_subscriber_whose_buffer_fills_is_disconnected(setup: Setup) -> None:
    slow = await setup.subscribe(StreamFilter())
    await setup.record(*(make_order(setup.workflow) for _ in range(6)))  # the buffer holds 5
    for _ in range(100):
        if setup.watch.subscriber_count == 0:
            break
        await asyncio.sleep(0.02)

    assert setup.watch.subscriber_count == 0
    assert await ended(slow)


async def test_a_dropped_subscriber_counts_against_the_limit_until_its_stream_has_ended(setup: Setup) -> None:
    slow = HEARTBEATS.around(await setup.subscribe(StreamFilter()))
    async with asyncio.timeout(WAIT):
        assert await anext(slow) is None  # a heartbeat: its stream is being sent, then its client stops reading
    fast = HEARTBEATS.around(await setup.subscribe(StreamFilter()))
    taken: list[FeedEntry] = []
    for recorded in range(1, 7):  # the slow one's buffer holds 5
        await setup.record(make_order(setup.workflow))
        async with asyncio.timeout(WAIT):  # the fast one takes each order before the next is recorded
            while len(taken) < recorded:
                taken += await anext(fast) or []
    # once the fast one has the sixth, the slow one was dropped
    await setup.subscribe(StreamFilter())

    with pytest.raises(TooManySubscribersError):
        await setup.subscribe(StreamFilter())  # the dropped stream still holds its connection
    await slow.aclose()  # its connection is gone
    await setup.subscribe(StreamFilter())


async def test_subscribers_beyond_the_limit_are_refused(setup: Setup) -> None:
    for _ in range(3):
        await setup.subscribe(StreamFilter())

    with pytest.raises(TooManySubscribersError):
        await setup.subscribe(StreamFilter())


async def test_draining_ends_every_stream_and_refuses_new_ones(setup: Setup) -> None:
    subscription = await setup.subscribe(StreamFilter())

    setup.watch.end_all()

    assert await ended(subscription)
    with pytest.raises(ShuttingDownError):
        await setup.subscribe(StreamFilter())


async def test_a_quiet_stream_yields_heartbeats(setup: Setup) -> None:
    events = HEARTBEATS.around(await setup.subscribe(StreamFilter()))
    async with asyncio.timeout(WAIT):
        assert await anext(events) is None


async def test_a_stream_since_an_instant_starts_with_the_orders_recorded_from_then_on(setup: Setup) -> None:
    earlier = make_order(setup.workflow)
    await setup.record(earlier)
    setup.clock.advance(60)
    placed_long_ago = make_order(setup.workflow, placed_at=NOW - 3600)  # recorded now: placed_at does not count
    await setup.record(placed_long_ago)
    setup.clock.advance(60)

    since = await setup.watch.subscribe(StreamFilter(), since=NOW + 30)
    live = make_order(setup.workflow)
    await setup.record(live)

    assert order_ids(await take(since, 2)) == [placed_long_ago.id, live.id]


async def test_a_stream_since_an_instant_out_of_range_is_refused_and_one_just_ahead_starts_live(setup: Setup) -> None:
    for refused in (NOW - RETENTION_SECONDS - 1, NOW + 301):
        with pytest.raises(InvalidInputError) as raised:
            await setup.watch.subscribe(StreamFilter(), since=refused)
        assert [error.field for error in raised.value.errors] == ["since"]
    await setup.record(make_order(setup.workflow))

    just_ahead = await setup.watch.subscribe(StreamFilter(), since=NOW + 300)
    live = make_order(setup.workflow)
    await setup.record(live)

    assert order_ids(await take(just_ahead, 1)) == [live.id]


async def test_a_resume_wins_over_since_which_it_does_not_check(setup: Setup) -> None:
    first = await setup.subscribe(StreamFilter())
    before = [make_order(setup.workflow) for _ in range(2)]
    await setup.record(*before)
    [seen, _] = await take(first, 2)

    resumed = await setup.watch.subscribe(
        StreamFilter(),
        resume=setup.event_ids.read(setup.event_id(first, seen)),
        since=NOW - RETENTION_SECONDS - 3600,  # a reconnecting EventSource sends its first URL again
    )

    assert order_ids(await take(resumed, 1)) == [before[1].id]
