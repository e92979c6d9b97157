"""Cross-cutting HTTP behaviour: problem details, body limits, content types, methods, request ids."""

import re
from decimal import Decimal

import pytest
from litestar.testing import TestClient
from sqlite_lock import write_lock_held

from app.factory import create_app
from app.settings import Settings
from builders import UNKNOWN_ID, encode, order_body

INTERNALS = re.compile(
    r"Traceback|File \"|\.py\b|Error\b|Exception|adapters|domain\.|litestar|msgspec|sqlite|aiosqlite"
    r"|dependency_injector|Struct|SELECT|INSERT",
    re.IGNORECASE,
)
PROBLEM_FIELDS = {"type", "title", "status", "detail"}
JSON = {"content-type": "application/json"}


def _error_responses(api, workflow_body):
    """One response of every error kind the API can give without a storage fault."""
    workflow = api.create_workflow(name="Taken")
    return {
        "400 body": api.send("POST", "/v1/workflows", workflow_body(name="")),
        "400 unknown field": api.send("POST", "/v1/workflows", workflow_body(extra=1)),
        "400 not json": api.send("POST", "/v1/workflows", b"{not json"),
        "400 string not a decimal": api.record(workflow["id"], b'{"order_price": "NaN"}'),
        "400 path id": api.get("/v1/workflows/nope"),
        "400 query": api.get("/v1/workflows", params={"enable": "yes"}),
        "400 limit": api.history(workflow["id"], limit=0),
        "400 cursor": api.history(workflow["id"], cursor="x.y"),
        "404 workflow": api.get(f"/v1/workflows/{UNKNOWN_ID}"),
        "404 order": api.get(f"/v1/orders/{UNKNOWN_ID}"),
        "404 route": api.get("/v2/nothing/here"),
        "405": api.client.patch(f"/v1/workflows/{workflow['id']}", json={}),
        "409": api.send("POST", "/v1/workflows", workflow_body(name="Taken")),
        "413": api.send("POST", "/v1/workflows", b" " * (65 * 1024)),
        "415": api.client.post("/v1/workflows", content=b"name=x", headers={"content-type": "text/plain"}),
    }


def test_every_error_is_a_problem_json_document(api, workflow_body):
    for kind, response in _error_responses(api, workflow_body).items():
        status = int(kind.split()[0])
        assert response.status_code == status, (kind, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), kind
        problem = response.json()
        assert set(problem) >= PROBLEM_FIELDS, kind
        assert set(problem) <= {*PROBLEM_FIELDS, "errors"}, kind
        assert problem["status"] == status, kind
        assert all(isinstance(problem[key], str) and problem[key] for key in ("type", "title", "detail"))


def test_no_error_reveals_a_stack_trace_or_internal_names(api, workflow_body):
    for kind, response in _error_responses(api, workflow_body).items():
        assert not INTERNALS.search(response.text), (kind, response.text)


def test_validation_problems_list_fields_and_messages(api, workflow_body):
    zone_without_values = {
        "indicator": {"name": "zone", "ut": "h1"},
        "close": {"direction": "above", "ut": "h1", "spread": 0},
    }

    response = api.send("POST", "/v1/workflows", workflow_body(conditions=[zone_without_values]))

    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == {
        "conditions[0].indicator.value",
        "conditions[0].indicator.zone_value",
    }
    assert all(set(e) == {"field", "message"} and e["message"] for e in errors)


def test_a_body_over_64_kib_is_413(api, workflow_body, to_json):
    body = to_json(workflow_body())
    padded = body[:-1] + b',"pad":"' + b"p" * (65 * 1024) + b'"}'

    response = api.send("POST", "/v1/workflows", padded)

    assert response.status_code == 413
    assert api.get("/v1/workflows").json()["total_count"] == 0


def test_a_body_just_under_64_kib_is_not_refused_for_its_size(api):
    body = b'{"pad":"' + b"p" * (63 * 1024) + b'"}'

    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 400  # read and rejected for its content, not its size
    assert response.json()["errors"][0]["field"] == "pad"


def test_an_oversized_order_body_is_413(api):
    workflow = api.create_workflow()

    response = api.record(workflow["id"], b'{"execution_context":"' + b"x" * (70 * 1024) + b'"}')

    assert response.status_code == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_415(api, workflow_body, to_json, content_type):
    response = api.client.post(
        "/v1/workflows", content=to_json(workflow_body()), headers={"content-type": content_type}
    )

    assert response.status_code == 415
    assert api.get("/v1/workflows").json()["total_count"] == 0


def test_an_order_body_that_is_not_json_is_415(api, order_body, to_json):
    workflow = api.create_workflow()

    response = api.client.post(
        f"/v1/workflows/{workflow['id']}/orders",
        content=to_json(order_body()),
        headers={"content-type": "text/plain"},
    )

    assert response.status_code == 415


def test_a_json_body_with_a_charset_is_accepted(api, workflow_body, to_json):
    response = api.client.post(
        "/v1/workflows",
        content=to_json(workflow_body()),
        headers={"content-type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 201


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'"text"', b"{}"])
def test_a_body_that_is_not_a_json_object_of_the_right_shape_is_400(api, body):
    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PATCH", "/v1/workflows/{id}", {"GET", "PUT", "DELETE"}),
        ("DELETE", "/v1/workflows", {"GET", "POST"}),
        ("PUT", "/v1/workflows/{id}/orders", {"GET", "POST"}),
        ("POST", "/v1/orders/latest", {"GET"}),
        ("DELETE", "/v1/orders/{id}", {"GET"}),
    ],
)
def test_a_method_the_route_does_not_serve_is_405_with_allow(api, method, path, allowed):
    workflow = api.create_workflow()

    response = api.client.request(method, path.replace("{id}", workflow["id"]), json={})

    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["allow"].split(",")}
    assert response.headers["content-type"].startswith("application/problem+json")


def test_every_response_carries_a_request_id(api, workflow_body):
    workflow = api.create_workflow()
    responses = [
        api.send("POST", "/v1/workflows", workflow_body(name="Another")),
        api.get(f"/v1/workflows/{workflow['id']}"),
        api.get("/v1/workflows"),
        api.client.delete(f"/v1/workflows/{UNKNOWN_ID}"),
        api.get("/v1/orders/latest"),
        api.get("/health/live"),
        api.get("/health/ready"),
        api.get("/schema/openapi.json"),
        *_error_responses(api, workflow_body).values(),
    ]

    request_ids = [response.headers.get("x-request-id") for response in responses]

    assert all(request_ids), request_ids
    assert len(set(request_ids)) == len(request_ids)


@pytest.mark.parametrize("path", ["/v1/workflows", "/v1/nothing", "/v1/workflows/nope", "/health/live"])
def test_a_request_id_sent_by_the_caller_is_echoed(api, path):
    response = api.get(path, headers={"X-Request-ID": "caller-req.42:abc"})

    assert response.headers["x-request-id"] == "caller-req.42:abc"


def test_a_request_id_is_echoed_on_a_write_and_on_a_conflict(api, workflow_body):
    created = api.send("POST", "/v1/workflows", workflow_body(), headers={"X-Request-ID": "create-1"})
    clash = api.send("POST", "/v1/workflows", workflow_body(), headers={"X-Request-ID": "create-2"})

    assert (created.status_code, created.headers["x-request-id"]) == (201, "create-1")
    assert (clash.status_code, clash.headers["x-request-id"]) == (409, "create-2")


def test_an_unknown_route_is_a_404_problem(api):
    response = api.get("/v1/nothing")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_a_write_the_storage_cannot_take_in_time_is_503_with_retry_after(tmp_path, workflow_body, to_json):
    path = tmp_path / "orders.db"
    settings = Settings(sqlite_path=str(path), log_format="console", storage_timeout_seconds=0.3)
    with TestClient(create_app(settings)) as client, write_lock_held(path):
        response = client.post("/v1/workflows", content=to_json(workflow_body()), headers=JSON)

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 503
    assert response.headers["x-request-id"]
    assert not INTERNALS.search(response.text), response.text


@pytest.mark.parametrize("number", ["1e1000000000000000000", "-1E+9999999999999999999", "0e1000000000000000000"])
@pytest.mark.parametrize("field", ["order_price", "order_quantity", "trigger_close"])
def test_a_number_whose_exponent_no_decimal_can_hold_is_a_400_naming_its_field(api, field, number):
    workflow = api.create_workflow()
    placeholder = "7.1234567"
    body = encode(order_body(**{field: Decimal(placeholder)})).replace(placeholder.encode(), number.encode())

    response = api.record(workflow["id"], body)

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert api.history(workflow["id"]).json()["orders"] == []


def _with_repeated_key(body: bytes, where: bytes, key_and_value: bytes) -> bytes:
    """`body` with `key_and_value` inserted right after `where` (an object's opening)."""
    assert where in body
    return body.replace(where, where + key_and_value + b",", 1)


def test_a_workflow_body_that_gives_a_key_twice_is_a_400_naming_it(api, workflow_body):
    body = _with_repeated_key(encode(workflow_body("first")), b"{", b'"name":"second"')

    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert api.get("/v1/workflows").json()["workflows"] == []


def test_a_key_given_twice_deep_in_a_body_is_a_400_naming_it(api, workflow_body):
    body = _with_repeated_key(encode(workflow_body()), b'"trigger":{', b'"order_direction":"SELL"')

    response = api.send("POST", "/v1/workflows", body)

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["order_direction"]


def test_an_order_that_gives_its_price_twice_is_a_400_and_is_not_recorded(api):
    workflow = api.create_workflow()
    body = _with_repeated_key(encode(order_body(order_price=Decimal(5))), b"{", b'"order_price":500')

    response = api.record(workflow["id"], body)

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["order_price"]
    assert api.history(workflow["id"]).json()["orders"] == []
