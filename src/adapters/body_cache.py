"""Encoded response bodies, one per subject (what a read answers, apart from the state it reads),
under the strong tag it was served with, bounded in bytes: a repeated read whose revision is
unchanged is answered from bytes."""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from adapters.telemetry.metrics import Metrics
from ports.clock import Clock

ENTRY_OVERHEAD = 256
"""Bytes counted for each entry on top of its body: the subject, the tag, the entry and its place in
the index."""


@dataclass(frozen=True, slots=True)
class _Entry:
    tag: str
    body: bytes
    size: int
    fresh_until: int | None


class BodyCache:
    """At most `capacity` bytes of encoded 200 bodies, the last one served for each subject (a
    workflow's details, one history page's query, one order; in one form of decimals), least
    recently used dropped first; `capacity` 0 keeps nothing. Owned by the container (one per app),
    used from the event loop only.

    Correct by construction, on every replica: a body is served only under the tag the caller made
    for this very request, from a revision it read from storage just now, and a tag is a digest of
    everything its body depends on. A body kept with `fresh_until` (an order, which never changes
    while it is visible) is served without a revision until that instant (by `clock`), never after.
    Hits, misses, evictions and the bytes held are in Metrics.
    """

    def __init__(self, capacity: int, metrics: Metrics, clock: Clock) -> None:
        if capacity < 0:
            raise ValueError("capacity must not be negative")
        self.capacity, self._metrics, self._clock = capacity, metrics, clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.size = 0
        """Bytes held, as counted against `capacity`."""
        metrics.count_body_cache_bytes(lambda: self.size)

    def __len__(self) -> int:
        return len(self._entries)

    def holds(self, subject: Hashable) -> bool:
        """Whether a current body of `subject` is kept, whatever its tag. When none is, the caller
        builds the body: that is counted as a miss."""
        if not self.capacity:
            return False
        if self._entry(subject) is None:
            self._metrics.body_cache_misses.inc()
            return False
        return True

    def body(self, subject: Hashable, tag: str) -> bytes | None:
        """The body of `subject` served under `tag`, or None (a miss) when the one kept, if any, has
        another tag or is past its `fresh_until`."""
        if not self.capacity:
            return None
        entry = self._entry(subject)
        if entry is None or entry.tag != tag:
            self._metrics.body_cache_misses.inc()
            return None
        self._entries.move_to_end(subject)
        self._metrics.body_cache_hits.inc()
        return entry.body

    def put(self, subject: Hashable, tag: str, body: bytes, fresh_until: int | None = None) -> None:
        """Keep `body` as the one of `subject`, served under `tag` (with `fresh_until`: served with no
        revision read until then), dropping the least recently used bodies to make room; a body
        larger than the whole capacity is not kept."""
        size = len(body) + ENTRY_OVERHEAD
        if size > self.capacity:
            return
        if subject in self._entries:
            self._drop(subject)
        self._entries[subject] = _Entry(tag, body, size, fresh_until)
        self.size += size
        while self.size > self.capacity:
            self._drop(next(iter(self._entries)))
            self._metrics.body_cache_evictions.inc()

    def _entry(self, subject: Hashable) -> _Entry | None:
        entry = self._entries.get(subject)
        if entry is not None and entry.fresh_until is not None and self._clock.now() >= entry.fresh_until:
            self._drop(subject)
            return None
        return entry

    def _drop(self, subject: Hashable) -> None:
        self.size -= self._entries.pop(subject).size
