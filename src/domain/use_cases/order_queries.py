"""Read orders: one by id, a workflow's history page, and the latest order of every workflow."""

from dataclasses import dataclass

from domain.model.enums import OrderDirection
from domain.model.errors import InvalidInputError, OrderNotFoundError, WorkflowNotFoundError
from domain.model.history import CursorCodec, HistoryQuery, LatestPage
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.use_cases.reads import ConditionalRead, Loaded
from ports.clock import Clock
from ports.orders import OrderRepository
from ports.revisions import RevisedPages, Revisions, WorkflowRevision


@dataclass(frozen=True, slots=True)
class HistoryResult:
    """One page of a history: its orders, the count of every matching order, and the cursor of the
    next page (None on the last one)."""

    orders: list[WorkflowOrder]
    total_count: int
    next_cursor: str | None


class GetOrder:
    """One visible order by id. Its revision is its id, known without reading: an order never
    changes while it is visible, and its body stays current until its visibility ends."""

    def __init__(self, orders: OrderRepository, clock: Clock) -> None:
        self._orders, self._clock = orders, clock

    async def execute(self, order_id: Id) -> ConditionalRead[Id, WorkflowOrder]:
        async def load(_: Id | None) -> Loaded[Id, WorkflowOrder]:
            order = await self._orders.get(order_id)
            if order is None or not order.is_visible(self._clock.now()):
                raise OrderNotFoundError(order_id)
            return Loaded(order_id, order, fresh_until=order.expires_at)

        async def revision() -> Id:
            return (await load(None)).revision

        return ConditionalRead(revision, load, settled=order_id)


class GetOrderHistory:
    """A page of a workflow's visible orders, newest first, with the exact matching count.

    A workflow that is not live and has no visible order at all is a WorkflowNotFoundError (checked
    on every revision read, the page's included); a deleted workflow's remaining orders are served.
    """

    def __init__(self, revisions: Revisions, pages: RevisedPages, clock: Clock, cursors: CursorCodec) -> None:
        self._revisions, self._pages, self._clock, self._cursors = revisions, pages, clock, cursors

    async def execute(self, workflow_id: Id, query: HistoryQuery) -> ConditionalRead[WorkflowRevision, HistoryResult]:
        """How to read the history's revision, and how to load the page (its query checked then)."""

        async def revision() -> WorkflowRevision:
            return _history_of(workflow_id, await self._revisions.of_workflow(workflow_id, now=self._clock.now()))

        async def load(known: WorkflowRevision | None) -> Loaded[WorkflowRevision, HistoryResult]:
            return await self._load(workflow_id, query, known)

        return ConditionalRead(revision, load)

    async def _load(
        self, workflow_id: Id, query: HistoryQuery, known: WorkflowRevision | None
    ) -> Loaded[WorkflowRevision, HistoryResult]:
        history_filter = query.history_filter
        if (
            history_filter.since is not None
            and history_filter.until is not None
            and history_filter.since > history_filter.until
        ):
            raise InvalidInputError.single("since", "must not be after until")
        after = None if query.cursor is None else self._cursors.decode(query.cursor, workflow_id, history_filter)
        now = self._clock.now()
        read = await self._pages.page(workflow_id, history_filter, now=now, limit=query.limit, after=after, known=known)
        page = read.page
        next_cursor = (
            None
            if page.next_position is None
            else self._cursors.encode(workflow_id, history_filter, page.next_position)
        )
        revision = _history_of(workflow_id, read.revision)
        return Loaded(revision, HistoryResult(page.orders, page.total_count, next_cursor))


def _history_of(workflow_id: Id, revision: WorkflowRevision) -> WorkflowRevision:
    """`revision`, unless it says the history is a 404: no live workflow and no visible order."""
    if revision.workflow is None and revision.oldest_visible is None:
        raise WorkflowNotFoundError(workflow_id)
    return revision


class GetLatestOrders:
    """The newest visible order of each workflow (deleted ones included), newest first;
    `direction` filters rows after each workflow's newest order was picked."""

    def __init__(self, orders: OrderRepository, clock: Clock) -> None:
        self._orders, self._clock = orders, clock

    async def execute(self, limit: int, direction: OrderDirection | None = None) -> LatestPage:
        return await self._orders.latest(now=self._clock.now(), direction=direction, limit=limit)
