"""A DynamoDB protocol server (moto) on a free loopback port, clients for it, and adapter fixtures.

Test modules load this as a plugin: `pytest_plugins = ["dynamodb_server"]`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aioboto3
import aiohttp
import pytest
from aiobotocore.config import AioConfig
from aiohttp import web
from moto.server import ThreadedMotoServer

from adapters.dynamodb import (
    DynamoDbOrderRepository,
    DynamoDbStorageHealth,
    DynamoDbWorkflowRepository,
    TableNames,
    client_config,
    create_tables,
)
from adapters.dynamodb.archive import DynamoDbArchive
from adapters.dynamodb.feed import SETTLE_SECONDS, DynamoDbOrderFeed, FeedWriter
from adapters.dynamodb.revisions import DynamoDbRevisions
from app.settings import Settings

if TYPE_CHECKING:
    from types_aiobotocore_dynamodb.client import DynamoDBClient

REGION = "us-east-1"


class _OneRequestAtATime:
    """Serialises requests into moto's in-memory backend.

    moto runs each request on its own thread without a lock, and its TransactWriteItems deep-copies
    the tables to roll back on a cancelled transaction: two concurrent transactions can then undo
    each other's writes (or the copy fails while another thread writes). Real DynamoDB isolates
    transactions; one request at a time is the closest moto can get.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app, self._lock = app, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


def start_server() -> tuple[ThreadedMotoServer, str]:
    """moto's server on a free loopback port (port=0), one request at a time; returns it and its URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    assert server._server is not None
    server._server.app = _OneRequestAtATime(server._server.app)
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@asynccontextmanager
async def open_client(endpoint_url: str, config: AioConfig | None = None) -> AsyncIterator[DynamoDBClient]:
    """An aioboto3 low-level client for the endpoint, configured as the service configures it."""
    session = aioboto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    async with session.client("dynamodb", endpoint_url=endpoint_url, config=config or client_config()) as client:
        yield client


@dataclass
class RequestLog:
    """Every operation a client sent, as (operation, table) pairs, while attached."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def record(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls.append((model.name, str(params.get("TableName", ""))))

    def clear(self) -> None:
        self.calls.clear()

    def operations(self) -> Counter[str]:
        return Counter(operation for operation, _ in self.calls)

    def on(self, table: str) -> Counter[str]:
        return Counter(operation for operation, name in self.calls if name == table)

    def count(self) -> int:
        return len(self.calls)


@pytest.fixture(scope="session")
def dynamodb_endpoint() -> Iterator[str]:
    server, url = start_server()
    yield url
    server.stop()


def closed_port_url() -> str:
    """The URL of a loopback port nothing listens on: every connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
async def dynamodb_client(dynamodb_endpoint: str) -> AsyncIterator[DynamoDBClient]:
    async with open_client(dynamodb_endpoint) as client:
        yield client


@pytest.fixture
async def dynamodb_tables(dynamodb_client: DynamoDBClient) -> AsyncIterator[TableNames]:
    """Fresh, empty tables under a prefix of their own, deleted afterwards: moto copies every
    table it holds on each transactional write, so leftovers would slow the whole session."""
    prefix = f"t{uuid.uuid4().hex[:12]}-"
    await create_tables(dynamodb_client, prefix)
    names = TableNames.for_prefix(prefix)
    yield names
    for table in names.all():
        await delete_table(dynamodb_client, table)


async def delete_table(client: DynamoDBClient, table: str) -> None:
    """Delete a test table, which create_tables made with deletion protection."""
    await client.update_table(TableName=table, DeletionProtectionEnabled=False)
    await client.delete_table(TableName=table)


@pytest.fixture
def request_log(dynamodb_client: DynamoDBClient) -> Iterator[RequestLog]:
    log = RequestLog()
    event = "before-parameter-build.dynamodb"
    dynamodb_client.meta.events.register(event, log.record, unique_id=f"log-{id(log)}")
    yield log
    dynamodb_client.meta.events.unregister(event, unique_id=f"log-{id(log)}")


def app_settings_on(endpoint: str, tables: TableNames, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of an app in this process on moto's tables; the AWS variables the SDK reads say
    where moto is (set through `monkeypatch`, so they end with the test)."""
    for name, value in {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    prefix = tables.workflows.removesuffix("workflows")
    return Settings(storage="dynamodb", aws_region=REGION, dynamodb_table_prefix=prefix, log_format="console")


def workflow_repository_for(client: DynamoDBClient, tables: TableNames) -> DynamoDbWorkflowRepository:
    return DynamoDbWorkflowRepository(client, tables.workflows)


class FeedClock:
    """Milliseconds for the feed's keys and reads, moved on by the tests (`settle`)."""

    def __init__(self) -> None:
        self.ms = 1_771_770_600_000

    def __call__(self) -> int:
        return self.ms

    def settle(self) -> None:
        self.ms += int(SETTLE_SECONDS * 1000) + 1000  # beyond the stamps of a burst (one per ms)

    def now(self) -> int:
        """Seconds, as a recording time (feed.position_at)."""
        return self.ms // 1000

    def advance(self, seconds: int) -> None:
        self.ms += seconds * 1000


def order_repository_for(
    client: DynamoDBClient, tables: TableNames, feed_clock: FeedClock | None = None
) -> DynamoDbOrderRepository:
    return DynamoDbOrderRepository.on_tables(client, tables, FeedWriter(client, tables.feed, feed_clock or FeedClock()))


def storage_health_for(client: DynamoDBClient, tables: TableNames, **kwargs: Any) -> DynamoDbStorageHealth:
    return DynamoDbStorageHealth(client, tables, **kwargs)


@pytest.fixture
def workflow_repository(dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames) -> DynamoDbWorkflowRepository:
    return workflow_repository_for(dynamodb_client, dynamodb_tables)


@pytest.fixture
def feed_clock() -> FeedClock:
    return FeedClock()


@pytest.fixture
def order_repository(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames, feed_clock: FeedClock
) -> DynamoDbOrderRepository:
    return order_repository_for(dynamodb_client, dynamodb_tables, feed_clock)


@pytest.fixture
def feed(dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames, feed_clock: FeedClock) -> DynamoDbOrderFeed:
    return DynamoDbOrderFeed(dynamodb_client, dynamodb_tables.feed, feed_clock)


@pytest.fixture
async def feed_on_the_same_store(
    dynamodb_endpoint: str, dynamodb_tables: TableNames
) -> AsyncIterator[DynamoDbOrderFeed]:
    """Another adapter, through a client of its own, as another process of the service has."""
    async with open_client(dynamodb_endpoint) as client:
        yield DynamoDbOrderFeed(client, dynamodb_tables.feed)


@pytest.fixture
def new_store_in_its_place(
    dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames
) -> Callable[[], Awaitable[DynamoDbOrderFeed]]:
    """The feed table deleted and created again under the same name."""

    async def new_store() -> DynamoDbOrderFeed:
        await delete_table(dynamodb_client, dynamodb_tables.feed)
        await dynamodb_client.get_waiter("table_not_exists").wait(TableName=dynamodb_tables.feed)
        prefix = dynamodb_tables.feed.removesuffix("order_feed")
        assert [table.name for table in await create_tables(dynamodb_client, prefix) if table.created] == [
            dynamodb_tables.feed
        ]
        return DynamoDbOrderFeed(dynamodb_client, dynamodb_tables.feed)

    return new_store


@pytest.fixture
def settle(feed_clock: FeedClock) -> Callable[[], None]:
    return feed_clock.settle


@pytest.fixture
def recording_clock(feed_clock: FeedClock) -> FeedClock:
    return feed_clock


@pytest.fixture
def archive(dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames) -> DynamoDbArchive:
    orders = order_repository_for(dynamodb_client, dynamodb_tables)
    return DynamoDbArchive(dynamodb_client, dynamodb_tables.workflows, orders)


@pytest.fixture
def revisions(dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames) -> DynamoDbRevisions:
    return DynamoDbRevisions(
        dynamodb_client, workflows_table=dynamodb_tables.workflows, orders_table=dynamodb_tables.orders
    )


@pytest.fixture
def storage_health(dynamodb_client: DynamoDBClient, dynamodb_tables: TableNames) -> DynamoDbStorageHealth:
    return storage_health_for(dynamodb_client, dynamodb_tables)


@pytest.fixture(scope="session")
async def unreachable_dynamodb_client() -> AsyncIterator[DynamoDBClient]:
    """A client for an endpoint that refuses every connection; configured like the service's but
    without retries, which would only make each test wait through botocore's backoff."""
    no_retries = client_config().merge(AioConfig(retries={"mode": "standard", "total_max_attempts": 1}))
    async with open_client(closed_port_url(), no_retries) as client:
        yield client


@pytest.fixture
def unavailable_workflow_repository(unreachable_dynamodb_client: DynamoDBClient) -> DynamoDbWorkflowRepository:
    return workflow_repository_for(unreachable_dynamodb_client, TableNames.for_prefix("gone-"))


@pytest.fixture
def unavailable_order_repository(unreachable_dynamodb_client: DynamoDBClient) -> DynamoDbOrderRepository:
    return order_repository_for(unreachable_dynamodb_client, TableNames.for_prefix("gone-"))


@pytest.fixture
def unavailable_storage_health(unreachable_dynamodb_client: DynamoDBClient) -> DynamoDbStorageHealth:
    return storage_health_for(unreachable_dynamodb_client, TableNames.for_prefix("gone-"))


class FaultProxy:
    """An HTTP endpoint between a client and moto that answers chosen operations with a fault.

    `fail(operation, times, status, body)` answers the next `times` calls of that operation (by its
    X-Amz-Target name, e.g. "TransactWriteItems") with the fault, or every call with times=None;
    `hang(operation)` never answers it; `lose_answers(operation, times)` forwards the next `times`
    calls but never answers them (applied, yet the client times out); `page_size(operation, items)`
    caps the Limit of the calls it forwards, so that a small table ends its pages early, as a big
    one does at 1 MB.
    Everything else is forwarded to moto unchanged.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls: Counter[str] = Counter()
        self._faults: dict[str, tuple[int | None, int, dict[str, Any]]] = {}
        self._hanging: set[str] = set()
        self._lost_answers: Counter[str] = Counter()
        self._page_sizes: dict[str, int] = {}

    def fail(self, operation: str, times: int | None, status: int, body: dict[str, Any]) -> None:
        self._faults[operation] = (times, status, body)

    def hang(self, operation: str) -> None:
        self._hanging.add(operation)

    def lose_answers(self, operation: str, times: int) -> None:
        self._lost_answers[operation] = times

    def page_size(self, operation: str, items: int) -> None:
        self._page_sizes[operation] = items

    async def handle(self, request: web.Request) -> web.StreamResponse:
        operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        self.calls[operation] += 1
        if operation in self._hanging:
            await asyncio.sleep(3600)
        if operation in self._faults:
            times, status, body = self._faults[operation]
            if times is None or times > 0:
                self._faults[operation] = (None if times is None else times - 1, status, body)
                return web.Response(status=status, text=json.dumps(body), content_type=AMZ_JSON)
        forwarded = {k: v for k, v in request.headers.items() if k.lower() in _FORWARDED_HEADERS}
        body = await request.read()
        if operation in self._page_sizes:  # moto does not check the signature this invalidates
            params = json.loads(body)
            params["Limit"] = min(params.get("Limit", self._page_sizes[operation]), self._page_sizes[operation])
            body = json.dumps(params).encode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.upstream, data=body, headers=forwarded) as answer,
        ):
            answered = await answer.read()
        if self._lost_answers[operation] > 0:
            self._lost_answers[operation] -= 1
            await asyncio.sleep(3600)
        return web.Response(status=answer.status, body=answered, content_type=AMZ_JSON)


AMZ_JSON = "application/x-amz-json-1.0"
_FORWARDED_HEADERS = {"authorization", "x-amz-target", "x-amz-date", "content-type"}


def error_body(code: str, message: str = "injected", **extra: Any) -> dict[str, Any]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message, **extra}


@asynccontextmanager
async def fault_proxy(upstream: str) -> AsyncIterator[tuple[FaultProxy, str]]:
    """A FaultProxy in front of `upstream` on a free loopback port; yields it and its URL."""
    proxy = FaultProxy(upstream)
    app = web.Application()
    app.router.add_post("/", proxy.handle)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield proxy, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


FAST_FAILING = client_config().merge(AioConfig(read_timeout=0.3, retries={"mode": "standard", "total_max_attempts": 2}))
"""The service's client settings with a short read timeout and two attempts, to keep tests quick."""


@pytest.fixture
async def proxy(dynamodb_endpoint: str) -> AsyncIterator[tuple[FaultProxy, str]]:
    async with fault_proxy(dynamodb_endpoint) as running:
        yield running


@pytest.fixture
def faults(proxy: tuple[FaultProxy, str]) -> FaultProxy:
    """The fault proxy in front of the moto server, for the test to program."""
    return proxy[0]


@pytest.fixture
async def proxied_client(proxy: tuple[FaultProxy, str]) -> AsyncIterator[DynamoDBClient]:
    """A client that reaches moto through the fault proxy (short read timeout, two attempts)."""
    async with open_client(proxy[1], FAST_FAILING) as client:
        yield client
