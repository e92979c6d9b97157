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

    The order carries its workflow's name. Names read earlier are remembered per workflow id and
    used without reading the workflow again: the write itself checks that the workflow is live
    and still has that name (OrderRepository.add), so a remembered name that went stale costs one
    failed write and a fresh read, never a wrong record. In the steady state, recording an order
    is one storage call.
    """

    NAMES_REMEMBERED = 10_000

    def __init__(self, workflows: WorkflowRepository, orders: OrderRepository, clock: Clock, ids: IdGenerator) -> None:
        self._workflows, self._orders, self._clock, self._ids = workflows, orders, clock, ids
        self._names: dict[str, str] = {}

    async def execute(self, workflow_id: str, draft: OrderDraft) -> RecordedOrder:
        workflow_id = workflow_id.lower()
        now = self._clock.now()
        draft.check_placed_at(now)
        order_id = draft.id or self._ids.new_id()
        for _ in range(_RENAME_RETRIES):
            name = self._names.get(workflow_id)
            if name is None:
                workflow = await self._workflows.get(workflow_id)
                if workflow is None:
                    return await self._replay_for_missing_workflow(draft, workflow_id, now)
                name = self._remember(workflow_id, workflow.name)
            order = draft.to_order(order_id, workflow_id, name, now)
            try:
                await self._orders.add(order)
            except StaleWorkflowError:
                self._names.pop(workflow_id, None)
                continue
            except WorkflowNotFoundError:
                self._names.pop(workflow_id, None)
                raise
            except DuplicateOrderIdError:
                stored = await self._orders.get(order_id)
                if stored is None:  # pragma: no cover - the id was taken a moment ago
                    raise
                return self._replay(draft, stored, workflow_id, now)
            return RecordedOrder(order, created=True)
        raise StaleWorkflowError(workflow_id)

    def _remember(self, workflow_id: str, name: str) -> str:
        if len(self._names) >= self.NAMES_REMEMBERED:
            self._names.clear()
        self._names[workflow_id] = name
        return name

    async def _replay_for_missing_workflow(self, draft: OrderDraft, workflow_id: str, now: int) -> RecordedOrder:
        """A workflow that is not live takes no new order, but a replay of one it took before
        still answers the stored order."""
        if draft.id is not None and (stored := await self._orders.get(draft.id)) is not None:
            return self._replay(draft, stored, workflow_id, now)
        raise WorkflowNotFoundError(workflow_id)

    @staticmethod
    def _replay(draft: OrderDraft, stored: WorkflowOrder, workflow_id: str, now: int) -> RecordedOrder:
        if stored.is_visible(now) and draft.is_replay_of(stored, workflow_id):
            return RecordedOrder(stored, created=False)
        raise OrderIdConflictError(stored.id)
