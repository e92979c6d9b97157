"""Request and response bodies of the workflow endpoints, with the contract's field names."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from adapters.http.numbers import JsonNumber
from domain.model.enums import (
    CloseDirection,
    ConditionElement,
    IndicatorName,
    OrderDirection,
    TriggerLocation,
    TriggerSignal,
    UnitTime,
)


class Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every request and response body: unknown fields in a request are refused."""


class IndicatorBody(Body):
    name: IndicatorName
    ut: UnitTime
    value: JsonNumber | None = None
    zone_value: JsonNumber | None = None


class CloseBody(Body):
    direction: CloseDirection
    ut: UnitTime
    spread: JsonNumber


class ConditionBody(Body):
    indicator: IndicatorBody
    close: CloseBody
    element: ConditionElement | None = None


class TriggerBody(Body):
    ut: UnitTime
    signal: TriggerSignal
    location: TriggerLocation
    order_direction: OrderDirection
    quantity: JsonNumber


class WorkflowRequest(Body):
    """Body of POST /v1/workflows and PUT /v1/workflows/{workflow_id}."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    index: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    cfd: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    conditions: Annotated[list[ConditionBody], msgspec.Meta(min_length=1)]
    trigger: TriggerBody
    enable: bool = True
    dry_run: bool = False
    is_us: bool = False
    end_date: Annotated[date | None, msgspec.Meta(description="YYYY-MM-DD")] = None


class OrderSummary(Body):
    total_count: int
    last_order_timestamp: datetime | None
    last_order_direction: OrderDirection | None
    last_order_price: Decimal | None
    last_order_quantity: Decimal | None


class WorkflowFields(Body):
    """The fields a workflow detail and a workflow list item both start with."""

    id: str
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


class WorkflowListResponse(Body):
    workflows: list[WorkflowListItem]
    total_count: int
