"""Every operation of the API as a Call: the request to send, how to read a success, and whether the
call may be attempted again. Pure: nothing here sends, waits or reads a clock.

Reads are retryable. Recording an order is retryable because the order carries an id chosen before
the first attempt: a retry of a write that was applied answers 200 with the stored order. Workflow
writes are not retryable (see the README).
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, NotRequired, Protocol, TypedDict, TypeVar
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


class WindowFilters(TypedDict, total=False):
    """A window across workflows: since/until, or day (with tz); filters combine, and the values of
    workflow_id and order_code (at most 50 each) are alternatives."""

    since: datetime | None
    until: datetime | None
    day: date | str | None
    tz: str | None
    workflow_id: Sequence[str] | None
    order_code: Sequence[str] | None
    direction: OrderDirection | None
    dry_run: bool | None


class WindowWalkFilters(WindowFilters, total=False):
    """A window walk's filters and its page size; every page of one walk uses the same ones."""

    limit: int | None


class WindowQuery(WindowWalkFilters, total=False):
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
_WINDOW = _reader(msgspec.json.Decoder(models.OrderWindowResponse))
_SUMMARY = _reader(msgspec.json.Decoder(models.OrderSummaryResponse))


def _recorded(response: httpx.Response) -> models.RecordedOrder:
    return models.RecordedOrder(order=_ORDER(response), created=response.status_code == 201)


def _nothing(_: httpx.Response) -> None:
    return None


def _segment(value: str) -> str:
    """An id as one path segment, whatever it contains (the service answers 400 to a non-UUID)."""
    return quote(str(value), safe="")


def _params(**values: object) -> tuple[tuple[str, str], ...]:
    """Query parameters, those given as None left out; booleans as true/false, instants as RFC 3339,
    days as YYYY-MM-DD; a list or tuple repeats the parameter once per value."""
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if isinstance(value, list | tuple):
            params += [(name, str(each)) for each in value]
            continue
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, datetime):
            text = wire.instant(value, name)
        elif isinstance(value, date):
            text = value.isoformat()
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


def list_orders(query: WindowQuery) -> Call[models.OrderWindowResponse]:
    return Call(HttpRequest("GET", "/v1/orders", _params(**query)), _WINDOW, retryable=True)


def order_summary(query: WindowFilters) -> Call[models.OrderSummaryResponse]:
    return Call(HttpRequest("GET", "/v1/orders/summary", _params(**query)), _SUMMARY, retryable=True)


class Page(Protocol):
    """What a paginated answer has: its orders and the cursor of the next page."""

    @property
    def orders(self) -> Sequence[Any]: ...

    @property
    def next_cursor(self) -> str | None: ...


PageT = TypeVar("PageT", bound=Page)


class CursorWalk(Generic[PageT]):
    """Follows next_cursor from the first page to the last; `page_call` makes the request of the
    page at a cursor (None: the first), with the same filters every time."""

    def __init__(self, page_call: Callable[[str | None], Call[PageT]]) -> None:
        self._page_call = page_call
        self._cursor: str | None = None
        self._finished = False

    def next_call(self) -> Call[PageT] | None:
        """The request of the next page; None once the last page was taken."""
        if self._finished:
            return None
        return self._page_call(self._cursor)

    def take(self, page: PageT) -> list[Any]:
        self._cursor = page.next_cursor
        self._finished = page.next_cursor is None
        return list(page.orders)


def history_walk(workflow_id: str, filters: HistoryFilters) -> CursorWalk[models.WorkflowOrderHistoryResponse]:
    return CursorWalk(lambda cursor: history_page(workflow_id, HistoryQuery(**filters, cursor=cursor)))


def window_walk(filters: WindowWalkFilters) -> CursorWalk[models.OrderWindowResponse]:
    return CursorWalk(lambda cursor: list_orders(WindowQuery(**filters, cursor=cursor)))
