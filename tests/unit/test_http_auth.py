"""Bearer tokens: read tokens read, write tokens read and write, operations stay public."""

import pytest

from builders import UNKNOWN_ID

JSON = {"content-type": "application/json"}
WRITE = {"Authorization": "Bearer w-token"}
READ = {"Authorization": "Bearer r-token"}


@pytest.fixture
def writer(secured_client, to_json, workflow_body, order_body):
    """Creates a workflow with one order using the write token; returns (workflow id, order id)."""
    created = secured_client.post("/v1/workflows", content=to_json(workflow_body()), headers={**WRITE, **JSON})
    assert created.status_code == 201
    workflow_id = created.json()["id"]
    recorded = secured_client.post(
        f"/v1/workflows/{workflow_id}/orders", content=to_json(order_body()), headers={**WRITE, **JSON}
    )
    assert recorded.status_code == 201
    return workflow_id, recorded.json()["id"]


def _reads(workflow_id, order_id):
    return [
        "/v1/workflows",
        f"/v1/workflows/{workflow_id}",
        f"/v1/workflows/{workflow_id}/orders",
        f"/v1/orders/{order_id}",
        "/v1/orders/latest",
    ]


def _writes(workflow_id, to_json, workflow_body, order_body):
    return [
        ("POST", "/v1/workflows", to_json(workflow_body(name="New"))),
        ("PUT", f"/v1/workflows/{workflow_id}", to_json(workflow_body(name="Renamed"))),
        ("POST", f"/v1/workflows/{workflow_id}/orders", to_json(order_body())),
        ("DELETE", f"/v1/workflows/{workflow_id}", None),
    ]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dzp0b2tlbg=="}])
def test_a_request_without_a_known_token_is_401_with_a_bearer_challenge(secured_client, writer, headers):
    for path in _reads(*writer):
        response = secured_client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer"), path
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer ", "w-token", "Bearer w-token-extra", "Bearer W-TOKEN", "Token w-token"]
)
def test_a_malformed_or_near_miss_token_is_401(secured_client, authorization):
    response = secured_client.get("/v1/workflows", headers={"Authorization": authorization})

    assert response.status_code == 401


def test_a_write_without_a_token_is_401_and_writes_nothing(secured_client, to_json, workflow_body):
    response = secured_client.post("/v1/workflows", content=to_json(workflow_body()), headers=JSON)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert secured_client.get("/v1/workflows", headers=READ).json()["total_count"] == 0


def test_a_read_token_reads_everything(secured_client, writer):
    for path in _reads(*writer):
        assert secured_client.get(path, headers=READ).status_code == 200, path


def test_a_read_token_cannot_write(secured_client, writer, to_json, workflow_body, order_body):
    workflow_id, _order_id = writer

    for method, path, content in _writes(workflow_id, to_json, workflow_body, order_body):
        headers = {**READ, **JSON}
        response = secured_client.request(method, path, content=content, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.headers["content-type"].startswith("application/problem+json")

    assert secured_client.get(f"/v1/workflows/{workflow_id}/orders", headers=READ).json()["total_count"] == 1
    assert secured_client.get(f"/v1/workflows/{workflow_id}", headers=READ).status_code == 200
    assert secured_client.get("/v1/workflows", headers=READ).json()["total_count"] == 1


def test_a_write_token_reads_and_writes(secured_client, writer, to_json, workflow_body, order_body):
    workflow_id, order_id = writer

    for path in _reads(workflow_id, order_id):
        assert secured_client.get(path, headers=WRITE).status_code == 200, path
    statuses = [
        secured_client.request(method, path, content=content, headers={**WRITE, **JSON}).status_code
        for method, path, content in _writes(workflow_id, to_json, workflow_body, order_body)
    ]

    assert statuses == [201, 200, 201, 204]


def test_the_bearer_scheme_name_is_case_insensitive(secured_client):
    assert secured_client.get("/v1/workflows", headers={"Authorization": "bearer r-token"}).status_code == 200


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics", "/schema/openapi.json", "/schema"])
def test_operations_endpoints_are_public(secured_client, path):
    assert secured_client.get(path).status_code == 200


def test_an_unauthenticated_request_is_refused_before_its_input_is_judged(secured_client):
    assert secured_client.get("/v1/workflows/not-a-uuid").status_code == 401
    assert secured_client.get(f"/v1/workflows/{UNKNOWN_ID}").status_code == 401


def test_a_read_token_writing_with_an_invalid_body_is_403(secured_client):
    response = secured_client.post("/v1/workflows", content=b"{}", headers={**READ, **JSON})

    assert response.status_code == 403
