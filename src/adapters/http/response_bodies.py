"""Domain values as response bodies."""

import functools
from typing import Any

from litestar import Router

from adapters.http.numbers import JsonNumber, NonNegativeNumber, PositiveNumber
from adapters.http.options import MethodListingController
from adapters.http.order_schemas import LatestOrderItem, WorkflowOrderDetail, WorkflowOrderListItem
from adapters.http.timestamps import to_datetime
from adapters.http.window_schemas import OrderSummaryGroup, OrderSummaryResponse
from adapters.http.workflow_schemas import (
    CloseBody,
    ConditionBody,
    IndicatorBody,
    OrderSummary,
    TriggerBody,
    WorkflowDetail,
    WorkflowListItem,
)
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow
from domain.model.window_summary import WindowSummary
from domain.model.workflow import Condition, Workflow
from domain.use_cases.workflows import ListedWorkflow, WorkflowDetails

INSTANTS_REMEMBERED = 16_384
"""Instants kept as datetimes: the creation, update and order times that lists show again and again."""


class ResponseBodies:
    """Builds the response bodies of the API from domain values, one instance for the app.

    Lists and pages show the same instants on every request (each workflow's timestamps, recent
    orders' times), and building a datetime costs about as much as the rest of a row; the last
    INSTANTS_REMEMBERED of them are kept.
    """

    def __init__(self, instants_remembered: int = INSTANTS_REMEMBERED) -> None:
        self._instant = functools.lru_cache(maxsize=instants_remembered)(to_datetime)
        """Epoch seconds -> datetime, remembered."""

    @staticmethod
    def _number(value: object) -> JsonNumber | None:
        return None if value is None else JsonNumber(value)  # type: ignore[arg-type]

    def _condition_body(self, condition: Condition) -> ConditionBody:
        indicator, close = condition.indicator, condition.close
        return ConditionBody(
            indicator=IndicatorBody(
                indicator.name, indicator.ut, self._number(indicator.value), self._number(indicator.zone_value)
            ),
            close=CloseBody(close.direction, close.ut, NonNegativeNumber(close.spread)),
            element=condition.element,
        )

    def _workflow_fields(self, workflow: Workflow) -> dict[str, Any]:
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
            "created_at": self._instant(workflow.created_at),
            "updated_at": self._instant(workflow.updated_at),
        }

    def workflow_detail(self, details: WorkflowDetails) -> WorkflowDetail:
        workflow, last = details.workflow, details.last_order
        spec = workflow.spec
        trigger = spec.trigger
        return WorkflowDetail(
            **self._workflow_fields(workflow),
            conditions=[self._condition_body(c) for c in spec.conditions],
            trigger=TriggerBody(
                trigger.ut,
                trigger.signal,
                trigger.location,
                trigger.order_direction,
                PositiveNumber(trigger.quantity),
            ),
            order_summary=OrderSummary(
                total_count=details.order_count,
                last_order_timestamp=None if last is None else self._instant(last.placed_at),
                last_order_direction=None if last is None else last.order_direction,
                last_order_price=None if last is None else last.order_price,
                last_order_quantity=None if last is None else last.order_quantity,
            ),
        )

    def workflow_list_item(self, listed: ListedWorkflow) -> WorkflowListItem:
        workflow, last = listed.workflow, listed.last_order
        return WorkflowListItem(
            **self._workflow_fields(workflow),
            primary_indicator=workflow.primary_indicator,
            primary_unit_time=workflow.primary_unit_time,
            last_order_timestamp=None if last is None else self._instant(last.placed_at),
            last_order_direction=None if last is None else last.order_direction,
            last_order_quantity=None if last is None else last.order_quantity,
        )

    def _list_fields(self, order: WorkflowOrder) -> dict[str, Any]:
        return {
            "id": order.id,
            "workflow_id": order.workflow_id,
            "placed_at": self._instant(order.placed_at),
            "order_code": order.order_code,
            "order_price": order.order_price,
            "order_quantity": order.order_quantity,
            "order_direction": order.order_direction,
        }

    def order_list_item(self, order: WorkflowOrder) -> WorkflowOrderListItem:
        return WorkflowOrderListItem(**self._list_fields(order))

    def latest_order_item(self, order: WorkflowOrder) -> LatestOrderItem:
        return LatestOrderItem(**self._list_fields(order), workflow_name=order.workflow_name)

    def order_detail(self, order: WorkflowOrder) -> WorkflowOrderDetail:
        return WorkflowOrderDetail(
            **self._list_fields(order),
            workflow_name=order.workflow_name,
            order_type=order.order_type,
            asset_type=order.asset_type,
            trigger_close=order.trigger_close,
            execution_context=order.execution_context,
            expires_at=self._instant(order.expires_at),
        )

    def window_summary(self, window: OrderWindow, summary: WindowSummary) -> OrderSummaryResponse:
        return OrderSummaryResponse(
            since=None if window.since is None else self._instant(window.since),
            until=None if window.until is None else self._instant(window.until),
            count=summary.count,
            digest=summary.digest,
            groups=[
                OrderSummaryGroup(
                    workflow_id=group.workflow_id,
                    order_direction=group.order_direction,
                    workflow_name=group.workflow_name,
                    count=group.count,
                    volume=group.volume,
                    first_placed_at=self._instant(group.first_placed_at),
                    last_placed_at=self._instant(group.last_placed_at),
                )
                for group in summary.groups
            ],
        )


class ApiController(MethodListingController):
    """A controller of the API. Litestar makes one instance per app; it owns the ResponseBodies
    its handlers answer with, and so the bounded instant cache lives as long as the app."""

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self._bodies = ResponseBodies()
