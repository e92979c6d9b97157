"""`workflow-orders seed-demo`: a demo dataset of recent orders, seeded once however often it runs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from app.demo_data import demo_workflows
from app.factory import create_app
from app.settings import Settings
from integration.service_process import run_command, service_env

DEMO_NAMES = sorted(demo.spec.name for demo in demo_workflows())


def _seed(sqlite_path: Path) -> list[str]:
    result = run_command(["seed-demo"], service_env(sqlite_path))
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def seeded_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    sqlite_path = tmp_path_factory.mktemp("seed-demo") / "demo.db"
    return sqlite_path, _seed(sqlite_path), _seed(sqlite_path)


@pytest.fixture
def api(seeded_twice: tuple[Path, list[str], list[str]]) -> Iterator[TestClient[Any]]:
    settings = Settings(sqlite_path=str(seeded_twice[0]), log_level="ERROR")
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_first_run_creates_every_demo_workflow_and_the_second_skips_them(
    seeded_twice: tuple[Path, list[str], list[str]],
) -> None:
    _, first, second = seeded_twice
    assert len(first) == len(second) == len(DEMO_NAMES)
    assert all(line.startswith("created ") for line in first)
    assert all(line.endswith("already exists: skipped") for line in second)


def test_the_demo_workflows_are_listed_once_each_with_their_orders(api: TestClient[Any]) -> None:
    listing = api.get("/v1/workflows").json()
    assert [item["name"] for item in listing["workflows"]] == DEMO_NAMES
    expected = {demo.spec.name: demo.order_count for demo in demo_workflows()}
    for item in listing["workflows"]:
        history = api.get(f"/v1/workflows/{item['id']}/orders", params={"limit": 100}).json()
        assert history["total_count"] == expected[item["name"]] > 0
        assert item["last_order_timestamp"] == history["orders"][0]["placed_at"]


def test_every_demo_workflow_has_a_latest_order_and_one_is_disabled(api: TestClient[Any]) -> None:
    latest = api.get("/v1/orders/latest").json()
    assert sorted(order["workflow_name"] for order in latest["orders"]) == DEMO_NAMES
    disabled = api.get("/v1/workflows", params={"enable": "false"}).json()["workflows"]
    assert [item["name"] for item in disabled] == ["demo Gold BBH (disabled)"]
