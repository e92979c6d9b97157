"""The contract's schemas as msgspec Structs: names, fields and value sets as in openapi.json.

Every decimal is a `decimal.Decimal`, sent and read as a JSON number with all its digits. Ids are
strings (the service writes them in lowercase). A test compares these Structs with the committed
openapi.json, so a difference between the two cannot pass CI.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import msgspec

AssetType = Literal[
    "WarrantOpenEndKnockOut",
    "WarrantKnockOut",
    "Etf",
    "Etc",
    "MiniFuture",
    "Stock",
    "StockIndex",
    "CfdOnIndex",
    "CfdOnFutures",
    "Crypto",
]
CloseDirection = Literal["above", "below"]
ConditionElement = Literal["close", "high", "low"]
IndicatorName = Literal["ma50", "combo", "bbb", "bbh", "polarite", "zone"]
OrderDirection = Literal["BUY", "SELL"]
OrderType = Literal["LIMIT", "OPEN_STOP"]
TriggerLocation = Literal["higher", "lower"]
TriggerSignal = Literal["breakout"]
UnitTime = Literal["15m", "h1", "h4", "daily", "weekly", "monthly"]


class Model(msgspec.Struct, kw_only=True):
    """Base of every schema: keyword construction; unknown response fields are ignored
    (a new optional field is a minor version of the contract)."""


# Workflows


class IndicatorBody(Model):
    name: IndicatorName
    ut: UnitTime
    value: Decimal | None = None
    zone_value: Decimal | None = None


class CloseBody(Model):
    direction: CloseDirection
    ut: UnitTime
    spread: Decimal


class ConditionBody(Model):
    indicator: IndicatorBody
    close: CloseBody
    element: ConditionElement | None = None


class TriggerBody(Model):
    ut: UnitTime
    signal: TriggerSignal
    location: TriggerLocation
    order_direction: OrderDirection
    quantity: Decimal


class WorkflowRequest(Model):
    """The body of create and replace: a whole workflow configuration."""

    name: str
    index: str
    cfd: str
    conditions: list[ConditionBody]
    trigger: TriggerBody
    enable: bool = True
    dry_run: bool = False
    is_us: bool = False
    end_date: date | None = None


class OrderSummary(Model):
    total_count: int
    last_order_timestamp: datetime | None
    last_order_direction: OrderDirection | None
    last_order_price: Decimal | None
    last_order_quantity: Decimal | None


class WorkflowDetail(Model):
    id: str
    name: str
    index: str
    cfd: str
    enable: bool
    dry_run: bool
    is_us: bool
    end_date: date | None
    conditions: list[ConditionBody]
    trigger: TriggerBody
    created_at: datetime
    updated_at: datetime
    order_summary: OrderSummary


class WorkflowListItem(Model):
    id: str
    name: str
    index: str
    cfd: str
    enable: bool
    dry_run: bool
    is_us: bool
    end_date: date | None
    primary_indicator: IndicatorName | None
    primary_unit_time: UnitTime | None
    created_at: datetime
    updated_at: datetime
    last_order_timestamp: datetime | None
    last_order_direction: OrderDirection | None
    last_order_quantity: Decimal | None


class WorkflowListResponse(Model):
    workflows: list[WorkflowListItem]
    total_count: int


# Orders


class RecordOrderRequest(Model, omit_defaults=True):
    """The body of record: optional fields left at None are not sent (the service reads them as null)."""

    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection
    order_type: OrderType
    id: str | None = None
    asset_type: AssetType | None = None
    trigger_close: Decimal | None = None
    execution_context: str | None = None
    placed_at: datetime | None = None


class WorkflowOrderListItem(Model):
    id: str
    workflow_id: str
    placed_at: datetime
    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection
    dry_run: bool | None = None
    """The workflow's dry_run when the order was recorded; None for orders recorded before 1.4.0,
    and from a server older than 1.4.0 (which does not send the field)."""


class LatestOrderItem(WorkflowOrderListItem, kw_only=True):
    """A list item with the workflow's name at the time the order was written."""

    workflow_name: str


class WorkflowOrderDetail(LatestOrderItem, kw_only=True):
    """Every field of a stored order."""

    order_type: OrderType
    asset_type: AssetType | None
    trigger_close: Decimal | None
    execution_context: str | None
    expires_at: datetime


class WorkflowOrderHistoryResponse(Model):
    workflow_id: str
    orders: list[WorkflowOrderListItem]
    total_count: int
    limit: int
    next_cursor: str | None


class LatestOrdersResponse(Model):
    orders: list[LatestOrderItem]
    total_count: int
    limit: int


class OrderWindowResponse(Model):
    """A page of the orders of every workflow in a window (GET /v1/orders)."""

    orders: list[WorkflowOrderDetail]
    limit: int
    next_cursor: str | None


class OrderSummaryGroup(Model):
    workflow_id: str
    order_direction: OrderDirection
    dry_run: bool | None
    workflow_name: str
    count: int
    volume: Decimal
    first_placed_at: datetime
    last_placed_at: datetime


class OrderSummaryResponse(Model):
    """A window summed up per workflow, direction and dry_run, with its count and the digest of its ids."""

    since: datetime | None
    until: datetime | None
    count: int
    digest: str
    groups: list[OrderSummaryGroup]


# Errors


class ProblemField(Model):
    field: str
    message: str


class Problem(Model):
    """An RFC 9457 problem document; `errors` lists the invalid fields of a 400."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None


# Not a schema of the contract: what record_order answers.


class RecordedOrder(msgspec.Struct, frozen=True):
    """The stored order, and whether this call created it (201) or found it already stored (200)."""

    order: WorkflowOrderDetail
    created: bool
