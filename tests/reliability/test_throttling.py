"""DynamoDB throttling: retried with backoff and invisible when it stops within the retry budget, a prompt 503
when it does not; no request hangs either way."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from reliability_kit import JSON, PROBLEM_JSON, Services, order_body
from reliability_proxies import BackgroundLoop

from adapters.dynamodb import client_config
from builders import encode, workflow_body
from integration.dynamodb_server import FaultProxy, error_body, fault_proxy

_JSON = {"content-type": JSON}

ATTEMPTS = client_config().retries["total_max_attempts"]
"""Every attempt botocore's standard mode makes for one call, the first included."""
TRANSACTION_ATTEMPTS = 6
"""adapters.dynamodb.transactions.CONFLICT_ATTEMPTS: cancellations for throttling are retried by the adapter."""
NO_HANG_SECONDS = 5.0
"""The attempts with botocore's backoff (at most 1 s before the retry) fit well within this."""

THROTTLES = ["ProvisionedThroughputExceededException", "ThrottlingException"]


@dataclass
class Throttled:
    """An endpoint, the DynamoDB operation that will be throttled under it, and its answer when that works."""

    name: str
    method: str
    path: str
    operation: str
    success: int
    body: dict[str, Any] | None = None


@pytest.fixture
def faults(background: BackgroundLoop, services: Services) -> Iterator[tuple[FaultProxy, str]]:
    """The FaultProxy of dynamodb_server in front of moto, served from the background loop."""
    running = fault_proxy(services.moto_endpoint)
    proxy, url = background.run(running.__aenter__())
    try:
        yield proxy, url
    finally:
        background.run(running.__aexit__(None, None, None))


def endpoints(workflow_id: str, order_id: str) -> list[Throttled]:
    placed_at = int(time.time()) - 60
    return [
        Throttled("get order", "GET", f"/v1/orders/{order_id}", "GetItem", 200),
        Throttled("order history", "GET", f"/v1/workflows/{workflow_id}/orders", "Query", 200),
        Throttled("latest orders", "GET", "/v1/orders/latest", "Scan", 200),
        Throttled("list workflows", "GET", "/v1/workflows", "Scan", 200),
        Throttled(
            "record order",
            "POST",
            f"/v1/workflows/{workflow_id}/orders",
            "TransactWriteItems",
            201,
            order_body(placed_at, order_id=str(uuid.uuid4())),
        ),
    ]


async def seed(http: httpx.AsyncClient) -> tuple[str, str]:
    created = await http.post("/v1/workflows", content=encode(workflow_body("throttled")), headers=_JSON)
    assert created.status_code == 201, created.text
    workflow_id = created.json()["id"]
    order_id = str(uuid.uuid4())
    recorded = await http.post(
        f"/v1/workflows/{workflow_id}/orders",
        content=encode(order_body(int(time.time()) - 120, order_id=order_id)),
        headers=_JSON,
    )
    assert recorded.status_code == 201, recorded.text
    return workflow_id, order_id


async def send(http: httpx.AsyncClient, endpoint: Throttled) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    content = None if endpoint.body is None else encode(endpoint.body)
    response = await http.request(
        endpoint.method, endpoint.path, content=content, headers=_JSON if content is not None else None
    )
    return response, time.perf_counter() - started


async def test_throttling_that_stops_within_the_retry_budget_is_invisible_to_clients(
    services: Services, faults: tuple[FaultProxy, str], background: BackgroundLoop
):
    proxy, url = faults
    service = services.start("dynamodb", endpoint=url)
    async with httpx.AsyncClient(base_url=service.base_url, timeout=30.0) as http:
        workflow_id, order_id = await seed(http)
        for n, endpoint in enumerate(endpoints(workflow_id, order_id)):
            code = THROTTLES[n % len(THROTTLES)]
            # Refusals for all attempts but the last, then service: the last attempt goes through.
            background.call(proxy.fail, endpoint.operation, ATTEMPTS - 1, 400, error_body(code))
            before = proxy.calls[endpoint.operation]

            response, seconds = await send(http, endpoint)

            print(
                f"\n[throttling] {code} x{ATTEMPTS - 1} on {endpoint.name}: {response.status_code} in {seconds:.2f} s"
            )
            assert response.status_code == endpoint.success, (code, endpoint.name, response.text)
            assert seconds < NO_HANG_SECONDS, (code, endpoint.name)
            assert proxy.calls[endpoint.operation] - before >= ATTEMPTS, (code, endpoint.name)

        history = await http.get(f"/v1/workflows/{workflow_id}/orders")
        assert history.json()["total_count"] == 2, "a retried write must be written exactly once"


async def test_a_throttled_transaction_is_retried_by_the_adapter_until_it_goes_through(
    services: Services, faults: tuple[FaultProxy, str], background: BackgroundLoop
):
    proxy, url = faults
    service = services.start("dynamodb", endpoint=url)
    cancelled = error_body(
        "TransactionCanceledException",
        CancellationReasons=[{"Code": "ThrottlingError", "Message": "injected"}, {"Code": "None"}, {"Code": "None"}],
    )
    async with httpx.AsyncClient(base_url=service.base_url, timeout=30.0) as http:
        workflow_id, _ = await seed(http)
        endpoint = endpoints(workflow_id, "")[-1]
        background.call(proxy.fail, "TransactWriteItems", TRANSACTION_ATTEMPTS - 1, 400, cancelled)

        response, seconds = await send(http, endpoint)

        assert response.status_code == 201, response.text
        assert seconds < NO_HANG_SECONDS
        history = await http.get(f"/v1/workflows/{workflow_id}/orders")
        assert history.json()["total_count"] == 2


async def test_throttling_that_outlasts_the_retry_budget_answers_503_promptly_then_recovers(
    services: Services, faults: tuple[FaultProxy, str], background: BackgroundLoop
):
    proxy, url = faults
    service = services.start("dynamodb", endpoint=url)
    async with httpx.AsyncClient(base_url=service.base_url, timeout=30.0) as http:
        workflow_id, order_id = await seed(http)
        for n, endpoint in enumerate(endpoints(workflow_id, order_id)):
            code = THROTTLES[n % len(THROTTLES)]
            background.call(proxy.fail, endpoint.operation, None, 400, error_body(code))
            before = proxy.calls[endpoint.operation]

            response, seconds = await send(http, endpoint)

            print(f"\n[throttling] {code} always on {endpoint.name}: {response.status_code} in {seconds:.2f} s")
            assert response.status_code == 503, (endpoint.name, response.text)
            assert response.headers["content-type"].startswith(PROBLEM_JSON)
            assert "retry-after" in response.headers
            assert seconds < NO_HANG_SECONDS, endpoint.name
            assert proxy.calls[endpoint.operation] - before >= ATTEMPTS, f"{endpoint.name} was not retried"

            background.call(proxy.fail, endpoint.operation, 0, 400, error_body(code))  # the throttling ends
            response, _ = await send(http, endpoint)
            assert response.status_code == endpoint.success, (endpoint.name, response.text)
