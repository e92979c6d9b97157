"""AsyncWorkflowOrdersClient: the asyncio client, method for method the same as WorkflowOrdersClient."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar, Unpack

import httpx

from workflow_orders_client import calls, models
from workflow_orders_client.calls import Call
from workflow_orders_client.exchange import Attempt, Outcome
from workflow_orders_client.shell import ClientShell
from workflow_orders_client.stream import DEFAULT_IDLE_TIMEOUT, StreamedOrder, follow_orders

T = TypeVar("T")


class AsyncWorkflowOrdersClient(ClientShell[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """The workflow order history API for asyncio code: every method of WorkflowOrdersClient, awaited
    (iter_history is an async iterator). Retries and errors are the same; see WorkflowOrdersClient."""

    def _open_http(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _run(self, call: Call[T]) -> T:
        exchange = self._core.exchange(call)
        while (attempt := exchange.next_attempt()) is not None:
            await asyncio.sleep(attempt.delay)
            exchange.record(await self._send(attempt))
        return exchange.result()

    async def _send(self, attempt: Attempt) -> Outcome:
        try:
            return await self._http.request(attempt.method, attempt.url, **attempt.options)
        except httpx.TransportError as error:
            return error

    async def create_workflow(self, workflow: models.WorkflowRequest) -> models.WorkflowDetail:
        return await self._run(calls.create_workflow(workflow))

    async def get_workflow(self, workflow_id: str) -> models.WorkflowDetail:
        return await self._run(calls.get_workflow(workflow_id))

    async def replace_workflow(self, workflow_id: str, workflow: models.WorkflowRequest) -> models.WorkflowDetail:
        return await self._run(calls.replace_workflow(workflow_id, workflow))

    async def delete_workflow(self, workflow_id: str) -> None:
        await self._run(calls.delete_workflow(workflow_id))

    async def list_workflows(self, enable: bool | None = None) -> models.WorkflowListResponse:
        return await self._run(calls.list_workflows(enable))

    async def record_order(self, workflow_id: str, **order: Unpack[calls.OrderFields]) -> models.RecordedOrder:
        return await self._run(calls.record_order(workflow_id, order))

    async def get_order(self, order_id: str) -> models.WorkflowOrderDetail:
        return await self._run(calls.get_order(order_id))

    async def history_page(
        self, workflow_id: str, **query: Unpack[calls.HistoryQuery]
    ) -> models.WorkflowOrderHistoryResponse:
        return await self._run(calls.history_page(workflow_id, query))

    async def iter_history(
        self, workflow_id: str, **filters: Unpack[calls.HistoryFilters]
    ) -> AsyncIterator[models.WorkflowOrderListItem]:
        walk = calls.history_walk(workflow_id, filters)
        while (call := walk.next_call()) is not None:
            for order in walk.take(await self._run(call)):
                yield order

    async def latest_orders(self, **query: Unpack[calls.LatestQuery]) -> models.LatestOrdersResponse:
        return await self._run(calls.latest_orders(query))

    async def list_orders(self, **query: Unpack[calls.WindowQuery]) -> models.OrderWindowResponse:
        return await self._run(calls.list_orders(query))

    async def iter_orders(
        self, **filters: Unpack[calls.WindowWalkFilters]
    ) -> AsyncIterator[models.WorkflowOrderDetail]:
        walk = calls.window_walk(filters)
        while (call := walk.next_call()) is not None:
            for order in walk.take(await self._run(call)):
                yield order

    async def order_summary(self, **window: Unpack[calls.WindowFilters]) -> models.OrderSummaryResponse:
        return await self._run(calls.order_summary(window))

    async def stream_orders(
        self,
        *,
        workflow_id: str | None = None,
        direction: models.OrderDirection | None = None,
        last_event_id: str | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        since: datetime | None = None,
    ) -> AsyncIterator[StreamedOrder]:
        """Every new order as it is recorded, for as long as you iterate; see WorkflowOrdersClient."""
        follow = follow_orders(self._core, workflow_id, direction, last_event_id, idle_timeout, since=since)
        while True:
            attempt = follow.next_connection()
            await asyncio.sleep(attempt.delay)
            try:
                async with self._http.stream(attempt.method, attempt.url, **attempt.options) as response:
                    if response.status_code != 200:
                        await response.aread()
                    if follow.opened(response):
                        async for text in response.aiter_text():
                            for order in follow.received(text):
                                yield order
                        follow.dropped()  # the service ended the stream (it is stopping)
            except httpx.TransportError as error:
                follow.dropped(error)
