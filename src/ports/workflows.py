"""Where workflows live."""

from typing import Protocol

from domain.model.ids import Id
from domain.model.workflow import Workflow, WorkflowStamp


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

    async def get(self, workflow_id: Id) -> Workflow | None:
        """The live workflow with this id, or None when it never existed or was deleted."""
        ...

    async def replace(self, workflow: Workflow) -> None:
        """Overwrite the live workflow with the same id (its spec and updated_at).

        Raises WorkflowNotFoundError when no live workflow has this id, and WorkflowNameTakenError
        when another live workflow already has the new name; nothing is written then.
        """
        ...

    async def delete(self, workflow_id: Id, *, now: int) -> None:
        """Delete the live workflow at `now`: it no longer appears in get or list, and takes no new
        orders.

        Its orders are not deleted: they stay readable until they expire, and its newest order
        still appears in OrderRepository.latest. Raises WorkflowNotFoundError when no live
        workflow has this id.
        """
        ...

    async def list(self, enable: bool | None = None) -> list[Workflow]:
        """Every live workflow (only those whose `enable` equals the filter, when given),
        sorted by name in Unicode code point order."""
        ...


class WorkflowStamps(Protocol):
    """What live workflows stamp on new orders (their name and dry_run); may answer from memory.

    A stamp answered from memory may have gone stale (the workflow was renamed, its dry_run
    changed, or it was deleted since). That is safe because OrderRepository.add writes only if the
    workflow still stamps orders so; a caller told so by StaleWorkflowError or
    WorkflowNotFoundError calls `forget` and asks again.
    """

    async def stamp_of(self, workflow_id: Id) -> WorkflowStamp | None:
        """The workflow's stamp, or None when no live workflow has this id."""
        ...

    def forget(self, workflow_id: Id) -> None:
        """Drop what is remembered about this workflow: the next stamp_of reads the storage."""
        ...
