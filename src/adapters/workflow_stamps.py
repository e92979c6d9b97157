"""Workflow stamps remembered between orders, so that recording an order is one storage call."""

from adapters.bounded_cache import BoundedCache
from domain.model.ids import Id
from domain.model.workflow import WorkflowStamp
from ports.workflows import WorkflowRepository

STAMPS_REMEMBERED = 10_000


class RememberedWorkflowStamps:
    """WorkflowStamps over a WorkflowRepository: a stamp read once is answered from memory until
    forgotten, or until `capacity` newer stamps have pushed it out.

    Stamps are never wrong for long: OrderRepository.add refuses a stamp that went stale, and the
    caller then forgets it (see the WorkflowStamps port).
    """

    def __init__(self, workflows: WorkflowRepository, capacity: int = STAMPS_REMEMBERED) -> None:
        self._workflows = workflows
        self._stamps: BoundedCache[Id, WorkflowStamp] = BoundedCache("workflow stamps by id", capacity)

    async def stamp_of(self, workflow_id: Id) -> WorkflowStamp | None:
        stamp = self._stamps.get(workflow_id)
        if stamp is not None:
            return stamp
        workflow = await self._workflows.get(workflow_id)
        if workflow is None:
            return None
        self._stamps.put(workflow_id, workflow.stamp)
        return workflow.stamp

    def forget(self, workflow_id: Id) -> None:
        self._stamps.discard(workflow_id)
