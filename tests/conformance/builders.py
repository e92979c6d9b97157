"""Valid workflows and orders for tests, with defaults for every field a test does not care about."""

import uuid
from datetime import date
from decimal import Decimal

from domain.model.enums import (
    AssetType,
    CloseDirection,
    ConditionElement,
    IndicatorName,
    OrderDirection,
    OrderType,
    TriggerLocation,
    TriggerSignal,
    UnitTime,
)
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.workflow import Close, Condition, Indicator, Trigger, Workflow, WorkflowSpec
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

NOW = 1_771_770_600
"""2026-02-22T14:30:00Z: the `now` tests pass to the ports."""


def new_id() -> str:
    return str(uuid.uuid4())


def make_spec(name: str = "Breakout DAX", *, enable: bool = True, quantity: str = "1") -> WorkflowSpec:
    return WorkflowSpec(
        name=name,
        index="DAX.I",
        cfd="GER40.I",
        conditions=(
            Condition(
                indicator=Indicator(IndicatorName.MA50, UnitTime.H1),
                close=Close(CloseDirection.ABOVE, UnitTime.H1, Decimal("0.5")),
            ),
        ),
        trigger=Trigger(
            UnitTime.M15,
            TriggerSignal.BREAKOUT,
            TriggerLocation.HIGHER,
            OrderDirection.BUY,
            Decimal(quantity),
        ),
        enable=enable,
    )


def rich_spec(name: str) -> WorkflowSpec:
    """A spec using every optional field, with decimals whose digits must survive storage."""
    return WorkflowSpec(
        name=name,
        index="DAX.I",
        cfd="GER40.I",
        conditions=(
            Condition(
                indicator=Indicator(
                    IndicatorName.ZONE, UnitTime.H4, Decimal("12345.12345678901234567"), Decimal("-0.1")
                ),
                close=Close(CloseDirection.BELOW, UnitTime.DAILY, Decimal("0")),
                element=ConditionElement.LOW,
            ),
            Condition(
                indicator=Indicator(IndicatorName.MA50, UnitTime.M15),
                close=Close(CloseDirection.ABOVE, UnitTime.H1, Decimal("1E-130")),
            ),
        ),
        trigger=Trigger(
            UnitTime.WEEKLY,
            TriggerSignal.BREAKOUT,
            TriggerLocation.LOWER,
            OrderDirection.SELL,
            Decimal("9.99E+125"),
        ),
        enable=False,
        dry_run=True,
        is_us=True,
        end_date=date(2026, 12, 31),
    )


def decimal_texts(spec: WorkflowSpec) -> list[str]:
    """Every decimal of the spec as text, so that a test sees digits, not just equal values."""
    texts = [str(spec.trigger.quantity)]
    for condition in spec.conditions:
        texts += [str(condition.indicator.value), str(condition.indicator.zone_value)]
        texts.append(str(condition.close.spread))
    return texts


def make_workflow(
    name: str = "Breakout DAX", *, enable: bool = True, created_at: int = NOW, workflow_id: str | None = None
) -> Workflow:
    return Workflow(id=workflow_id or new_id(), spec=make_spec(name, enable=enable), created_at=created_at)


def make_order(
    workflow: Workflow,
    *,
    placed_at: int = NOW,
    order_id: str | None = None,
    direction: OrderDirection = OrderDirection.BUY,
    price: str = "7850.25",
    quantity: str = "2",
    order_type: OrderType = OrderType.LIMIT,
    asset_type: AssetType | None = None,
    trigger_close: str | None = None,
    execution_context: str | None = None,
    workflow_name: str | None = None,
) -> WorkflowOrder:
    return WorkflowOrder(
        id=order_id or new_id(),
        workflow_id=workflow.id,
        workflow_name=workflow.name if workflow_name is None else workflow_name,
        placed_at=placed_at,
        order_code="ORD-1",
        order_price=Decimal(price),
        order_quantity=Decimal(quantity),
        order_direction=direction,
        order_type=order_type,
        ttl=placed_at + RETENTION_SECONDS,
        asset_type=asset_type,
        trigger_close=None if trigger_close is None else Decimal(trigger_close),
        execution_context=execution_context,
    )


async def live_workflow(workflows: WorkflowRepository, name: str = "Breakout DAX") -> Workflow:
    """A workflow already stored through the repository."""
    workflow = make_workflow(name)
    await workflows.add(workflow)
    return workflow


async def count_of(orders: OrderRepository, workflow_id: str, history_filter: HistoryFilter, *, now: int) -> int:
    """The total count a page reports: every visible order of the workflow matching the filter."""
    return (await orders.page(workflow_id, history_filter, now=now, limit=1)).total_count


async def add_all(orders: OrderRepository, *new: WorkflowOrder) -> None:
    for order in new:
        await orders.add(order)


def newest_first(orders: list[WorkflowOrder]) -> list[WorkflowOrder]:
    """The order the ports promise: descending (placed_at, id)."""
    return sorted(orders, key=lambda order: order.sort_key, reverse=True)


def sorted_ids(count: int) -> list[str]:
    """Fresh order ids in ascending order, for tests about ties broken by id."""
    return sorted(new_id() for _ in range(count))
