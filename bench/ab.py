"""A/B: two ways of serving the service, measured in alternating slices on the same data and CPU.

    python -m bench.ab                                  # uvicorn (A) against granian (B)
    python -m bench.ab --b-server uvicorn --b-pythonpath /path/to/other/checkout/src
    python -m bench.ab --b-server uvicorn --b-env WFO_ACCESS_LOG=false --endpoints health,order
    python -m bench.ab --b-server uvicorn --b-tracing                  # the cost of tracing every request

Both servers run at once (pinned to the server CPU, the idle one costs nothing) over one SQLite file
seeded through A, and each endpoint is loaded in slices ordered A B B A A B ..., so that whatever
else the machine does drifts into both sides alike. It prints the medians per side and B ÷ A.
`--b-pythonpath` puts another copy of `src/` first on B's import path: a way to measure a change to
the service before making it. `--b-tracing` turns tracing on for B, exporting over OTLP/HTTP to a
sink in this process that discards what it gets (bench/otlp_sink.py); the OTEL_* variables of
`--b-env` (a sampler, say) apply on top.

Mind the noise: run with the same code on both sides (`--b-server uvicorn --b-pythonpath src`), the
sides have differed by up to 25% on allocation-heavy endpoints (latest, list), A (which seeds the
data) being slower. Read a difference as an effect only when it survives swapping the sides
(`--a-pythonpath` for the old tree).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import GET, ORDER, LoadResult, run_load, wrk_available
from bench.otlp_sink import OtlpSink
from bench.processes import (
    GRANIAN,
    LOAD_CPU,
    UVICORN,
    Server,
    free_port,
    pin_this_process,
    pinned,
    server_command,
    service_env,
    start_server,
)
from bench.seed import seed

ENDPOINTS = ("health", "order", "history", "list", "latest", "record")


@dataclass
class Side:
    name: str
    server: str
    env: dict[str, str]
    process: Server | None = None
    per_second: dict[str, list[float]] = field(default_factory=dict)
    cpu_us: dict[str, list[float]] = field(default_factory=dict)
    p99_ms: dict[str, list[float]] = field(default_factory=dict)

    def describe(self) -> str:
        extra = {key: value for key, value in self.env.items() if key.startswith(("WFO_", "OTEL_", "PYTHONPATH"))}
        settings = ", ".join(f"{key}={value}" for key, value in sorted(extra.items()) if key != "WFO_SQLITE_PATH")
        return f"{self.server}" + (f" ({settings})" if settings else "")


def _pairs(values: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {value!r}")
        pairs[key] = item
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    for side, server in (("a", UVICORN), ("b", GRANIAN)):
        parser.add_argument(f"--{side}-server", choices=[UVICORN, GRANIAN], default=server)
        parser.add_argument(f"--{side}-pythonpath", help="a directory put first on the import path (another src/)")
        parser.add_argument(f"--{side}-env", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument(f"--{side}-tracing", action="store_true", help="trace every request, export to a sink")
    parser.add_argument("--endpoints", default="health,order,history", help=f"from {','.join(ENDPOINTS)}")
    parser.add_argument("--rounds", type=int, default=4, help="slices per side and endpoint")
    parser.add_argument("--seconds", type=int, default=3, help="seconds per slice")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workflows", type=int, default=100)
    parser.add_argument("--orders", type=int, default=20, help="orders per workflow")
    args = parser.parse_args(argv)
    endpoints = [name.strip() for name in args.endpoints.split(",") if name.strip()]
    unknown = set(endpoints) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")

    pin_this_process(LOAD_CPU)
    with tempfile.TemporaryDirectory(prefix="wfo-ab-") as scratch, OtlpSink() as sink:
        common = {"WFO_SQLITE_PATH": str(Path(scratch) / "ab.db"), "WFO_LOG_FORMAT": "json"}
        sides = []
        for name in ("a", "b"):
            tracing = _tracing_env(sink, name) if getattr(args, f"{name}_tracing") else {}
            env = service_env({**common, **tracing, **_pairs(getattr(args, f"{name}_env"))})
            if pythonpath := getattr(args, f"{name}_pythonpath"):
                env["PYTHONPATH"] = str(Path(pythonpath).resolve())
            sides.append(Side(name.upper(), getattr(args, f"{name}_server"), env))
        try:
            for side in sides:
                port = free_port()
                command = server_command(side.server, "service", port)
                side.process = start_server(f"ab-{side.name}", command, side.env, "/health/ready", port, Path(scratch))
                if side is sides[0]:
                    targets = _seed(side.process.base_url, args.workflows, args.orders)
            _run(sides, endpoints, targets, args)
        finally:
            for side in sides:
                if side.process is not None:
                    side.process.stop()
    _report(sides, endpoints, args)
    if args.a_tracing or args.b_tracing:
        print(f"\nOTLP sink: {sink.describe()}")
    return 0


def _tracing_env(sink: OtlpSink, side: str) -> dict[str, str]:
    """Tracing on, every request sampled (the SDK's default), exported to `sink` in batches."""
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint, "OTEL_SERVICE_NAME": f"bench-{side}"}


def _seed(base_url: str, workflows: int, orders: int) -> dict[str, tuple[str, list[str]]]:
    seeded = asyncio.run(
        seed(base_url, first_number=0, workflows=workflows, orders_per_workflow=[orders] * workflows, seed_value=1)
    )
    return {
        "health": (GET, ["/health/live"]),
        "order": (GET, [f"/v1/orders/{order_id}" for order_id in seeded.all_order_ids()]),
        "history": (GET, [f"/v1/workflows/{workflow_id}/orders?limit=20" for workflow_id in seeded.workflow_ids]),
        "list": (GET, ["/v1/workflows"]),
        "latest": (GET, ["/v1/orders/latest"]),
        "record": (ORDER, [f"/v1/workflows/{workflow_id}/orders" for workflow_id in seeded.workflow_ids]),
    }


def _run(
    sides: list[Side], endpoints: list[str], targets: dict[str, tuple[str, list[str]]], args: argparse.Namespace
) -> None:
    use_wrk = wrk_available()
    for endpoint in endpoints:
        mode, paths = targets[endpoint]
        for side in sides:
            assert side.process is not None
            _load(use_wrk, side.process.base_url, mode, paths, 1, args.connections)  # warm-up
            side.per_second[endpoint], side.cpu_us[endpoint], side.p99_ms[endpoint] = [], [], []
        order = [sides[0], sides[1], sides[1], sides[0]]
        for slot in range(2 * args.rounds):
            side = order[slot % 4]
            assert side.process is not None
            time.sleep(0.3)  # let the other side finish what it had in flight
            cpu_before = side.process.cpu_seconds()
            result = _load(use_wrk, side.process.base_url, mode, paths, args.seconds, args.connections)
            time.sleep(0.3)
            cpu = side.process.cpu_seconds() - cpu_before
            side.per_second[endpoint].append(result.per_second)
            side.cpu_us[endpoint].append(cpu / result.requests * 1e6 if result.requests else 0.0)
            side.p99_ms[endpoint].append(result.p99_ms)
            print(
                f"{endpoint} {side.name}: {result.per_second:,.0f} req/s, {side.cpu_us[endpoint][-1]:,.0f} µs CPU/req, "
                f"p99 {result.p99_ms:.1f} ms",
                file=sys.stderr,
                flush=True,
            )


def _load(use_wrk: bool, base_url: str, mode: str, paths: list[str], seconds: int, connections: int) -> LoadResult:
    seed = int(time.time() * 1000) % 2**31
    return run_load(
        use_wrk, base_url, mode, paths, connections=connections, seconds=seconds, seed=seed, cpu_prefix=pinned(LOAD_CPU)
    )


def _report(sides: list[Side], endpoints: list[str], args: argparse.Namespace) -> None:
    a, b = sides
    print(f"A: {a.describe()}\nB: {b.describe()}\n")
    print(f"{args.rounds} slices of {args.seconds} s per side, {args.connections} connections; medians.\n")
    print(
        "| endpoint | A req/s | B req/s | B ÷ A req/s | A CPU µs/req | B CPU µs/req | B ÷ A CPU | A p99 ms | B p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for endpoint in endpoints:
        a_rate, b_rate = statistics.median(a.per_second[endpoint]), statistics.median(b.per_second[endpoint])
        a_cpu, b_cpu = statistics.median(a.cpu_us[endpoint]), statistics.median(b.cpu_us[endpoint])
        a_p99, b_p99 = statistics.median(a.p99_ms[endpoint]), statistics.median(b.p99_ms[endpoint])
        print(
            f"| {endpoint} | {a_rate:,.0f} | {b_rate:,.0f} | {b_rate / a_rate if a_rate else 0:.2f} "
            f"| {a_cpu:,.0f} | {b_cpu:,.0f} | {b_cpu / a_cpu if a_cpu else 0:.2f} | {a_p99:.1f} | {b_p99:.1f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
