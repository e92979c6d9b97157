"""Fakes for the ports that have no cheap real implementation: time, fresh ids, and a feed that
repeats and reorders entries on demand."""

import asyncio
import contextlib

from domain.model.feed import FeedBatch, FeedEntry, FeedPosition
from domain.model.order import WorkflowOrder


class FixedClock:
    """A Clock that says whatever time the test set, and moves only when told to."""

    def __init__(self, now: int) -> None:
        self.current = now

    def now(self) -> int:
        return self.current

    def set(self, now: int) -> None:
        self.current = now

    def advance(self, seconds: int) -> None:
        self.current += seconds


class SequentialIds:
    """An IdGenerator yielding valid lowercase UUID v4 strings in increasing order, never repeating."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def new_id(self) -> str:
        number, self._next = self._next, self._next + 1
        # version nibble 4 and RFC 4122 variant (8): a canonical v4 whatever the counter.
        return f"00000000-0000-4000-8000-{number:012x}"


class UnreliableFeed:
    """An OrderFeed that does what the port allows and the real adapters do only under load: an
    order's entry may repeat at a later position, and a late commit puts an entry behind a position
    readers have already passed. Positions are numbers; the test decides what the feed holds."""

    delay_seconds = 0.1

    def __init__(self, store: str = "fake:store") -> None:
        self._entries: list[FeedEntry] = []
        self._next = 1
        self._store = store
        self._changed = asyncio.Event()

    def _position(self, number: int) -> FeedPosition:
        return FeedPosition(f"{number:08d}")

    def record(self, *orders: WorkflowOrder) -> list[FeedEntry]:
        """New entries at the end of the feed (a repeat when an order is given again)."""
        added = []
        for order in orders:
            added.append(FeedEntry(self._position(self._next), order))
            self._next += 1
        self._entries += added
        self._changed.set()
        return added

    def record_late(self, order: WorkflowOrder, after: FeedEntry) -> FeedEntry:
        """An entry just after `after`'s position (before the next one): a commit that came after
        readers had passed there."""
        entry = FeedEntry(FeedPosition(after.position.key + "-late"), order)  # sorts before the next number
        self._entries = sorted([*self._entries, entry], key=lambda found: found.position)
        return entry

    async def store_id(self) -> str:
        return self._store

    async def end(self) -> FeedPosition:
        return self._position(self._next - 1)

    async def position_at(self, instant: int) -> FeedPosition:
        raise NotImplementedError  # no recording times here

    async def read(self, after: FeedPosition, *, now: int, limit: int) -> FeedBatch:
        entries = [entry for entry in self._entries if entry.position > after][:limit]
        return FeedBatch(entries, entries[-1].position if entries else after)

    async def changed(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.delay_seconds):
                await self._changed.wait()
        self._changed.clear()
