"""Record an order placed by a workflow: idempotent by id, write-once."""

from dataclasses import dataclass

from domain.model.draft import OrderDraft
from domain.model.errors import (
    DuplicateOrderIdError,
    OrderIdConflictError,
    StaleWorkflowError,
    WorkflowNotFoundError,
)
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from ports.clock import Clock
from ports.ids import IdGenerator
from ports.orders import OrderRepository
from ports.workflows import WorkflowStamps

_STALE_RETRIES = 5


@dataclass(frozen=True, slots=True)
class RecordedOrder:
    order: WorkflowOrder
    created: bool
    """False when the request replayed an order already stored (nothing was written)."""


class RecordOrder:
    """Store a draft as a new order of a live workflow, or recognise a replay of a stored one.

    A replay (same id, same content) answers the stored order without writing; the same id with
    other content, or for another workflow, is an OrderIdConflictError.

    The order carries its workflow's stamp (name and dry_run), as `stamps` knows it. The write
    itself checks that the workflow is live and still stamps orders so (OrderRepository.add), so a
    stamp that went stale costs one refused write and a fresh read, never a wrong record.
    """

    def __init__(self, stamps: WorkflowStamps, orders: OrderRepository, clock: Clock, ids: IdGenerator) -> None:
        self._stamps, self._orders, self._clock, self._ids = stamps, orders, clock, ids

    async def execute(self, workflow_id: Id, draft: OrderDraft) -> RecordedOrder:
        now = self._clock.now()
        draft.check_placed_at(now)
        order_id = draft.order_id or self._ids.new_id()
        for _ in range(_STALE_RETRIES):
            stamp = await self._stamps.stamp_of(workflow_id)
            if stamp is None:
                return await self._replay_for_missing_workflow(draft, workflow_id, now)
            order = draft.to_order(order_id, workflow_id, stamp, now)
            try:
                await self._orders.add(order)
            except StaleWorkflowError:
                self._stamps.forget(workflow_id)
                continue
            except WorkflowNotFoundError:
                self._stamps.forget(workflow_id)
                raise
            except DuplicateOrderIdError:
                stored = await self._orders.get(order_id)
                if stored is None:  # pragma: no cover - the id was taken a moment ago
                    raise
                return self._replay(draft, stored, workflow_id, now)
            return RecordedOrder(order, created=True)
        raise StaleWorkflowError(workflow_id)

    async def _replay_for_missing_workflow(self, draft: OrderDraft, workflow_id: Id, now: int) -> RecordedOrder:
        """A workflow that is not live takes no new order, but a replay of one it took before
        still answers the stored order."""
        if draft.order_id is not None and (stored := await self._orders.get(draft.order_id)) is not None:
            return self._replay(draft, stored, workflow_id, now)
        raise WorkflowNotFoundError(workflow_id)

    @staticmethod
    def _replay(draft: OrderDraft, stored: WorkflowOrder, workflow_id: Id, now: int) -> RecordedOrder:
        if stored.is_visible(now) and draft.is_replay_of(stored, workflow_id):
            return RecordedOrder(stored, created=False)
        raise OrderIdConflictError(stored.id)
