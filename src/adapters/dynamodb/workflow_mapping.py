"""Pure translation between workflows and DynamoDB low-level items (typed attribute values)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import msgspec

from adapters.dynamodb.mapping import (
    Item,
    boolean,
    n,
    read_decimal,
    read_int,
    read_optional_decimal,
    read_optional_s,
    read_s,
    s,
)
from domain.model.enums import (
    CloseDirection,
    ConditionElement,
    IndicatorName,
    OrderDirection,
    TriggerLocation,
    TriggerSignal,
    UnitTime,
)
from domain.model.workflow import Close, Condition, Indicator, Trigger, Workflow, WorkflowSpec

WORKFLOW_KIND = "workflow"
NAME_KIND = "name"


def workflow_pk(workflow_id: str) -> str:
    return f"WORKFLOW#{workflow_id.lower()}"


def name_pk(name: str) -> str:
    return f"NAME#{name}"


SPEC_ATTRIBUTES = (
    "name",
    "index",
    "cfd",
    "enable",
    "dry_run",
    "is_us",
    "end_date",
    "conditions",
    "trigger",
)
"""Top-level attributes a replace rewrites; the ones absent from spec_to_attributes get removed."""

WORKFLOW_ATTRIBUTES = (*SPEC_ATTRIBUTES, "id", "created_at", "updated_at")
"""Everything item_to_workflow reads (a projection that leaves out the latest order)."""


def spec_to_attributes(spec: WorkflowSpec) -> Item:
    attributes: Item = {
        "name": s(spec.name),
        "index": s(spec.index),
        "cfd": s(spec.cfd),
        "enable": boolean(spec.enable),
        "dry_run": boolean(spec.dry_run),
        "is_us": boolean(spec.is_us),
        "conditions": {"L": [{"M": _condition_to_map(c)} for c in spec.conditions]},
        "trigger": {"M": _trigger_to_map(spec.trigger)},
    }
    if spec.end_date is not None:
        attributes["end_date"] = s(spec.end_date.isoformat())
    return attributes


def workflow_to_item(workflow: Workflow) -> Item:
    """A new live workflow item: key, kind, identity, timestamps and spec."""
    return {
        "pk": s(workflow_pk(workflow.id)),
        "kind": s(WORKFLOW_KIND),
        "id": s(workflow.id),
        "created_at": n(workflow.created_at),
        "updated_at": n(workflow.updated_at),
        **spec_to_attributes(workflow.spec),
    }


def item_to_workflow(item: Any) -> Workflow:
    spec = _decoded_spec(_SPEC_TEXT.encode({name: item[name] for name in SPEC_ATTRIBUTES if name in item}))
    return Workflow(
        id=read_s(item, "id"),
        spec=spec,
        created_at=read_int(item, "created_at"),
        updated_at=read_int(item, "updated_at"),
    )


_SPEC_TEXT = msgspec.json.Encoder()
SPECS_REMEMBERED = 4096
"""Decoded specs kept by the JSON of their attributes: more than the live workflows of any deployment."""


@functools.lru_cache(maxsize=SPECS_REMEMBERED)
def _decoded_spec(attributes_json: bytes) -> WorkflowSpec:
    """The spec stored as these attributes. A spec validates itself on construction (~40 µs) and
    is immutable, so the same stored attributes decode once and later reads share the value."""
    item = msgspec.json.decode(attributes_json)
    end_date = read_optional_s(item, "end_date")
    return WorkflowSpec(
        name=read_s(item, "name"),
        index=read_s(item, "index"),
        cfd=read_s(item, "cfd"),
        conditions=tuple(_map_to_condition(c["M"]) for c in item["conditions"]["L"]),
        trigger=_map_to_trigger(item["trigger"]["M"]),
        enable=bool(item["enable"]["BOOL"]),
        dry_run=bool(item["dry_run"]["BOOL"]),
        is_us=bool(item["is_us"]["BOOL"]),
        end_date=None if end_date is None else date.fromisoformat(end_date),
    )


def name_guard_item(name: str, workflow_id: str) -> Item:
    """The item that reserves a name for one live workflow."""
    return {"pk": s(name_pk(name)), "kind": s(NAME_KIND), "owner": s(workflow_id.lower())}


def _condition_to_map(condition: Condition) -> Item:
    indicator: Item = {"name": s(condition.indicator.name.value), "ut": s(condition.indicator.ut.value)}
    if condition.indicator.value is not None:
        indicator["value"] = n(condition.indicator.value)
    if condition.indicator.zone_value is not None:
        indicator["zone_value"] = n(condition.indicator.zone_value)
    close: Item = {
        "direction": s(condition.close.direction.value),
        "ut": s(condition.close.ut.value),
        "spread": n(condition.close.spread),
    }
    mapped: Item = {"indicator": {"M": indicator}, "close": {"M": close}}
    if condition.element is not None:
        mapped["element"] = s(condition.element.value)
    return mapped


def _map_to_condition(mapped: Any) -> Condition:
    indicator, close = mapped["indicator"]["M"], mapped["close"]["M"]
    element = read_optional_s(mapped, "element")
    return Condition(
        indicator=Indicator(
            name=IndicatorName(read_s(indicator, "name")),
            ut=UnitTime(read_s(indicator, "ut")),
            value=read_optional_decimal(indicator, "value"),
            zone_value=read_optional_decimal(indicator, "zone_value"),
        ),
        close=Close(
            direction=CloseDirection(read_s(close, "direction")),
            ut=UnitTime(read_s(close, "ut")),
            spread=read_decimal(close, "spread"),
        ),
        element=None if element is None else ConditionElement(element),
    )


def _trigger_to_map(trigger: Trigger) -> Item:
    return {
        "ut": s(trigger.ut.value),
        "signal": s(trigger.signal.value),
        "location": s(trigger.location.value),
        "order_direction": s(trigger.order_direction.value),
        "quantity": n(trigger.quantity),
    }


def _map_to_trigger(mapped: Any) -> Trigger:
    return Trigger(
        ut=UnitTime(read_s(mapped, "ut")),
        signal=TriggerSignal(read_s(mapped, "signal")),
        location=TriggerLocation(read_s(mapped, "location")),
        order_direction=OrderDirection(read_s(mapped, "order_direction")),
        quantity=read_decimal(mapped, "quantity"),
    )
