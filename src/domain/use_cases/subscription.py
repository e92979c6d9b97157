"""One subscriber's stream of new orders: what it missed, read from the feed, then what the broker
hands it."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator

from domain.model.errors import DomainError
from domain.model.feed import FeedEntry, FeedPosition, StreamFilter
from domain.model.ids import Id
from ports.clock import Clock
from ports.feed import OrderFeed

READ_BATCH = 500
"""Entries per feed read; a full batch is followed by the next read at once."""
_END = "end"


class RecentIds:
    """The last `capacity` ids seen, to recognise one seen again."""

    def __init__(self, capacity: int) -> None:
        self._order: deque[Id] = deque()
        self._seen: set[Id] = set()
        self._capacity = capacity

    def add(self, order_id: Id) -> bool:
        """Remember `order_id`; False when it was already remembered."""
        if order_id in self._seen:
            return False
        self._seen.add(order_id)
        self._order.append(order_id)
        if len(self._order) > self._capacity:
            self._seen.discard(self._order.popleft())
        return True


class Subscription:
    """Entries after `after` up to `live_from` come from the feed (a resume, or a start in the
    past); every later one from the broker's hand-outs, buffered up to `buffer` entries.

    Each order comes once per stream. The two sources meet at `live_from` without overlap, but the
    feed may repeat an order (ports.feed.OrderFeed), possibly one side of `live_from` and then the
    other: the stream remembers the ids of the last `buffer` orders it gave (its one dedupe window;
    a repeat comes within seconds of the first) and skips them.

    The subscriber calls `next_batch` until it returns None, and `close` when it stops listening.
    """

    def __init__(
        self,
        feed: OrderFeed,
        clock: Clock,
        stream_filter: StreamFilter,
        *,
        store: str,
        after: FeedPosition | None,
        live_from: FeedPosition,
        buffer: int,
    ) -> None:
        self.stream_filter = stream_filter
        self.store = store
        """The id of the store whose positions this stream's entries carry (ports.feed.OrderFeed.store_id)."""
        self._after = after
        self._missed = (
            None if after is None or after >= live_from else _read(feed, clock, stream_filter, after, live_from)
        )
        self._queue: asyncio.Queue[FeedEntry | str] = asyncio.Queue()
        self._buffer = buffer
        self._given = RecentIds(capacity=buffer)
        self._finished = False
        self.ended = False
        """Ended by the service (too slow, or the process stops): it takes no more entries."""
        self.streaming = False
        """The subscriber asked for entries: it counts against the limit until it closes."""
        self.closed = False

    @property
    def withdrawn(self) -> bool:
        """No longer counted: closed by its subscriber, or ended before anyone listened."""
        return self.closed or (self.ended and not self.streaming)

    def offer(self, entry: FeedEntry) -> bool:
        """Buffer a live entry; False when the buffer is full (the subscriber is too slow)."""
        if self._queue.qsize() >= self._buffer:
            return False
        self._queue.put_nowait(entry)
        return True

    def end(self) -> None:
        """End the stream after what is buffered is dropped: the subscriber resumes from its last event."""
        self.ended = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_END)

    def close(self) -> None:
        self.closed = True

    async def next_batch(self) -> list[FeedEntry] | None:
        """The next entries, oldest first: every one waiting, so that a burst goes out in a few
        writes. None once the stream has ended (by the service, or because the storage failed the
        resume: the subscriber resumes later)."""
        self.streaming = True
        while self._missed is not None and not self._finished:
            try:
                read = await anext(self._missed, None)
            except DomainError:
                self._finished = True
            else:
                if read is None:
                    self._missed = None
                elif fresh := self._fresh(read):
                    return fresh
        while not self._finished:
            waiting = [await self._queue.get()]
            while not self._queue.empty():
                waiting.append(self._queue.get_nowait())
            self._finished = _END in waiting
            if fresh := self._fresh([item for item in waiting if isinstance(item, FeedEntry)]):
                return fresh
        return None

    def _fresh(self, entries: list[FeedEntry]) -> list[FeedEntry]:
        after = self._after
        return [
            entry
            for entry in entries
            if (after is None or entry.position > after)  # not before where the subscriber came from
            and self._given.add(entry.order.id)
        ]


async def _read(
    feed: OrderFeed, clock: Clock, stream_filter: StreamFilter, after: FeedPosition, through: FeedPosition
) -> AsyncIterator[list[FeedEntry]]:
    """Entries after `after` up to and including `through` that match, one list per feed read."""
    position = after
    while position < through:
        batch = await feed.read(position, now=clock.now(), limit=READ_BATCH)
        entries = [entry for entry in batch.entries if entry.position <= through]
        yield [entry for entry in entries if stream_filter.matches(entry.order)]
        if len(entries) < len(batch.entries):
            return
        if not batch.entries and batch.position <= position:
            return  # nothing more yet (a read may also skip ahead without entries: DynamoDB's buckets)
        position = batch.position
