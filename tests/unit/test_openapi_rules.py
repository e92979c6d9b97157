"""The OpenAPI document states the rules the service enforces on what clients send, no more and no less:
for values on each side of every bound, the service accepts a request exactly when the document does.

The document's schemas are judged by jsonschema-rs, the validator schemathesis uses."""

import json
import uuid
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest

from builders import encode, order_body, workflow_body
from domain.model.rules import CODE_MAX, CONTEXT_MAX, NAME_MAX

REQUEST_BODIES = ["WorkflowRequest", "ConditionBody", "IndicatorBody", "CloseBody", "TriggerBody", "RecordOrderRequest"]
RESPONSE_ONLY = [
    "WorkflowDetail",
    "WorkflowListItem",
    "WorkflowListResponse",
    "OrderSummary",
    "WorkflowOrderListItem",
    "WorkflowOrderDetail",
    "LatestOrderItem",
    "WorkflowOrderHistoryResponse",
    "LatestOrdersResponse",
    "Problem",
]
NUMBERS = [
    "0",
    "-0",
    "1E-131",
    "1E-130",
    "0.5",
    "7850.25",
    "9.99E+125",
    "9.991E+125",
    "1E+126",
    "-1E-131",
    "-1E-130",
    "-0.5",
    "-9.99E+125",
    "-1E+126",
]
"""Both sides of every bound the domain puts on a decimal (sign, smallest and largest magnitude)."""


@pytest.fixture
def client(module_client):
    """Every test here sends bodies with names and ids of its own: one app serves the module."""
    return module_client


@pytest.fixture(scope="module")
def document(module_client) -> dict[str, Any]:
    return module_client.get("/schema/openapi.json").json()


@pytest.fixture(scope="module")
def components(document) -> dict[str, Any]:
    return document["components"]


def allows(components: dict[str, Any], schema: dict[str, Any], instance: Any) -> bool:
    """Whether `schema` (which may refer to the document's components) allows `instance`."""
    root = {**schema, "components": components}
    return bool(jsonschema_rs.Draft202012Validator(root, validate_formats=True).is_valid(instance))


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def as_sent(body: dict[str, Any]) -> Any:
    """What a JSON validator sees of the body the client sends."""
    return json.loads(encode(body))


def workflow_with(*, indicator: dict[str, Any] | None = None, spread: Any = None, quantity: Any = None, **fields):
    """A valid workflow body (with a name of its own) with these parts replaced."""
    body = workflow_body(fields.pop("name", f"rules {uuid.uuid4()}"), **fields)
    condition = body["conditions"][0]
    if indicator is not None:
        condition["indicator"] = indicator
    if spread is not None:
        condition["close"]["spread"] = spread
    if quantity is not None:
        body["trigger"]["quantity"] = quantity
    return body


class Judge:
    """Sends a body to the service and asks the document about the same body."""

    def __init__(self, api, components) -> None:
        self.api, self.components = api, components
        self.workflow_id = api.create_workflow(name=f"judge {uuid.uuid4()}")["id"]

    def workflow(self, body: dict[str, Any]) -> tuple[bool, bool]:
        response = self.api.send("POST", "/v1/workflows", body)
        assert response.status_code in (201, 400), response.text
        return allows(self.components, component("WorkflowRequest"), as_sent(body)), (response.status_code == 201)

    def order(self, body: dict[str, Any]) -> tuple[bool, bool]:
        response = self.api.send("POST", f"/v1/workflows/{self.workflow_id}/orders", body)
        assert response.status_code in (201, 400), response.text
        return allows(self.components, component("RecordOrderRequest"), as_sent(body)), (response.status_code == 201)


@pytest.fixture
def judge(api, components) -> Judge:
    return Judge(api, components)


@pytest.mark.parametrize("name", REQUEST_BODIES)
def test_request_body_schemas_refuse_unknown_fields_as_the_service_does(components, name):
    assert components["schemas"][name]["additionalProperties"] is False


@pytest.mark.parametrize("name", RESPONSE_ONLY)
def test_response_only_schemas_leave_room_for_fields_added_later(components, name):
    assert "additionalProperties" not in components["schemas"][name]


def test_an_unknown_field_anywhere_in_a_body_is_refused_by_both(judge):
    nested = workflow_with(indicator={"name": "ma50", "ut": "h1", "colour": "red"})

    assert judge.workflow(workflow_with(colour="red")) == (False, False)
    assert judge.workflow(nested) == (False, False)
    assert judge.order(order_body(colour="red")) == (False, False)


@pytest.mark.parametrize("text", NUMBERS)
def test_order_decimals_are_accepted_exactly_when_the_document_allows_them(judge, text):
    value = Decimal(text)
    for body in (order_body(order_price=value), order_body(order_quantity=value), order_body(trigger_close=value)):
        schema_allows, service_accepts = judge.order(body)
        assert schema_allows == service_accepts, (body, schema_allows, service_accepts)


STRINGS = ["0", "-0", "0.000", "-0.0e5", "0.5", "7850.25", "1E+2", "1e-5", "-0.5", "-7850.25", "-1e5"]
"""Decimals as strings within the magnitude bounds: both sides of each sign rule."""
NOT_DECIMAL_STRINGS = ["", " 1", "1 ", "+1", ".5", "1.", "01", "-", "1e", "0x10", "NaN", "Infinity", "1_0"]
"""Strings that are not a JSON number's digits: refused by both in every decimal field."""


@pytest.mark.parametrize("text", STRINGS + NOT_DECIMAL_STRINGS)
def test_order_decimals_as_strings_are_accepted_exactly_when_the_document_allows_them(judge, text):
    for body in (order_body(order_price=text), order_body(order_quantity=text), order_body(trigger_close=text)):
        schema_allows, service_accepts = judge.order(body)
        assert schema_allows == service_accepts, (body, schema_allows, service_accepts)


@pytest.mark.parametrize("text", STRINGS + NOT_DECIMAL_STRINGS)
def test_workflow_decimals_as_strings_are_accepted_exactly_when_the_document_allows_them(judge, text):
    bodies = [
        workflow_with(spread=text),
        workflow_with(quantity=text),
        workflow_with(indicator={"name": "zone", "ut": "h1", "value": text, "zone_value": "1"}),
        workflow_with(indicator={"name": "polarite", "ut": "h1", "value": text}),
    ]
    for body in bodies:
        schema_allows, service_accepts = judge.workflow(body)
        assert schema_allows == service_accepts, (body, schema_allows, service_accepts)


@pytest.mark.parametrize("text", NUMBERS)
def test_workflow_decimals_are_accepted_exactly_when_the_document_allows_them(judge, text):
    value = Decimal(text)
    bodies = [
        workflow_with(spread=value),
        workflow_with(quantity=value),
        workflow_with(indicator={"name": "zone", "ut": "h1", "value": value, "zone_value": Decimal(1)}),
        workflow_with(indicator={"name": "zone", "ut": "h1", "value": Decimal(1), "zone_value": value}),
    ]
    for body in bodies:
        schema_allows, service_accepts = judge.workflow(body)
        assert schema_allows == service_accepts, (body, schema_allows, service_accepts)


def test_the_document_marks_every_decimal_as_one_a_number_or_a_string(components):
    schemas = components["schemas"]
    properties = [
        schemas["RecordOrderRequest"]["properties"]["order_price"],
        schemas["TriggerBody"]["properties"]["quantity"],
        schemas["CloseBody"]["properties"]["spread"],
        schemas["WorkflowOrderDetail"]["properties"]["order_price"],
        schemas["WorkflowListItem"]["properties"]["last_order_quantity"],
        schemas["IndicatorBody"]["properties"]["value"],
    ]
    for decimal in properties:
        number, string = (option for option in decimal["oneOf"] if option["type"] != "null")
        assert (number["type"], number["format"]) == ("number", "decimal")
        assert (string["type"], string["format"]) == ("string", "decimal")
    assert schemas["RecordOrderRequest"]["properties"]["order_price"]["oneOf"][0]["exclusiveMinimum"] == 0
    assert schemas["CloseBody"]["properties"]["spread"]["oneOf"][0]["minimum"] == 0


@pytest.mark.parametrize("name", ["ma50", "combo", "bbb", "bbh", "polarite", "zone"])
def test_the_fields_an_indicator_needs_are_required_exactly_when_the_document_requires_them(judge, name):
    for value in (None, "null", Decimal(1)):
        for zone_value in (None, "null", Decimal(2)):
            indicator: dict[str, Any] = {"name": name, "ut": "h1"}
            for field, given in (("value", value), ("zone_value", zone_value)):
                if given is not None:
                    indicator[field] = None if given == "null" else given
            schema_allows, service_accepts = judge.workflow(workflow_with(indicator=indicator))
            assert schema_allows == service_accepts, (indicator, schema_allows, service_accepts)


@pytest.mark.parametrize(("field", "longest"), [("name", NAME_MAX), ("index", CODE_MAX), ("cfd", CODE_MAX)])
def test_workflow_text_lengths_are_those_of_the_document(judge, field, longest):
    for length in (0, 1, longest, longest + 1):
        schema_allows, service_accepts = judge.workflow(workflow_with(**{field: "x" * length}))
        assert schema_allows == service_accepts == (1 <= length <= longest), (field, length)


@pytest.mark.parametrize(("field", "longest"), [("order_code", CODE_MAX), ("execution_context", CONTEXT_MAX)])
def test_order_text_lengths_are_those_of_the_document(judge, field, longest):
    for length in (0, 1, longest, longest + 1):
        schema_allows, service_accepts = judge.order(order_body(**{field: "x" * length}))
        assert schema_allows == service_accepts == (1 <= length <= longest), (field, length)


def _ids() -> list[str]:
    v4 = uuid.uuid4()
    return [
        str(v4),
        str(uuid.uuid4()).upper(),  # another id: the tests share one app, and an id is recorded once
        str(uuid.uuid1()),
        str(uuid.UUID(int=v4.int & ~(0xC << 60) | (0x4 << 60))),  # version 4 bits, but not the RFC variant
        v4.hex,
        "{" + str(v4) + "}",
        f"urn:uuid:{v4}",
        str(v4) + "0",
        "not-a-uuid",
    ]


@pytest.mark.parametrize("order_id", _ids())
def test_an_order_id_is_accepted_exactly_when_the_document_allows_it(judge, order_id):
    schema_allows, service_accepts = judge.order(order_body(id=order_id))

    assert schema_allows == service_accepts, (order_id, schema_allows, service_accepts)


@pytest.mark.parametrize("path_id", _ids())
def test_a_path_id_is_read_exactly_when_the_document_allows_it(api, document, path_id):
    parameters = document["paths"]["/v1/orders/{order_id}"]["get"]["parameters"]
    [parameter] = [p for p in parameters if p["in"] == "path"]
    response = api.get(f"/v1/orders/{path_id}")

    assert response.status_code in (400, 404)
    allowed = allows(document["components"], parameter["schema"], path_id)
    assert allowed == (response.status_code == 404), (path_id, response.status_code)


def test_ids_the_service_writes_are_documented_as_uuids(components):
    schemas = components["schemas"]

    assert schemas["WorkflowDetail"]["properties"]["id"]["format"] == "uuid"
    assert schemas["WorkflowOrderListItem"]["properties"]["workflow_id"]["format"] == "uuid"
    assert schemas["WorkflowOrderHistoryResponse"]["properties"]["workflow_id"]["format"] == "uuid"
