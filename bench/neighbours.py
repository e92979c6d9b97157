"""A greedy neighbour: does one consumer far past its budget slow another one down?

    python -m bench.neighbours                     # budget 100/s, the greedy one sends ten times that
    python -m bench.neighbours --budget 50 --times 20 --seconds 5 --rounds 3

The service (SQLite, `workflow-orders serve`, pinned to the server CPU) knows two tokens. The modest
consumer reads a history page every 25 ms on one connection, well inside its budget, and records
each answer's latency. In alternate slices (alone, beside, beside, alone, ...) a greedy consumer, in
a process of its own on the load CPU, sends `times` times its budget a second over ten connections. It
prints the modest consumer's median and p99 in each condition, and what the greedy one got.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.processes import LOAD_CPU, UVICORN, free_port, pin_this_process, server_command, service_env, start_server
from bench.seed import seed

GREEDY, MODEST = "greedy-bench-token", "modest-bench-token"
MODEST_INTERVAL = 0.025
GREEDY_CONNECTIONS = 10


async def paced_requests(
    port: int, path: str, token: str, per_second: float, seconds: float, connections: int
) -> tuple[list[float], Counter[int]]:
    """`connections` keep-alive connections that together send `per_second` GET requests a second
    (each waits for its answer) for `seconds`; the latency of each answer and the statuses."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nAccept: */*\r\n\r\n"
    ).encode()
    interval = connections / per_second
    latencies: list[float] = []
    statuses = Counter[int]()
    deadline = time.monotonic() + seconds

    async def connection(offset: float) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        next_send = time.monotonic() + offset
        try:
            while next_send < deadline:
                await asyncio.sleep(max(0.0, next_send - time.monotonic()))
                sent = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - sent)
                statuses[int(head.split(b" ", 2)[1])] += 1
                next_send += interval
        finally:
            writer.close()

    await asyncio.gather(*(connection(i * interval / connections) for i in range(connections)))
    return latencies, statuses


def greedy_process(port: int, path: str, per_second: float, seconds: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    pin_this_process(LOAD_CPU)
    _, statuses = asyncio.run(paced_requests(port, path, GREEDY, per_second, seconds, GREEDY_CONNECTIONS))
    results.put(dict(statuses))


def measure(port: int, path: str, seconds: float, greedy_per_second: float | None) -> tuple[list[float], Counter[int]]:
    """The modest consumer's latencies over one slice, with or without the greedy one beside it."""
    greedy_statuses = Counter[int]()
    forked = multiprocessing.get_context("fork")
    results = forked.Queue()
    greedy = None
    if greedy_per_second is not None:
        greedy = forked.Process(target=greedy_process, args=(port, path, greedy_per_second, seconds + 1.0, results))
        greedy.start()
        time.sleep(0.5)  # past its burst
    latencies, modest = asyncio.run(paced_requests(port, path, MODEST, 1 / MODEST_INTERVAL, seconds, 1))
    if greedy is not None:
        greedy_statuses.update(results.get(timeout=seconds + 30))
        greedy.join(timeout=30)
    if set(modest) != {200}:
        raise RuntimeError(f"the modest consumer got {dict(modest)}")
    return latencies, greedy_statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=100, help="requests a second per consumer (also the burst)")
    parser.add_argument("--times", type=float, default=10.0, help="the greedy consumer's rate, in budgets")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one slice")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of slices (alone, beside)")
    args = parser.parse_args(argv)
    pin_this_process(LOAD_CPU)
    env = service_env(
        {
            "WFO_AUTH_TOKENS": f"{GREEDY}=read,{MODEST}=write",
            "WFO_RATE_LIMIT_PER_SECOND": str(args.budget),
            "WFO_RATE_LIMIT_BURST": str(args.budget),
        }
    )
    with tempfile.TemporaryDirectory() as directory:
        env["WFO_SQLITE_PATH"] = str(Path(directory) / "orders.db")
        port = free_port()
        server = start_server(
            "service", server_command(UVICORN, "service", port), env, "/health/ready", port, Path(directory)
        )
        try:
            seeded = asyncio.run(
                seed(server.base_url, first_number=1, workflows=1, orders_per_workflow=[60], seed_value=7, token=MODEST)
            )
            path = f"/v1/workflows/{seeded.workflow_ids[0]}/orders?limit=20"
            time.sleep(1.0)  # the modest budget spent by seeding is whole again
            alone: list[float] = []
            beside: list[float] = []
            greedy = Counter[int]()
            for slot in range(2 * args.rounds):
                with_greedy = slot % 4 in (1, 2)  # alone, beside, beside, alone, ...
                latencies, statuses = measure(
                    port, path, args.seconds, args.budget * args.times if with_greedy else None
                )
                (beside if with_greedy else alone).extend(latencies)
                greedy.update(statuses)
        finally:
            server.stop()
    print(report(args, alone, beside, greedy))
    return 0


def report(args: argparse.Namespace, alone: list[float], beside: list[float], greedy: Counter[int]) -> str:
    def row(name: str, seconds: list[float]) -> str:
        cuts = statistics.quantiles(seconds, n=100)
        return f"| {name} | {len(seconds)} | {statistics.median(seconds) * 1000:.2f} | {cuts[98] * 1000:.2f} |"

    ratio = statistics.median(beside) / statistics.median(alone)
    return "\n".join(
        [
            f"budget {args.budget}/s per consumer; greedy at {args.times:g} times ({args.budget * args.times:g}/s), "
            f"{args.rounds} rounds of {args.seconds:g} s slices",
            "",
            "| modest consumer | answers | median ms | p99 ms |",
            "|---|---:|---:|---:|",
            row("alone", alone),
            row("beside the greedy one", beside),
            "",
            f"median beside ÷ alone: {ratio:.2f}; greedy answers: {dict(sorted(greedy.items()))}",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
