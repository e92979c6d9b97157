"""Request and response bodies of the order endpoints, with the contract's field names."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from adapters.http.numbers import JsonNumber
from adapters.http.workflow_schemas import Body
from domain.model.enums import AssetType, OrderDirection, OrderType


class RecordOrderRequest(Body):
    """Body of POST /v1/workflows/{workflow_id}/orders."""

    order_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    order_price: Annotated[JsonNumber, msgspec.Meta(description="> 0, at most 38 significant digits")]
    order_quantity: Annotated[JsonNumber, msgspec.Meta(description="> 0, at most 38 significant digits")]
    order_direction: OrderDirection
    order_type: OrderType
    id: Annotated[str | None, msgspec.Meta(description="UUID v4 chosen by the caller; makes retries safe")] = None
    placed_at: Annotated[datetime | None, msgspec.Meta(description="RFC 3339; default: now")] = None
    asset_type: AssetType | None = None
    trigger_close: Annotated[JsonNumber | None, msgspec.Meta(description=">= 0; 0 is kept")] = None
    execution_context: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class WorkflowOrderListItem(Body):
    id: str
    workflow_id: str
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


class WorkflowOrderHistoryResponse(Body):
    workflow_id: str
    orders: list[WorkflowOrderListItem]
    total_count: int
    limit: int
    next_cursor: str | None


class LatestOrdersResponse(Body):
    orders: list[LatestOrderItem]
    total_count: int
    limit: int
