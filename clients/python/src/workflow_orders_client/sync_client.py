"""WorkflowOrdersClient: the blocking client (for Lambda handlers and scripts)."""

import time
from collections.abc import Iterator
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


class WorkflowOrdersClient(ClientShell[httpx.Client, httpx.BaseTransport]):
    """The workflow order history API, one blocking call per method.

    Reads and record_order are retried on timeouts, connection failures and 503 (see RetryPolicy);
    workflow writes are attempted once. Errors are raised as the types in `errors`. Use it as a
    context manager, or call close(), to release its connections.
    """

    def _open_http(self, transport: httpx.BaseTransport | None) -> httpx.Client:
        return httpx.Client(transport=transport)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _run(self, call: Call[T]) -> T:
        exchange = self._core.exchange(call)
        while (attempt := exchange.next_attempt()) is not None:
            time.sleep(attempt.delay)
            exchange.record(self._send(attempt))
        return exchange.result()

    def _send(self, attempt: Attempt) -> Outcome:
        try:
            return self._http.request(attempt.method, attempt.url, **attempt.options)
        except httpx.TransportError as error:
            return error

    # Workflows

    def create_workflow(self, workflow: models.WorkflowRequest) -> models.WorkflowDetail:
        """POST /v1/workflows; Conflict when the name is taken. Not retried."""
        return self._run(calls.create_workflow(workflow))

    def get_workflow(self, workflow_id: str) -> models.WorkflowDetail:
        """The workflow with its order summary; NotFound when unknown or deleted."""
        return self._run(calls.get_workflow(workflow_id))

    def replace_workflow(self, workflow_id: str, workflow: models.WorkflowRequest) -> models.WorkflowDetail:
        """PUT: the whole configuration replaced, id and created_at kept. Not retried."""
        return self._run(calls.replace_workflow(workflow_id, workflow))

    def delete_workflow(self, workflow_id: str) -> None:
        """DELETE; the workflow's orders stay readable until they expire. Not retried."""
        self._run(calls.delete_workflow(workflow_id))

    def list_workflows(self, enable: bool | None = None) -> models.WorkflowListResponse:
        """Every workflow not deleted, sorted by name; only enabled (True) or disabled (False) ones."""
        return self._run(calls.list_workflows(enable))

    # Orders

    def record_order(self, workflow_id: str, **order: Unpack[calls.OrderFields]) -> models.RecordedOrder:
        """Records an order; `.created` is False when the service already had it (a replay).

        Without an `id`, one is chosen before the first attempt, and every retry sends it: an
        attempt whose answer was lost is never recorded twice.
        """
        return self._run(calls.record_order(workflow_id, order))

    def get_order(self, order_id: str) -> models.WorkflowOrderDetail:
        """One order; NotFound when unknown or expired."""
        return self._run(calls.get_order(order_id))

    def history_page(
        self, workflow_id: str, **query: Unpack[calls.HistoryQuery]
    ) -> models.WorkflowOrderHistoryResponse:
        """One page of a workflow's orders, newest first; pass the previous page's next_cursor, with
        the same since, until and direction, for the next one."""
        return self._run(calls.history_page(workflow_id, query))

    def iter_history(
        self, workflow_id: str, **filters: Unpack[calls.HistoryFilters]
    ) -> Iterator[models.WorkflowOrderListItem]:
        """Every matching order, newest first, page after page until the last (limit is the page size)."""
        walk = calls.history_walk(workflow_id, filters)
        while (call := walk.next_call()) is not None:
            yield from walk.take(self._run(call))

    def latest_orders(self, **query: Unpack[calls.LatestQuery]) -> models.LatestOrdersResponse:
        """The newest order of every workflow, newest first."""
        return self._run(calls.latest_orders(query))

    def list_orders(self, **query: Unpack[calls.WindowQuery]) -> models.OrderWindowResponse:
        """One page of the orders of every workflow in a window, newest first (GET /v1/orders): since
        and until (aware datetimes), or day (a date) with tz (an IANA name, default UTC); workflow_id
        and order_code take a list of values; pass the previous page's next_cursor, with the same
        window, for the next page."""
        return self._run(calls.list_orders(query))

    def iter_orders(self, **filters: Unpack[calls.WindowWalkFilters]) -> Iterator[models.WorkflowOrderDetail]:
        """Every order of the window, newest first, page after page until the last (limit is the page size)."""
        walk = calls.window_walk(filters)
        while (call := walk.next_call()) is not None:
            yield from walk.take(self._run(call))

    def order_summary(self, **window: Unpack[calls.WindowFilters]) -> models.OrderSummaryResponse:
        """The window summed up per workflow, direction and dry_run, with its count and `digest`; compare it
        with digest_of(the ids you hold). InvalidInput when the window holds over 10,000 orders."""
        return self._run(calls.order_summary(window))

    def stream_orders(
        self,
        *,
        workflow_id: str | None = None,
        direction: models.OrderDirection | None = None,
        last_event_id: str | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        since: datetime | None = None,
    ) -> Iterator[StreamedOrder]:
        """Every new order as it is recorded (GET /v1/orders/stream), for as long as you iterate.

        Only one workflow's or one direction's with the filters; from the event after
        `last_event_id` (a StreamedOrder's `event_id` you kept), or with the orders recorded at or after
        `since` (an aware datetime at most 7 days back), instead of from now. Connections
        that drop, fall silent for `idle_timeout` seconds or answer 503 are replaced, resuming
        after the last event received: nothing missed, nothing twice. Raises the typed error of a
        refusal (400, 401, 403, and 410, EventIdExpired, for an event id older than the retention
        or issued by another store: a restored backup, an import, the other storage), or
        ServiceUnreachable / Unavailable after the retry policy's attempts fail in a row.
        """
        follow = follow_orders(self._core, workflow_id, direction, last_event_id, idle_timeout, since=since)
        while True:
            attempt = follow.next_connection()
            time.sleep(attempt.delay)
            try:
                with self._http.stream(attempt.method, attempt.url, **attempt.options) as response:
                    if response.status_code != 200:
                        response.read()
                    if follow.opened(response):
                        for text in response.iter_text():
                            yield from follow.received(text)
                        follow.dropped()  # the service ended the stream (it is stopping)
            except httpx.TransportError as error:
                follow.dropped(error)
