"""Record an order placed by a workflow: idempotent by id, write-once."""

from dataclasses import dataclass

from domain.model.draft import OrderDraft
from domain.model.errors import (
    DuplicateOrderIdError,
    OrderIdConflictError,
    StaleWorkflowError,
    WorkflowNotFoundError,
)
from domain.model.order import WorkflowOrder
from ports.clock import Clock
from ports.ids import IdGenerator
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

_RENAME_RETRIES = 5


@dataclass(frozen=True, slots=True)
class RecordedOrder:
    order: WorkflowOrder
    created: bool
    """False when the request replayed an order already stored (nothing was written)."""


class RecordOrder:
    """Store a draft as a new order of a live workflow, or recognise a replay of a stored one.

    A replay (same id, same content) answers the stored order without writing; the same id with
    other content, or for another workflow, is an OrderIdConflictError.
    """

    def __init__(self, workflows: WorkflowRepository, orders: OrderRepository, clock: Clock, ids: IdGenerator) -> None:
        self._workflows, self._orders, self._clock, self._ids = workflows, orders, clock, ids

    async def execute(self, workflow_id: str, draft: OrderDraft) -> RecordedOrder:
        workflow_id = workflow_id.lower()
        now = self._clock.now()
        draft.check_placed_at(now)
        if draft.id is not None and (stored := await self._orders.get(draft.id)) is not None:
            return self._replay(draft, stored, workflow_id, now)
        order_id = draft.id or self._ids.new_id()
        for _ in range(_RENAME_RETRIES):
            workflow = await self._workflows.get(workflow_id)
            if workflow is None:
                raise WorkflowNotFoundError(workflow_id)
            order = draft.to_order(order_id, workflow.id, workflow.name, now)
            try:
                await self._orders.add(order)
            except StaleWorkflowError:
                continue
            except DuplicateOrderIdError:
                stored = await self._orders.get(order_id)
                if stored is None:  # pragma: no cover - the id was taken a moment ago
                    raise
                return self._replay(draft, stored, workflow_id, now)
            return RecordedOrder(order, created=True)
        raise StaleWorkflowError(workflow_id)

    @staticmethod
    def _replay(draft: OrderDraft, stored: WorkflowOrder, workflow_id: str, now: int) -> RecordedOrder:
        if stored.is_visible(now) and draft.is_replay_of(stored, workflow_id):
            return RecordedOrder(stored, created=False)
        raise OrderIdConflictError(stored.id)
