"""Request and response bodies of the workflow endpoints, with the contract's field names."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from adapters.http.ids import UuidText
from adapters.http.numbers import JsonNumber, NonNegativeNumber, PositiveNumber
from adapters.http.structs import RequestBody, ResponseBody
from domain.model.enums import (
    CloseDirection,
    ConditionElement,
    IndicatorName,
    OrderDirection,
    TriggerLocation,
    TriggerSignal,
    UnitTime,
)
from domain.model.rules import CODE_MAX, NAME_MAX


class IndicatorBody(RequestBody):
    """`polarite` needs `value`; `zone` needs `value` and `zone_value`."""

    name: IndicatorName
    ut: UnitTime
    value: JsonNumber | None = None
    zone_value: JsonNumber | None = None


class CloseBody(RequestBody):
    direction: CloseDirection
    ut: UnitTime
    spread: NonNegativeNumber


class ConditionBody(RequestBody):
    indicator: IndicatorBody
    close: CloseBody
    element: ConditionElement | None = None


class TriggerBody(RequestBody):
    ut: UnitTime
    signal: TriggerSignal
    location: TriggerLocation
    order_direction: OrderDirection
    quantity: PositiveNumber


class WorkflowRequest(RequestBody):
    """Body of POST /v1/workflows and PUT /v1/workflows/{workflow_id}."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]
    index: Annotated[str, msgspec.Meta(min_length=1, max_length=CODE_MAX)]
    cfd: Annotated[str, msgspec.Meta(min_length=1, max_length=CODE_MAX)]
    conditions: Annotated[list[ConditionBody], msgspec.Meta(min_length=1)]
    trigger: TriggerBody
    enable: bool = True
    dry_run: bool = False
    is_us: bool = False
    end_date: Annotated[date | None, msgspec.Meta(description="YYYY-MM-DD")] = None


class OrderSummary(ResponseBody):
    total_count: int
    last_order_timestamp: datetime | None
    last_order_direction: OrderDirection | None
    last_order_price: Decimal | None
    last_order_quantity: Decimal | None


class WorkflowFields(ResponseBody):
    """The fields a workflow detail and a workflow list item both start with."""

    id: UuidText
    name: str
    index: str
    cfd: str
    enable: bool
    dry_run: bool
    is_us: bool
    end_date: date | None


class WorkflowDetail(WorkflowFields):
    conditions: list[ConditionBody]
    trigger: TriggerBody
    created_at: datetime
    updated_at: datetime
    order_summary: OrderSummary


class WorkflowListItem(WorkflowFields):
    primary_indicator: IndicatorName | None
    primary_unit_time: UnitTime | None
    created_at: datetime
    updated_at: datetime
    last_order_timestamp: datetime | None
    last_order_direction: OrderDirection | None
    last_order_quantity: Decimal | None


class WorkflowListResponse(ResponseBody):
    workflows: list[WorkflowListItem]
    total_count: int
