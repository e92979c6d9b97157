"""Encoded response bodies by their strong entity tag, bounded in bytes: a repeated read whose
revision is unchanged is answered from bytes."""

from collections import OrderedDict
from dataclasses import dataclass

from adapters.telemetry.metrics import Metrics

ENTRY_OVERHEAD = 256
"""Bytes counted for each entry on top of its body: the tag, the entry and its place in the index."""


@dataclass(frozen=True, slots=True)
class _Entry:
    body: bytes
    size: int


class BodyCache:
    """At most `capacity` bytes of encoded 200 bodies, each under the strong tag it was served with,
    least recently used dropped first; `capacity` 0 keeps nothing. Owned by the container (one per
    app), used from the event loop only.

    Correct by construction, on every replica: the caller looks a body up by the tag of a revision it
    read from storage for this very request, and a tag is a digest of everything its body depends on
    (that revision, the query, the form of decimals), so the body found is the one that would be
    built now. Hits, misses, evictions and the bytes held are in Metrics.
    """

    def __init__(self, capacity: int, metrics: Metrics) -> None:
        if capacity < 0:
            raise ValueError("capacity must not be negative")
        self.capacity, self._metrics = capacity, metrics
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self.size = 0
        """Bytes held, as counted against `capacity`."""
        metrics.count_body_cache_bytes(lambda: self.size)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, tag: str) -> bytes | None:
        """The body served under `tag`, or None (a miss) when none is held."""
        if not self.capacity:
            return None
        entry = self._entries.get(tag)
        if entry is None:
            self._metrics.body_cache_misses.inc()
            return None
        self._entries.move_to_end(tag)
        self._metrics.body_cache_hits.inc()
        return entry.body

    def put(self, tag: str, body: bytes) -> None:
        """Keep `body` under `tag`, dropping the least recently used bodies to make room; a body larger
        than the whole capacity is not kept."""
        size = len(body) + ENTRY_OVERHEAD
        if size > self.capacity:
            return
        if tag in self._entries:
            self._drop(tag)
        self._entries[tag] = _Entry(body, size)
        self.size += size
        while self.size > self.capacity:
            oldest = next(iter(self._entries))
            self._drop(oldest)
            self._metrics.body_cache_evictions.inc()

    def _drop(self, tag: str) -> None:
        self.size -= self._entries.pop(tag).size
