"""Test data, written once: valid workflows, orders and drafts, and the JSON bodies a client sends.

Every builder gives a valid value with a default for each field a test does not care about; a test
names only what it is about. The defaults describe one canonical order (FRA40.I, 7850.25, 10, BUY,
LIMIT) in each form: entity, draft and request body.

Test modules import this as `builders` (tests/ is on sys.path: see tests/conftest.py); the
benchmark's seeder, run as `python -m bench` from the repository root, imports it as
`tests.builders`. So this module imports only the service's own packages and msgspec, and does
nothing when imported.
"""

import hashlib
import hmac
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec

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
from domain.model.history import HistoryFilter
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.tokens import b64
from domain.model.workflow import Close, Condition, Indicator, Trigger, Workflow, WorkflowSpec
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

NOW = 1_771_770_600
"""2026-02-22T14:30:00Z: the `now` tests pass to the ports and use cases."""

WORKFLOW_ID = "550e8400-e29b-41d4-a716-446655440000"
OTHER_WORKFLOW_ID = "6ba7b810-9dad-41d1-80b4-00c04fd430c8"
ORDER_ID = "3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"
UNKNOWN_ID = "9b2e4c1a-7d3f-4e8b-a1c2-d3e4f5a6b7c8"
"""A valid id that no test stores."""
WORKFLOW_NAME = "DAX Breakout Strategy"


def new_id() -> str:
    return str(uuid.uuid4())


# Domain values


def make_condition(
    name: IndicatorName = IndicatorName.MA50,
    ut: UnitTime = UnitTime.H1,
    value: Decimal | None = None,
    zone_value: Decimal | None = None,
    spread: Decimal = Decimal("0.5"),
    element: ConditionElement | None = None,
    direction: CloseDirection = CloseDirection.ABOVE,
) -> Condition:
    """A condition whose close is on the indicator's unit time."""
    return Condition(
        indicator=Indicator(name=name, ut=ut, value=value, zone_value=zone_value),
        close=Close(direction=direction, ut=ut, spread=spread),
        element=element,
    )


def make_trigger(quantity: str | Decimal = "1") -> Trigger:
    return Trigger(
        ut=UnitTime.M15,
        signal=TriggerSignal.BREAKOUT,
        location=TriggerLocation.HIGHER,
        order_direction=OrderDirection.BUY,
        quantity=Decimal(quantity),
    )


def make_spec(name: str = WORKFLOW_NAME, *, quantity: str | Decimal = "1", **fields: Any) -> WorkflowSpec:
    """One MA50 condition and a BUY trigger of `quantity`; `fields` set any other WorkflowSpec field
    (enable, conditions, trigger, ...) as given."""
    values: dict[str, Any] = {
        "name": name,
        "index": "DAX.I",
        "cfd": "GER40.I",
        "conditions": (make_condition(),),
        "trigger": make_trigger(quantity),
    }
    return WorkflowSpec(**(values | fields))


def rich_spec(name: str, **fields: Any) -> WorkflowSpec:
    """A spec using every optional field, with decimals whose digits must survive storage; `fields`
    replace any field as given."""
    values: dict[str, Any] = {
        "name": name,
        "index": "DAX.I",
        "cfd": "GER40.I",
        "conditions": (
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
        "trigger": Trigger(
            UnitTime.WEEKLY,
            TriggerSignal.BREAKOUT,
            TriggerLocation.LOWER,
            OrderDirection.SELL,
            Decimal("9.99E+125"),
        ),
        "enable": False,
        "dry_run": True,
        "is_us": True,
        "end_date": date(2026, 12, 31),
    }
    return WorkflowSpec(**(values | fields))


def decimal_texts(spec: WorkflowSpec) -> list[str]:
    """Every decimal of the spec as text, so that a test sees digits, not just equal values."""
    texts = [str(spec.trigger.quantity)]
    for condition in spec.conditions:
        texts += [str(condition.indicator.value), str(condition.indicator.zone_value)]
        texts.append(str(condition.close.spread))
    return texts


def make_workflow(
    name: str = WORKFLOW_NAME,
    *,
    enable: bool = True,
    dry_run: bool = False,
    created_at: int = NOW,
    workflow_id: str | None = None,
) -> Workflow:
    spec = make_spec(name, enable=enable, dry_run=dry_run)
    return Workflow(id=workflow_id or new_id(), spec=spec, created_at=created_at)


def make_order(
    workflow: Workflow | None = None,
    *,
    placed_at: int = NOW,
    order_id: str | None = None,
    direction: OrderDirection | str = OrderDirection.BUY,
    price: str | Decimal = "7850.25",
    quantity: str | Decimal = "10",
    order_code: str = "FRA40.I",
    order_type: OrderType | str = OrderType.LIMIT,
    asset_type: AssetType | str | None = None,
    trigger_close: str | Decimal | None = None,
    execution_context: str | None = None,
    workflow_name: str | None = None,
    **fields: Any,
) -> WorkflowOrder:
    """An order of `workflow` (without one: of the workflow WORKFLOW_ID named WORKFLOW_NAME), with a
    fresh id unless `order_id` is given, expiring RETENTION_SECONDS after `placed_at`, stamped with
    the workflow's dry_run (without one: False).

    `fields` are WorkflowOrder fields by their own names (`id`, `order_price`, `ttl`, ...), set last
    and as given: for tests of the entity's own checks.
    """
    if workflow_name is None:
        workflow_name = WORKFLOW_NAME if workflow is None else workflow.name
    values: dict[str, Any] = {
        "id": new_id() if order_id is None else order_id,
        "workflow_id": WORKFLOW_ID if workflow is None else workflow.id,
        "workflow_name": workflow_name,
        "placed_at": placed_at,
        "order_code": order_code,
        "order_price": Decimal(price),
        "order_quantity": Decimal(quantity),
        "order_direction": OrderDirection(direction),
        "order_type": OrderType(order_type),
        "ttl": placed_at + RETENTION_SECONDS,
        "asset_type": None if asset_type is None else AssetType(asset_type),
        "trigger_close": None if trigger_close is None else Decimal(trigger_close),
        "execution_context": execution_context,
        "dry_run": False if workflow is None else workflow.spec.dry_run,
    }
    return WorkflowOrder(**(values | fields))


def make_draft(**fields: Any) -> OrderDraft:
    """What a client sends to record the canonical order; `fields` set any OrderDraft field as given."""
    values: dict[str, Any] = {
        "order_code": "FRA40.I",
        "order_price": Decimal("7850.25"),
        "order_quantity": Decimal("10"),
        "order_direction": OrderDirection.BUY,
        "order_type": OrderType.LIMIT,
    }
    return OrderDraft(**(values | fields))


# Helpers over the storage ports


async def live_workflow(workflows: WorkflowRepository, name: str = WORKFLOW_NAME, *, dry_run: bool = False) -> Workflow:
    """A workflow already stored through the repository."""
    workflow = make_workflow(name, dry_run=dry_run)
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


# HTTP request bodies

_ENCODER = msgspec.json.Encoder(decimal_format="number")


def encode(body: Any) -> bytes:
    """JSON bytes with every Decimal written as a JSON number carrying exactly its digits."""
    return _ENCODER.encode(body)


def iso(epoch: int) -> str:
    """Epoch seconds as RFC 3339 UTC with `Z`: how the API writes instants."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def workflow_body(name: str = "DAX breakout", **fields: Any) -> dict[str, Any]:
    """A valid POST/PUT /v1/workflows body (a JSON-able dict): one MA50 condition, a BUY trigger of 10;
    `fields` set or replace top-level fields as given."""
    body: dict[str, Any] = {
        "name": name,
        "index": "DAX.I",
        "cfd": "GER40.I",
        "conditions": [
            {
                "indicator": {"name": "ma50", "ut": "h1"},
                "close": {"direction": "above", "ut": "h1", "spread": 0.5},
            }
        ],
        "trigger": {
            "ut": "15m",
            "signal": "breakout",
            "location": "higher",
            "order_direction": "BUY",
            "quantity": 10,
        },
    }
    return body | fields


def order_body(**fields: Any) -> dict[str, Any]:
    """A valid order body with the required fields only (no id, no placed_at: the service assigns
    them); `fields` set or replace top-level fields as given. Decimals are Decimal: send it with
    `encode` for exact JSON numbers."""
    body: dict[str, Any] = {
        "order_code": "FRA40.I",
        "order_price": Decimal("7850.25"),
        "order_quantity": Decimal("10"),
        "order_direction": "BUY",
        "order_type": "LIMIT",
    }
    return body | fields


def event_id_without_store(secret: bytes, position_key: str, *, issued_at: int) -> str:
    """An event id as versions before store ids signed it: `[issued_at, position key]` and its MAC."""
    payload = json.dumps([issued_at, position_key], separators=(",", ":")).encode()
    mac = hmac.new(secret, b"feed|" + payload, hashlib.sha256).digest()[:16]
    return f"{b64(payload)}.{b64(mac)}"
