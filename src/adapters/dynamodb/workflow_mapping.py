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
from adapters.spec_json import SPECS_REMEMBERED, spec_from_json, spec_to_json
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


SPEC_ATTRIBUTES = ("name", "enable", "spec")
"""How a spec is stored: its name and enable flag on their own (the engine filters and guards on
them) and the whole spec as JSON text (`spec`, decimals as strings, every digit kept). One string
attribute instead of nested maps: botocore parses one value per workflow instead of dozens."""

LEGACY_SPEC_ATTRIBUTES = ("index", "cfd", "dry_run", "is_us", "end_date", "conditions", "trigger")
"""How specs were stored before `spec` (one attribute per field, conditions and trigger as nested
maps). Still read; a replace rewrites the item in the current form and removes them."""

REPLACED_ATTRIBUTES = (*SPEC_ATTRIBUTES, *LEGACY_SPEC_ATTRIBUTES)
"""Top-level attributes a replace rewrites; the ones absent from spec_to_attributes get removed."""

WORKFLOW_ATTRIBUTES = (*REPLACED_ATTRIBUTES, "id", "created_at", "updated_at")
"""Everything item_to_workflow reads (a projection that leaves out the latest order)."""


def spec_to_attributes(spec: WorkflowSpec) -> Item:
    return {"name": s(spec.name), "enable": boolean(spec.enable), "spec": s(spec_to_json(spec))}


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
    if "spec" in item:
        spec = spec_from_json(read_s(item, "spec"))
    else:
        legacy = {name: item[name] for name in ("name", "enable", *LEGACY_SPEC_ATTRIBUTES) if name in item}
        spec = _legacy_spec(_LEGACY_TEXT.encode(legacy))
    return Workflow(
        id=read_s(item, "id"),
        spec=spec,
        created_at=read_int(item, "created_at"),
        updated_at=read_int(item, "updated_at"),
    )


_LEGACY_TEXT = msgspec.json.Encoder()


@functools.lru_cache(maxsize=SPECS_REMEMBERED)
def _legacy_spec(attributes_json: bytes) -> WorkflowSpec:
    """The spec stored in the legacy attributes (given as JSON, so that it can be a cache key)."""
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


def _map_to_trigger(mapped: Any) -> Trigger:
    return Trigger(
        ut=UnitTime(read_s(mapped, "ut")),
        signal=TriggerSignal(read_s(mapped, "signal")),
        location=TriggerLocation(read_s(mapped, "location")),
        order_direction=OrderDirection(read_s(mapped, "order_direction")),
        quantity=read_decimal(mapped, "quantity"),
    )
