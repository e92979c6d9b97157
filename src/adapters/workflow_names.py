"""Workflow names remembered between orders, so that recording an order is one storage call."""

from adapters.bounded_cache import BoundedCache
from domain.model.ids import Id
from ports.workflows import WorkflowRepository

NAMES_REMEMBERED = 10_000


class RememberedWorkflowNames:
    """WorkflowNames over a WorkflowRepository: a name read once is answered from memory until
    forgotten, or until `capacity` newer names have pushed it out.

    Names are never wrong for long: OrderRepository.add refuses a name that went stale, and the
    caller then forgets it (see the WorkflowNames port).
    """

    def __init__(self, workflows: WorkflowRepository, capacity: int = NAMES_REMEMBERED) -> None:
        self._workflows = workflows
        self._names: BoundedCache[Id, str] = BoundedCache("workflow names by id", capacity)

    async def name_of(self, workflow_id: Id) -> str | None:
        name = self._names.get(workflow_id)
        if name is not None:
            return name
        workflow = await self._workflows.get(workflow_id)
        if workflow is None:
            return None
        self._names.put(workflow_id, workflow.name)
        return workflow.name

    def forget(self, workflow_id: Id) -> None:
        self._names.discard(workflow_id)
