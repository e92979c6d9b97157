"""The feed of recorded orders, in the order they were recorded, shared by every instance."""

from typing import Protocol

from domain.model.feed import FeedBatch, FeedPosition


class OrderFeed(Protocol):
    """Every order recorded as new (never a replay) has an entry in the feed, written with the order
    itself, so that any instance reading it sees the orders recorded through every instance.

    The contract, for a reader that reads on from the position each read returned and awaits
    `changed()` whenever a read came back short:

    - At least once: every order whose recording was acknowledged (OrderRepository.add returned)
      after the reader's first position is in some read's entries within `delay_seconds` (an
      attribute of the adapter) of its commit, for as long as it is visible. A failed read loses
      nothing: reading again from the same position returns it. (A write that failed for its caller
      and still committed later may be missed: docs/dynamodb.md, the feed's limits.)
    - Repeats: an order may have a second entry, at a later position, within `delay_seconds` of its
      first (an adapter that cannot order commits exactly re-announces an order whose commit came
      late). A reader that had passed the first position gets the repeat; a reader that read both
      gets the order twice and must skip the second. Never more than two entries per order.
    - Order: a read returns entries oldest position first, and a later read only entries after the
      position the earlier one returned. Positions sort as the entries were recorded, which is not
      always commit order: that is what the repeat is for.
    - Recorded at: every entry has a recording time, in seconds since the epoch, that never goes
      backwards along the feed (`position_at`).
    """

    delay_seconds: float
    """The bound of "within N seconds" above: a generous one (a liveness bound, not a latency)."""

    async def store_id(self) -> str:
        """The id of the store this feed reads, prefixed with its engine (`sqlite:`, `dynamodb:`):
        the same for every instance on the same store for as long as it lives, and different for
        any other store, including a copy whose feed may be behind the original (a restored
        backup, an import, a re-created table). Read from the storage once, then remembered."""
        ...

    async def end(self) -> FeedPosition:
        """The position after every entry readable now: reading after it gives only later ones.
        Never before a position `read` returned on this store, so a position beyond it comes from a
        copy of the store whose feed had gone further."""
        ...

    async def position_at(self, instant: int) -> FeedPosition:
        """The position just before the first entry recorded at or after `instant` (seconds since
        the epoch): reading after it gives every entry recorded from then on (and only those, apart
        from entries the storage could not date: see the adapter), at most `end()`."""
        ...

    async def read(self, after: FeedPosition, *, now: int, limit: int) -> FeedBatch:
        """Up to `limit` (>= 1) entries recorded after `after`, oldest first, skipping orders no
        longer visible at `now`, and the position to read after next."""
        ...

    async def changed(self) -> None:
        """Return when a read may find new entries: as soon as this process records an order, or
        after the storage's polling interval (for orders recorded by other processes). Not a
        storage call: it only waits."""
        ...
