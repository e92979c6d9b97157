"""Taking a storage's data out and putting it back: for export, import and migration between storages."""

import enum
from dataclasses import dataclass
from typing import Protocol

from domain.model.history import Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.workflow import Workflow


@dataclass(frozen=True, slots=True)
class ArchivedWorkflow:
    """A workflow as a storage holds it: live, or deleted (kept because its orders still are)."""

    workflow: Workflow
    deleted: bool = False


class Restored(enum.Enum):
    """What restoring one record did."""

    CREATED = "created"
    PRESENT = "already present"
    """The storage already held exactly this record; nothing was written."""
    CONFLICT = "conflict"
    """The storage holds something else under this identity (or the name is taken); nothing was written."""


@dataclass(frozen=True, slots=True)
class OrderBatch:
    """Some of one workflow's visible orders, newest first; `next_position` is None after the last."""

    orders: list[WorkflowOrder]
    next_position: Position | None


class StorageArchive(Protocol):
    """Every record of a storage, read out and written back with its identity and timestamps.

    Restoring writes each record in one atomic step and never overwrites: a record already there
    with other content is a conflict. Restored orders keep the latest-order invariant as
    OrderRepository.add does, and restored live workflows keep names unique among live workflows,
    so a restore may run while the service serves.
    """

    async def workflows(self, *, now: int) -> list[ArchivedWorkflow]:
        """Every live workflow, and every deleted one that still has an order visible at `now`."""
        ...

    async def orders(self, workflow_id: Id, *, now: int, limit: int, after: Position | None) -> OrderBatch:
        """Up to `limit` orders of this workflow visible at `now`, newest first, strictly after
        `after`; unlike OrderRepository.page, nothing is counted."""
        ...

    async def restore_workflow(self, archived: ArchivedWorkflow, *, keep_until: int) -> Restored:
        """Write this workflow with its id and timestamps unless a workflow with its id exists.

        Present means a stored workflow with this id has the same spec, timestamps and deleted
        state. A live one conflicts when another live workflow has its name. A deleted one is
        kept at least until `keep_until` (the expiry of its newest order).
        """
        ...

    async def restore_order(self, order: WorkflowOrder) -> Restored:
        """Write this order, with its captured workflow name, unless an order with its id exists.

        Its workflow (live or deleted) must be stored already; raises WorkflowNotFoundError when
        it is not. Present means the stored order with this id equals this one.
        """
        ...
