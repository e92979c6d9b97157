"""Both clients against `workflow-orders serve` as a process, on SQLite and on DynamoDB (moto), directly
and through a proxy that answers 503, or passes the request on and then loses the answer."""

import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from adapters.http.event_ids import EventIdCodec
from app.settings import DEFAULT_CURSOR_SECRET
from builders import event_id_without_store
from client_helpers import FAST_RETRIES, WRITE_TOKEN, Driver, order_fields, workflow_request
from domain.model.feed import EventPoint, FeedPosition
from integration.dynamodb_server import start_server
from reliability.reliability_kit import Service, Services
from reliability.reliability_proxies import BackgroundLoop, SwitchableTcpProxy
from workflow_orders_client import (
    AsyncWorkflowOrdersClient,
    EventIdExpired,
    RetryPolicy,
    ServiceUnreachable,
    WorkflowOrdersClient,
)

pytestmark = pytest.mark.slow

PRICE_23_DIGITS = Decimal("98765.432109876543210987")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server, url = start_server()
    yield url
    server.stop()


@pytest.fixture(scope="module", params=["sqlite", "dynamodb"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    services = Services(tmp_path_factory.mktemp("client-e2e"), lambda: str(request.getfixturevalue("moto_endpoint")))
    try:
        yield services.start(request.param, env={"WFO_AUTH_TOKENS": f"{WRITE_TOKEN}=write"})
    finally:
        services.kill_all()


@pytest.fixture(params=["sync", "async"])
def connect(request: pytest.FixtureRequest, client_loop: BackgroundLoop) -> Iterator[Any]:
    """Makes a client of this test's kind for a base URL."""
    made: list[Driver] = []

    def make(base_url: str, retry: RetryPolicy = FAST_RETRIES, timeout: float = 10.0) -> Driver:
        if request.param == "sync":
            driver = Driver(WorkflowOrdersClient(base_url, token=WRITE_TOKEN, retry=retry, timeout=timeout), None)
        else:
            client = AsyncWorkflowOrdersClient(base_url, token=WRITE_TOKEN, retry=retry, timeout=timeout)
            driver = Driver(client, client_loop)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver("close" if driver.kind == "sync" else "aclose")


@pytest.fixture
def proxy(service: Service, client_loop: BackgroundLoop) -> Iterator[SwitchableTcpProxy]:
    """A proxy in front of the service, forwarding until the test injects a fault."""
    running = SwitchableTcpProxy(service.base_url, client_loop)
    yield running
    running.close()


def test_a_23_digit_price_is_recorded_and_read_back_identical(direct: Driver, workflow_id: str) -> None:
    api = direct
    fields = order_fields(order_price=PRICE_23_DIGITS, order_quantity=Decimal("0.1"))
    recorded = api("record_order", workflow_id, **fields)
    assert recorded.created
    read = api("get_order", recorded.order.id)
    assert read == recorded.order
    assert str(read.order_price) == "98765.432109876543210987"
    [listed] = api.collect("iter_history", workflow_id)
    assert (listed.order_price, listed.order_quantity) == (PRICE_23_DIGITS, Decimal("0.1"))


def test_a_history_is_paged_through_to_the_end(direct: Driver, workflow_id: str) -> None:
    api = direct
    recorded = [api("record_order", workflow_id, **order_fields()).order for _ in range(7)]
    walked = api.collect("iter_history", workflow_id, limit=3)
    assert sorted(order.id for order in walked) == sorted(order.id for order in recorded)
    assert [(o.placed_at, o.id) for o in walked] == sorted(((o.placed_at, o.id) for o in walked), reverse=True)
    first = api("history_page", workflow_id, limit=3)
    assert (first.total_count, len(first.orders), first.next_cursor is not None) == (7, 3, True)


@pytest.fixture
def direct(service: Service, connect: Any) -> Driver:
    """A client of the test's kind talking to the service without the proxy."""
    driver: Driver = connect(service.base_url)
    return driver


@pytest.fixture
def workflow_id(direct: Driver) -> str:
    workflow_id: str = direct("create_workflow", workflow_request()).id
    return workflow_id


def _stored_once(direct: Driver, workflow_id: str, order_id: str) -> None:
    history = direct("history_page", workflow_id, limit=100)
    assert (history.total_count, [order.id for order in history.orders]) == (1, [order_id])


def _stream_subscribers(service: Service) -> float:
    metrics = httpx.get(f"{service.base_url}/metrics", timeout=5.0).text
    [line] = [line for line in metrics.splitlines() if line.startswith("workflow_orders_stream_subscribers ")]
    return float(line.split()[1])


def _wait_until(condition: Any, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def test_a_follow_gets_each_new_order_once_across_a_cut_connection_and_a_503(
    service: Service, connect: Any, proxy: SwitchableTcpProxy, direct: Driver, workflow_id: str
) -> None:
    _wait_until(lambda: _stream_subscribers(service) == 0, "the streams of earlier tests to close")
    follow = connect(proxy.url).collect_in_background("stream_orders", 3, workflow_id=workflow_id)
    _wait_until(lambda: _stream_subscribers(service) == 1, "the stream to be open")
    first = direct("record_order", workflow_id, **order_fields(order_price=PRICE_23_DIGITS)).order
    _wait_until(lambda: follow.taken == 1, "the first order")

    proxy.inject(proxy.UNAVAILABLE)  # the reconnection meets a 503 first
    proxy.switch(proxy.FORWARD)  # cuts every open connection, the stream's too
    rest = [direct("record_order", workflow_id, **order_fields()).order for _ in range(2)]
    streamed = follow.result()

    assert [item.order.id for item in streamed] == [order.id for order in [first, *rest]]
    assert streamed[0].order.order_price == PRICE_23_DIGITS
    assert streamed[0].order.workflow_name == first.workflow_name
    assert proxy.accepted == 3  # the stream, the 503, the stream again after the last event received
    resumed = direct.collect_in_background(
        "stream_orders", 2, workflow_id=workflow_id, last_event_id=streamed[0].event_id
    ).result()
    assert [item.order.id for item in resumed] == [order.id for order in rest]


def test_a_follow_resuming_from_an_event_id_of_another_store_raises_event_id_expired(direct: Driver) -> None:
    now = int(time.time())
    secret = DEFAULT_CURSOR_SECRET.encode()  # the services here run with the default cursor secret
    elsewhere = EventIdCodec(secret).encode(EventPoint("sqlite:" + "0" * 32, FeedPosition("0" * 20)), now=now)
    for event_id in (elsewhere, event_id_without_store(secret, "0" * 20, issued_at=now)):
        with pytest.raises(EventIdExpired) as refused:
            direct.collect_in_background("stream_orders", 1, last_event_id=event_id).result()
        assert refused.value.problem.status == 410


def test_a_503_on_record_is_retried_and_the_order_is_stored_once(
    connect: Any, proxy: SwitchableTcpProxy, direct: Driver, workflow_id: str
) -> None:
    proxy.inject(proxy.UNAVAILABLE)
    recorded = connect(proxy.url)("record_order", workflow_id, **order_fields())
    assert proxy.accepted == 2  # the 503, then the retry
    assert recorded.created  # the 503 came before the service: the retry is the first write
    _stored_once(direct, workflow_id, recorded.order.id)


def test_a_record_whose_answer_is_lost_after_the_write_is_not_recorded_twice(
    connect: Any, proxy: SwitchableTcpProxy, direct: Driver, workflow_id: str
) -> None:
    proxy.inject(proxy.DROP_ANSWER)
    recorded = connect(proxy.url)("record_order", workflow_id, **order_fields(order_price=PRICE_23_DIGITS))
    assert proxy.accepted == 2
    assert not recorded.created  # the retry found the order the first attempt had written: 200, not 201
    assert recorded.order.order_price == PRICE_23_DIGITS
    _stored_once(direct, workflow_id, recorded.order.id)


def test_a_record_that_times_out_after_the_write_is_not_recorded_twice(
    connect: Any, proxy: SwitchableTcpProxy, direct: Driver, workflow_id: str
) -> None:
    proxy.inject(proxy.LOSE_ANSWER)
    order_id = str(uuid.uuid4())
    recorded = connect(proxy.url, timeout=1.0)("record_order", workflow_id, **order_fields(id=order_id))
    assert (recorded.created, recorded.order.id, proxy.accepted) == (False, order_id, 2)
    _stored_once(direct, workflow_id, order_id)


def test_a_read_whose_answer_is_lost_is_read_again(
    connect: Any, proxy: SwitchableTcpProxy, direct: Driver, workflow_id: str
) -> None:
    proxy.inject(proxy.DROP_ANSWER)
    assert connect(proxy.url)("get_workflow", workflow_id) == direct("get_workflow", workflow_id)
    assert proxy.accepted == 2


def test_a_workflow_write_whose_answer_is_lost_is_not_retried(
    connect: Any, proxy: SwitchableTcpProxy, direct: Driver
) -> None:
    proxy.inject(proxy.DROP_ANSWER)
    request = workflow_request()
    with pytest.raises(ServiceUnreachable):
        connect(proxy.url)("create_workflow", request)
    assert proxy.accepted == 1
    names = [item.name for item in direct("list_workflows").workflows]
    assert names.count(request.name) == 1  # it was created: the README says to read before trying again


class CountingTransport(httpx.HTTPTransport):
    """httpx's own transport, counting what it sends."""

    sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


class AsyncCountingTransport(httpx.AsyncHTTPTransport):
    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


def test_a_transport_of_the_callers_choice_carries_every_call(service: Service, client_loop: BackgroundLoop) -> None:
    transport = CountingTransport()
    with WorkflowOrdersClient(service.base_url, token=WRITE_TOKEN, transport=transport) as client:
        workflow = client.create_workflow(workflow_request())
    async_transport = AsyncCountingTransport()

    async def read() -> str:
        async with AsyncWorkflowOrdersClient(service.base_url, token=WRITE_TOKEN, transport=async_transport) as client:
            return (await client.get_workflow(workflow.id)).name

    assert client_loop.run(read()) == workflow.name
    assert (transport.sent, async_transport.sent) == (1, 1)


def test_a_client_takes_an_http_client_or_a_transport_not_both() -> None:
    with httpx.Client() as http, pytest.raises(ValueError, match="not both"):
        WorkflowOrdersClient("http://127.0.0.1:1", http_client=http, transport=httpx.HTTPTransport())
