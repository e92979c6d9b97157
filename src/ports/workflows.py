"""Where workflows live."""

from typing import Protocol

from domain.model.workflow import Workflow


class WorkflowRepository(Protocol):
    """Live (not deleted) workflows, with names unique among live workflows.

    Every method raises StorageUnavailableError when the storage cannot be reached in time.
    """

    async def add(self, workflow: Workflow) -> None:
        """Store a new workflow.

        Raises WorkflowNameTakenError when a live workflow already has exactly this name
        (case-sensitive); nothing is written then. A deleted workflow's name may be reused.
        """
        ...

    async def get(self, workflow_id: str) -> Workflow | None:
        """The live workflow with this id (any case), or None when it never existed or was deleted."""
        ...

    async def replace(self, workflow: Workflow) -> None:
        """Overwrite the live workflow with the same id (its spec and updated_at).

        Raises WorkflowNotFoundError when no live workflow has this id, and WorkflowNameTakenError
        when another live workflow already has the new name; nothing is written then.
        """
        ...

    async def delete(self, workflow_id: str) -> None:
        """Delete the live workflow: it no longer appears in get or list, and takes no new orders.

        Its orders are not deleted: they stay readable until they expire, and its newest order
        still appears in OrderRepository.latest. Raises WorkflowNotFoundError when no live
        workflow has this id.
        """
        ...

    async def list(self, enable: bool | None = None) -> list[Workflow]:
        """Every live workflow (only those whose `enable` equals the filter, when given),
        sorted by name in Unicode code point order."""
        ...
