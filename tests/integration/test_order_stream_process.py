"""The live order stream (GET /v1/orders/stream) served by real `workflow-orders serve` processes on
real storage, read by Server-Sent Events clients over HTTP (tests/sse_client.py).

- SQLite, one process: many subscribers while concurrent writers record orders (some in one shared
  second, some late, with an old placed_at; some replayed): each subscriber gets every order it
  asked for exactly once, all in one order, each event's data the order's /v1/orders/latest row;
  the subscriber limit refuses one more with 503, and a closed stream frees its place.
- DynamoDB (moto), two processes on the same tables: writers through both, one subscriber on
  each, the same events in the same order; a subscriber that left one replica mid-stream resumes
  on the other from its last event id, and gets exactly the rest; one back after two hours away
  gets every order since. Stopping a replica (SIGTERM) ends its streams at once, refuses new ones
  while it drains (503) and exits 0; the other one's streams go on.
- Resuming by header or by query parameter alike; a forged id is refused (400), one older than
  the retention too (410).

Every wait is bounded by a generous deadline, a safety net only: no latency is asserted here (the
figures are bench/stream.py's). Each storage's feed orders entries by its own rule (SQLite: commit
order; DynamoDB: the recording time, read a settling second late): the tests check what a client
can rely on, one order for every subscriber, consistent with each writer's own sequence.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_process import ServiceProcess, dynamodb_env

from adapters.dynamodb.feed import ANNOUNCE_AGAIN_AFTER_SECONDS, boundary
from adapters.http.event_ids import EventIdCodec
from adapters.sqlite.feed import position_of
from builders import encode, iso, new_id, order_body, workflow_body
from domain.model.feed import EventPoint
from domain.model.order import RETENTION_SECONDS
from sse_client import Event, EventStream, StreamRefusedError, open_stream, stream_client

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # starts the service as processes, on SQLite and on a moto server

JSON = {"content-type": "application/json"}
PROBLEM_JSON = "application/problem+json"
SECRET = "stream-test-event-id-key"
DELIVERY_DEADLINE_SECONDS = 60.0
"""Safety net for "every event arrived": far beyond what delivery takes, even on a loaded CI machine."""

# SQLite fan-out: FULL_SUBSCRIBERS follow every order (400,000 events), the others one workflow (a
# twentieth of the orders; a third of them one direction of it too).
ORDERS, WRITERS, WORKFLOWS = 2000, 20, 20
FULL_SUBSCRIBERS, WORKFLOW_SUBSCRIBERS = 200, 20

# DynamoDB on moto: moto answers one request at a time and copies the tables a transaction
# touches, so each write costs more as the tables grow; a few dozen orders per phase.
REPLICA_WRITERS, REPLICA_ORDERS, RESUME_ORDERS, READ_BEFORE_LEAVING = 8, 48, 16, 5
MOTO_QUEUE_DEADLINE = {"WFO_STORAGE_TIMEOUT_SECONDS": "30"}
"""A queue of requests to moto (one at a time) can outlast the production storage deadline."""


# Writing orders


@dataclass(frozen=True)
class Job:
    workflow_id: str
    body: dict[str, Any]
    replay: bool = False


@dataclass(frozen=True)
class Recorded:
    """A 201: which writer sent it and the order as answered (JSON, exact decimals)."""

    writer: int
    answer: dict[str, Any]
    seconds: float
    """From sending the request to its answer: the longest the order's commit can have taken."""

    @property
    def id(self) -> str:
        return str(self.answer["id"])


def plan(workflow_ids: list[str], count: int, writers: int, rng: random.Random) -> list[list[Job]]:
    """`count` new orders dealt to `writers` sequential writers over the workflows: one in five placed
    in one shared second, one in ten late (placed hours to days ago, within the retention), the rest
    stamped by the service; one in four with a client id, one in ten of those sent again later by its
    writer (a replay: answered 200, never in the stream)."""
    now = int(time.time())
    shared_second = now - 30
    queues: list[list[Job]] = [[] for _ in range(writers)]
    for n in range(count):
        body = order_body(order_code=f"STREAM-{n}", order_direction=rng.choice(["BUY", "SELL"]))
        if n % 5 == 1:
            body["placed_at"] = iso(shared_second)
        elif n % 10 == 4:
            body["placed_at"] = iso(now - rng.randrange(3600, 6 * 86400))
        if n % 4 == 0:
            body["id"] = new_id()
        job = Job(rng.choice(workflow_ids), body)
        queue = queues[n % writers]
        queue.append(job)
        if n % 40 == 0:
            queue.insert(rng.randrange(len(queue), len(queue) + 3), Job(job.workflow_id, dict(body), replay=True))
    return queues


async def record(client: httpx.AsyncClient, job: Job) -> httpx.Response:
    return await client.post(f"/v1/workflows/{job.workflow_id}/orders", content=encode(job.body), headers=JSON)


async def record_all(base_urls: list[str], queues: list[list[Job]]) -> list[Recorded]:
    """Each queue sent in order by a writer of its own, with a connection of its own to the service
    at base_urls[writer % len(base_urls)]."""
    recorded: list[Recorded] = []

    async def write(writer: int, jobs: list[Job]) -> None:
        async with writer_client(base_urls[writer % len(base_urls)]) as client:
            for job in jobs:
                sent = time.perf_counter()
                response = await record(client, job)
                seconds = time.perf_counter() - sent
                assert response.status_code == (200 if job.replay else 201), response.text
                answer = json.loads(response.content, parse_float=Decimal)
                if job.replay:
                    assert answer["id"] == job.body["id"], answer
                else:
                    recorded.append(Recorded(writer, answer, seconds))

    await asyncio.gather(*(write(writer, jobs) for writer, jobs in enumerate(queues)))
    return recorded


async def record_one(client: httpx.AsyncClient, workflow_id: str, **fields: Any) -> Recorded:
    """One order, by a writer of its own (-1: every such order is recorded after the last one's 201)."""
    sent = time.perf_counter()
    response = await record(client, Job(workflow_id, order_body(**fields)))
    assert response.status_code == 201, response.text
    return Recorded(-1, json.loads(response.content, parse_float=Decimal), time.perf_counter() - sent)


async def create_workflows(client: httpx.AsyncClient, count: int, prefix: str) -> list[str]:
    ids = []
    for n in range(count):
        created = await client.post("/v1/workflows", content=encode(workflow_body(f"{prefix} {n}")), headers=JSON)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


def writer_client(base_url: str) -> httpx.AsyncClient:
    """A client of its own per writer: a shared pool scans all its connections on every request.
    Plain HTTP on loopback: no CA bundle to load (`verify`), which takes 50 ms per client."""
    return httpx.AsyncClient(base_url=base_url, timeout=60.0, verify=False)


# Reading the stream


@dataclass
class Listener:
    """One subscriber, reading its stream in a task of its own until the order `until` arrives."""

    params: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    until: str | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the server closed the stream."""

    async def listen(self, client: httpx.AsyncClient, last_event_id: str | None = None) -> None:
        async with open_stream(client, params=self.params, last_event_id=last_event_id) as stream:
            self.connected.set()
            while (event := await stream.next_event()) is not None:
                self.events.append(event)
                self.order_ids.append(json.loads(event.data)["id"])
                if self.order_ids[-1] == self.until:
                    self.finished.set()
        self.ended.set()
        self.finished.set()

    def stop_at(self, order_id: str) -> None:
        """Finished once `order_id` arrives (or at once, if it did)."""
        self.until = order_id
        self.finished.clear()
        if order_id in self.order_ids or self.ended.is_set():
            self.finished.set()

    def matches(self, recorded: Recorded) -> bool:
        """Whether the stream's filter takes this order."""
        workflow_id, direction = recorded.answer["workflow_id"], recorded.answer["order_direction"]
        return self.params.get("workflow_id", workflow_id) == workflow_id and (
            self.params.get("direction", direction) == direction
        )


class Listeners:
    """Listener tasks, all cancelled (their streams closed) when the block ends."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self, client: httpx.AsyncClient, listener: Listener, last_event_id: str | None = None) -> Listener:
        """Start `listener` and return once its stream is connected."""
        task = asyncio.create_task(listener.listen(client, last_event_id))
        self._tasks.append(task)
        connected = asyncio.create_task(listener.connected.wait())
        done, _ = await asyncio.wait([task, connected], return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            connected.cancel()
            task.result()  # raises why it never connected
        return listener

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def finish(listeners: list[Listener], last: list[Recorded]) -> None:
    """Wait until each listener got the last of `last` that it takes: orders recorded one after
    another once every other order was answered, so that nothing can come for it afterwards (a feed
    gives each order after every order whose 201 came before it was sent)."""
    for listener in listeners:
        listener.stop_at(next(order.id for order in reversed(last) if listener.matches(order)))
    async with asyncio.timeout(DELIVERY_DEADLINE_SECONDS):
        await asyncio.gather(*(listener.finished.wait() for listener in listeners))
    ended = [
        (listener.params, len(listener.events)) for listener in listeners if listener.until not in listener.order_ids
    ]
    assert not ended, f"streams ended before their last order: {ended[:5]}"


def order_ids(events: list[Event]) -> list[str]:
    return [str(json.loads(event.data)["id"]) for event in events]


async def take_events(stream: EventStream, count: int) -> list[Event]:
    """The next `count` events."""
    taken: list[Event] = []
    async with asyncio.timeout(DELIVERY_DEADLINE_SECONDS):
        while len(taken) < count:
            event = await stream.next_event()
            assert event is not None, f"the stream ended after {len(taken)} events"
            taken.append(event)
    return taken


def stream_data(events: list[Event]) -> list[str]:
    for event in events:
        assert event.event == "order", event
        assert event.id, event
    assert len({event.id for event in events}) == len(events), "an event id given twice"
    return [event.data for event in events]


def check_one_order_of_everything(events: list[Event], recorded: list[Recorded], latest_fields: set[str]) -> list[str]:
    """Each recorded order exactly once, with its /v1/orders/latest row as data, each writer's
    orders in the order it recorded them; returns the order ids in stream order."""
    ids = order_ids(events)
    twice = [order_id for order_id, count in Counter(ids).items() if count > 1]
    assert not twice, f"{len(twice)} orders came more than once, e.g. {twice[:3]}"
    by_id = {order.id: order for order in recorded}
    assert len(by_id) == len(recorded)
    missing, unexpected = by_id.keys() - set(ids), set(ids) - by_id.keys()
    assert not missing, f"{len(missing)} of {len(by_id)} recorded orders never came, e.g. {sorted(missing)[:3]}"
    assert not unexpected, f"{len(unexpected)} orders came that were not recorded (replays?): {unexpected}"
    for event in events:
        data = json.loads(event.data, parse_float=Decimal)
        answer = by_id[data["id"]].answer
        assert data == {name: answer[name] for name in latest_fields}, (data, answer)
    place = {order_id: n for n, order_id in enumerate(ids)}
    for writer in {order.writer for order in recorded}:
        places = [place[order.id] for order in recorded if order.writer == writer]
        assert places == sorted(places), f"writer {writer}'s orders came out of the order it recorded them in"
    return ids


async def latest_row_fields(client: httpx.AsyncClient) -> set[str]:
    latest = await client.get("/v1/orders/latest")
    assert latest.status_code == 200, latest.text
    return set(latest.json()["orders"][0])


# The SQLite service, shared by the module's SQLite tests


@pytest.fixture(scope="module")
def sqlite_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    directory = tmp_path_factory.mktemp("stream")
    settings = {
        "WFO_STREAM_MAX_SUBSCRIBERS": str(FULL_SUBSCRIBERS + WORKFLOW_SUBSCRIBERS + 1),
        "WFO_STREAM_HEARTBEAT_SECONDS": "1",
        "WFO_CURSOR_SECRET": SECRET,
    }
    service = ServiceProcess(directory / "orders.db", directory, settings).start()
    try:
        yield service
    finally:
        service.kill()


def fan_out_listeners(workflow_ids: list[str]) -> list[Listener]:
    """FULL_SUBSCRIBERS for every order, the others each for one workflow (a third of those for one
    direction of it too)."""
    listeners = [Listener() for _ in range(FULL_SUBSCRIBERS)]
    for n in range(WORKFLOW_SUBSCRIBERS):
        params = {"workflow_id": workflow_ids[n % len(workflow_ids)]}
        if n % 3 == 0:
            params["direction"] = "SELL" if n % 2 else "BUY"
        listeners.append(Listener(params))
    return listeners


async def check_subscriber_limit(client: httpx.AsyncClient) -> None:
    """With every place but one taken: one more stream is served, the next one refused (503, a
    Retry-After); closing a stream frees its place."""
    async with AsyncExitStack() as probe:
        await probe.enter_async_context(open_stream(client))
        with pytest.raises(StreamRefusedError) as refused:
            await probe.enter_async_context(open_stream(client))
    response = refused.value.response
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert int(response.headers["retry-after"]) > 0
    async with asyncio.timeout(DELIVERY_DEADLINE_SECONDS):
        while True:  # the server withdraws the closed stream's subscription once it sees the close
            try:
                async with open_stream(client):
                    return
            except StreamRefusedError:
                await asyncio.sleep(0.05)


async def test_sqlite_every_subscriber_gets_each_order_once_in_one_order(sqlite_service: ServiceProcess):
    base = sqlite_service.base_url
    rng = random.Random(20261130)
    async with writer_client(base) as writer, AsyncExitStack() as stack:
        workflow_ids = await create_workflows(writer, WORKFLOWS, "fan-out")
        client = await stack.enter_async_context(stream_client(base, FULL_SUBSCRIBERS + WORKFLOW_SUBSCRIBERS + 2))
        tasks = Listeners()
        stack.push_async_callback(tasks.close)
        listeners = fan_out_listeners(workflow_ids)
        await asyncio.gather(*(tasks.start(client, listener) for listener in listeners))
        await check_subscriber_limit(client)

        recorded = await record_all([base], plan(workflow_ids, ORDERS, WRITERS, rng))
        assert len(recorded) == ORDERS
        last = [
            await record_one(writer, workflow_id, order_direction=direction)
            for workflow_id in workflow_ids
            for direction in ("BUY", "SELL")
        ]
        await finish(listeners, last)
        recorded += last
        latest_fields = await latest_row_fields(writer)

    reference = stream_data(listeners[0].events)
    ids = check_one_order_of_everything(listeners[0].events, recorded, latest_fields)
    for listener in listeners[1:FULL_SUBSCRIBERS]:
        assert stream_data(listener.events) == reference, "two subscribers got different streams"
    by_id = {order.id: order for order in recorded}
    for listener in listeners[FULL_SUBSCRIBERS:]:
        expected = [data for data, order_id in zip(reference, ids, strict=True) if listener.matches(by_id[order_id])]
        assert expected, listener.params
        assert stream_data(listener.events) == expected, f"the stream for {listener.params} is not its share"


# DynamoDB: two replicas


@pytest.fixture
def replicas(dynamodb_endpoint: str, tmp_path: Path) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    """Two services on the same fresh tables (moto), started side by side."""
    settings = dynamodb_env(dynamodb_endpoint, "stream") | MOTO_QUEUE_DEADLINE | {"WFO_CURSOR_SECRET": SECRET}
    started = [ServiceProcess(tmp_path / "unused.db", tmp_path, settings) for _ in range(2)]
    try:
        with ThreadPoolExecutor(2) as starting:
            list(starting.map(ServiceProcess.start, started))
        yield started[0], started[1]
    finally:
        for service in started:
            service.kill()


def announced_late(recorded: list[Recorded]) -> set[str]:
    """The orders whose recording took ANNOUNCE_AGAIN_AFTER_SECONDS or more (as the client timed it,
    which is longer than from the order's stamp to its commit): only those can have committed after
    readers passed their place in the feed, and be announced again further on (adapters.dynamodb.feed),
    at a place that depends on when each reader read."""
    return {order.id for order in recorded if order.seconds >= ANNOUNCE_AGAIN_AFTER_SECONDS}


def settled(ids: list[str], recorded: list[Recorded]) -> list[str]:
    """`ids` without the orders that may have been announced late."""
    late = announced_late(recorded)
    return [order_id for order_id in ids if order_id not in late]


def two_hours_ago(event_id: str) -> str:
    """The id of an event issued two hours ago, at the feed's end then, by the store that issued `event_id`."""
    now = time.time()
    codec = EventIdCodec(SECRET.encode())
    store = codec.decode(event_id, now=int(now)).store
    return codec.encode(EventPoint(store, boundary(int((now - 7200) * 1000))), now=int(now) - 7200)


async def test_dynamodb_replicas_stream_alike_and_a_subscriber_resumes_on_the_other(replicas):
    a, b = replicas
    rng = random.Random(30112026)
    tasks = Listeners()
    async with (
        writer_client(a.base_url) as via_a,
        writer_client(b.base_url) as via_b,
        stream_client(a.base_url, 2) as streams_a,
        stream_client(b.base_url, 2) as streams_b,
    ):
        try:
            workflow_ids = await create_workflows(via_a, 3, "replicas")
            both = [a.base_url, b.base_url]
            on_a, on_b = await tasks.start(streams_a, Listener()), await tasks.start(streams_b, Listener())
            # Writers through both replicas, half of them each.
            recorded = await record_all(both, plan(workflow_ids, REPLICA_ORDERS, REPLICA_WRITERS, rng))
            recorded.append(await record_one(via_b, workflow_ids[0]))
            await finish([on_a, on_b], recorded[-1:])

            # A third subscriber reads a few orders from A and leaves while more are on their way...
            async with open_stream(streams_a) as leaving:
                writing = asyncio.create_task(
                    record_all(both, plan(workflow_ids, RESUME_ORDERS, REPLICA_WRITERS // 2, rng))
                )
                read = await take_events(leaving, READ_BEFORE_LEAVING)
            later = await writing
            # ... more are recorded while it is away, then it resumes on B after its last event.
            later += await record_all(both, plan(workflow_ids, RESUME_ORDERS, 2, rng))
            resumed = await tasks.start(streams_b, Listener(), last_event_id=read[-1].id)
            # And a subscriber back after two hours away, the first of them without orders.
            returning = await tasks.start(streams_a, Listener(), last_event_id=two_hours_ago(read[-1].id))
            later.append(await record_one(via_a, workflow_ids[1]))
            await finish([on_a, on_b, resumed, returning], later[-1:])
            latest_fields = await latest_row_fields(via_b)

            # A is stopped: its streams end at once (their clients go elsewhere), new ones are refused
            # while it drains, and it exits cleanly.
            stopping = asyncio.create_task(asyncio.to_thread(a.stop))
            async with asyncio.timeout(DELIVERY_DEADLINE_SECONDS):
                await asyncio.gather(on_a.ended.wait(), returning.ended.wait())
            with pytest.raises(StreamRefusedError) as refused:
                async with open_stream(streams_a):
                    pass
            assert refused.value.response.status_code == 503, refused.value.response.text
            assert refused.value.response.json()["title"] == "Shutting down"
            assert await stopping == 0, a.output()
            assert not on_b.ended.is_set(), "B's streams ended with A"
        finally:
            await tasks.close()

    everything = recorded + later
    on_a_ids = check_one_order_of_everything(on_a.events, everything, latest_fields)
    on_b_ids = check_one_order_of_everything(on_b.events, everything, latest_fields)
    assert settled(on_b_ids, everything) == settled(on_a_ids, everything), "the replicas streamed in different orders"

    # Exactly the orders recorded since it first connected, in the replicas' order; once each, but for
    # an order announced again after a late commit, which a resume between its two places repeats
    # (the documented limit: docs/dynamodb.md, "The feed behind the live stream").
    came = order_ids(read) + order_ids(resumed.events)
    twice = {order_id for order_id, count in Counter(came).items() if count > 1}
    assert twice <= announced_late(everything), f"the resumed stream repeated {len(twice)} orders it had given"
    assert set(came) == {order.id for order in later}, "orders lost between the two replicas"
    assert len(came) == len(later) + len(twice)
    assert settled(came, everything) == settled(on_a_ids[len(recorded) :], everything)
    assert stream_data(read) == stream_data(on_a.events[len(recorded) : len(recorded) + READ_BEFORE_LEAVING])

    returned = check_one_order_of_everything(returning.events, everything, latest_fields)
    assert settled(returned, everything) == settled(on_a_ids, everything)


# Resuming


def forged(event_id: str) -> str:
    """The id with one character of its signed part changed."""
    at = len(event_id) // 4
    return event_id[:at] + ("B" if event_id[at] == "A" else "A") + event_id[at + 1 :]


async def test_a_stream_resumes_after_the_id_from_the_header_or_the_query_and_refuses_forged_or_old_ids(
    sqlite_service: ServiceProcess,
):
    async with (
        writer_client(sqlite_service.base_url) as writer,
        stream_client(sqlite_service.base_url, 2) as client,
    ):
        (workflow_id,) = await create_workflows(writer, 1, "resume")
        mine = {"workflow_id": workflow_id}
        async with open_stream(client, params=mine) as first:
            orders = [(await record_one(writer, workflow_id)).id for _ in range(6)]
            events = await take_events(first, 6)
        assert order_ids(events) == orders
        resume_from = events[1].id
        assert resume_from

        # The orders after the id's first (those recorded meanwhile too), then live ones, each once.
        async with open_stream(client, params=mine, last_event_id=resume_from) as by_header:
            orders.append((await record_one(writer, workflow_id)).id)
            assert order_ids(await take_events(by_header, 5)) == orders[2:]
            await by_header.next_comment()  # a keep-alive: nothing more came for a heartbeat interval
            assert by_header.buffered == []
        async with open_stream(client, params=mine | {"last_event_id": resume_from}) as by_query:
            orders.append((await record_one(writer, workflow_id)).id)
            assert order_ids(await take_events(by_query, 6)) == orders[2:]
            await by_query.next_comment()
            assert by_query.buffered == []

        # A forged id, by header or query; one issued before the retention period.
        now = int(time.time())
        store = EventIdCodec(SECRET.encode()).decode(resume_from, now=now).store
        too_old = EventIdCodec(SECRET.encode()).encode(
            EventPoint(store, position_of(1)), now=now - RETENTION_SECONDS - 60
        )
        refusals = [
            ({"last-event-id": forged(resume_from)}, {}, 400, "Invalid event id"),
            ({}, {"last_event_id": forged(resume_from)}, 400, "Invalid event id"),
            ({"last-event-id": too_old}, {}, 410, "Event id too old"),
        ]
        for headers, params, status, title in refusals:
            refused = await client.get("/v1/orders/stream", headers=headers, params=params)
            assert refused.status_code == status, refused.text
            assert refused.headers["content-type"].startswith(PROBLEM_JSON)
            assert refused.json()["title"] == title


async def test_a_stream_since_an_instant_starts_with_the_orders_recorded_from_then_on(sqlite_service: ServiceProcess):
    async with (
        writer_client(sqlite_service.base_url) as writer,
        stream_client(sqlite_service.base_url, 1) as client,
    ):
        (workflow_id,) = await create_workflows(writer, 1, "since")
        mine = {"workflow_id": workflow_id}
        await record_one(writer, workflow_id)  # recorded before `since`: not in the stream
        await asyncio.sleep(1.1)  # recording times are whole seconds: `since` below is after that one's
        since = iso(int(time.time()))
        # Placed an hour before `since`, recorded after it: recording time is what counts.
        after = [(await record_one(writer, workflow_id, placed_at=iso(int(time.time()) - 3600))).id for _ in range(2)]

        async with open_stream(client, params=mine | {"since": since}) as stream:
            assert order_ids(await take_events(stream, 2)) == after
            live = await record_one(writer, workflow_id)
            assert order_ids(await take_events(stream, 1)) == [live.id]
