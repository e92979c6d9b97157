"""Where order records live."""

from typing import Protocol

from domain.model.enums import OrderDirection
from domain.model.history import HistoryFilter, HistoryPage, LatestPage, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow


class OrderRepository(Protocol):
    """Write-once order records.

    Newest first means descending (placed_at, id): two orders of one workflow placed in the same
    second are two records, ordered by id descending. Visible at `now` means
    now < placed_at + RETENTION_SECONDS (see domain.model.order.oldest_visible_placed_at);
    every query below returns and counts only visible orders, whatever the storage still holds.
    Every method raises StorageUnavailableError when the storage cannot be reached in time.
    """

    async def add(self, order: WorkflowOrder) -> None:
        """Record a new order in one atomic write.

        The write happens only if, at that moment, the order's workflow is live and still stamps
        orders as this one is stamped (named `order.workflow_name`, with `order.dry_run` as its
        dry_run), and no order with this id exists. In the same write, the order becomes its
        workflow's latest order unless that workflow already has a newer one.
        Raises WorkflowNotFoundError (workflow unknown or deleted), StaleWorkflowError (renamed, or
        dry_run changed, since it was read) or DuplicateOrderIdError (id taken); nothing is
        written then. When the
        id is taken, DuplicateOrderIdError wins over the others, so that a replay racing a delete
        is still recognised as a replay. A write that the storage applied but answered too late is
        not reported as a duplicate of itself.
        """
        ...

    async def get(self, order_id: Id) -> WorkflowOrder | None:
        """The order with this id, expired or not, or None when storage has none."""
        ...

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
    ) -> HistoryPage:
        """Up to `limit` (>= 1) visible orders of one workflow that match the filter, newest first,
        strictly after `after` when given, and the exact number of visible orders that match the
        filter (wherever `after` stands).

        `next_position` is the last returned order's position when at least one more matching
        visible order follows it, else None (so it never leads to an empty page). Following
        positions visits every matching order exactly once.
        """
        ...

    async def latest(
        self, *, now: int, direction: OrderDirection | None = None, limit: int | None = None
    ) -> LatestPage:
        """The newest visible order of every workflow that has one, deleted workflows included;
        one per workflow, newest first.

        With `direction`, only the rows whose order has that direction (each workflow's newest
        order is picked first, then filtered); with `limit` (>= 1), only the first `limit` rows.
        `total_count` counts the rows before the limit.
        """
        ...

    async def window(
        self, window: OrderWindow, *, now: int, limit: int, after: Position | None = None
    ) -> list[WorkflowOrder]:
        """Up to `limit` (>= 1) visible orders of any workflow (deleted workflows included) that
        match `window`, newest first (ties by id descending), strictly after `after` when given.
        Only placed_at within window.placed_at_range(now) is looked at: visible orders, up to
        HORIZON_SECONDS after `now` when the window has no `until`.

        One storage call, whatever the number of workflows; what it reads is bounded by the
        window's time range, never by everything stored. An order recorded late (an old
        placed_at) is found by any later call whose window covers it.
        """
        ...
