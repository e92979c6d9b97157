"""The real `workflow-orders serve` process: a realistic scenario over HTTP, a clean SIGTERM stop,
and every record intact after a restart on the same storage (a SQLite file, or DynamoDB tables
on a moto server created by `workflow-orders create-tables`)."""

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_process import ServiceProcess, command_path, free_port, run_command, service_env

from builders import encode, iso, workflow_body

JSON = {"content-type": "application/json"}
REPLAYED_ID = "5a0c6f3e-2b1d-4e8f-9a7b-3c2d1e0f9a8b"

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # starts the service as a process, on SQLite and on moto

ZONE_CONDITION = {
    "indicator": {"name": "zone", "ut": "h1", "value": Decimal("18250.5"), "zone_value": 25},
    "close": {"direction": "above", "ut": "15m", "spread": Decimal("0.5")},
    "element": "close",
}


def _workflow(name: str, cfd: str) -> dict[str, Any]:
    return workflow_body(name, cfd=cfd, conditions=[ZONE_CONDITION])


def _orders(base: int) -> list[dict[str, Any]]:
    """30 orders over two workflows ("A" and "B"), three pairs of them placed in the same second."""
    orders: list[dict[str, Any]] = []
    for n in range(30):
        seconds_ago = 60 * (30 - n) if n % 10 != 9 else 60 * (30 - n + 1)  # n = 9, 19, 29 share a second
        order: dict[str, Any] = {
            "workflow": "A" if n % 3 else "B",
            "placed_at": iso(base - seconds_ago),
            "order_code": f"GER40.I-{n}",
            "order_price": Decimal(f"18{n:03d}.12345678901234567"),
            "order_quantity": Decimal(f"{n + 1}.50"),
            "order_direction": "BUY" if n % 4 else "SELL",
            "order_type": "LIMIT" if n % 2 else "OPEN_STOP",
        }
        if n % 5 == 0:
            order.update(asset_type="CfdOnIndex", trigger_close=0, execution_context=f"run {n}")
        if n == 7:
            order["id"] = REPLAYED_ID
        orders.append(order)
    return orders


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(path, content=encode(body), headers=JSON)


def _walk(http: httpx.Client, workflow_id: str, limit: int, **filters: str) -> list[Any]:
    pages: list[Any] = []
    params: dict[str, Any] = {"limit": limit, **filters}
    while True:
        response = http.get(f"/v1/workflows/{workflow_id}/orders", params=params)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        if pages[-1]["next_cursor"] is None:
            return pages
        params = {**params, "cursor": pages[-1]["next_cursor"]}


def _snapshot(http: httpx.Client, workflow_ids: list[str], order_ids: list[str]) -> dict[str, Any]:
    """Everything a reader can see, as exact JSON text or parsed JSON."""
    return {
        "orders": {order_id: http.get(f"/v1/orders/{order_id}").text for order_id in order_ids},
        "workflows": {wid: http.get(f"/v1/workflows/{wid}").text for wid in workflow_ids},
        "history": {wid: _walk(http, wid, 7) for wid in workflow_ids},
        "sells": {wid: _walk(http, wid, 3, direction="SELL") for wid in workflow_ids},
        "latest": http.get("/v1/orders/latest").text,
        "list": http.get("/v1/workflows").text,
    }


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "orders.db"


@pytest.fixture
def service(sqlite_path: Path, tmp_path: Path) -> Iterator[ServiceProcess]:
    process = ServiceProcess(sqlite_path, tmp_path).start()
    try:
        yield process
    finally:
        process.kill()


@pytest.fixture(params=["sqlite", "dynamodb"])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings for one storage; for DynamoDB, fresh tables made by `workflow-orders create-tables`."""
    if request.param == "sqlite":
        return {}
    endpoint = request.getfixturevalue("dynamodb_endpoint")
    env = {
        "WFO_STORAGE": "dynamodb",
        "WFO_DYNAMODB_TABLE_PREFIX": f"e2e-{uuid.uuid4().hex[:8]}-",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    full_env = service_env(Path("unused.db"), env)
    first = subprocess.run([command_path(), "create-tables"], env=full_env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("created") == 5, first.stdout
    again = subprocess.run([command_path(), "create-tables"], env=full_env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stdout, again.stdout
    assert again.stdout.count("already existed") == 5, again.stdout
    return env


@pytest.fixture
def scenario_service(storage_env: dict[str, str], sqlite_path: Path, tmp_path: Path) -> Iterator[ServiceProcess]:
    process = ServiceProcess(sqlite_path, tmp_path, storage_env).start()
    try:
        yield process
    finally:
        process.kill()


def test_a_served_scenario_survives_a_sigterm_and_a_restart(scenario_service, storage_env, sqlite_path, tmp_path):
    service = scenario_service
    base = int(time.time()) - 60
    with httpx.Client(base_url=service.base_url, timeout=10.0) as http:
        workflows = {}
        for key, name, cfd in (("A", "DAX breakout", "GER40.I"), ("B", "CAC fade", "FRA40.I")):
            created = _post(http, "/v1/workflows", _workflow(name, cfd))
            assert created.status_code == 201, created.text
            assert created.headers["location"] == f"/v1/workflows/{created.json()['id']}"
            workflows[key] = created.json()["id"]

        sent = _orders(base)
        order_ids = []
        for order in sent:
            body = {key: value for key, value in order.items() if key != "workflow"}
            response = _post(http, f"/v1/workflows/{workflows[order['workflow']]}/orders", body)
            assert response.status_code == 201, response.text
            assert f'"order_price":{order["order_price"]}' in response.text
            order_ids.append(response.json()["id"])
        assert len(set(order_ids)) == 30

        replayed = next(order for order in sent if order.get("id") == REPLAYED_ID)
        replay_body = {key: value for key, value in replayed.items() if key not in ("workflow", "placed_at")}
        replay = _post(http, f"/v1/workflows/{workflows[replayed['workflow']]}/orders", replay_body)
        assert replay.status_code == 200, replay.text
        assert replay.text == http.get(f"/v1/orders/{REPLAYED_ID}").text

        per_workflow = {key: sum(1 for o in sent if o["workflow"] == key) for key in workflows}
        for key, workflow_id in workflows.items():
            pages = _walk(http, workflow_id, 7)
            visited = [order["id"] for page in pages for order in page["orders"]]
            assert len(visited) == len(set(visited)) == per_workflow[key]
            assert all(page["total_count"] == per_workflow[key] for page in pages)
            placed = [order["placed_at"] for page in pages for order in page["orders"]]
            assert placed == sorted(placed, reverse=True)

        latest = http.get("/v1/orders/latest").json()
        assert latest["total_count"] == 2
        assert {row["workflow_name"] for row in latest["orders"]} == {"DAX breakout", "CAC fade"}
        listed = http.get("/v1/workflows").json()
        assert [w["name"] for w in listed["workflows"]] == ["CAC fade", "DAX breakout"]
        assert all(w["last_order_timestamp"] is not None for w in listed["workflows"])

        before = _snapshot(http, list(workflows.values()), order_ids)

    first_exit = service.stop()
    assert first_exit is not None, f"no exit within the deadline after SIGTERM\n{service.output()}"

    restarted = ServiceProcess(sqlite_path, tmp_path, storage_env).start()
    try:
        with httpx.Client(base_url=restarted.base_url, timeout=10.0) as http:
            after = _snapshot(http, list(workflows.values()), order_ids)
    finally:
        second_exit = restarted.stop()

    assert after["orders"] == before["orders"]
    assert after["history"] == before["history"]
    assert after["sells"] == before["sells"]
    assert after["workflows"] == before["workflows"]
    assert after["latest"] == before["latest"]
    assert after["list"] == before["list"]
    for order_id, text in after["orders"].items():
        assert json.loads(text)["id"] == order_id
    assert (first_exit, second_exit) == (0, 0), service.output()


def test_sigterm_stops_an_idle_service_with_exit_code_0(service):
    assert httpx.get(f"{service.base_url}/health/live", timeout=5.0).status_code == 200

    assert service.stop() == 0, service.output()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WFO_STORAGE", "bogus"),
        ("WFO_LOG_FORMAT", "xml"),
        ("WFO_CURSOR_SECRET", "short"),
        ("WFO_AUTH_TOKENS", "token-without-scope"),
        ("WFO_CLIENT_TIMEOUT_SECONDS", "0"),
    ],
)
def test_an_invalid_setting_stops_serve_with_exit_code_2_and_one_line_on_stderr(tmp_path, variable, value):
    env = service_env(tmp_path / "orders.db", {variable: value})

    result = run_command(["serve", "--port", str(free_port())], env)

    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert not (tmp_path / "orders.db").exists()
