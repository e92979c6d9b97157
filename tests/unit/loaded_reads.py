"""Read use cases called the old way, as a handler without a kept body calls them: the conditional
read, then its body loaded."""

from collections.abc import Awaitable
from typing import Any, TypeVar

from domain.model.history import HistoryFilter, HistoryQuery
from domain.model.order import WorkflowOrder
from domain.use_cases.order_queries import GetOrder, GetOrderHistory, HistoryResult
from domain.use_cases.reads import ConditionalRead
from domain.use_cases.workflows import GetWorkflow, WorkflowDetails

B = TypeVar("B")


async def loaded_body(read: Awaitable[ConditionalRead[Any, B]]) -> B:
    conditional = await read
    return (await conditional.load(await conditional.revision())).body


class LoadedOrder:
    def __init__(self, use_case: GetOrder) -> None:
        self.use_case = use_case

    async def execute(self, order_id: str) -> WorkflowOrder:
        return await loaded_body(self.use_case.execute(order_id))  # type: ignore[arg-type]


class LoadedHistory:
    def __init__(self, use_case: GetOrderHistory) -> None:
        self.use_case = use_case

    async def execute(
        self, workflow_id: str, history_filter: HistoryFilter, limit: int, cursor: str | None = None
    ) -> HistoryResult:
        query = HistoryQuery(limit, cursor, history_filter)
        return await loaded_body(self.use_case.execute(workflow_id, query))  # type: ignore[arg-type]


class LoadedWorkflow:
    def __init__(self, use_case: GetWorkflow) -> None:
        self.use_case = use_case

    async def execute(self, workflow_id: str) -> WorkflowDetails:
        return await loaded_body(self.use_case.execute(workflow_id))  # type: ignore[arg-type]
