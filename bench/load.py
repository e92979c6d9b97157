"""Load generators: wrk (with bench/lua/bench.lua), or a small asyncio HTTP/1.1 client when wrk is missing.

Both keep `connections` keep-alive connections busy for `seconds`, each connection sending its next
request as soon as the previous answer arrived, and report the same figures (LoadResult).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

LUA_SCRIPT = Path(__file__).parent / "lua" / "bench.lua"
GET, ORDER, REVALIDATE = "get", "order", "revalidate"
"""Modes: GET each path; POST a new order to each path; GET each `path<TAB>etag` with If-None-Match."""
"""Modes: GET every path in turn; POST an order (fresh uuid4 id) to every path in turn."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    non_2xx: int
    """Answers with a status of 400 or more."""
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    base_url: str,
    mode: str,
    paths: Sequence[str],
    *,
    connections: int,
    seconds: float,
    seed: int,
    cpu_prefix: Sequence[str] = (),
) -> LoadResult:
    """One wrk run (one thread: the load generator has one CPU of its own)."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        command = [
            *cpu_prefix,
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            base_url + paths[0].partition("\t")[0],
            "--",
            mode,
            listing.name,
            str(seed),
        ]
        finished = subprocess.run(  # noqa: S603 - wrk with arguments built here
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    finally:
        Path(listing.name).unlink(missing_ok=True)
    for line in finished.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            figures = json.loads(line.removeprefix("BENCH_RESULT "))
            return LoadResult(
                requests=int(figures["requests"]),
                seconds=figures["duration_us"] / 1e6,
                non_2xx=int(figures["non_2xx"]),
                socket_errors=int(figures["socket_errors"]),
                p50_ms=figures["p50_us"] / 1000,
                p99_ms=figures["p99_us"] / 1000,
            )
    raise RuntimeError(f"wrk gave no result (exit {finished.returncode}):\n{finished.stdout}\n{finished.stderr}")


ORDER_BODY = (
    '{{"id":"{id}","order_code":"GER40.I","order_price":18250.25,"order_quantity":10,'
    '"order_direction":"{direction}","order_type":"LIMIT","asset_type":"CfdOnIndex","trigger_close":0,'
    '"execution_context":"bench"}}'
)
"""The body bench/lua/bench.lua sends in "order" mode."""


def run_load(
    use_wrk: bool,
    base_url: str,
    mode: str,
    paths: Sequence[str],
    *,
    connections: int,
    seconds: float,
    seed: int,
    cpu_prefix: Sequence[str] = (),
) -> LoadResult:
    """One run of wrk when `use_wrk` (seeded, under `cpu_prefix`), else of the Python generator."""
    if use_wrk:
        return run_wrk(
            base_url, mode, paths, connections=connections, seconds=seconds, seed=seed, cpu_prefix=cpu_prefix
        )
    return run_python(base_url, mode, paths, connections=connections, seconds=seconds)


def run_python(base_url: str, mode: str, paths: Sequence[str], *, connections: int, seconds: float) -> LoadResult:
    """The fallback load generator: asyncio (uvloop when installed), raw sockets, HTTP/1.1 keep-alive.

    Slower than wrk: near the framework ceiling it can be the bottleneck itself, so ratios that
    come close to 1 understate the service. Run it on a CPU of its own (bench/run.py pins itself).
    """
    run = _PythonRun(base_url, mode, paths, seconds)
    try:
        import uvloop

        return uvloop.run(run.main(connections))
    except ImportError:
        return asyncio.run(run.main(connections))


def _get_request(line: str, host_header: str) -> bytes:
    """A GET of `path`, or of `path<TAB>etag` with If-None-Match."""
    path, _, tag = line.partition("\t")
    condition = f"If-None-Match: {tag}\r\n" if tag else ""
    return f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\n{condition}\r\n".encode()


class _PythonRun:
    def __init__(self, base_url: str, mode: str, paths: Sequence[str], seconds: float) -> None:
        url = urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        host_header = f"{self.host}:{self.port}"
        self.seconds = seconds
        self.latencies: list[float] = []
        self.non_2xx = 0
        self.socket_errors = 0
        self.deadline = 0.0
        self._next = 0
        self._paths = list(paths)
        if mode in (GET, REVALIDATE):
            prepared = [_get_request(line, host_header) for line in paths]
            self.next_request: Callable[[], bytes] = lambda: prepared[self._advance()]
        else:
            self._host_header = host_header
            self.next_request = self._order_request

    def _advance(self) -> int:
        index = self._next
        self._next = (index + 1) % len(self._paths)
        return index

    def _order_request(self) -> bytes:
        index = self._advance()
        body = ORDER_BODY.format(id=uuid.uuid4(), direction="BUY" if index % 2 else "SELL").encode()
        head = (
            f"POST {self._paths[index]} HTTP/1.1\r\nHost: {self._host_header}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    @property
    def running(self) -> bool:
        return time.perf_counter() < self.deadline

    async def main(self, connections: int) -> LoadResult:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        self.deadline = started + self.seconds
        finished: list[asyncio.Future[None]] = []
        for _ in range(connections):
            done: asyncio.Future[None] = loop.create_future()
            try:
                await loop.create_connection(lambda done=done: _Connection(self, done), self.host, self.port)
            except OSError:
                self.socket_errors += 1
                continue
            finished.append(done)
        try:
            await asyncio.wait_for(asyncio.gather(*finished), self.seconds + 15)
        except TimeoutError:  # a connection the server never answered: counted, not waited for
            self.socket_errors += sum(not done.done() for done in finished)
        elapsed = time.perf_counter() - started
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0

        return LoadResult(
            requests=len(ordered),
            seconds=elapsed,
            non_2xx=self.non_2xx,
            socket_errors=self.socket_errors,
            p50_ms=percentile(0.50),
            p99_ms=percentile(0.99),
        )


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request, its whole answer, the next request, until the deadline."""

    def __init__(self, run: _PythonRun, done: asyncio.Future[None]) -> None:
        self._run, self._done = run, done
        self._buffer = bytearray()
        self._sent_at = 0.0
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not an asyncio.Transport subclass
        self._send()

    def _send(self) -> None:
        assert self._transport is not None
        self._sent_at = time.perf_counter()
        self._transport.write(self._run.next_request())

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self._buffer[:head_end]).lower()
        marker = head.find(b"\r\ncontent-length:")
        length = 0
        if marker >= 0:
            line_end = head.find(b"\r\n", marker + 2)
            length = int(head[marker + 17 : line_end if line_end >= 0 else len(head)])
        total = head_end + 4 + length
        if len(self._buffer) < total:
            return
        del self._buffer[:total]
        self._run.latencies.append(time.perf_counter() - self._sent_at)
        if int(head[9:12]) >= 400:
            self._run.non_2xx += 1
        if self._run.running:
            self._send()
        elif self._transport is not None:
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._run.running:
            self._run.socket_errors += 1
        if not self._done.done():
            self._done.set_result(None)
