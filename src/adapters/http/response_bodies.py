"""Domain values as response bodies."""

import functools
from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any, TypeVar

import msgspec
from litestar import Router

from adapters.http.numbers import JsonNumber, NonNegativeNumber, PositiveNumber
from adapters.http.options import MethodListingController
from adapters.http.order_schemas import LatestOrderItem, WorkflowOrderDetail, WorkflowOrderListItem
from adapters.http.structs import ResponseBody
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
from adapters.order_fields import field_name
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow
from domain.model.window_summary import WindowSummary
from domain.model.workflow import Condition, Workflow
from domain.use_cases.workflows import ListedWorkflow, WorkflowDetails

B = TypeVar("B", bound=ResponseBody)

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
        self.order_list_item = self._order_body(WorkflowOrderListItem)
        self.latest_order_item = self._order_body(LatestOrderItem)
        self.order_detail = self._order_body(WorkflowOrderDetail)

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

    def _order_body(self, body_type: type[B]) -> Callable[[WorkflowOrder], B]:
        """Builds `body_type` from an order, each field from the order's field of that (public)
        name; the datetime fields are the order's instants."""
        values = attrgetter(*map(field_name, body_type.__struct_fields__))
        instants = tuple(
            position for position, field in enumerate(msgspec.structs.fields(body_type)) if field.type is datetime
        )
        instant = self._instant

        def build(order: WorkflowOrder) -> B:
            row = list(values(order))
            for position in instants:
                row[position] = instant(row[position])
            return body_type(*row)

        return build

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
                    dry_run=group.dry_run,
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
