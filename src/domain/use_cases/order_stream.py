"""The live stream of new orders: one reader of the feed per process, fanned out to every subscriber
of this process."""

import asyncio
import logging

from domain.model.errors import (
    EventIdUnknownHereError,
    InvalidInputError,
    ShuttingDownError,
    TooManySubscribersError,
    UnavailableError,
)
from domain.model.feed import EventPoint, FeedEntry, FeedPosition, StreamFilter
from domain.model.order import RETENTION_SECONDS
from domain.model.rules import FUTURE_TOLERANCE_SECONDS
from domain.use_cases.subscription import READ_BATCH, Subscription
from ports.clock import Clock
from ports.feed import OrderFeed

RETRY_SECONDS = 1.0
"""Pause after a feed read failed, before the next one."""

_log = logging.getLogger("workflow_orders.stream")


class OrderStream:
    """Subscriptions to the orders recorded from now on, from an instant of the last 7 days, or
    after a position a client got before: a small broker over the feed.

    One task reads the feed while at least one subscriber listens, and hands each entry to the
    subscriptions whose filter it matches: the storage requests made to feed the streams are the
    same for one subscriber or a thousand, and none are made while nobody listens. The feed delivers
    every entry at least once and may repeat one (ports.feed.OrderFeed); each subscription skips
    the orders it already gave, so a subscriber gets each order once.

    A subscriber whose buffer is full when an entry arrives is dropped (its stream ends; it resumes
    from its last event). At most `max_subscribers` listen at once, a dropped one counted until it
    closes (until the connection that carries it is gone); while the process drains before a stop,
    every stream ends and new ones are refused.
    """

    def __init__(self, feed: OrderFeed, clock: Clock, *, max_subscribers: int, buffer: int) -> None:
        self._feed, self._clock = feed, clock
        self._max_subscribers, self._buffer = max_subscribers, buffer
        self._subscribers: set[Subscription] = set()
        self._position: FeedPosition | None = None
        """Where the reader task is: every entry up to here went to the subscribers of that time."""
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._draining = False
        self._store: str | None = None
        """The feed's store id, read at the first subscription: every position handed out is of it."""

    @property
    def subscriber_count(self) -> int:
        self._subscribers = {subscription for subscription in self._subscribers if not subscription.withdrawn}
        return len(self._subscribers)

    async def subscribe(
        self, stream_filter: StreamFilter, *, resume: EventPoint | None = None, since: int | None = None
    ) -> Subscription:
        """A new subscription: first the orders recorded after `resume` (when given) or else at or
        after `since` (when given), then live ones. `since` is ignored with `resume`: a client that
        reconnects resumes where it was.

        Raises InvalidInputError for a `since` more than 7 days back or more than 5 minutes ahead (a
        `since` ahead within that starts live), EventIdUnknownHereError for a `resume` this store
        cannot place (of another store, or beyond this store's end: a copy whose feed is behind the
        one it came from), TooManySubscribersError or ShuttingDownError, and StorageUnavailableError
        when the feed's store id or positions cannot be read.
        """
        now = self._clock.now()
        if (
            resume is None
            and since is not None
            and not now - RETENTION_SECONDS <= since <= now + FUTURE_TOLERANCE_SECONDS
        ):
            raise InvalidInputError.single("since", "must be within the last 7 days (and at most 5 minutes ahead)")
        self._check_room()
        store = await self._store_id()
        after = await self._start(store, resume, None if since is None or since > now else since)
        await self._start_reading()
        self._check_room()  # others may have subscribed, or a drain begun, while the reader started
        assert self._position is not None
        subscription = Subscription(
            self._feed,
            self._clock,
            stream_filter,
            store=store,
            after=after,
            live_from=self._position,
            buffer=self._buffer,
        )
        self._subscribers.add(subscription)
        return subscription

    async def _start(self, store: str, resume: EventPoint | None, since: int | None) -> FeedPosition | None:
        if resume is not None:
            if resume.store != store or resume.position > await self._feed.end():
                raise EventIdUnknownHereError()
            return resume.position
        return None if since is None else await self._feed.position_at(since)

    async def _store_id(self) -> str:
        if self._store is None:  # the port promises it never changes for the life of the store
            self._store = await self._feed.store_id()
        return self._store

    def _check_room(self) -> None:
        if self._draining:
            raise ShuttingDownError()
        if self.subscriber_count >= self._max_subscribers:
            raise TooManySubscribersError()

    def end_all(self) -> None:
        """End every stream and refuse new ones: the process is about to stop."""
        self._draining = True
        for subscription in self._subscribers:
            subscription.end()
        self._subscribers.clear()
        if self._reader is not None:
            self._reader.cancel()  # it would stop at its next read anyway; the storage may close first

    async def _start_reading(self) -> None:
        async with self._starting:
            if self._reader is None:
                self._position = await self._feed.end()
                self._reader = asyncio.create_task(self._read_while_listened(), name="order-feed-reader")

    async def _read_while_listened(self) -> None:
        # No await between the emptiness check and the reset: a subscribe() that finds the reader
        # gone always starts a new one from the feed's end.
        while self.subscriber_count:
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
            for subscription in self._subscribers:
                wanted = not subscription.ended and subscription.stream_filter.matches(entry.order)
                if wanted and not subscription.offer(entry):
                    subscription.end()
                    _log.info("a stream subscriber fell behind and was disconnected")
