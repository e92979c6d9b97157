"""OrderStream over a feed that repeats and reorders entries as the port allows: each order reaches a
subscriber once per stream, live or resumed."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from fakes import FixedClock, UnreliableFeed

from builders import NOW, make_order
from domain.model.enums import OrderDirection
from domain.model.feed import EventPoint, StreamFilter
from domain.model.order import WorkflowOrder
from domain.use_cases.order_stream import OrderStream
from domain.use_cases.subscription import Subscription

WAIT = 5.0


@pytest.fixture
def feed() -> UnreliableFeed:
    return UnreliableFeed()


@pytest.fixture
async def stream(feed: UnreliableFeed) -> AsyncIterator[OrderStream]:
    broker = OrderStream(feed, FixedClock(NOW), max_subscribers=10, buffer=100)
    yield broker
    broker.end_all()


async def ids_until(subscription: Subscription, last: WorkflowOrder) -> list[str]:
    """The ids the subscription gives, up to and including `last`'s (fails after WAIT seconds)."""
    given: list[str] = []
    async with asyncio.timeout(WAIT):
        while last.id not in given:
            batch = await subscription.next_batch()
            assert batch is not None
            given += [entry.order.id for entry in batch]
    return given


def ids(*orders: WorkflowOrder) -> list[str]:
    return [order.id for order in orders]


async def test_a_live_subscriber_gets_each_order_once_though_the_feed_repeats_it(
    feed: UnreliableFeed, stream: OrderStream
) -> None:
    subscription = await stream.subscribe(StreamFilter())
    a, b, c, last = (make_order() for _ in range(4))

    feed.record(a, b, a, c, b)
    feed.record(c, last)

    assert await ids_until(subscription, last) == ids(a, b, c, last)


async def test_an_order_committed_behind_the_readers_comes_once_by_its_repeat(
    feed: UnreliableFeed, stream: OrderStream
) -> None:
    subscription = await stream.subscribe(StreamFilter())
    a, late, b = make_order(), make_order(), make_order()
    [a_entry] = feed.record(a)
    assert await ids_until(subscription, a) == ids(a)  # the reader is past a's position

    feed.record_late(late, after=a_entry)  # never read by the live reader: it is behind it
    feed.record(late, b)  # the repeat, written once the late commit was known

    assert await ids_until(subscription, b) == ids(late, b)


async def test_a_resumed_subscriber_gets_what_followed_its_event_once_though_repeats_straddle_the_resume(
    feed: UnreliableFeed, stream: OrderStream
) -> None:
    first = await stream.subscribe(StreamFilter())
    a, late, b, c = (make_order() for _ in range(4))
    a_entry, _ = feed.record(a, b)
    assert await ids_until(first, b) == ids(a, b)
    feed.record_late(late, after=a_entry)  # behind the live reader, in the resume's range

    resumed = await stream.subscribe(StreamFilter(), resume=EventPoint(first.store, a_entry.position))
    feed.record(late, b, c)  # late's repeat, and one of b, both after where the resume joins the live stream

    assert await ids_until(resumed, c) == ids(late, b, c)
    assert await ids_until(first, c) == ids(late, c)


async def test_two_streams_filter_the_same_repeated_entries_each_for_itself(
    feed: UnreliableFeed, stream: OrderStream
) -> None:
    sells = await stream.subscribe(StreamFilter(direction=OrderDirection.SELL))
    everything = await stream.subscribe(StreamFilter())
    buy, sell, last_sell = make_order(direction="BUY"), make_order(direction="SELL"), make_order(direction="SELL")

    feed.record(buy, sell, buy, sell, last_sell)

    assert await ids_until(sells, last_sell) == ids(sell, last_sell)
    assert await ids_until(everything, last_sell) == ids(buy, sell, last_sell)
