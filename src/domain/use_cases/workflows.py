"""Create, read, replace, delete and list workflows."""

import asyncio
from dataclasses import dataclass

from domain.model.errors import WorkflowNotFoundError
from domain.model.history import HistoryFilter
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.workflow import Workflow, WorkflowSpec
from domain.use_cases.reads import ConditionalRead, Loaded
from ports.clock import Clock
from ports.ids import IdGenerator
from ports.orders import OrderRepository
from ports.revisions import RevisedPages, Revisions, WorkflowRevision
from ports.workflows import WorkflowRepository


@dataclass(frozen=True, slots=True)
class WorkflowDetails:
    """A workflow with the count of its visible orders and the newest of them."""

    workflow: Workflow
    order_count: int
    last_order: WorkflowOrder | None


@dataclass(frozen=True, slots=True)
class ListedWorkflow:
    workflow: Workflow
    last_order: WorkflowOrder | None


class CreateWorkflow:
    """Store a new workflow under a fresh id; its name must be free among live workflows."""

    def __init__(self, workflows: WorkflowRepository, clock: Clock, ids: IdGenerator) -> None:
        self._workflows, self._clock, self._ids = workflows, clock, ids

    async def execute(self, spec: WorkflowSpec) -> WorkflowDetails:
        workflow = Workflow(id=self._ids.new_id(), spec=spec, created_at=self._clock.now())
        await self._workflows.add(workflow)
        return WorkflowDetails(workflow, 0, None)


class GetWorkflow:
    """One live workflow with a summary of its visible orders (count and newest), read as one page of
    its history together with a revision, so a revision never claims more than the details show."""

    def __init__(self, revisions: Revisions, pages: RevisedPages, clock: Clock) -> None:
        self._revisions, self._pages, self._clock = revisions, pages, clock

    async def execute(self, workflow_id: Id) -> ConditionalRead[WorkflowRevision, WorkflowDetails]:
        """How to read the workflow's revision (WorkflowNotFoundError unless it is live), and how to
        load its details."""

        async def revision() -> WorkflowRevision:
            revision = await self._revisions.of_workflow(workflow_id, now=self._clock.now())
            _live_workflow(workflow_id, revision)
            return revision

        async def load(known: WorkflowRevision | None) -> Loaded[WorkflowRevision, WorkflowDetails]:
            return await self.details(workflow_id, known)

        return ConditionalRead(revision, load)

    async def details(
        self, workflow_id: Id, known: WorkflowRevision | None = None
    ) -> Loaded[WorkflowRevision, WorkflowDetails]:
        """The details as they are now, with their revision; WorkflowNotFoundError unless live."""
        read = await self._pages.page(workflow_id, HistoryFilter(), now=self._clock.now(), limit=1, known=known)
        workflow = _live_workflow(workflow_id, read.revision)
        newest = read.page
        last = newest.orders[0] if newest.orders else None
        return Loaded(read.revision, WorkflowDetails(workflow, newest.total_count, last))


def _live_workflow(workflow_id: Id, revision: WorkflowRevision) -> Workflow:
    """The revision's workflow; WorkflowNotFoundError when it is not live."""
    if revision.workflow is None:
        raise WorkflowNotFoundError(workflow_id)
    return revision.workflow


class ReplaceWorkflow:
    """Replace a live workflow's configuration; id and created_at stay, updated_at moves."""

    def __init__(self, workflows: WorkflowRepository, revisions: Revisions, pages: RevisedPages, clock: Clock) -> None:
        self._workflows, self._clock = workflows, clock
        self._details = GetWorkflow(revisions, pages, clock)

    async def execute(self, workflow_id: Id, spec: WorkflowSpec) -> WorkflowDetails:
        current = await self._workflows.get(workflow_id)
        if current is None:
            raise WorkflowNotFoundError(workflow_id)
        await self._workflows.replace(current.replaced_by(spec, self._clock.now()))
        return (await self._details.details(current.id)).body


class DeleteWorkflow:
    """Delete a live workflow; its orders stay readable until they expire."""

    def __init__(self, workflows: WorkflowRepository, clock: Clock) -> None:
        self._workflows, self._clock = workflows, clock

    async def execute(self, workflow_id: Id) -> None:
        await self._workflows.delete(workflow_id, now=self._clock.now())


class ListWorkflows:
    """Every live workflow by name, each with its newest visible order (two storage reads in all)."""

    def __init__(self, workflows: WorkflowRepository, orders: OrderRepository, clock: Clock) -> None:
        self._workflows, self._orders, self._clock = workflows, orders, clock

    async def execute(self, enable: bool | None = None) -> list[ListedWorkflow]:
        workflows, latest = await asyncio.gather(
            self._workflows.list(enable), self._orders.latest(now=self._clock.now())
        )
        newest_by_workflow = {order.workflow_id: order for order in latest.orders}
        return [ListedWorkflow(w, newest_by_workflow.get(w.id)) for w in workflows]
