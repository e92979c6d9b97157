"""Every operation of the API as a Call: the request to send, how to read a success, and whether the
call may be attempted again. Pure: nothing here sends, waits or reads a clock.

Reads are retryable. Recording an order is retryable because the order carries an id chosen before
the first attempt: a retry of a write that was applied answers 200 with the stored order. Workflow
writes are not retryable (see the README).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, NotRequired, TypedDict, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from workflow_orders_client import models, wire
from workflow_orders_client.models import AssetType, OrderDirection, OrderType

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    request: HttpRequest
    read: Callable[[httpx.Response], T]
    """Turns a 2xx answer into the result."""
    retryable: bool


class OrderFields(TypedDict):
    """The keyword arguments of record_order: the fields of models.RecordOrderRequest."""

    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection
    order_type: OrderType
    asset_type: NotRequired[AssetType | None]
    trigger_close: NotRequired[Decimal | None]
    execution_context: NotRequired[str | None]
    placed_at: NotRequired[datetime | None]
    id: NotRequired[str | None]


class HistoryFilters(TypedDict, total=False):
    """Filters of a history walk; every page of one walk uses the same ones."""

    limit: int | None
    since: datetime | None
    until: datetime | None
    direction: OrderDirection | None


class HistoryQuery(HistoryFilters, total=False):
    cursor: str | None


class LatestQuery(TypedDict, total=False):
    limit: int | None
    direction: OrderDirection | None


def _reader(decoder: msgspec.json.Decoder[T]) -> Callable[[httpx.Response], T]:
    return lambda response: wire.decode(response.content, decoder)


_WORKFLOW = _reader(msgspec.json.Decoder(models.WorkflowDetail))
_WORKFLOWS = _reader(msgspec.json.Decoder(models.WorkflowListResponse))
_ORDER = _reader(msgspec.json.Decoder(models.WorkflowOrderDetail))
_HISTORY = _reader(msgspec.json.Decoder(models.WorkflowOrderHistoryResponse))
_LATEST = _reader(msgspec.json.Decoder(models.LatestOrdersResponse))


def _recorded(response: httpx.Response) -> models.RecordedOrder:
    return models.RecordedOrder(order=_ORDER(response), created=response.status_code == 201)


def _nothing(_: httpx.Response) -> None:
    return None


def _segment(value: str) -> str:
    """An id as one path segment, whatever it contains (the service answers 400 to a non-UUID)."""
    return quote(str(value), safe="")


def _params(**values: object) -> tuple[tuple[str, str], ...]:
    """Query parameters, those given as None left out; booleans as true/false, instants as RFC 3339."""
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, datetime):
            text = wire.instant(value, name)
        else:
            text = str(value)
        params.append((name, text))
    return tuple(params)


def create_workflow(workflow: models.WorkflowRequest) -> Call[models.WorkflowDetail]:
    return Call(HttpRequest("POST", "/v1/workflows", body=wire.encode(workflow)), _WORKFLOW, retryable=False)


def get_workflow(workflow_id: str) -> Call[models.WorkflowDetail]:
    return Call(HttpRequest("GET", f"/v1/workflows/{_segment(workflow_id)}"), _WORKFLOW, retryable=True)


def replace_workflow(workflow_id: str, workflow: models.WorkflowRequest) -> Call[models.WorkflowDetail]:
    request = HttpRequest("PUT", f"/v1/workflows/{_segment(workflow_id)}", body=wire.encode(workflow))
    return Call(request, _WORKFLOW, retryable=False)


def delete_workflow(workflow_id: str) -> Call[None]:
    return Call(HttpRequest("DELETE", f"/v1/workflows/{_segment(workflow_id)}"), _nothing, retryable=False)


def list_workflows(enable: bool | None) -> Call[models.WorkflowListResponse]:
    return Call(HttpRequest("GET", "/v1/workflows", _params(enable=enable)), _WORKFLOWS, retryable=True)


def record_order(workflow_id: str, fields: OrderFields) -> Call[models.RecordedOrder]:
    """The order with an id: the caller's, or a new UUID v4 chosen now, before the first attempt, so
    that every attempt sends the same id and the service stores the order at most once."""
    wire.require_aware(fields.get("placed_at"), "placed_at")
    order = models.RecordOrderRequest(**fields)
    if order.id is None:
        order = msgspec.structs.replace(order, id=str(uuid.uuid4()))
    request = HttpRequest("POST", f"/v1/workflows/{_segment(workflow_id)}/orders", body=wire.encode(order))
    return Call(request, _recorded, retryable=True)


def get_order(order_id: str) -> Call[models.WorkflowOrderDetail]:
    return Call(HttpRequest("GET", f"/v1/orders/{_segment(order_id)}"), _ORDER, retryable=True)


def history_page(workflow_id: str, query: HistoryQuery) -> Call[models.WorkflowOrderHistoryResponse]:
    request = HttpRequest("GET", f"/v1/workflows/{_segment(workflow_id)}/orders", _params(**query))
    return Call(request, _HISTORY, retryable=True)


def latest_orders(query: LatestQuery) -> Call[models.LatestOrdersResponse]:
    return Call(HttpRequest("GET", "/v1/orders/latest", _params(**query)), _LATEST, retryable=True)


class HistoryWalk:
    """Follows next_cursor from the first page to the last, with the same filters on every page."""

    def __init__(self, workflow_id: str, filters: HistoryFilters) -> None:
        self._workflow_id, self._filters = workflow_id, filters
        self._cursor: str | None = None
        self._finished = False

    def next_call(self) -> Call[models.WorkflowOrderHistoryResponse] | None:
        """The request of the next page; None once the last page was taken."""
        if self._finished:
            return None
        return history_page(self._workflow_id, HistoryQuery(**self._filters, cursor=self._cursor))

    def take(self, page: models.WorkflowOrderHistoryResponse) -> list[models.WorkflowOrderListItem]:
        self._cursor = page.next_cursor
        self._finished = page.next_cursor is None
        return page.orders
