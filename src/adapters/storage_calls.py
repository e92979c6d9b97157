"""Every storage port call bounded by one deadline, and counted and timed by operation and outcome.

The deadline lives here and nowhere else: the storage adapters keep their own engine-level
timeouts (SQLite's busy timeout, botocore's connect/read timeouts and retries), but whatever they
would do, a port call answers within `deadline` seconds or raises StorageUnavailableError.

Each `Guarded…` decorator inherits the port it implements and is final: the container builds them,
so no call site would show mypy a missing method, but a final class with a port method it lacks is
an error of its own.
"""

import asyncio
import time
from collections.abc import Awaitable
from typing import TypeVar, final

from adapters.telemetry.metrics import Metrics
from domain.model.enums import OrderDirection
from domain.model.errors import ConflictError, NotFoundError, StorageUnavailableError, UnavailableError
from domain.model.feed import FeedBatch, FeedPosition
from domain.model.history import HistoryFilter, HistoryPage, LatestPage, Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow
from domain.model.workflow import Workflow
from ports.feed import OrderFeed
from ports.health import StorageHealth
from ports.orders import OrderRepository
from ports.revisions import RevisedPage, RevisedPages, Revisions, WorkflowRevision
from ports.workflows import WorkflowRepository

T = TypeVar("T")


def outcome_of(error: BaseException) -> str:
    if isinstance(error, UnavailableError):
        return "unavailable"
    if isinstance(error, ConflictError):
        return "conflict"
    if isinstance(error, NotFoundError):
        return "not_found"
    return "error"


class StorageCalls:
    """Runs one storage call under the deadline and reports it to Metrics as `operation`."""

    def __init__(self, metrics: Metrics, deadline: float) -> None:
        self._metrics, self.deadline = metrics, deadline

    async def run(self, operation: str, call: Awaitable[T]) -> T:
        started = time.perf_counter()
        outcome = "ok"
        try:
            async with asyncio.timeout(self.deadline):
                return await call
        except TimeoutError as error:
            outcome = "unavailable"
            raise StorageUnavailableError(f"The storage did not answer within {self.deadline:g} s.") from error
        except BaseException as error:
            outcome = outcome_of(error)
            raise
        finally:
            self._metrics.observe_storage(operation, outcome, time.perf_counter() - started)


@final
class GuardedWorkflowRepository(WorkflowRepository):
    """WorkflowRepository whose every call goes through StorageCalls."""

    def __init__(self, inner: WorkflowRepository, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

    async def add(self, workflow: Workflow) -> None:
        await self._calls.run("workflows.add", self._inner.add(workflow))

    async def get(self, workflow_id: Id) -> Workflow | None:
        return await self._calls.run("workflows.get", self._inner.get(workflow_id))

    async def replace(self, workflow: Workflow) -> None:
        await self._calls.run("workflows.replace", self._inner.replace(workflow))

    async def delete(self, workflow_id: Id, *, now: int) -> None:
        await self._calls.run("workflows.delete", self._inner.delete(workflow_id, now=now))

    async def list(self, enable: bool | None = None) -> list[Workflow]:
        return await self._calls.run("workflows.list", self._inner.list(enable))


@final
class GuardedOrderRepository(OrderRepository):
    """OrderRepository whose every call goes through StorageCalls."""

    def __init__(self, inner: OrderRepository, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

    async def add(self, order: WorkflowOrder) -> None:
        await self._calls.run("orders.add", self._inner.add(order))

    async def get(self, order_id: Id) -> WorkflowOrder | None:
        return await self._calls.run("orders.get", self._inner.get(order_id))

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
    ) -> HistoryPage:
        page = self._inner.page(workflow_id, history_filter, now=now, limit=limit, after=after)
        return await self._calls.run("orders.page", page)

    async def latest(
        self, *, now: int, direction: OrderDirection | None = None, limit: int | None = None
    ) -> LatestPage:
        return await self._calls.run("orders.latest", self._inner.latest(now=now, direction=direction, limit=limit))

    async def window(
        self, window: OrderWindow, *, now: int, limit: int, after: Position | None = None
    ) -> list[WorkflowOrder]:
        return await self._calls.run("orders.window", self._inner.window(window, now=now, limit=limit, after=after))


@final
class GuardedStorageHealth(StorageHealth):
    """StorageHealth whose check goes through StorageCalls."""

    def __init__(self, inner: StorageHealth, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

    async def check(self) -> None:
        await self._calls.run("health.check", self._inner.check())


@final
class GuardedRevisions(Revisions):
    """Revisions whose reads go through StorageCalls."""

    def __init__(self, inner: Revisions, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        return await self._calls.run("revisions.of_workflow", self._inner.of_workflow(workflow_id, now=now))


@final
class GuardedRevisedPages(RevisedPages):
    """RevisedPages whose reads go through StorageCalls, as one call."""

    def __init__(self, inner: RevisedPages, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

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
        page = self._inner.page(workflow_id, history_filter, now=now, limit=limit, after=after, known=known)
        return await self._calls.run("revisions.page", page)


@final
class GuardedOrderFeed(OrderFeed):
    """OrderFeed whose reads go through StorageCalls (waiting for a change is not a storage call)."""

    def __init__(self, inner: OrderFeed, calls: StorageCalls) -> None:
        self._inner, self._calls = inner, calls

    async def store_id(self) -> str:
        return await self._calls.run("feed.store_id", self._inner.store_id())

    @property
    def delay_seconds(self) -> float:  # type: ignore[override]
        return self._inner.delay_seconds

    async def end(self) -> FeedPosition:
        return await self._calls.run("feed.end", self._inner.end())

    async def position_at(self, instant: int) -> FeedPosition:
        return await self._calls.run("feed.position_at", self._inner.position_at(instant))

    async def read(self, after: FeedPosition, *, now: int, limit: int) -> FeedBatch:
        return await self._calls.run("feed.read", self._inner.read(after, now=now, limit=limit))

    async def changed(self) -> None:
        await self._inner.changed()
