"""Export every record of a storage, and import records into one, keeping identities and timestamps."""

import enum
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from domain.model.errors import InvalidInputError, WorkflowNotFoundError
from domain.model.order import WorkflowOrder
from domain.model.rules import Problems
from ports.archive import ArchivedWorkflow, Restored, StorageArchive
from ports.clock import Clock

EXPORT_BATCH = 500
"""Orders read per storage call while exporting: memory holds one batch, whatever the data size."""

Record = ArchivedWorkflow | WorkflowOrder


class ExportRecords:
    """Every live workflow, every deleted workflow that still has visible orders, then every visible
    order, workflow by workflow, newest first: all as visible at `now` (the moment of the export)."""

    def __init__(self, archive: StorageArchive) -> None:
        self._archive = archive

    async def records(self, *, now: int) -> AsyncIterator[Record]:
        workflows = await self._archive.workflows(now=now)
        for archived in workflows:
            yield archived
        for archived in workflows:
            after = None
            while True:
                batch = await self._archive.orders(archived.workflow.id, now=now, limit=EXPORT_BATCH, after=after)
                for order in batch.orders:
                    yield order
                if batch.next_position is None:
                    break
                after = batch.next_position


class Outcome(enum.Enum):
    """What importing one record did."""

    CREATED = "created"
    PRESENT = "already present"
    CONFLICT = "conflict"
    EXPIRED = "expired, skipped"
    NO_WORKFLOW = "its workflow is not in the storage"


_OUTCOME_OF = {
    Restored.CREATED: Outcome.CREATED,
    Restored.PRESENT: Outcome.PRESENT,
    Restored.CONFLICT: Outcome.CONFLICT,
}


@dataclass
class Tally:
    """How many records of each kind ended how."""

    workflows: Counter[Outcome] = field(default_factory=Counter)
    orders: Counter[Outcome] = field(default_factory=Counter)

    def add(self, record: Record, outcome: Outcome) -> None:
        (self.workflows if isinstance(record, ArchivedWorkflow) else self.orders)[outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return self.workflows[outcome] + self.orders[outcome]


def check_record(record: Record, *, now: int) -> None:
    """Raises InvalidInputError naming each field of `record` that the API would not have stored at
    `now`: an instant outside the years 1 to 9999 or more than 5 minutes ahead (a workflow's
    created_at and updated_at, an order's placed_at), or a workflow updated before it was created.

    An order past its 7-day retention is not refused here: it could never be read, and the import
    skips it (ImportRecords.restore).
    """
    problems = Problems()
    if isinstance(record, ArchivedWorkflow):
        workflow = record.workflow
        problems.stored_instant("created_at", workflow.created_at, now=now)
        problems.stored_instant("updated_at", workflow.updated_at, now=now)
        problems.check("updated_at", workflow.updated_at >= workflow.created_at, "must not be before created_at")
    else:
        problems.stored_instant("placed_at", record.placed_at, now=now)
    if problems.errors:
        raise InvalidInputError(problems.errors)


class ImportRecords:
    """Write records back, each in one atomic step, never overwriting what is there.

    A workflow (live or deleted) is written with its id and timestamps; an order with its id,
    placed_at and captured workflow name, once its workflow is there. Records are checked first
    (check_record), as the API checks what it stores. An order already expired is
    skipped: it could never be read. Importing the same records twice creates nothing the second time.
    """

    def __init__(self, archive: StorageArchive, clock: Clock) -> None:
        self._archive, self._clock = archive, clock

    async def restore(self, record: Record, *, keep_until: int) -> Outcome:
        """Import one record; `keep_until` is how long a deleted workflow must be kept (the expiry of
        its newest order among the records)."""
        if isinstance(record, ArchivedWorkflow):
            return _OUTCOME_OF[await self._archive.restore_workflow(record, keep_until=keep_until)]
        if not record.is_visible(self._clock.now()):
            return Outcome.EXPIRED
        try:
            return _OUTCOME_OF[await self._archive.restore_order(record)]
        except WorkflowNotFoundError:
            return Outcome.NO_WORKFLOW
