"""HTTP fixtures: the app on a fresh SQLite file behind Litestar's test client, and the shared body builders."""

import json
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fakes import FixedClock
from httpx import Response
from litestar.testing import TestClient

from app.factory import create_app
from app.settings import Settings
from builders import encode, iso, order_body, workflow_body

JSON = {"content-type": "application/json"}
WRITE_TOKEN = "w-token"
READ_TOKEN = "r-token"


class Api:
    """Thin helpers over a test client: exact-decimal JSON bodies in, exact-decimal JSON out."""

    def __init__(self, client: TestClient[Any], headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}
        self.base = int(time.time()) - 3600
        """A fixed instant an hour ago: timestamps of one test are offsets from it."""

    def at(self, offset: int = 0) -> str:
        """`base + offset` seconds as RFC 3339 UTC with `Z` (how the API writes instants)."""
        return iso(self.base + offset)

    def send(self, method: str, url: str, body: Any, **kwargs: Any) -> Response:
        content = body if isinstance(body, bytes) else encode(body)
        headers = {**JSON, **self.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, url, content=content, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.get(url, headers=headers, **kwargs)

    def create_workflow(self, **overrides: Any) -> dict[str, Any]:
        response = self.send("POST", "/v1/workflows", workflow_body(**overrides))
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def delete_workflow(self, workflow_id: str) -> None:
        response = self.client.delete(f"/v1/workflows/{workflow_id}", headers=self.headers)
        assert response.status_code == 204, response.text

    def record(self, workflow_id: str, body: Any = None, **overrides: Any) -> Response:
        """POST an order: `body` as given (bytes or dict), else a valid order with `overrides`."""
        payload = order_body(**overrides) if body is None else body
        return self.send("POST", f"/v1/workflows/{workflow_id}/orders", payload)

    def record_ok(self, workflow_id: str, **overrides: Any) -> dict[str, Any]:
        response = self.record(workflow_id, **overrides)
        assert response.status_code == 201, response.text
        return exact(response)

    def history(self, workflow_id: str, **params: Any) -> Response:
        return self.get(f"/v1/workflows/{workflow_id}/orders", params=params)


def exact(response: Response) -> Any:
    """The JSON body with every non-integer number parsed as an exact Decimal."""
    return json.loads(response.text, parse_float=Decimal)


def _app_client(tmp_path: Path, tokens: dict[str, str], clock: FixedClock | None = None) -> Iterator[TestClient[Any]]:
    settings = Settings(sqlite_path=str(tmp_path / "orders.db"), auth_tokens=tokens, log_format="console")
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Any]]:
    """The app with no tokens configured (open), on its own SQLite file."""
    yield from _app_client(tmp_path, {})


@pytest.fixture(scope="module")
def module_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    """One open app for a whole module: for tests that read its document, or write only records of
    their own (their own names and ids), so that no test sees another's."""
    yield from _app_client(tmp_path_factory.mktemp("app"), {})


@pytest.fixture
def secured_client(tmp_path: Path) -> Iterator[TestClient[Any]]:
    """The app with a write token `w-token` and a read token `r-token`."""
    yield from _app_client(tmp_path, {WRITE_TOKEN: "write", READ_TOKEN: "read"})


@pytest.fixture
def api(client: TestClient[Any]) -> Api:
    return Api(client)


@pytest.fixture
def clock() -> FixedClock:
    """The service's clock in `clocked_api`: starts at the real time, moves only when told to."""
    return FixedClock(int(time.time()))


@pytest.fixture
def clocked_api(tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    """Helpers over an open app whose use cases read `clock` instead of the system clock."""
    for test_client in _app_client(tmp_path, {}, clock):
        yield Api(test_client)


@pytest.fixture(name="workflow_body")
def workflow_body_fixture() -> Callable[..., dict[str, Any]]:
    """builders.workflow_body: a valid workflow body (JSON-able dict); keyword arguments replace top-level fields."""
    return workflow_body


@pytest.fixture(name="order_body")
def order_body_fixture() -> Callable[..., dict[str, Any]]:
    """builders.order_body: a valid order body; decimals are Decimal, so send it with `encode` (exact JSON numbers)."""
    return order_body


@pytest.fixture
def to_json() -> Callable[[Any], bytes]:
    """Encode a body with decimals as exact JSON numbers."""
    return encode


@pytest.fixture
def parse_exact() -> Callable[[Response], Any]:
    """Parse a response body with non-integer numbers as exact Decimals."""
    return exact
