"""The client's Structs and the committed openapi.json describe the same data: drift fails here."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from contract_shapes import differences
from workflow_orders_client import models

OPENAPI = Path(__file__).parents[3] / "openapi.json"
FROM_OLDER_SERVERS = frozenset(
    f"{struct}.dry_run" for struct in ("WorkflowOrderListItem", "LatestOrderItem", "WorkflowOrderDetail")
)
"""Fields the document requires that the client reads as None when absent: a server older than the
contract version that added them (1.4.0) does not send them, and the client must still read it."""


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return loaded


def test_every_struct_matches_its_schema_field_by_field(document: dict[str, Any]) -> None:
    assert differences(document, models, models.Model, FROM_OLDER_SERVERS) == []


def test_a_more_precise_document_of_the_same_data_still_matches(document: dict[str, Any]) -> None:
    changed = copy.deepcopy(document)
    schemas = changed["components"]["schemas"]
    order = schemas["RecordOrderRequest"]
    order["additionalProperties"] = False
    order["properties"]["order_price"] |= {"format": "decimal", "exclusiveMinimum": 0}
    order["properties"]["id"] = {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}
    order["properties"]["trigger_close"] = {"type": ["number", "null"], "format": "decimal", "minimum": 0}
    schemas["WorkflowOrderDetail"]["properties"]["id"] |= {"format": "uuid", "minLength": 36}
    assert differences(changed, models, models.Model, FROM_OLDER_SERVERS) == []


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (lambda s: s["WorkflowOrderDetail"]["required"].remove("trigger_close"), "WorkflowOrderDetail.trigger_close"),
        (lambda s: s["OrderType"]["enum"].append("MARKET"), "OrderType: values"),
        (lambda s: s["LatestOrderItem"]["properties"].pop("workflow_name"), "LatestOrderItem.workflow_name"),
        (
            lambda s: s["WorkflowOrderListItem"]["properties"].update(note={"type": "string"}),
            "WorkflowOrderListItem.note",
        ),
        (lambda s: s["WorkflowOrderDetail"]["properties"].update(order_price={"type": "string"}), "order_price"),
        (lambda s: s["WorkflowRequest"]["properties"]["enable"].update(default=False), "WorkflowRequest.enable"),
        (lambda s: s.update(Fill={"type": "object", "properties": {}}), "Fill: a schema with no Struct"),
        (lambda s: s.pop("Problem"), "Problem: a Struct with no schema"),
        (lambda s: s.update(Venue={"type": "string", "enum": ["XETRA"]}), "Venue: a value set with no Literal"),
        (
            lambda s: s["WorkflowListItem"]["properties"].update(end_date={"type": "string", "format": "date"}),
            "WorkflowListItem.end_date",
        ),
    ],
    ids=["required", "enum", "missing", "extra", "type", "default", "schema", "struct", "value-set", "nullable"],
)
def test_any_difference_is_reported(document: dict[str, Any], change: Any, reported: str) -> None:
    changed = copy.deepcopy(document)
    change(changed["components"]["schemas"])
    assert any(reported in line for line in differences(changed, models, models.Model))
