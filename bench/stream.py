"""The live order stream's costs: `python -m bench.stream` (about 2 minutes; not run in CI).

For each storage (SQLite; DynamoDB on moto, bench/moto_server.py), it starts the service as
`workflow-orders serve` pinned to one CPU (the subscribers, the writer and moto on the other), with
a heartbeat of 5 s (--heartbeat; production default 15 s), then measures:

- delivery latency: --orders orders (200) recorded one at a time at --rate per second (20) while 10
  subscribers listen, from the moment a record request's 201 arrives to the moment the event
  arrives at a subscriber, for every subscriber and order (an event may come before the 201);
- the service's RSS with no subscriber (after the latency run), then with --subscribers idle ones
  (1,000; once all are connected and two heartbeats later), and the difference per subscriber;
- over --idle-seconds (10) with no, one and --subscribers idle subscribers: the feed's storage port
  calls per second (`storage_calls_total` for feed.read and feed.end, from /metrics; one reader
  per process, so one subscriber and a thousand should cost the same), on moto the DynamoDB
  requests per second moto answered, and the service's CPU seconds.

It prints one markdown table (and writes it with --output). The open files limit is raised for the
subscribers' sockets when the hard limit allows it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from tests.builders import encode
from tests.sse_client import EventStream, open_stream, stream_client

from bench.processes import (
    LOAD_CPU,
    UVICORN,
    Moto,
    Server,
    dynamodb_env,
    free_port,
    pin_this_process,
    server_command,
    service_env,
    start_server,
)
from bench.run import DYNAMODB, SQLITE, common_header, scrape, version
from bench.seed import bench_order_body, bench_workflow_body

FEED_OPERATIONS = ("feed.read", "feed.end")
JSON = {"content-type": "application/json"}
CONNECT_BATCH = 100
"""Streams opened at once while connecting the idle subscribers."""
DELIVERY_DEADLINE_SECONDS = 60.0


@dataclass(frozen=True)
class Plan:
    orders: int = 200
    rate: float = 20.0
    latency_subscribers: int = 10
    idle_subscribers: int = 1000
    idle_seconds: float = 10.0
    heartbeat_seconds: float = 5.0


@dataclass
class Figures:
    """One storage's column of the table."""

    latencies_ms: list[float] = field(default_factory=list)
    rss_mib: dict[int, float] = field(default_factory=dict)
    """By subscribers connected."""
    feed_calls_per_second: dict[int, float] = field(default_factory=dict)
    dynamodb_requests_per_second: dict[int, float] = field(default_factory=dict)
    """On moto only: every request moto answered."""
    cpu_seconds: dict[int, float] = field(default_factory=dict)
    heartbeats: dict[int, int] = field(default_factory=dict)
    """Keep-alive comments the subscribers received during the idle window."""


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def raise_open_files_limit(needed: int) -> None:
    """Each subscriber holds a socket here and one in the service (which inherits this limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise SystemExit(f"open files limit {hard} is below the {needed} needed: raise `ulimit -n`")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


async def create_workflows(base_url: str, count: int) -> list[str]:
    rng = random.Random(1)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        ids = []
        for number in range(count):
            answer = await client.post("/v1/workflows", content=encode(bench_workflow_body(number, rng)), headers=JSON)
            answer.raise_for_status()
            ids.append(str(answer.json()["id"]))
    return ids


async def delivery_latencies(base_url: str, workflow_ids: Sequence[str], plan: Plan) -> list[float]:
    """Milliseconds from each 201 to its event, for every subscriber and order."""
    rng = random.Random(2)
    answered: dict[str, float] = {}
    arrivals: list[dict[str, float]] = []

    async def listen(stream: EventStream, arrived: dict[str, float]) -> None:
        while len(arrived) < plan.orders and (event := await stream.next_event()) is not None:
            arrived[json.loads(event.data)["id"]] = event.arrived

    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(stream_client(base_url, plan.latency_subscribers))
        writer = await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=30.0))
        listeners = []
        for _ in range(plan.latency_subscribers):
            stream = await stack.enter_async_context(open_stream(client))
            arrivals.append({})
            listeners.append(asyncio.create_task(listen(stream, arrivals[-1])))
        started = time.perf_counter()
        for n in range(plan.orders):
            await asyncio.sleep(max(0.0, started + n / plan.rate - time.perf_counter()))
            workflow_id = workflow_ids[n % len(workflow_ids)]
            body = bench_order_body("GER40.I", int(time.time()), rng)
            answer = await writer.post(f"/v1/workflows/{workflow_id}/orders", content=encode(body), headers=JSON)
            received = time.perf_counter()
            if answer.status_code != 201:
                raise RuntimeError(f"recording an order: {answer.status_code} {answer.text}")
            answered[answer.json()["id"]] = received
        async with asyncio.timeout(DELIVERY_DEADLINE_SECONDS):
            await asyncio.gather(*listeners)
    missing = sum(plan.orders - len(arrived) for arrived in arrivals)
    if missing:
        raise RuntimeError(f"{missing} events never arrived")
    return [(at - answered[order_id]) * 1000 for arrived in arrivals for order_id, at in arrived.items()]


class IdleSubscribers:
    """Streams that only read keep-alives, each in a task of its own."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._tasks: list[asyncio.Task[None]] = []
        self.streams: list[EventStream] = []

    async def add(self, count: int) -> None:
        """Connect `count` more, CONNECT_BATCH at a time; return once all are connected."""
        for first in range(0, count, CONNECT_BATCH):
            batch = [asyncio.get_running_loop().create_future() for _ in range(min(CONNECT_BATCH, count - first))]
            self._tasks += [asyncio.create_task(self._listen(connected)) for connected in batch]
            await asyncio.gather(*batch)

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        try:
            async with open_stream(self._client) as stream:
                self.streams.append(stream)
                connected.set_result(None)
                while await stream.next_event() is not None:
                    pass
            raise RuntimeError("an idle stream ended")
        except BaseException as error:
            if not connected.done():
                connected.set_exception(error)
            raise

    def heartbeats(self) -> int:
        return sum(len(stream.comments) for stream in self.streams)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def feed_calls(server: Server) -> int:
    storage = scrape(server.base_url).storage
    return sum(storage[operation] for operation in FEED_OPERATIONS)


async def idle_window(
    figures: Figures, count: int, server: Server, moto: Moto | None, seconds: float, subscribers: IdleSubscribers
) -> None:
    """Feed calls and moto requests per second, CPU seconds and heartbeats over `seconds` idle."""
    calls, requests, cpu = feed_calls(server), Counter(moto.calls() if moto else {}), server.cpu_seconds()
    beats, started = subscribers.heartbeats(), time.perf_counter()
    await asyncio.sleep(seconds)
    elapsed = time.perf_counter() - started
    figures.cpu_seconds[count] = server.cpu_seconds() - cpu
    figures.feed_calls_per_second[count] = (feed_calls(server) - calls) / elapsed
    if moto:
        figures.dynamodb_requests_per_second[count] = (Counter(moto.calls()) - requests).total() / elapsed
    figures.heartbeats[count] = subscribers.heartbeats() - beats


async def measure(server: Server, moto: Moto | None, plan: Plan) -> Figures:
    figures = Figures()
    workflow_ids = await create_workflows(server.base_url, 4)
    say(f"delivery: {plan.orders} orders at {plan.rate:g}/s, {plan.latency_subscribers} subscribers")
    figures.latencies_ms = await delivery_latencies(server.base_url, workflow_ids, plan)

    await asyncio.sleep(2.0)  # the feed reader stops once its last subscriber left
    figures.rss_mib[0] = server.rss_mib()
    async with stream_client(server.base_url, plan.idle_subscribers + 10) as client:
        subscribers = IdleSubscribers(client)
        try:
            say("idle, no subscriber")
            await idle_window(figures, 0, server, moto, plan.idle_seconds, subscribers)
            for count in (1, plan.idle_subscribers):
                await subscribers.add(count - len(subscribers.streams))
                say(f"idle, {subscribers_text(count)} connected; two heartbeats, then {plan.idle_seconds:g} s measured")
                await asyncio.sleep(2 * plan.heartbeat_seconds + 0.5)
                figures.rss_mib[count] = server.rss_mib()
                await idle_window(figures, count, server, moto, plan.idle_seconds, subscribers)
        finally:
            await subscribers.close()
    return figures


def stream_settings(plan: Plan) -> dict[str, str]:
    return {
        "WFO_LOG_FORMAT": "json",
        "WFO_STREAM_HEARTBEAT_SECONDS": f"{plan.heartbeat_seconds:g}",
        "WFO_STREAM_MAX_SUBSCRIBERS": str(plan.idle_subscribers + plan.latency_subscribers + 10),
    }


def run_storage(storage: str, env: dict[str, str], plan: Plan, log_dir: Path, moto: Moto | None = None) -> Figures:
    port = free_port()
    name = f"stream-{storage[:6].lower()}"
    server = start_server(name, server_command(UVICORN, "service", port), env, "/health/ready", port, log_dir)
    try:
        return asyncio.run(measure(server, moto, plan))
    finally:
        server.stop()


def subscribers_text(count: int) -> str:
    return f"{count:,} subscriber" + ("" if count == 1 else "s")


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def render(columns: dict[str, Figures], plan: Plan, load_before: tuple[float, float, float]) -> str:
    idle = plan.idle_subscribers
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        (
            f"delivery latency p50 / p99 (ms): 201 to event, {plan.latency_subscribers} subscribers x "
            f"{plan.orders} orders at {plan.rate:g}/s",
            lambda f: f"{percentile(f.latencies_ms, 0.5):.1f} / {percentile(f.latencies_ms, 0.99):.1f}",
        ),
        ("delivery latency min / max (ms)", lambda f: f"{min(f.latencies_ms):.1f} / {max(f.latencies_ms):.1f}"),
        ("service RSS, no subscriber (MiB)", lambda f: f"{f.rss_mib[0]:.1f}"),
        (f"service RSS, {subscribers_text(idle)}, idle (MiB)", lambda f: f"{f.rss_mib[idle]:.1f}"),
        ("RSS per idle subscriber (KiB)", lambda f: f"{(f.rss_mib[idle] - f.rss_mib[0]) * 1024 / idle:.1f}"),
        *[
            (
                f"feed storage calls/s, idle, {subscribers_text(count)}",
                lambda f, count=count: f"{f.feed_calls_per_second[count]:.2f}",
            )
            for count in (0, 1, idle)
        ],
        *[
            (
                f"DynamoDB requests/s (moto's count), idle, {subscribers_text(count)}",
                lambda f, count=count: (
                    f"{f.dynamodb_requests_per_second[count]:.2f}" if count in f.dynamodb_requests_per_second else "-"
                ),
            )
            for count in (0, 1, idle)
        ],
        *[
            (
                f"service CPU seconds over {plan.idle_seconds:g} s idle, {subscribers_text(count)} "
                "(heartbeats received)",
                lambda f, count=count: f"{f.cpu_seconds[count]:.2f} ({f.heartbeats[count]:,})",
            )
            for count in (0, 1, idle)
        ],
    ]
    header = common_header(load_before) | {
        "service": f"`workflow-orders serve` (uvicorn {version('uvicorn')}), WFO_LOG_FORMAT=json, "
        f"WFO_STREAM_HEARTBEAT_SECONDS={plan.heartbeat_seconds:g}",
        "clients": "tests/sse_client.py (httpx) in the benchmark's process; one writer, sequential",
    }
    lines = [f"## Stream benchmark — {header.pop('date')}", ""]
    lines += [f"- {name}: {value}" for name, value in header.items()]
    lines += ["", "| | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    lines += [f"| {label} | " + " | ".join(cell(f) for f in columns.values()) + " |" for label, cell in rows]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stream", description=__doc__)
    parser.add_argument("--storage", choices=["all", "sqlite", "dynamodb"], default="all")
    parser.add_argument("--subscribers", type=int, default=Plan.idle_subscribers, help="idle subscribers")
    parser.add_argument("--orders", type=int, default=Plan.orders)
    parser.add_argument("--rate", type=float, default=Plan.rate, help="orders per second")
    parser.add_argument("--heartbeat", type=float, default=Plan.heartbeat_seconds, help="seconds")
    parser.add_argument("--idle-seconds", type=float, default=Plan.idle_seconds)
    parser.add_argument("--output", type=Path, help="also write the table here")
    parser.add_argument("--logs", type=Path, help="keep the servers' output (and the SQLite file) here")
    args = parser.parse_args(argv)
    plan = Plan(
        orders=args.orders,
        rate=args.rate,
        idle_subscribers=args.subscribers,
        idle_seconds=args.idle_seconds,
        heartbeat_seconds=args.heartbeat,
    )
    raise_open_files_limit(plan.idle_subscribers + plan.latency_subscribers + 1000)
    load_before = os.getloadavg()
    pin_this_process(LOAD_CPU)
    columns: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="wfo-bench-stream-") as temporary:
        scratch = args.logs or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        if args.storage in ("all", "sqlite"):
            say("SQLite")
            env = service_env({"WFO_SQLITE_PATH": str(scratch / "stream.db"), **stream_settings(plan)})
            columns[SQLITE] = run_storage(SQLITE, env, plan, scratch)
        if args.storage in ("all", "dynamodb"):
            say("DynamoDB (moto)")
            moto = Moto.start()
            try:
                env = dynamodb_env(moto.url, f"stream{os.getpid()}-") | stream_settings(plan)
                columns[DYNAMODB] = run_storage(DYNAMODB, env, plan, scratch, moto)
            finally:
                moto.stop()
    table = render(columns, plan, load_before)
    if args.output:
        args.output.write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
