"""Storage outages: the API answers 503 problem+json with Retry-After within 3 s, liveness stays up, and the
service recovers by itself once the storage is back."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from reliability_kit import JSON, PROBLEM_JSON, Service, Services, order_body
from reliability_proxies import BackgroundLoop, SwitchableTcpProxy

from builders import encode, workflow_body

_JSON = {"content-type": JSON}

BOUND_SECONDS = 3.0
"""The contract's promise for an unavailable storage: an answer (503) within 3 seconds."""
RECOVERY_SECONDS = 15.0


@dataclass
class Call:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass
class Answer:
    call: Call
    status: int
    content_type: str
    retry_after: str | None
    seconds: float
    text: str

    def __str__(self) -> str:
        return (
            f"{self.call.name}: {self.status} {self.content_type or '-'} Retry-After={self.retry_after} "
            f"in {self.seconds:.2f} s"
        )


@dataclass
class Seeded:
    workflow_id: str
    spare_workflow_id: str
    order_id: str


async def seed(base_url: str) -> Seeded:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        ids = []
        for name in ("outage", "outage spare"):
            created = await http.post("/v1/workflows", content=encode(workflow_body(name)), headers=_JSON)
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        order_id = str(uuid.uuid4())
        recorded = await http.post(
            f"/v1/workflows/{ids[0]}/orders",
            content=encode(order_body(int(time.time()) - 60, order_id=order_id)),
            headers=_JSON,
        )
        assert recorded.status_code == 201, recorded.text
    return Seeded(ids[0], ids[1], order_id)


def write_calls(seeded: Seeded) -> list[Call]:
    placed_at = int(time.time()) - 30
    return [
        Call("create workflow", "POST", "/v1/workflows", workflow_body(f"new {uuid.uuid4()}")),
        Call("replace workflow", "PUT", f"/v1/workflows/{seeded.workflow_id}", workflow_body("outage renamed")),
        Call("delete workflow", "DELETE", f"/v1/workflows/{seeded.spare_workflow_id}"),
        Call(
            "record order",
            "POST",
            f"/v1/workflows/{seeded.workflow_id}/orders",
            order_body(placed_at, order_id=str(uuid.uuid4())),
        ),
    ]


def read_calls(seeded: Seeded) -> list[Call]:
    return [
        Call("list workflows", "GET", "/v1/workflows"),
        Call("get workflow", "GET", f"/v1/workflows/{seeded.workflow_id}"),
        Call("order history", "GET", f"/v1/workflows/{seeded.workflow_id}/orders"),
        Call("get order", "GET", f"/v1/orders/{seeded.order_id}"),
        Call("latest orders", "GET", "/v1/orders/latest"),
    ]


READY = Call("readiness", "GET", "/health/ready")
PUBLIC = [
    Call("liveness", "GET", "/health/live"),
    Call("metrics", "GET", "/metrics"),
    Call("schema", "GET", "/schema/openapi.json"),
]


async def timed(http: httpx.AsyncClient, call: Call) -> Answer:
    """One request, timed from send to the end of the answer."""
    content = None if call.body is None else encode(call.body)
    headers = _JSON if call.body is not None else None
    started = time.perf_counter()
    response = await http.request(call.method, call.path, content=content, headers=headers)
    seconds = time.perf_counter() - started
    return Answer(
        call,
        response.status_code,
        response.headers.get("content-type", "").split(";")[0],
        response.headers.get("retry-after"),
        seconds,
        response.text,
    )


def client_for(base_url: str, calls: list[Call]) -> httpx.AsyncClient:
    """One client, made before any clock starts (making a client costs tens of milliseconds of CPU, which
    would otherwise be counted against the requests already in flight), with a connection per call."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=60.0, limits=httpx.Limits(max_connections=len(calls), max_keepalive_connections=0)
    )


async def all_at_once(base_url: str, calls: list[Call]) -> list[Answer]:
    async with client_for(base_url, calls) as http:
        return list(await asyncio.gather(*(timed(http, call) for call in calls)))


async def one_by_one(base_url: str, calls: list[Call]) -> list[Answer]:
    async with client_for(base_url, calls) as http:
        return [await timed(http, call) for call in calls]


def unavailable_promptly(answer: Answer) -> bool:
    return (
        answer.status == 503
        and answer.content_type == PROBLEM_JSON
        and answer.retry_after is not None
        and answer.seconds < BOUND_SECONDS
    )


def report(answers: list[Answer]) -> str:
    return "\n".join(map(str, answers))


async def wait_until_ready(base_url: str) -> float:
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=10.0) as http:
        while time.perf_counter() - started < RECOVERY_SECONDS:
            if (await http.get("/health/ready")).status_code == 200:
                return time.perf_counter() - started
            await asyncio.sleep(0.2)
    raise AssertionError(f"not ready again {RECOVERY_SECONDS} s after the storage came back")


async def assert_serves_again(base_url: str, seeded: Seeded) -> None:
    """Every operation works again on the same process (no restart)."""
    expected = {
        "create workflow": 201,
        "replace workflow": 200,
        "delete workflow": 204,
        "record order": 201,
        "list workflows": 200,
        "get workflow": 200,
        "order history": 200,
        "get order": 200,
        "latest orders": 200,
    }
    answers = await one_by_one(base_url, [*write_calls(seeded), *read_calls(seeded)])
    assert {a.call.name: a.status for a in answers} == expected, report(answers)


@pytest.fixture
def switchable(background: BackgroundLoop, services: Services) -> Iterator[SwitchableTcpProxy]:
    """A TCP proxy in front of moto that a test can turn into a closed port or a black hole."""
    proxy = SwitchableTcpProxy(services.moto_endpoint, background)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.mark.parametrize("fault", [SwitchableTcpProxy.REFUSE, SwitchableTcpProxy.HANG])
async def test_an_unreachable_or_hanging_dynamodb_gets_503_within_3_s_and_the_service_recovers(
    services: Services, switchable: SwitchableTcpProxy, fault: str
):
    service = services.start("dynamodb", endpoint=switchable.url)
    seeded = await seed(service.base_url)

    switchable.switch(fault)
    answers = await all_at_once(service.base_url, [*write_calls(seeded), *read_calls(seeded), READY])
    public = await all_at_once(service.base_url, PUBLIC)
    print(f"\n[outage] dynamodb {fault}:\n{report(answers + public)}")

    assert all(map(unavailable_promptly, answers)), f"expected 503 within {BOUND_SECONDS} s:\n{report(answers)}"
    assert [a.status for a in public] == [200, 200, 200], report(public)

    switchable.switch(SwitchableTcpProxy.FORWARD)
    recovered_in = await wait_until_ready(service.base_url)
    print(f"[outage] dynamodb {fault}: ready again {recovered_in:.2f} s after the endpoint came back")
    await assert_serves_again(service.base_url, seeded)


@pytest.fixture
def sqlite_service(services: Services) -> Service:
    return services.start("sqlite")


class ExclusiveLock:
    """Another connection holding BEGIN EXCLUSIVE on the service's database file."""

    def __init__(self, service: Service) -> None:
        self._connection = sqlite3.connect(service.sqlite_path, timeout=5.0, isolation_level=None)

    def __enter__(self) -> ExclusiveLock:
        self._connection.execute("BEGIN EXCLUSIVE")
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.execute("ROLLBACK")
        self._connection.close()


async def test_writes_to_a_locked_sqlite_database_get_503_within_3_s_and_succeed_after_release(
    sqlite_service: Service,
):
    base_url = sqlite_service.base_url
    seeded = await seed(base_url)

    with ExclusiveLock(sqlite_service):
        writes = await one_by_one(base_url, write_calls(seeded))
        # WAL: readers do not need the write lock, so reads go on being served from the last commit.
        reads = await one_by_one(base_url, [*read_calls(seeded), READY, *PUBLIC])
    print(f"\n[outage] sqlite locked, one request at a time:\n{report(writes + reads)}")

    assert all(map(unavailable_promptly, writes)), f"expected 503 within {BOUND_SECONDS} s:\n{report(writes)}"
    assert all(a.status == 200 and a.seconds < BOUND_SECONDS for a in reads), report(reads)
    await assert_serves_again(base_url, seeded)


async def test_concurrent_writes_to_a_locked_sqlite_database_each_get_503_within_3_s(sqlite_service: Service):
    base_url = sqlite_service.base_url
    seeded = await seed(base_url)
    placed_at = int(time.time()) - 30
    record = [
        Call(f"record order {n}", "POST", f"/v1/workflows/{seeded.workflow_id}/orders", order_body(placed_at))
        for n in range(6)
    ]

    with ExclusiveLock(sqlite_service):
        answers = await all_at_once(base_url, record)
    print(f"\n[outage] sqlite locked, {len(record)} writes at once:\n{report(answers)}")

    assert all(map(unavailable_promptly, answers)), f"expected 503 within {BOUND_SECONDS} s:\n{report(answers)}"
    await assert_serves_again(base_url, seeded)
