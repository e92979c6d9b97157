"""Operations endpoints: liveness, readiness, metrics."""

import re


def test_liveness_answers_200(client):
    response = client.get("/health/live")

    assert response.status_code == 200
    assert response.headers["x-request-id"]


def test_readiness_answers_200_when_the_storage_answers(client):
    response = client.get("/health/ready")

    assert response.status_code == 200


def test_metrics_are_served_in_prometheus_text_format(client):
    client.get("/v1/workflows")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert re.search(r"^# TYPE \S+ counter$", response.text, re.MULTILINE)
    assert re.search(r"^# TYPE \S+ histogram$", response.text, re.MULTILINE)


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/v1/workflows/not-a-uuid")

    text = client.get("/metrics").text

    assert any('route="/v1/workflows/{workflow_id}"' in line and 'status="400"' in line for line in text.splitlines())
