"""Request and response bodies of the order endpoints, with the contract's field names."""

from datetime import datetime
from decimal import Decimal

from adapters.http.numbers import JsonNumber
from adapters.http.workflow_schemas import Body
from domain.model.enums import AssetType, OrderDirection, OrderType


class RecordOrderRequest(Body):
    """Body of POST /v1/workflows/{workflow_id}/orders."""

    order_code: str
    order_price: JsonNumber
    order_quantity: JsonNumber
    order_direction: OrderDirection
    order_type: OrderType
    id: str | None = None
    placed_at: datetime | None = None
    asset_type: AssetType | None = None
    trigger_close: JsonNumber | None = None
    execution_context: str | None = None


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
