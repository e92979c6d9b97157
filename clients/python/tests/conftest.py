"""Fixtures of the client's tests: the service's app in this process, and both clients over it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient, TestClient

from app.factory import create_app
from app.settings import Settings
from client_helpers import FAST_RETRIES, TOKENS, WRITE_TOKEN, Driver
from pact_support import prepare_pact_dir
from reliability.reliability_proxies import BackgroundLoop
from workflow_orders_client import AsyncWorkflowOrdersClient, RetryPolicy, WorkflowOrdersClient


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


@pytest.fixture(scope="session")
def pact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the consumer pact tests write their pacts (see pact_support)."""
    return prepare_pact_dir(tmp_path_factory.mktemp("pacts"))
