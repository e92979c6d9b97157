"""The service in-process (Litestar's TestClient) on SQLite or on DynamoDB (moto over HTTP), with a
fixed clock, and the few calls the conditional-read tests make of it."""

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from httpx import Response
from litestar.testing import TestClient

from adapters.dynamodb import TableNames
from app.factory import create_app
from app.settings import Settings
from builders import encode, iso, order_body, workflow_body
from integration.dynamodb_server import app_settings_on
from unit.fakes import FixedClock

_JSON = {"content-type": "application/json"}


@dataclass
class Api:
    client: TestClient[Any]
    clock: FixedClock

    def get(self, url: str, tag: str | None = None, **params: Any) -> Response:
        headers = {} if tag is None else {"If-None-Match": tag}
        return self.client.get(url, params=params, headers=headers)

    def send(self, method: str, url: str, body: Any) -> Response:
        return self.client.request(method, url, content=encode(body), headers=_JSON)

    def workflow(self, name: str) -> str:
        created = self.send("POST", "/v1/workflows", workflow_body(name))
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    def record(self, workflow_id: str, placed_at: int, order_id: str | None = None, **fields: Any) -> str:
        order_id = order_id or str(uuid.uuid4())
        body = order_body(id=order_id, placed_at=iso(placed_at), **fields)
        answer = self.send("POST", f"/v1/workflows/{workflow_id}/orders", body)
        assert answer.status_code in (200, 201), answer.text
        return order_id

    def metrics(self) -> dict[str, float]:
        samples = {}
        for line in self.client.get("/metrics").text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                samples[name] = float(value)
        return samples

    def storage_calls(self) -> Counter[str]:
        """The service's own count of storage port calls so far, by operation (from /metrics)."""
        calls: Counter[str] = Counter()
        for name, value in self.metrics().items():
            if name.startswith("storage_calls_total{"):
                calls[name.split('operation="')[1].split('"')[0]] += int(value)
        return calls

    def calls_of(self, url: str) -> tuple[Response, Counter[str]]:
        before = self.storage_calls()
        response = self.get(url)
        return response, self.storage_calls() - before


def _settings(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    if request.param == "sqlite":
        return Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="console")
    endpoint: str = request.getfixturevalue("dynamodb_endpoint")
    tables: TableNames = request.getfixturevalue("dynamodb_tables")
    return app_settings_on(endpoint, tables, monkeypatch)


@pytest.fixture(params=["sqlite", pytest.param("dynamodb", marks=pytest.mark.slow)])
def api(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    clock = FixedClock(int(time.time()))
    with TestClient(create_app(_settings(request, tmp_path, monkeypatch), clock=clock)) as client:
        yield Api(client, clock)
