"""The feed of recorded orders, in the order they were recorded, shared by every instance."""

from typing import Protocol

from domain.model.feed import FeedBatch, FeedPosition


class OrderFeed(Protocol):
    """Every order recorded as new (never a replay) is in the feed, written with the order itself,
    so that any instance reading it sees the orders recorded through every instance.

    Reads are consistent: once `read` returned entries up to a position, no order is later added
    before that position. Storage that cannot order commits exactly holds back its newest entries
    for a short settling time instead (adapters.dynamodb.feed).
    """

    async def store_id(self) -> str:
        """The id of the store this feed reads, prefixed with its engine (`sqlite:`, `dynamodb:`):
        the same for every instance on the same store for as long as it lives, and different for
        any other store, including a copy whose feed may be behind the original (a restored
        backup, an import, a re-created table). Read from the storage once, then remembered."""
        ...

    async def end(self) -> FeedPosition:
        """The position after every order readable now: reading after it gives only later ones.
        Never before a position `read` returned on this store, so a position beyond it comes from a
        copy of the store whose feed had gone further."""
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
