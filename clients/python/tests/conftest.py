"""Fixtures of the client's tests: the service's app in this process, and both clients driven alike.

A test written once runs with the blocking client and with the asyncio one: `Driver` calls a client
method by name and, for the async client, runs it on a loop of its own thread.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import AsyncTestClient, TestClient

from app.factory import create_app
from app.settings import Settings
from reliability.reliability_proxies import BackgroundLoop
from workflow_orders_client import (
    AsyncWorkflowOrdersClient,
    CloseBody,
    ConditionBody,
    IndicatorBody,
    RetryPolicy,
    TriggerBody,
    WorkflowOrdersClient,
    WorkflowRequest,
)

WRITE_TOKEN, READ_TOKEN = "client-write-token", "client-read-token"
TOKENS = {WRITE_TOKEN: "write", READ_TOKEN: "read"}
FAST_RETRIES = RetryPolicy(attempts=3, backoff_base=0.01, backoff_cap=0.05)
"""Retries that keep tests quick; a Retry-After from the service is capped at 0.05 s."""


def workflow_request(name: str | None = None, **overrides: Any) -> WorkflowRequest:
    """A valid workflow with a unique name unless one is given."""
    fields: dict[str, Any] = {
        "name": name or f"client test {uuid.uuid4().hex[:8]}",
        "index": "DAX.I",
        "cfd": "GER40.I",
        "conditions": [
            ConditionBody(
                indicator=IndicatorBody(name="zone", ut="h1", value=Decimal("18250.5"), zone_value=Decimal(25)),
                close=CloseBody(direction="above", ut="15m", spread=Decimal("0.5")),
            )
        ],
        "trigger": TriggerBody(
            ut="15m", signal="breakout", location="higher", order_direction="BUY", quantity=Decimal(10)
        ),
    }
    return WorkflowRequest(**(fields | overrides))


def order_fields(**overrides: Any) -> dict[str, Any]:
    """The keyword arguments of a valid record_order call."""
    fields: dict[str, Any] = {
        "order_code": "FRA40.I",
        "order_price": Decimal("7850.25"),
        "order_quantity": Decimal(10),
        "order_direction": "BUY",
        "order_type": "LIMIT",
    }
    return fields | overrides


class Driver:
    """Calls one client's methods by name and gives plain results, whichever client it is."""

    def __init__(self, client: WorkflowOrdersClient | AsyncWorkflowOrdersClient, loop: BackgroundLoop | None) -> None:
        self.client, self._loop = client, loop

    @property
    def kind(self) -> str:
        return "sync" if self._loop is None else "async"

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, method)(*args, **kwargs)
        return result if self._loop is None else self._loop.run(result)

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Every item of an iterating method (iter_history), as a list."""
        items = getattr(self.client, method)(*args, **kwargs)
        return list(items) if self._loop is None else self._loop.run(_gather(items))


async def _gather(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


@pytest.fixture(scope="session")
def client_loop() -> Iterator[BackgroundLoop]:
    loop = BackgroundLoop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def service_app(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Any]:
    """Makes the service's app on one SQLite file of this module, with a write and a read token (an
    app runs its lifespan once, so each client gets an app of its own, on the same file)."""
    path = tmp_path_factory.mktemp("client-app") / "orders.db"
    settings = Settings(sqlite_path=str(path), auth_tokens=TOKENS, log_format="console", access_log=False)
    return lambda: create_app(settings)


def _sync_driver(app: Any, token: str, retry: RetryPolicy) -> Iterator[Driver]:
    with TestClient(app, base_url="http://service.test") as http:
        yield Driver(WorkflowOrdersClient("http://service.test", token=token, retry=retry, http_client=http), None)


def _async_driver(app: Any, token: str, retry: RetryPolicy, loop: BackgroundLoop) -> Iterator[Driver]:
    """The async client over Litestar's AsyncTestClient, whose app lifespan one task of `loop` holds
    open (anyio wants it entered and left by the same task)."""
    opened: asyncio.Future[AsyncTestClient[Any]] = asyncio.Future(loop=loop.loop)
    stop = asyncio.Event()

    async def hold() -> None:
        async with AsyncTestClient(app, base_url="http://service.test") as http:
            opened.set_result(http)
            await stop.wait()

    held = asyncio.run_coroutine_threadsafe(hold(), loop.loop)
    http = loop.run(_wait_for(opened))
    try:
        client = AsyncWorkflowOrdersClient("http://service.test", token=token, retry=retry, http_client=http)
        yield Driver(client, loop)
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        held.result(timeout=30)


async def _wait_for(future: asyncio.Future[Any]) -> Any:
    return await future


@pytest.fixture(params=["sync", "async"])
def drivers(
    request: pytest.FixtureRequest, service_app: Callable[[], Any], client_loop: BackgroundLoop
) -> Iterator[Any]:
    """A function giving a driver of this test's kind (sync or async) for a token."""
    opened: list[Iterator[Driver]] = []

    def make(token: str = WRITE_TOKEN, retry: RetryPolicy = FAST_RETRIES) -> Driver:
        if request.param == "sync":
            driver = _sync_driver(service_app(), token, retry)
        else:
            driver = _async_driver(service_app(), token, retry, client_loop)
        opened.append(driver)
        return next(driver)

    yield make
    for driver in opened:
        driver.close()


@pytest.fixture
def api(drivers: Any) -> Driver:
    """The client of this test's kind with a write token."""
    driver: Driver = drivers()
    return driver
