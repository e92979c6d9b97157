"""What the responses about one workflow depend on, read cheaply (for answering "has it changed?"),
and a page of its history read together with it."""

from dataclasses import dataclass
from typing import Protocol

from domain.model.history import HistoryFilter, HistoryPage, Position
from domain.model.ids import Id
from domain.model.workflow import Workflow


@dataclass(frozen=True, slots=True)
class WorkflowRevision:
    """A workflow's state as far as reads of it and of its orders can tell, at one moment.

    If none of these fields differs between two moments, neither does the workflow, its order
    count, its newest order, nor any page of its history: an order recorded in between raises
    `orders_recorded`, an order expiring in between changes `oldest_visible`, a replace or a
    delete changes `workflow`.
    """

    workflow: Workflow | None
    """The live workflow, or None when deleted or never created."""
    orders_recorded: int
    """How many orders were ever recorded for this workflow id: grows by one with each new order
    (late ones included), never with a replay."""
    oldest_visible: Position | None
    """Its oldest order still visible, or None when it has none."""


class Revisions(Protocol):
    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        """The workflow's revision at `now`, at the cost of O(1) storage reads whatever the number
        of its orders. Raises StorageUnavailableError when the storage cannot be reached in time."""
        ...


@dataclass(frozen=True, slots=True)
class RevisedPage:
    """A page of a workflow's history and a revision of that workflow the page is current for."""

    revision: WorkflowRevision
    page: HistoryPage


class RevisedPages(Protocol):
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
        """The page OrderRepository.page gives for the same arguments, and the workflow's revision at
        `now`, such that the page is never older than the revision: what a body and its entity tag
        need (a tag that claimed a newer state than its body would make clients keep a stale copy).

        A storage that reads both in one snapshot reads the revision again and ignores `known`; one
        that cannot reads the revision first, unless `known` is given: a revision the caller read
        before this call, returned as is. Raises StorageUnavailableError as the reads it makes do.
        """
        ...
