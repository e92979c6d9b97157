"""Request bodies as domain values."""

from adapters.http.order_schemas import (
    RecordOrderRequest,
)
from adapters.http.timestamps import to_epoch
from adapters.http.workflow_schemas import (
    WorkflowRequest,
)
from domain.model.draft import OrderDraft
from domain.model.workflow import Close, Condition, Indicator, Trigger, WorkflowSpec


def spec_from_request(body: WorkflowRequest) -> WorkflowSpec:
    return WorkflowSpec(
        name=body.name,
        index=body.index,
        cfd=body.cfd,
        conditions=tuple(
            Condition(
                indicator=Indicator(c.indicator.name, c.indicator.ut, c.indicator.value, c.indicator.zone_value),
                close=Close(c.close.direction, c.close.ut, c.close.spread),
                element=c.element,
            )
            for c in body.conditions
        ),
        trigger=Trigger(
            body.trigger.ut,
            body.trigger.signal,
            body.trigger.location,
            body.trigger.order_direction,
            body.trigger.quantity,
        ),
        enable=body.enable,
        dry_run=body.dry_run,
        is_us=body.is_us,
        end_date=body.end_date,
    )


def draft_from_request(body: RecordOrderRequest) -> OrderDraft:
    return OrderDraft(
        order_code=body.order_code,
        order_price=body.order_price,
        order_quantity=body.order_quantity,
        order_direction=body.order_direction,
        order_type=body.order_type,
        id=body.id,
        placed_at=None if body.placed_at is None else to_epoch(body.placed_at, "placed_at"),
        asset_type=body.asset_type,
        trigger_close=body.trigger_close,
        execution_context=body.execution_context,
    )
