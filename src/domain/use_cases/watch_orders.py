"""Watch new orders as they are recorded: one reader of the feed per process, fanned out to every
subscriber of this process."""

import asyncio
import logging
from collections.abc import AsyncIterator

from domain.model.errors import (
    EventIdUnknownHereError,
    ShuttingDownError,
    TooManySubscribersError,
    UnavailableError,
)
from domain.model.feed import EventIdCodec, EventPoint, FeedEntry, FeedPosition, StreamFilter
from domain.use_cases.subscription import RecentIds, Subscription
from ports.clock import Clock
from ports.feed import OrderFeed

READ_BATCH = 500
"""Entries per feed read; a full batch is followed by the next read at once."""
RETRY_SECONDS = 1.0
"""Pause after a feed read failed, before the next one."""

_log = logging.getLogger("workflow_orders.stream")


class WatchOrders:
    """Subscriptions to the orders recorded from now on, or after a position a client got before.

    One task reads the feed while at least one subscriber listens, and hands each entry to the
    subscribers whose filter it matches: the storage requests made to feed the streams are the
    same for one subscriber or a thousand, and none are made while nobody listens.

    A subscriber whose buffer is full when an entry arrives is dropped (its stream ends; it resumes
    from its last event id). At most `max_subscribers` listen at once, a dropped one counted until
    its stream has ended (until the connection that carries it is gone); while the process drains
    before a stop, every stream ends and new ones are refused.
    """

    def __init__(
        self,
        feed: OrderFeed,
        clock: Clock,
        event_ids: EventIdCodec,
        *,
        max_subscribers: int,
        buffer: int,
        heartbeat_seconds: float,
    ) -> None:
        self._feed, self._clock, self._event_ids = feed, clock, event_ids
        self.heartbeat_seconds = heartbeat_seconds
        self._max_subscribers, self._buffer = max_subscribers, buffer
        self._subscribers: set[Subscription] = set()
        self._position: FeedPosition | None = None
        """Where the reader task is: every entry up to here went to the subscribers of that time."""
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._delivered = RecentIds(capacity=10 * READ_BATCH)
        self._draining = False
        self._store: str | None = None
        """The feed's store id, read at the first subscription: every event id names it."""

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def subscribe(self, stream_filter: StreamFilter, last_event_id: str | None = None) -> Subscription:
        """A new subscription: the orders recorded after the event `last_event_id` names first
        (when given), then live ones.

        Raises InvalidEventIdError for an id this service did not issue, EventIdExpiredError for
        one issued too long ago, EventIdUnknownHereError for one this store cannot place (issued
        by another store, or beyond this store's end: a copy whose feed is behind the one that
        issued it), TooManySubscribersError or ShuttingDownError, and StorageUnavailableError
        when the feed's store id or end cannot be read.
        """
        point = None if last_event_id is None else self._event_ids.decode(last_event_id, now=self._clock.now())
        self._check_room()
        store = await self._store_id()
        if point is not None and (point.store != store or point.position > await self._feed.end()):
            raise EventIdUnknownHereError()
        after = None if point is None else point.position
        await self._start_reading()
        self._check_room()  # others may have subscribed, or a drain begun, while the reader started
        assert self._position is not None
        subscription = Subscription(self, stream_filter, after=after, live_from=self._position, buffer=self._buffer)
        self._subscribers.add(subscription)
        return subscription

    async def _store_id(self) -> str:
        if self._store is None:  # the port promises it never changes for the life of the store
            self._store = await self._feed.store_id()
        return self._store

    def _check_room(self) -> None:
        if self._draining:
            raise ShuttingDownError()
        if len(self._subscribers) >= self._max_subscribers:
            raise TooManySubscribersError()

    def event_id(self, entry: FeedEntry) -> str:
        """The id of the event that carries `entry`: where a client resumes after it."""
        assert self._store is not None  # read by the subscribe() that preceded every event
        return self._event_ids.encode(EventPoint(self._store, entry.position), now=self._clock.now())

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    def end_all(self) -> None:
        """End every stream and refuse new ones: the process is about to stop."""
        self._draining = True
        for subscription in self._subscribers:
            subscription.end()
        self._subscribers.clear()
        if self._reader is not None:
            self._reader.cancel()  # it would stop at its next read anyway; the storage may close first

    async def backfill(
        self, stream_filter: StreamFilter, after: FeedPosition, through: FeedPosition
    ) -> AsyncIterator[list[FeedEntry]]:
        """Entries after `after` up to and including `through` that match, from the feed, one list
        per feed read."""
        position = after
        while position < through:
            batch = await self._feed.read(position, now=self._clock.now(), limit=READ_BATCH)
            entries = [entry for entry in batch.entries if entry.position <= through]
            yield [entry for entry in entries if stream_filter.matches(entry.order)]
            if len(entries) < len(batch.entries):
                return
            if not batch.entries and batch.position <= position:
                return  # nothing more yet (a read may also skip ahead without entries: DynamoDB's buckets)
            position = batch.position

    async def _start_reading(self) -> None:
        async with self._starting:
            if self._reader is None:
                self._position = await self._feed.end()
                self._reader = asyncio.create_task(self._read_while_listened(), name="order-feed-reader")

    async def _read_while_listened(self) -> None:
        # No await between the emptiness check and the reset: a subscribe() that finds the reader
        # gone always starts a new one from the feed's end.
        while self._subscribers:
            assert self._position is not None
            try:
                batch = await self._feed.read(self._position, now=self._clock.now(), limit=READ_BATCH)
            except UnavailableError as error:
                _log.warning("the order feed could not be read; trying again shortly: %s", error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            except Exception:  # a bug must not silence every stream of the process for good
                _log.exception("reading the order feed failed; trying again shortly")
                await asyncio.sleep(RETRY_SECONDS)
                continue
            self._hand_out(batch.entries)
            self._position = batch.position
            if len(batch.entries) < READ_BATCH:
                await self._feed.changed()
        self._reader = None
        self._position = None

    def _hand_out(self, entries: list[FeedEntry]) -> None:
        for entry in entries:
            if not self._delivered.add(entry.order.id):
                continue  # announced twice by the storage (adapters.dynamodb.feed)
            for subscription in [s for s in self._subscribers if not s.ended and s.stream_filter.matches(entry.order)]:
                if not subscription.offer(entry):
                    self._drop(subscription)

    def _drop(self, subscription: Subscription) -> None:
        subscription.end()
        if not subscription.streaming:
            self._subscribers.discard(subscription)  # no stream to wait for: nobody iterates it
        _log.info("a stream subscriber fell behind and was disconnected")
