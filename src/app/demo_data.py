"""A demo dataset for `workflow-orders seed-demo`: five workflows with orders from the last 7 days."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from app.container import Container, running
from app.settings import Settings
from domain.model.draft import OrderDraft
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
from domain.model.errors import WorkflowNameTakenError
from domain.model.workflow import Close, Condition, Indicator, Trigger, WorkflowSpec
from domain.use_cases.record_order import RecordOrder
from domain.use_cases.workflows import CreateWorkflow, ListWorkflows
from ports.clock import Clock

T = TypeVar("T")

HOUR = 3600


@dataclass(frozen=True, slots=True)
class DemoWorkflow:
    """A workflow of the demo and the orders it placed: `order_count` orders, `spacing_hours`
    apart, the newest `first_hours_ago` hours ago; prices step by `price_step` around `price`."""

    spec: WorkflowSpec
    order_code: str
    asset_type: AssetType
    price: Decimal
    price_step: Decimal
    quantity: Decimal
    order_count: int
    first_hours_ago: int
    spacing_hours: int

    def drafts(self, now: int) -> list[OrderDraft]:
        """The orders, oldest first; all placed within the last 7 days."""
        drafts = []
        for position in reversed(range(self.order_count)):
            hours_ago = self.first_hours_ago + position * self.spacing_hours
            direction = (
                self.spec.trigger.order_direction if position % 3 else _opposite(self.spec.trigger.order_direction)
            )
            price = self.price + self.price_step * (position % 5 - 2)
            drafts.append(
                OrderDraft(
                    order_code=self.order_code,
                    order_price=price,
                    order_quantity=self.quantity,
                    order_direction=direction,
                    order_type=OrderType.LIMIT if position % 2 else OrderType.OPEN_STOP,
                    placed_at=now - hours_ago * HOUR - 17 * 60,
                    asset_type=self.asset_type,
                    trigger_close=price - self.price_step
                    if direction == OrderDirection.BUY
                    else price + self.price_step,
                    execution_context=f"demo: {self.spec.conditions[0].indicator.name} {self.spec.trigger.ut}",
                )
            )
        return drafts


def _opposite(direction: OrderDirection) -> OrderDirection:
    return OrderDirection.SELL if direction == OrderDirection.BUY else OrderDirection.BUY


def _condition(
    name: IndicatorName,
    ut: UnitTime,
    close: CloseDirection,
    spread: str,
    value: str | None = None,
    zone_value: str | None = None,
) -> Condition:
    return Condition(
        indicator=Indicator(
            name,
            ut,
            value=None if value is None else Decimal(value),
            zone_value=None if zone_value is None else Decimal(zone_value),
        ),
        close=Close(close, ut, spread=Decimal(spread)),
        element=ConditionElement.CLOSE,
    )


def demo_workflows() -> tuple[DemoWorkflow, ...]:
    """The dataset; the names are fixed, so a second run recognises what the first one created."""
    return (
        DemoWorkflow(
            spec=WorkflowSpec(
                name="demo DAX zone breakout",
                index="DAX.I",
                cfd="GER40.I",
                conditions=(
                    _condition(IndicatorName.ZONE, UnitTime.H1, CloseDirection.ABOVE, "0.5", "18250.5", "25"),
                    _condition(IndicatorName.MA50, UnitTime.H4, CloseDirection.ABOVE, "1"),
                ),
                trigger=Trigger(
                    UnitTime.M15, TriggerSignal.BREAKOUT, TriggerLocation.HIGHER, OrderDirection.BUY, Decimal(10)
                ),
            ),
            order_code="GER40.I",
            asset_type=AssetType.CFD_ON_INDEX,
            price=Decimal("18250.5"),
            price_step=Decimal("12.25"),
            quantity=Decimal(10),
            order_count=12,
            first_hours_ago=1,
            spacing_hours=13,
        ),
        DemoWorkflow(
            spec=WorkflowSpec(
                name="demo CAC 40 MA50 pullback",
                index="CAC40.I",
                cfd="FRA40.I",
                conditions=(_condition(IndicatorName.MA50, UnitTime.H4, CloseDirection.BELOW, "1.5"),),
                trigger=Trigger(
                    UnitTime.H1, TriggerSignal.BREAKOUT, TriggerLocation.LOWER, OrderDirection.SELL, Decimal(5)
                ),
            ),
            order_code="FRA40.I",
            asset_type=AssetType.CFD_ON_INDEX,
            price=Decimal("7850.25"),
            price_step=Decimal("4.5"),
            quantity=Decimal(5),
            order_count=8,
            first_hours_ago=3,
            spacing_hours=19,
        ),
        DemoWorkflow(
            spec=WorkflowSpec(
                name="demo Nasdaq polarite",
                index="NDX.I",
                cfd="US100.I",
                conditions=(_condition(IndicatorName.POLARITE, UnitTime.DAILY, CloseDirection.ABOVE, "2", "17500"),),
                trigger=Trigger(
                    UnitTime.H4, TriggerSignal.BREAKOUT, TriggerLocation.HIGHER, OrderDirection.BUY, Decimal(2)
                ),
                is_us=True,
            ),
            order_code="US100.I",
            asset_type=AssetType.CFD_ON_INDEX,
            price=Decimal("17620.75"),
            price_step=Decimal("20.5"),
            quantity=Decimal(2),
            order_count=6,
            first_hours_ago=6,
            spacing_hours=26,
        ),
        DemoWorkflow(
            spec=WorkflowSpec(
                name="demo Bitcoin combo (dry run)",
                index="BTCUSD",
                cfd="BTCUSD",
                conditions=(_condition(IndicatorName.COMBO, UnitTime.H1, CloseDirection.ABOVE, "25"),),
                trigger=Trigger(
                    UnitTime.M15, TriggerSignal.BREAKOUT, TriggerLocation.HIGHER, OrderDirection.BUY, Decimal("0.05")
                ),
                dry_run=True,
            ),
            order_code="BTCUSD",
            asset_type=AssetType.CRYPTO,
            price=Decimal("64250.5"),
            price_step=Decimal("150"),
            quantity=Decimal("0.05"),
            order_count=5,
            first_hours_ago=2,
            spacing_hours=31,
        ),
        DemoWorkflow(
            spec=WorkflowSpec(
                name="demo Gold BBH (disabled)",
                index="XAUUSD",
                cfd="GOLD",
                conditions=(_condition(IndicatorName.BBH, UnitTime.WEEKLY, CloseDirection.BELOW, "0.8"),),
                trigger=Trigger(
                    UnitTime.DAILY, TriggerSignal.BREAKOUT, TriggerLocation.LOWER, OrderDirection.SELL, Decimal(1)
                ),
                enable=False,
            ),
            order_code="GOLD",
            asset_type=AssetType.ETC,
            price=Decimal("2350.4"),
            price_step=Decimal("3.1"),
            quantity=Decimal(1),
            order_count=2,
            first_hours_ago=120,
            spacing_hours=24,
        ),
    )


async def seed_demo(settings: Settings, now: int | None = None) -> list[str]:
    """Create each demo workflow that no live workflow's name already has, with its orders.

    Idempotent by name: a second run creates nothing. Returns one line per demo workflow.
    """
    container = Container(settings=settings)
    async with running(container):
        list_workflows: ListWorkflows = await container.list_workflows()  # type: ignore[misc]
        create_workflow: CreateWorkflow = await container.create_workflow()  # type: ignore[misc]
        record_order: RecordOrder = await container.record_order()  # type: ignore[misc]
        clock: Clock = container.clock()
        now = clock.now() if now is None else now
        existing = {listed.workflow.name for listed in await list_workflows.execute()}
        report = []
        for demo in demo_workflows():
            name = demo.spec.name
            if name in existing:
                report.append(f"{name!r} already exists: skipped")
                continue
            try:
                created = await create_workflow.execute(demo.spec)
            except WorkflowNameTakenError:  # created by someone else meanwhile
                report.append(f"{name!r} already exists: skipped")
                continue
            drafts = demo.drafts(now)
            for draft in drafts:
                await record_order.execute(created.workflow.id, draft)
            report.append(f"created {name!r} ({created.workflow.id}) with {len(drafts)} orders")
        return report
