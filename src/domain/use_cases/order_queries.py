"""Read orders: one by id, a workflow's history page, and the latest order of every workflow."""

from dataclasses import dataclass

from domain.model.enums import OrderDirection
from domain.model.errors import InvalidInputError, OrderNotFoundError, WorkflowNotFoundError
from domain.model.history import CursorCodec, HistoryFilter, LatestPage
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from ports.clock import Clock
from ports.orders import OrderRepository
from ports.revisions import Revisions, WorkflowRevision


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """One page of a history: its orders, the count of every matching order, and the cursor of the
    next page (None on the last one)."""

    orders: list[WorkflowOrder]
    total_count: int
    next_cursor: str | None


class GetOrder:
    """One visible order by id."""

    def __init__(self, orders: OrderRepository, clock: Clock) -> None:
        self._orders, self._clock = orders, clock

    async def execute(self, order_id: Id) -> WorkflowOrder:
        order = await self._orders.get(order_id)
        if order is None or not order.is_visible(self._clock.now()):
            raise OrderNotFoundError(order_id)
        return order


class GetOrderHistory:
    """A page of a workflow's visible orders, newest first, with the exact matching count.

    The page and the count are one storage read. A workflow that is not live and has no visible
    order at all is a WorkflowNotFoundError; a deleted workflow's remaining orders are served.
    """

    def __init__(self, revisions: Revisions, orders: OrderRepository, clock: Clock, cursors: CursorCodec) -> None:
        self._revisions, self._orders, self._clock, self._cursors = revisions, orders, clock, cursors

    async def revision(self, workflow_id: Id) -> WorkflowRevision:
        """What every page of this history depends on; read it before the page it describes."""
        return await self._revisions.of_workflow(workflow_id, now=self._clock.now())

    async def execute(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        limit: int,
        cursor: str | None = None,
        revision: WorkflowRevision | None = None,
    ) -> HistoryResult:
        """The page as it is now; `revision`, when given, was read by `revision()` just before, and
        saves a read when the page is empty."""
        if (
            history_filter.since is not None
            and history_filter.until is not None
            and history_filter.since > history_filter.until
        ):
            raise InvalidInputError.single("since", "must not be after until")
        after = None if cursor is None else self._cursors.decode(cursor, workflow_id, history_filter)
        now = self._clock.now()
        page = await self._orders.page(workflow_id, history_filter, now=now, limit=limit, after=after)
        if page.total_count == 0:
            if revision is None:
                revision = await self.revision(workflow_id)
            if revision.workflow is None and revision.oldest_visible is None:
                raise WorkflowNotFoundError(workflow_id)
        next_cursor = (
            None
            if page.next_position is None
            else self._cursors.encode(workflow_id, history_filter, page.next_position)
        )
        return HistoryResult(page.orders, page.total_count, next_cursor)


class GetLatestOrders:
    """The newest visible order of each workflow (deleted ones included), newest first;
    `direction` filters rows after each workflow's newest order was picked."""

    def __init__(self, orders: OrderRepository, clock: Clock) -> None:
        self._orders, self._clock = orders, clock

    async def execute(self, limit: int, direction: OrderDirection | None = None) -> LatestPage:
        return await self._orders.latest(now=self._clock.now(), direction=direction, limit=limit)
