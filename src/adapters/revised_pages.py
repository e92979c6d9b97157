"""RevisedPages for a storage that cannot read a revision and a page in one snapshot: the revision
first (unless the caller already read one), then the page."""

from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from ports.orders import OrderRepository
from ports.revisions import RevisedPage, RevisedPages, Revisions, WorkflowRevision


class RevisionThenPage(RevisedPages):
    """Two reads in this order, never at once: a page read after its revision is never older than it
    (an order recorded in between is in the page and not yet in the revision, which only makes the
    next request's tag differ). The caller's `known` revision saves the first read: DynamoDB then
    makes the requests of one revision read and one page read per history page, as before."""

    def __init__(self, revisions: Revisions, orders: OrderRepository) -> None:
        self._revisions, self._orders = revisions, orders

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
        known: WorkflowRevision | None = None,
    ) -> RevisedPage:
        revision = known if known is not None else await self._revisions.of_workflow(workflow_id, now=now)
        page = await self._orders.page(workflow_id, history_filter, now=now, limit=limit, after=after)
        return RevisedPage(revision, page)
