"""HEAD on every GET route: the GET's status and headers, no body; a stream is not kept open."""

import re

import pytest

from builders import UNKNOWN_ID

_VARYING = {"x-request-id", "date", "ratelimit"}
"""Headers that differ from one request to the next (the budget left changes with each request)."""


def _headers(response):
    return {name: value for name, value in response.headers.items() if name not in _VARYING}


@pytest.fixture
def paths(api):
    workflow = api.create_workflow()
    order = api.record_ok(workflow["id"])
    return [
        "/v1/workflows",
        f"/v1/workflows/{workflow['id']}",
        f"/v1/workflows/{workflow['id']}/orders?limit=1",
        f"/v1/orders/{order['id']}",
        "/v1/orders/latest",
        f"/v1/workflows/{UNKNOWN_ID}",
        "/v1/workflows?enable=maybe",
        "/health/live",
        "/health/ready",
    ]


def test_head_answers_as_get_without_a_body(client, paths):
    for path in paths:
        get, head = client.get(path), client.head(path)

        assert head.status_code == get.status_code, path
        assert _headers(head) == _headers(get), path
        assert head.content == b"", path


def test_a_conditional_head_is_a_304(api):
    workflow = api.create_workflow()
    tag = api.get(f"/v1/workflows/{workflow['id']}").headers["etag"]

    response = api.client.head(f"/v1/workflows/{workflow['id']}", headers={"If-None-Match": tag})

    assert response.status_code == 304
    assert response.headers["etag"] == tag


def test_head_needs_the_same_token_as_get(secured_client):
    assert secured_client.head("/v1/workflows").status_code == 401
    ok = secured_client.head("/v1/workflows", headers={"Authorization": "Bearer r-token"})
    assert ok.status_code == 200


def test_head_on_the_stream_answers_its_headers_and_leaves_no_subscriber_behind(client):
    response = client.head("/v1/orders/stream", timeout=5)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.content == b""
    metrics = client.get("/metrics").text
    assert re.search(r"^workflow_orders_stream_subscribers 0\.0$", metrics, re.MULTILINE), metrics


def test_head_on_the_stream_checks_its_parameters(client):
    response = client.head("/v1/orders/stream?direction=HOLD")

    assert response.status_code == 400
    assert response.content == b""


def test_head_is_counted_as_head(client):
    client.head("/v1/orders/latest")

    assert 'method="HEAD"' in client.get("/metrics").text
