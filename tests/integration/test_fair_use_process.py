"""Fair use per consumer, served by real `workflow-orders serve` processes.

- On each storage: a consumer past its budget gets 429 problems with Retry-After and the RateLimit
  fields, counted in /metrics; another token's budget is its own; probes and /metrics are never
  limited.
- A greedy consumer sending ten times its budget gets mostly 429s, while a modest one beside it
  never gets one. Its latency beside the greedy one is printed, not asserted: on a shared 2-core
  machine a bound on it fails with the machine's load, not with the service (a speed claim
  belongs to the benchmark).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
import pytest
from service_process import ServiceProcess, dynamodb_env

from builders import encode, workflow_body

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # starts the service as processes, on SQLite and on a moto server

GREEDY, MODEST = "greedy-consumer-token", "modest-consumer-token"
TOKENS = {"WFO_AUTH_TOKENS": f"{GREEDY}=write,{MODEST}=read"}
JSON = {"content-type": "application/json"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def rate_limited_total(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=10.0).text
    line = next(line for line in text.splitlines() if line.startswith("http_requests_rate_limited_total "))
    return float(line.split()[1])


@pytest.fixture(params=["sqlite", "dynamodb"])
def small_budget_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServiceProcess]:
    """A service whose consumers may make 5 requests at once, then 1 a second."""
    env = TOKENS | {"WFO_RATE_LIMIT_PER_SECOND": "1", "WFO_RATE_LIMIT_BURST": "5"}
    if request.param == "dynamodb":
        env |= dynamodb_env(request.getfixturevalue("dynamodb_endpoint"), "fairuse")
    process = ServiceProcess(tmp_path / "orders.db", tmp_path, env).start()
    try:
        yield process
    finally:
        process.kill()


def test_a_consumer_past_its_budget_gets_429_and_others_do_not(small_budget_service: ServiceProcess) -> None:
    base_url = small_budget_service.base_url
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        created = http.post("/v1/workflows", content=encode(workflow_body("fair use")), headers=JSON | bearer(GREEDY))
        assert created.status_code == 201, created.text
        assert created.headers["ratelimit-policy"] == '"consumer";q=5;w=5'
        answers = [http.get("/v1/workflows", headers=bearer(GREEDY)) for _ in range(10)]
        statuses = Counter(answer.status_code for answer in answers)
        modest = http.get(f"/v1/workflows/{created.json()['id']}", headers=bearer(MODEST))
        probes = [
            http.get(path).status_code for path in ("/health/live", "/health/ready", "/metrics") for _ in range(10)
        ]

    assert statuses[429] >= 5, statuses
    assert set(statuses) <= {200, 429}, statuses
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit"].startswith('"consumer";r=0;t=')
    assert modest.status_code == 200, modest.text
    assert modest.headers["ratelimit"].startswith('"consumer";r=4;')
    assert set(probes) == {200}
    assert rate_limited_total(base_url) == statuses[429]


# One greedy consumer beside a modest one

BUDGET_PER_SECOND = 20
GREEDY_CONNECTIONS = 4
GREEDY_PER_SECOND = 10 * BUDGET_PER_SECOND
MODEST_REQUESTS = 60
ROUNDS = 2
MODEST_INTERVAL = 0.1
"""The modest consumer's pause between requests: under half its budget."""
GREEDY_DEADLINE_SECONDS = 60.0


def start_fair_service(directory: Path) -> ServiceProcess:
    env = TOKENS | {
        "WFO_RATE_LIMIT_PER_SECOND": str(BUDGET_PER_SECOND),
        "WFO_RATE_LIMIT_BURST": str(BUDGET_PER_SECOND),
        "WFO_ACCESS_LOG": "false",
    }
    directory.mkdir()
    return ServiceProcess(directory / "orders.db", directory, env).start()


@pytest.fixture
def fair_service(tmp_path: Path) -> Iterator[ServiceProcess]:
    service = start_fair_service(tmp_path / "measured")
    try:
        yield service
    finally:
        service.kill()


async def modest_latencies(base_url: str, path: str, count: int = MODEST_REQUESTS) -> tuple[list[float], Counter[int]]:
    """`count` reads one after another on one connection, paced well inside the budget."""
    seconds, statuses = [], Counter[int]()
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        for _ in range(count):
            sent = time.perf_counter()
            response = await http.get(path, headers=bearer(MODEST))
            seconds.append(time.perf_counter() - sent)
            statuses[response.status_code] += 1
            await asyncio.sleep(MODEST_INTERVAL)
    return seconds, statuses


async def greedy_load(base_url: str, path: str, stop: EventType) -> Counter[int]:
    """GREEDY_CONNECTIONS loops that together send GREEDY_PER_SECOND requests a second, until `stop`
    (at most GREEDY_DEADLINE_SECONDS)."""
    statuses = Counter[int]()
    interval = GREEDY_CONNECTIONS / GREEDY_PER_SECOND
    deadline = time.monotonic() + GREEDY_DEADLINE_SECONDS

    async def loop(http: httpx.AsyncClient) -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            started = time.perf_counter()
            response = await http.get(path, headers=bearer(GREEDY))
            statuses[response.status_code] += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))

    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        await asyncio.gather(*(loop(http) for _ in range(GREEDY_CONNECTIONS)))
    return statuses


def run_greedy(base_url: str, path: str, stop: EventType, results: Queue) -> None:  # type: ignore[type-arg]
    """In a process of its own, so that its load does not share the measuring process's CPU and GIL."""
    results.put(dict(asyncio.run(greedy_load(base_url, path, stop))))


def create_workflow(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        created = http.post("/v1/workflows", content=encode(workflow_body("shared")), headers=JSON | bearer(GREEDY))
        assert created.status_code == 201, created.text
        return f"/v1/workflows/{created.json()['id']}"


def modest_beside_greedy(
    modest_url: str, modest_path: str, greedy_url: str, greedy_path: str
) -> tuple[list[float], Counter[int], Counter[int]]:
    """The modest consumer's latencies on one service while the greedy one loads `greedy_url`."""
    forked = multiprocessing.get_context("fork")
    stop, results = forked.Event(), forked.Queue()
    greedy = forked.Process(target=run_greedy, args=(greedy_url, greedy_path, stop, results))
    greedy.start()
    try:
        time.sleep(1.0)  # the greedy consumer is past its burst
        seconds, statuses = asyncio.run(modest_latencies(modest_url, modest_path))
    finally:
        stop.set()
        greedy_statuses = Counter(results.get(timeout=GREEDY_DEADLINE_SECONDS + 30))
        greedy.join(timeout=30)
    return seconds, statuses, greedy_statuses


def test_a_greedy_consumer_is_refused_while_another_is_never_limited(fair_service: ServiceProcess) -> None:
    path = create_workflow(fair_service.base_url)
    modest_statuses, greedy_statuses = Counter[int](), Counter[int]()
    medians = []
    for _ in range(ROUNDS):
        seconds, statuses, greedy_answers = modest_beside_greedy(
            fair_service.base_url, path, fair_service.base_url, path
        )
        medians.append(statistics.median(seconds))
        modest_statuses += statuses
        greedy_statuses += greedy_answers

    print(f"\nmodest median beside the greedy consumer, per round: {[f'{m * 1000:.2f} ms' for m in medians]}")
    assert modest_statuses == Counter({200: ROUNDS * MODEST_REQUESTS}), modest_statuses
    assert set(greedy_statuses) == {200, 429}, greedy_statuses
    assert greedy_statuses[429] > 2 * greedy_statuses[200], greedy_statuses  # most of ten times its budget is refused
    assert rate_limited_total(fair_service.base_url) == greedy_statuses[429]
