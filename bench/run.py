"""The benchmark: `python -m bench` (about 4 minutes) or `python -m bench --smoke` (under a minute, tiny counts).

For each storage (SQLite; DynamoDB on moto), it starts the service as `workflow-orders serve` pinned
to one CPU, seeds it through the API, and loads each endpoint with 32 connections from the other
CPU (wrk, or bench/load.py's asyncio client when wrk is missing). The same run measures the
framework ceiling (bench/ceiling_app.py under the same server and flags) and, for a few endpoints,
the service under granian instead of uvicorn. It prints one markdown table and writes it to
bench/results/latest.md (`--output` elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import ceiling_app
from bench.load import GET, ORDER, REVALIDATE, LoadResult, run_load, wrk_available
from bench.processes import (
    GRANIAN,
    LOAD_CPU,
    REPO,
    SERVER_CPU,
    UVICORN,
    Moto,
    Server,
    dynamodb_env,
    free_port,
    granian_available,
    pin_this_process,
    pinned,
    pinning_available,
    server_command,
    service_env,
    start_server,
)
from bench.seed import Seeded, seed

DEFAULT_OUTPUT = REPO / "bench" / "results" / "latest.md"
SMOKE_OUTPUT = REPO / "bench" / "results" / "smoke.md"
P99_TARGET_MS = 20.0
SQLITE, DYNAMODB, NO_STORAGE = "SQLite", "DynamoDB (moto)", "none"


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    mode: str = GET
    target: float | None = None
    """Required ratio to the ceiling (SQLite, uvicorn); p99 < 20 ms applies to every endpoint."""


CEILING = Endpoint("ceiling", f"ceiling: bare Litestar, GET {ceiling_app.PATH}")
HEALTH = Endpoint("health", "GET /health/live", target=0.90)
HISTORY = Endpoint("history", "GET /v1/workflows/{id}/orders?limit=20", target=0.50)
ORDER_BY_ID = Endpoint("order", "GET /v1/orders/{id}", target=0.60)
HISTORY_304 = Endpoint("history-304", "GET /v1/workflows/{id}/orders?limit=20, If-None-Match: 304", REVALIDATE)
ORDER_304 = Endpoint("order-304", "GET /v1/orders/{id}, If-None-Match: 304", REVALIDATE)
RECORD = Endpoint("record", "POST /v1/workflows/{id}/orders (new uuid4 id)", ORDER, target=0.30)


def list_endpoint(workflows: int, target: float | None) -> Endpoint:
    return Endpoint(f"list-{workflows}", f"GET /v1/workflows ({workflows:,} workflows)", target=target)


def latest_endpoint(workflows: int, target: float | None) -> Endpoint:
    return Endpoint(f"latest-{workflows}", f"GET /v1/orders/latest ({workflows:,} workflows)", target=target)


def window_endpoint(workflows: int) -> Endpoint:
    return Endpoint(f"window-{workflows}", f"GET /v1/orders?since=(24 h ago)&limit=20 ({workflows:,} workflows)")


def summary_endpoint(workflows: int) -> Endpoint:
    return Endpoint(f"summary-{workflows}", f"GET /v1/orders/summary?since=(24 h ago) ({workflows:,} workflows)")


def window_paths() -> dict[str, list[str]]:
    """The last 24 hours across workflows: a page and the summary (the seeded orders span the week)."""
    since = datetime.fromtimestamp(int(time.time()) - 86_400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"window": [f"/v1/orders?since={since}&limit=20"], "summary": [f"/v1/orders/summary?since={since}"]}


@dataclass(frozen=True)
class Plan:
    seconds: float
    """Measured seconds per endpoint (SQLite, and the ceiling); wrk takes whole seconds (at least 1)."""
    dynamodb_seconds: float
    warmup_seconds: float
    workflows: int
    orders_per_workflow: int
    extra_workflows: int
    """Added before the second measure of the list endpoints, one order each."""
    dynamodb_busy_workflows: int
    """DynamoDB on moto: how many of `workflows` get `orders_per_workflow` orders; the others get one."""
    dynamodb_extra_workflows: int
    """0 leaves out the second measure of the list endpoints on moto, whose Scan of 1,000 workflows
    takes seconds per call (moto's own serialisation): the row would measure moto, nothing else."""
    connections: int = 32
    dynamodb_connections: int = 2
    """moto answers one request at a time, and a list request costs it about a second: more connections
    would only lengthen its queue (and the drain after each row), not change calls or CPU per request,
    the figures that matter there."""
    granian_endpoints: tuple[str, ...] = ("health", "order", "history")


FULL = Plan(
    seconds=6,
    dynamodb_seconds=3,
    warmup_seconds=1,
    workflows=100,
    orders_per_workflow=20,
    extra_workflows=900,
    dynamodb_busy_workflows=20,
    dynamodb_extra_workflows=0,
)
SMOKE = Plan(
    seconds=0.3,
    dynamodb_seconds=0.3,
    warmup_seconds=0,
    workflows=4,
    orders_per_workflow=3,
    extra_workflows=3,
    dynamodb_busy_workflows=2,
    dynamodb_extra_workflows=0,
    connections=8,
    granian_endpoints=("health",),
)


@dataclass
class Row:
    storage: str
    server: str
    endpoint: Endpoint
    load: LoadResult
    cpu_us_per_request: float
    cpu_share: float
    """Server CPU seconds per second of load: near 1.0 when the server was the bottleneck; lower when
    it waited (on moto, say) or other processes took its CPU."""
    rss_mib: float
    ready_seconds: float
    storage_calls: float | None = None
    storage_breakdown: dict[str, float] = field(default_factory=dict)
    port_breakdown: dict[str, float] = field(default_factory=dict)


@dataclass
class Bench:
    plan: Plan
    loadgen: str
    log_dir: Path
    started: float = field(default_factory=time.perf_counter)
    rows: list[Row] = field(default_factory=list)
    seed_counter: int = field(default_factory=lambda: random.SystemRandom().randrange(1, 2**31))

    def say(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {text}", file=sys.stderr, flush=True)

    def load(self, base_url: str, mode: str, paths: Sequence[str], seconds: float, connections: int) -> LoadResult:
        self.seed_counter += 1
        return run_load(
            self.loadgen == "wrk",
            base_url,
            mode,
            paths,
            connections=connections,
            seconds=seconds,
            seed=self.seed_counter,
            cpu_prefix=pinned(LOAD_CPU),
        )

    def measure(
        self,
        storage: str,
        server_name: str,
        server: Server,
        endpoint: Endpoint,
        paths: Sequence[str],
        seconds: float,
        moto: Moto | None = None,
    ) -> Row:
        observed = storage != NO_STORAGE
        connections = self.plan.dynamodb_connections if moto else self.plan.connections
        if self.plan.warmup_seconds and not moto:  # on moto, seeding has warmed up the service
            self.load(server.base_url, endpoint.mode, paths, self.plan.warmup_seconds, connections)
            settle(server, observed, moto)
        before = scrape(server.base_url) if observed else None
        moto_before = moto.calls() if moto else None
        cpu_before = server.cpu_seconds()
        load = self.load(server.base_url, endpoint.mode, paths, seconds, connections)
        share = (server.cpu_seconds() - cpu_before) / load.seconds if load.seconds else 0.0
        after = settle(server, observed, moto)
        cpu = server.cpu_seconds() - cpu_before  # with the requests still in flight when the load stopped
        row = Row(storage, server_name, endpoint, load, 0.0, share, server.rss_mib(), server.ready_seconds)
        served = load.requests
        if before is not None and after is not None:
            served = sum((after.requests - before.requests).values()) or load.requests
        if before is not None and after is not None and served:
            ports = after.storage - before.storage
            row.port_breakdown = {name: count / served for name, count in sorted(ports.items())}
            row.storage_calls = sum(ports.values()) / served
        if moto is not None and moto_before is not None and served:
            calls = Counter(moto.calls()) - Counter(moto_before)
            row.storage_breakdown = {name: count / served for name, count in sorted(calls.items())}
            row.storage_calls = sum(calls.values()) / served
        row.cpu_us_per_request = cpu / served * 1e6 if served else 0.0
        self.rows.append(row)
        self.say(
            f"{storage} / {server_name}: {endpoint.label}: {load.per_second:,.0f} req/s, "
            f"p99 {load.p99_ms:.1f} ms, {row.cpu_us_per_request:,.0f} µs CPU/req ({share:.0%} CPU), "
            f"{load.non_2xx} answers >= 400, {load.socket_errors} socket errors or timeouts"
        )
        return row

    def start(self, name: str, server_name: str, target: str, env: dict[str, str], ready_path: str) -> Server:
        port = free_port()
        server = start_server(name, server_command(server_name, target, port), env, ready_path, port, self.log_dir)
        self.say(f"{name}: ready in {server.ready_seconds:.2f} s ({server_name})")
        return server

    def ceiling(self, server_name: str) -> None:
        server = self.start(f"ceiling-{server_name}", server_name, "ceiling", service_env({}), ceiling_app.PATH)
        try:
            self.measure(NO_STORAGE, server_name, server, CEILING, [ceiling_app.PATH], self.plan.seconds)
        finally:
            server.stop()


@dataclass
class Scrape:
    requests: Counter[str]
    """HTTP requests served, by route (the /metrics route itself left out)."""
    storage: Counter[str]
    """Storage port calls, by operation."""


SETTLE_SECONDS = 0.25
SETTLE_SECONDS_MOTO = 0.8
"""Longer than one moto Scan of 100 workflows (~0.5 s): counts move at least that often while busy."""
SETTLE_DEADLINE_SECONDS = 60.0


def settle(server: Server, observed: bool, moto: Moto | None) -> Scrape | None:
    """Wait until the server has answered what the load generator left in flight (the next figures
    must not include it): its request counts, and moto's, stay still for SETTLE_SECONDS."""
    if not observed:
        time.sleep(SETTLE_SECONDS)
        return None
    deadline = time.perf_counter() + SETTLE_DEADLINE_SECONDS
    last = (scrape(server.base_url), moto.calls() if moto else None)
    while time.perf_counter() < deadline:
        time.sleep(SETTLE_SECONDS_MOTO if moto else SETTLE_SECONDS)
        current = (scrape(server.base_url), moto.calls() if moto else None)
        if current[0].requests == last[0].requests and current[1] == last[1]:
            return current[0]
        last = current
    return last[0]


_SAMPLE = re.compile(r"^(\w+)\{(.*)\} (\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def scrape(base_url: str) -> Scrape:
    text = httpx.get(base_url + "/metrics", timeout=10.0).text
    requests: Counter[str] = Counter()
    storage: Counter[str] = Counter()
    for line in text.splitlines():
        sample = _SAMPLE.match(line)
        if sample is None:
            continue
        name, labels, value = sample.group(1), dict(_LABEL.findall(sample.group(2))), float(sample.group(3))
        if name == "http_requests_total" and labels.get("route") != "/metrics":
            requests[labels.get("route", "")] += int(value)
        elif name == "storage_calls_total":
            storage[labels.get("operation", "")] += int(value)
    return Scrape(requests, storage)


def run_storage(bench: Bench, storage: str, env: dict[str, str], moto: Moto | None = None) -> None:
    """Seed, then measure every endpoint of the service under uvicorn (and a few under granian)."""
    plan = bench.plan
    seconds = plan.dynamodb_seconds if moto else plan.seconds
    busy = plan.dynamodb_busy_workflows if moto else plan.workflows
    extra_workflows = plan.dynamodb_extra_workflows if moto else plan.extra_workflows
    per_workflow = [plan.orders_per_workflow] * busy + [1] * (plan.workflows - busy)
    service = bench.start(f"service-{storage[:6].lower()}-{UVICORN}", UVICORN, "service", env, "/health/ready")
    try:
        base = service.base_url
        started = time.perf_counter()
        seeded = asyncio.run(
            seed(base, first_number=0, workflows=plan.workflows, orders_per_workflow=per_workflow, seed_value=1)
        )
        orders = len(seeded.all_order_ids())
        seconds_taken = time.perf_counter() - started
        bench.say(f"{storage}: seeded {plan.workflows} workflows, {orders} orders in {seconds_taken:.1f} s")
        busy_ids = seeded.workflow_ids[:busy]
        reads = _read_paths(seeded, busy_ids)

        def measure(endpoint: Endpoint, paths: Sequence[str]) -> None:
            bench.measure(storage, UVICORN, service, endpoint, paths, seconds, moto)

        measure(HEALTH, ["/health/live"])
        measure(HISTORY, reads["history"])
        measure(HISTORY_304, tagged(base, reads["history"]))
        measure(ORDER_BY_ID, reads["order"])
        measure(ORDER_304, tagged(base, reads["order"]))
        measure(list_endpoint(plan.workflows, 0.30), ["/v1/workflows"])
        measure(latest_endpoint(plan.workflows, 0.30), ["/v1/orders/latest"])
        windows = window_paths()
        measure(window_endpoint(plan.workflows), windows["window"])
        measure(summary_endpoint(plan.workflows), windows["summary"])

        # New orders go to workflows whose history is not measured (granian reads it again later).
        record_into = seeded.workflow_ids[busy:] or seeded.workflow_ids
        if extra_workflows:
            started = time.perf_counter()
            extra = asyncio.run(
                seed(
                    base,
                    first_number=plan.workflows,
                    workflows=extra_workflows,
                    orders_per_workflow=[1] * extra_workflows,
                    seed_value=2,
                )
            )
            total = plan.workflows + extra_workflows
            bench.say(f"{storage}: seeded {extra_workflows} more workflows in {time.perf_counter() - started:.1f} s")
            measure(list_endpoint(total, None), ["/v1/workflows"])
            measure(latest_endpoint(total, None), ["/v1/orders/latest"])
            windows = window_paths()
            measure(window_endpoint(total), windows["window"])
            measure(summary_endpoint(total), windows["summary"])
            record_into = extra.workflow_ids
        measure(RECORD, [f"/v1/workflows/{workflow_id}/orders" for workflow_id in record_into])
    finally:
        service.stop()

    if storage != SQLITE or not granian_available() or not plan.granian_endpoints:
        return
    bench.ceiling(GRANIAN)
    service = bench.start(f"service-sqlite-{GRANIAN}", GRANIAN, "service", env, "/health/ready")
    try:
        by_key = {HEALTH.key: (HEALTH, ["/health/live"]), HISTORY.key: (HISTORY, reads["history"])}
        by_key[ORDER_BY_ID.key] = (ORDER_BY_ID, reads["order"])
        for key in plan.granian_endpoints:
            endpoint, paths = by_key[key]
            bench.measure(storage, GRANIAN, service, endpoint, paths, plan.seconds)
    finally:
        service.stop()


def tagged(base_url: str, paths: Sequence[str]) -> list[str]:
    """`path<TAB>etag` for each path: what a client that already holds the page sends to revalidate it."""
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        return [f"{path}\t{http.get(path).headers['etag']}" for path in paths]


def _read_paths(seeded: Seeded, busy_ids: Sequence[str]) -> dict[str, list[str]]:
    order_ids = [order_id for workflow_id in busy_ids for order_id in seeded.order_ids[workflow_id]]
    random.Random(3).shuffle(order_ids)
    return {
        "history": [f"/v1/workflows/{workflow_id}/orders?limit=20" for workflow_id in busy_ids],
        "order": [f"/v1/orders/{order_id}" for order_id in order_ids],
    }


def run_dynamodb(bench: Bench) -> None:
    moto = Moto.start()
    try:
        env = dynamodb_env(moto.url, f"bench{os.getpid()}-")
        run_storage(bench, DYNAMODB, env, moto)
    finally:
        moto.stop()


def render(bench: Bench, header: dict[str, str]) -> str:
    ceilings = {row.server: row for row in bench.rows if row.endpoint is CEILING}
    lines = [f"## Benchmark — {header['date']}", ""]
    lines += [f"- {name}: {value}" for name, value in header.items() if name != "date"]
    lines += [
        "",
        "| storage | server | endpoint | requests | req/s | vs ceiling | CPU µs/req | CPU vs ceiling | server CPU "
        "| p50 ms | p99 ms | errors | storage calls/req | RSS MiB | ready s | target |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in bench.rows:
        ceiling = ceilings.get(row.server)
        ratio = row.load.per_second / ceiling.load.per_second if ceiling and ceiling.load.per_second else None
        cpu_ratio = (
            ceiling.cpu_us_per_request / row.cpu_us_per_request
            if ceiling and row.cpu_us_per_request and ceiling.cpu_us_per_request
            else None
        )
        cells = [
            row.storage,
            row.server,
            row.endpoint.label,
            f"{row.load.requests:,}",
            f"{row.load.per_second:,.0f}",
            _maybe(ratio, "{:.2f}"),
            f"{row.cpu_us_per_request:,.0f}",
            _maybe(cpu_ratio, "{:.2f}"),
            f"{row.cpu_share:.0%}",
            f"{row.load.p50_ms:.1f}",
            f"{row.load.p99_ms:.1f}",
            f"{row.load.non_2xx + row.load.socket_errors:,}",
            _maybe(row.storage_calls, "{:.2f}"),
            f"{row.rss_mib:.0f}",
            f"{row.ready_seconds:.2f}",
            _verdict(row, ratio),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *_notes(bench)]
    return "\n".join(lines) + "\n"


def _maybe(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _verdict(row: Row, ratio: float | None) -> str:
    if row.endpoint.target is None or row.storage != SQLITE or row.server != UVICORN:
        return "-"
    missed = []
    if ratio is None or ratio < row.endpoint.target:
        missed.append("ratio")
    if row.load.p99_ms >= P99_TARGET_MS:
        missed.append("p99")
    verdict = "met" if not missed else "MISSED: " + ", ".join(missed)
    return f"≥ {row.endpoint.target:.2f}, p99 < {P99_TARGET_MS:g} ms: {verdict}"


def _notes(bench: Bench) -> list[str]:
    notes = [
        "vs ceiling: req/s ÷ the ceiling's req/s under the same server. CPU µs/req: the server process's "
        "own CPU time (user + system, /proc) per request served; CPU vs ceiling: the ceiling's CPU per "
        "request ÷ this row's (less sensitive to other load on the machine than req/s). server CPU: the "
        "server's CPU time ÷ the run's duration: near 100% when the server was the bottleneck, lower when it "
        "waited (on moto) or other processes took its CPU. "
        "storage calls/req: SQLite, storage port calls (`storage_calls_total`); DynamoDB, API requests "
        "moto answered; both per request the service counted. RSS: VmRSS after the row's run. "
        "ready s: from process start to the first 200 on its readiness path. DynamoDB rows are bound "
        "by moto (one request at a time, in Python): read them for calls and CPU per request.",
        "",
        "Storage calls per request, by operation:",
        "",
    ]
    for row in bench.rows:
        if row.storage_breakdown or row.port_breakdown:
            ports = ", ".join(f"{name} {count:.2f}" for name, count in row.port_breakdown.items())
            calls = ", ".join(f"{name} {count:.2f}" for name, count in row.storage_breakdown.items())
            detail = f"ports: {ports}" + (f"; DynamoDB: {calls}" if calls else "")
            notes.append(f"- {row.storage} / {row.server} / {row.endpoint.label}: {detail}")
    uvicorn_rows = {
        row.endpoint.key: row for row in bench.rows if row.server == UVICORN and row.storage in (SQLITE, NO_STORAGE)
    }
    compared = [
        (row, uvicorn_rows[row.endpoint.key])
        for row in bench.rows
        if row.server == GRANIAN and uvicorn_rows.get(row.endpoint.key) is not None
    ]
    if compared:
        notes += ["", "granian ÷ uvicorn, same endpoint (req/s; CPU per request):", ""]
        for granian, uvicorn in compared:
            speed = granian.load.per_second / uvicorn.load.per_second if uvicorn.load.per_second else 0.0
            cpu = granian.cpu_us_per_request / uvicorn.cpu_us_per_request if uvicorn.cpu_us_per_request else 0.0
            notes.append(f"- {granian.endpoint.label}: {speed:.2f}x req/s; {cpu:.2f}x CPU/req")
    return notes


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def revision() -> str:
    """The commit measured (short hash), and whether tracked files differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603, S607
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return commit


def common_header(load_before: tuple[float, float, float]) -> dict[str, str]:
    """Date, commit, machine and CPU pinning: the header lines every benchmark table starts with."""
    pinning = (
        f"server on CPU {SERVER_CPU}, load generator and moto on CPU {LOAD_CPU} (taskset)"
        if pinning_available()
        else "none (taskset missing or a single CPU)"
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": revision(),
        "machine": f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"load average {load_before[0]:.2f} before the run, {os.getloadavg()[0]:.2f} after",
        "pinning": pinning,
    }


def header(bench: Bench, load_before: tuple[float, float, float]) -> dict[str, str]:
    plan = bench.plan
    return {
        **common_header(load_before),
        "load": f"{bench.loadgen}, {plan.connections} connections, {plan.seconds} s per endpoint after "
        f"{plan.warmup_seconds} s of warm-up (DynamoDB: {plan.dynamodb_connections} connections, "
        f"{plan.dynamodb_seconds} s, no warm-up)",
        "servers": f"uvicorn {version('uvicorn')} (`workflow-orders serve`), granian {version('granian')}; "
        f"litestar {version('litestar')}, msgspec {version('msgspec')}",
        "service settings": "defaults: no WFO_AUTH_TOKENS (open API), fair use on with a budget of 1,000,000 a second "
        "(one load generator never reaches it), access log on (WFO_LOG_FORMAT=json, "
        "one line per request to a file), SQLite file in a temporary directory",
        "data": f"{plan.workflows} workflows ({plan.orders_per_workflow} orders each in the last 7 days; on "
        f"DynamoDB {plan.dynamodb_busy_workflows} of them, the others one order), then {plan.extra_workflows} "
        f"more with one order each ({plan.dynamodb_extra_workflows} on DynamoDB); seeded through the API",
        "duration": f"{time.perf_counter() - bench.started:.0f} s",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="0.3 s a row (wrk: 1 s), tiny counts")
    parser.add_argument("--output", type=Path, help=f"where to write the table (default {DEFAULT_OUTPUT})")
    parser.add_argument("--connections", type=int, help="connections to the service (default 32, 8 with --smoke)")
    parser.add_argument("--seconds", type=int, help="measured seconds per endpoint (SQLite and ceiling)")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--storage", choices=["all", "sqlite", "dynamodb"], default="all")
    parser.add_argument("--no-granian", action="store_true", help="skip the granian comparison")
    parser.add_argument("--logs", type=Path, help="keep the servers' output (and the SQLite file) in this directory")
    args = parser.parse_args(argv)

    plan = SMOKE if args.smoke else FULL
    if args.seconds:
        plan = Plan(**{**plan.__dict__, "seconds": args.seconds})
    if args.connections:
        plan = Plan(**{**plan.__dict__, "connections": args.connections})
    if args.no_granian:
        plan = Plan(**{**plan.__dict__, "granian_endpoints": ()})
    loadgen = args.loadgen if args.loadgen != "auto" else ("wrk" if wrk_available() else "python")
    output: Path = args.output or (SMOKE_OUTPUT if args.smoke else DEFAULT_OUTPUT)

    load_before = os.getloadavg()
    pin_this_process(LOAD_CPU)
    with tempfile.TemporaryDirectory(prefix="wfo-bench-") as temporary:
        scratch = args.logs or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        bench = Bench(plan, loadgen, scratch)
        bench.say(f"load generator: {loadgen}; logs in {scratch}")
        bench.ceiling(UVICORN)
        if args.storage in ("all", "sqlite"):
            database = scratch / "bench.db"
            for stale in (database, scratch / "bench.db-wal", scratch / "bench.db-shm"):
                stale.unlink(missing_ok=True)
            sqlite_env = service_env({"WFO_SQLITE_PATH": str(database), "WFO_LOG_FORMAT": "json"})
            run_storage(bench, SQLITE, sqlite_env)
        if args.storage in ("all", "dynamodb"):
            run_dynamodb(bench)
        table = render(bench, header(bench, load_before))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(table)
    print(table)
    bench.say(f"written to {output}")
    return 0
