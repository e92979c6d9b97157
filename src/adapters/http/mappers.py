"""Translation between HTTP bodies and domain values, in both directions."""

from typing import Any

from adapters.http.numbers import JsonNumber
from adapters.http.order_schemas import (
    LatestOrderItem,
    RecordOrderRequest,
    WorkflowOrderDetail,
    WorkflowOrderListItem,
)
from adapters.http.timestamps import to_datetime, to_epoch
from adapters.http.workflow_schemas import (
    CloseBody,
    ConditionBody,
    IndicatorBody,
    OrderSummary,
    TriggerBody,
    WorkflowDetail,
    WorkflowListItem,
    WorkflowRequest,
)
from domain.model.draft import OrderDraft
from domain.model.order import WorkflowOrder
from domain.model.workflow import Close, Condition, Indicator, Trigger, Workflow, WorkflowSpec
from domain.use_cases.workflows import ListedWorkflow, WorkflowDetails


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


def _number(value: object) -> JsonNumber | None:
    return None if value is None else JsonNumber(value)  # type: ignore[arg-type]


def _condition_body(condition: Condition) -> ConditionBody:
    indicator, close = condition.indicator, condition.close
    return ConditionBody(
        indicator=IndicatorBody(indicator.name, indicator.ut, _number(indicator.value), _number(indicator.zone_value)),
        close=CloseBody(close.direction, close.ut, JsonNumber(close.spread)),
        element=condition.element,
    )


def _workflow_fields(workflow: Workflow) -> dict[str, Any]:
    """The fields a workflow detail and a list item share."""
    spec = workflow.spec
    return {
        "id": workflow.id,
        "name": spec.name,
        "index": spec.index,
        "cfd": spec.cfd,
        "enable": spec.enable,
        "dry_run": spec.dry_run,
        "is_us": spec.is_us,
        "end_date": spec.end_date,
        "created_at": to_datetime(workflow.created_at),
        "updated_at": to_datetime(workflow.updated_at),
    }


def workflow_detail(details: WorkflowDetails) -> WorkflowDetail:
    workflow, last = details.workflow, details.last_order
    spec = workflow.spec
    trigger = spec.trigger
    return WorkflowDetail(
        **_workflow_fields(workflow),
        conditions=[_condition_body(c) for c in spec.conditions],
        trigger=TriggerBody(
            trigger.ut,
            trigger.signal,
            trigger.location,
            trigger.order_direction,
            JsonNumber(trigger.quantity),
        ),
        order_summary=OrderSummary(
            total_count=details.order_count,
            last_order_timestamp=None if last is None else to_datetime(last.placed_at),
            last_order_direction=None if last is None else last.order_direction,
            last_order_price=None if last is None else last.order_price,
            last_order_quantity=None if last is None else last.order_quantity,
        ),
    )


def workflow_list_item(listed: ListedWorkflow) -> WorkflowListItem:
    workflow, last = listed.workflow, listed.last_order
    return WorkflowListItem(
        **_workflow_fields(workflow),
        primary_indicator=workflow.primary_indicator,
        primary_unit_time=workflow.primary_unit_time,
        last_order_timestamp=None if last is None else to_datetime(last.placed_at),
        last_order_direction=None if last is None else last.order_direction,
        last_order_quantity=None if last is None else last.order_quantity,
    )


def _list_fields(order: WorkflowOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "workflow_id": order.workflow_id,
        "placed_at": to_datetime(order.placed_at),
        "order_code": order.order_code,
        "order_price": order.order_price,
        "order_quantity": order.order_quantity,
        "order_direction": order.order_direction,
    }


def order_list_item(order: WorkflowOrder) -> WorkflowOrderListItem:
    return WorkflowOrderListItem(**_list_fields(order))


def latest_order_item(order: WorkflowOrder) -> LatestOrderItem:
    return LatestOrderItem(**_list_fields(order), workflow_name=order.workflow_name)


def order_detail(order: WorkflowOrder) -> WorkflowOrderDetail:
    return WorkflowOrderDetail(
        **_list_fields(order),
        workflow_name=order.workflow_name,
        order_type=order.order_type,
        asset_type=order.asset_type,
        trigger_close=order.trigger_close,
        execution_context=order.execution_context,
        expires_at=to_datetime(order.expires_at),
    )
