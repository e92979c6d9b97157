"""The real `workflow-orders serve` process with WFO_LOG_FORMAT=json: every line it writes, from start
to a SIGTERM stop, is one JSON object, uvicorn's and the storage client's lines included."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_process import ServiceProcess, dynamodb_env

from builders import workflow_body

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # starts the service process (and moto)

UVICORN_LINES = ("Started server process", "Application startup complete.", "Finished server process")
"""Lines uvicorn writes at INFO (through stdlib logging) while starting and stopping."""


@pytest.fixture(params=["sqlite", "dynamodb"])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    return {} if request.param == "sqlite" else dynamodb_env(request.getfixturevalue("dynamodb_endpoint"), "logs")


def _lines(log_dir: Path, suffix: str) -> list[str]:
    files = sorted(log_dir.glob(f"*{suffix}"))
    assert files, f"no {suffix} file in {log_dir}"
    return [line for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def _parsed(lines: list[str]) -> list[dict[str, Any]]:
    parsed = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            pytest.fail(f"a line is not JSON: {line!r}")
        assert isinstance(value, dict), line
        parsed.append(value)
    return parsed


def test_with_json_logs_every_line_from_start_to_sigterm_stop_is_json(storage_env, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    service = ServiceProcess(tmp_path / "orders.db", log_dir, {"WFO_LOG_FORMAT": "json", **storage_env}).start()
    try:
        with httpx.Client(base_url=service.base_url, timeout=10.0) as http:
            created = http.post("/v1/workflows", json=workflow_body("Log check"), headers={"X-Request-ID": "logs-1"})
            assert created.status_code == 201, created.text
            assert http.get(f"/v1/workflows/{created.json()['id']}").status_code == 200
            assert http.get("/v1/workflows/not-a-uuid").status_code == 400
            malformed = http.post("/v1/workflows", content=b"{not json", headers={"content-type": "application/json"})
            assert malformed.status_code == 400
            assert http.get("/v1/nothing/here").status_code == 404
            assert http.get("/metrics").status_code == 200
    finally:
        exit_code = service.stop()
    assert exit_code == 0, service.output()

    stdout, stderr = _lines(log_dir, ".out"), _lines(log_dir, ".err")
    lines = _parsed(stdout) + _parsed(stderr)
    assert stderr == [], "every log line goes to stdout"
    for line in lines:
        assert {"event", "level", "timestamp"} <= line.keys(), line

    [storage] = [line["storage"] for line in lines if line["event"] == "storage"]
    if storage_env:
        region, endpoint = storage_env["AWS_REGION"], storage_env["AWS_ENDPOINT_URL_DYNAMODB"]
        prefix = storage_env["WFO_DYNAMODB_TABLE_PREFIX"]
        assert storage == f"DynamoDB in {region} at {endpoint}, table prefix {prefix!r}"
    else:
        assert storage == f"SQLite file {tmp_path / 'orders.db'}"

    uvicorn = [line for line in lines if line.get("logger", "").startswith("uvicorn")]
    for expected in UVICORN_LINES:
        assert any(line["event"].startswith(expected) for line in uvicorn), (expected, uvicorn)
    assert all(line["level"] == "info" for line in uvicorn if line["event"].startswith(UVICORN_LINES))

    access = [line for line in lines if line["event"] == "request"]
    assert len(access) >= 5, access
    assert all(len(line["request_id"]) > 0 for line in access)
    assert [line["status"] for line in access if line["request_id"] == "logs-1"] == [201]
