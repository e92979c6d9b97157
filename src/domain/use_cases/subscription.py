"""One subscriber's stream of new orders: what it missed first, then what the feed reader hands it."""

import asyncio
from collections import deque
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from domain.model.errors import DomainError
from domain.model.feed import FeedEntry, FeedPosition, StreamFilter
from domain.model.ids import Id

if TYPE_CHECKING:
    from domain.use_cases.watch_orders import WatchOrders

HEARTBEAT = None
"""What `Subscription.events` yields when nothing happened for a heartbeat interval."""
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
    """Entries recorded after `after` and up to `live_from` come from the feed (a resume); every
    later one comes from the feed reader's hand-outs, buffered up to `buffer` entries.

    Each order comes once: the two sources meet at `live_from` without overlap, and ids already
    given are skipped (a storage may announce an order twice).
    """

    def __init__(
        self,
        watch: "WatchOrders",
        stream_filter: StreamFilter,
        *,
        after: FeedPosition | None,
        live_from: FeedPosition,
        buffer: int,
    ) -> None:
        self.stream_filter = stream_filter
        self._watch, self._after, self._live_from = watch, after, live_from
        self._queue: asyncio.Queue[FeedEntry | str] = asyncio.Queue()
        self._buffer = buffer
        self._given = RecentIds(capacity=buffer)
        self.ended = False
        """Ended by the service (too slow, or the process stops): it takes no more entries."""
        self.streaming = False
        """Someone iterates `events`: the subscription is withdrawn when that iteration stops."""

    def offer(self, entry: FeedEntry) -> bool:
        """Buffer a live entry; False when the buffer is full (the subscriber is too slow)."""
        if self._queue.qsize() >= self._buffer:
            return False
        self._queue.put_nowait(entry)
        return True

    def end(self) -> None:
        """End the stream after what is buffered is dropped: the subscriber resumes from its last id."""
        self.ended = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_END)

    async def events(self) -> AsyncGenerator[list[FeedEntry] | None, None]:
        """Batches of entries, oldest first, with HEARTBEAT (None) after each quiet heartbeat
        interval. A batch holds every entry waiting when the subscriber asks for the next one, so a
        burst reaches it in a few writes. Ends when the stream is ended; the subscription is
        withdrawn however the iteration stops."""
        heartbeat_seconds = self._watch.heartbeat_seconds
        self.streaming = True
        try:
            if self._after is not None and self._after < self._live_from:
                try:
                    async for read in self._watch.backfill(self.stream_filter, self._after, self._live_from):
                        if fresh := [entry for entry in read if self._given.add(entry.order.id)]:
                            yield fresh
                except DomainError:
                    return  # the storage failed the resume: the stream ends, the client resumes later
            while True:
                try:
                    async with asyncio.timeout(heartbeat_seconds):
                        waiting = [await self._queue.get()]
                except TimeoutError:
                    yield HEARTBEAT
                    continue
                while not self._queue.empty():
                    waiting.append(self._queue.get_nowait())
                if fresh := [item for item in waiting if not isinstance(item, str) and self._is_new(item)]:
                    yield fresh
                if _END in waiting:
                    return
        finally:
            self._watch.unsubscribe(self)

    def _is_new(self, entry: FeedEntry) -> bool:
        if self._after is not None and entry.position <= self._after:
            return False  # already given by the instance the client came from
        return self._given.add(entry.order.id)
