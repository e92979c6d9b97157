"""The per-request observation: one JSON access line per request, ids on every line, draining.

Each test makes its app itself: the JSON logger binds the stdout of the moment, and pytest
captures fixture set-up and the test's call on different streams.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from app.factory import create_app
from app.settings import Settings


def json_logging_client(tmp_path: Path, **settings: Any) -> TestClient[Any]:
    return TestClient(create_app(Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="json", **settings)))


def _access_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "request"]


def test_each_request_writes_one_access_line_named_by_its_route_template(tmp_path, capfd):
    with json_logging_client(tmp_path) as client:
        capfd.readouterr()
        response = client.get("/v1/workflows/0b7c5bb0-7b0c-4bd4-9b50-4a7e2bd25e2e", headers={"X-Request-ID": "r-1"})

        [line] = _access_lines(capfd.readouterr().out)

    assert response.status_code == 404
    assert line["method"] == "GET"
    assert line["route"] == "/v1/workflows/{workflow_id}"
    assert line["status"] == 404
    assert line["request_id"] == "r-1"
    assert line["level"] == "info"
    assert isinstance(line["duration_ms"], float | int)
    assert line["duration_ms"] >= 0


def test_an_unknown_path_is_logged_as_unmatched_with_the_id_the_response_carries(tmp_path, capfd):
    with json_logging_client(tmp_path) as client:
        capfd.readouterr()
        response = client.get("/v1/nothing/here")

        [line] = _access_lines(capfd.readouterr().out)

    assert (line["route"], line["status"]) == ("unmatched", 404)
    assert line["request_id"] == response.headers["x-request-id"]


def test_probes_write_no_access_line_but_are_counted(tmp_path, capfd):
    with json_logging_client(tmp_path) as client:
        capfd.readouterr()
        client.get("/health/live")
        client.get("/health/ready")

        assert _access_lines(capfd.readouterr().out) == []
        metrics = client.get("/metrics").text

    assert 'http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in metrics
    assert 'http_requests_total{method="GET",route="/health/ready",status="200"} 1.0' in metrics


def test_requests_refused_for_fair_use_are_answered_before_routing_and_write_no_access_line(tmp_path, capfd):
    with json_logging_client(tmp_path, rate_limit_per_second=0.01, rate_limit_burst=1) as client:
        capfd.readouterr()
        first = client.get("/v1/workflows")
        refused = [client.get(path) for path in ("/v1/workflows", "/v1/nothing/here")]

        lines = _access_lines(capfd.readouterr().out)
        metrics = client.get("/metrics").text

    assert first.status_code == 200
    assert [answer.status_code for answer in refused] == [429, 429]  # an unknown path too: no routing
    assert [line["status"] for line in lines] == [200]
    assert "http_requests_rate_limited_total 2.0" in metrics


def test_invented_methods_share_one_metric_label(client):
    for method in ("BREW", "WHEN", "PROPFIND"):
        client.request(method, "/v1/workflows")

    metrics = client.get("/metrics").text

    assert 'http_requests_total{method="other",route="unmatched",status="405"} 3.0' in metrics
    assert "BREW" not in metrics


def test_generated_request_ids_are_32_hex_digits_and_never_repeat(client):
    ids = [client.get("/health/live").headers["x-request-id"] for _ in range(50)]

    assert len(set(ids)) == 50
    assert all(len(request_id) == 32 and int(request_id, 16) >= 0 for request_id in ids)


@pytest.mark.parametrize("value", ["", "has space", "x" * 129, "semi;colon"])
def test_an_insane_caller_request_id_is_replaced(client, value):
    response = client.get("/health/live", headers={"X-Request-ID": value})

    assert response.headers["x-request-id"] != value
    assert len(response.headers["x-request-id"]) == 32


def test_while_draining_readiness_is_503_and_every_response_asks_to_reconnect(client):
    assert "connection" not in client.get("/health/live").headers
    client.app.state.shutdown.start_draining()

    ready = client.get("/health/ready")
    live = client.get("/health/live")
    unknown = client.get("/v1/nothing")

    assert ready.status_code == 503
    assert ready.headers["content-type"].startswith("application/problem+json")
    assert live.status_code == 200
    assert all(r.headers["connection"] == "close" for r in (ready, live, unknown))
