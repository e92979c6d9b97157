"""Response bodies of the window endpoints: a page of orders across workflows, and a window's summary."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from adapters.http.ids import UuidText
from adapters.http.order_schemas import WorkflowOrderDetail
from adapters.http.structs import ResponseBody
from domain.model.enums import OrderDirection


class OrderWindowResponse(ResponseBody):
    """Body of GET /v1/orders."""

    orders: list[WorkflowOrderDetail]
    limit: int
    next_cursor: str | None


class OrderSummaryGroup(ResponseBody):
    workflow_id: UuidText
    order_direction: OrderDirection
    dry_run: Annotated[
        bool | None,
        msgspec.Meta(description="The group's orders were recorded under a dry-run workflow; null: before 1.4.0"),
    ]
    workflow_name: Annotated[str, msgspec.Meta(description="The name the group's newest order carries")]
    count: int
    volume: Annotated[Decimal, msgspec.Meta(description="Σ order_price * order_quantity, exact (never rounded)")]
    first_placed_at: datetime
    last_placed_at: datetime


class OrderSummaryResponse(ResponseBody):
    """Body of GET /v1/orders/summary."""

    since: Annotated[datetime | None, msgspec.Meta(description="The window's first second (null: unbounded)")]
    until: Annotated[datetime | None, msgspec.Meta(description="The window's last second (null: unbounded)")]
    count: int
    digest: Annotated[
        str,
        msgspec.Meta(
            description="Lowercase hex SHA-256 of the window's order ids, sorted, each followed by a newline",
            pattern="^[0-9a-f]{64}$",
        ),
    ]
    groups: list[OrderSummaryGroup]
