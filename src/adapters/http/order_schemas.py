"""Request and response bodies of the order endpoints, with the contract's field names."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from adapters.http.ids import ClientOrderId, UuidText
from adapters.http.numbers import NonNegativeNumber, PositiveNumber
from adapters.http.structs import RequestBody, ResponseBody
from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.rules import CODE_MAX, CONTEXT_MAX

_EXACT = "Exact decimal (a JSON number, or a string of its digits), at most 38 significant digits"
_PLACED_AT = "RFC 3339 with Z or an offset; default: now; at most 5 minutes ahead; less than 7 days old"


class RecordOrderRequest(RequestBody):
    """Body of POST /v1/workflows/{workflow_id}/orders."""

    order_code: Annotated[str, msgspec.Meta(min_length=1, max_length=CODE_MAX)]
    order_price: Annotated[PositiveNumber, msgspec.Meta(description=_EXACT)]
    order_quantity: Annotated[PositiveNumber, msgspec.Meta(description=_EXACT)]
    order_direction: OrderDirection
    order_type: OrderType
    id: ClientOrderId | None = None
    placed_at: Annotated[datetime | None, msgspec.Meta(description=_PLACED_AT)] = None
    asset_type: AssetType | None = None
    trigger_close: Annotated[NonNegativeNumber | None, msgspec.Meta(description=f"{_EXACT}; 0 is kept")] = None
    execution_context: Annotated[str, msgspec.Meta(min_length=1, max_length=CONTEXT_MAX)] | None = None


class WorkflowOrderListItem(ResponseBody):
    id: UuidText
    workflow_id: UuidText
    placed_at: datetime
    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection


class WorkflowOrderDetail(WorkflowOrderListItem):
    workflow_name: str
    order_type: OrderType
    asset_type: AssetType | None
    trigger_close: Decimal | None
    execution_context: str | None
    expires_at: datetime


class LatestOrderItem(WorkflowOrderListItem):
    workflow_name: str


class WorkflowOrderHistoryResponse(ResponseBody):
    workflow_id: UuidText
    orders: list[WorkflowOrderListItem]
    total_count: int
    limit: int
    next_cursor: str | None


class LatestOrdersResponse(ResponseBody):
    orders: list[LatestOrderItem]
    total_count: int
    limit: int
