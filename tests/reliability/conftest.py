"""Fixtures of the reliability suite: `workflow-orders serve` as a real process on SQLite or DynamoDB (moto).

Every test in this folder is marked `reliability` and `slow` (see pytest_collection_modifyitems).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_kit import Service, Services
from reliability_proxies import BackgroundLoop

from integration.dynamodb_server import start_server

STORAGES = ["sqlite", "dynamodb"]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of this folder (the hook sees every collected test, so it picks them by path)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.reliability)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's DynamoDB server (one request at a time), shared by every DynamoDB test of the session."""
    server, url = start_server()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def background() -> Iterator[BackgroundLoop]:
    loop = BackgroundLoop()
    yield loop
    loop.close()


@pytest.fixture(params=STORAGES)
def storage(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    started = Services(tmp_path, lambda: str(request.getfixturevalue("moto_endpoint")))
    try:
        yield started
    finally:
        started.kill_all()


@pytest.fixture
def service(services: Services, storage: str) -> Service:
    """A fresh service on each storage."""
    return services.start(storage)
