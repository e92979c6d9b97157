"""Hostile clients at the connection level: an endless header, a head sent a byte at a time, more
silent connections than the process has file descriptors, stream clients that never read. The process
stays small, closes what it gives up on, and keeps answering its probes."""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from reliability_http import RawPool
from reliability_kit import Service, Services, order_body

from builders import encode, workflow_body

ENDLESS_BYTES = 50 * 1024 * 1024
PEAK_RSS_LIMIT_KIB = 200 * 1024
PROBE_DEADLINE_SECONDS = 1.0
"""/health/live must answer within this, under every attack here (it took 45 ms, 126 ms at worst)."""
CLIENT_TIMEOUT_SECONDS = 3
"""WFO_CLIENT_TIMEOUT_SECONDS of the services below that wait on a stalled client (10 by default)."""
CLIENT_TIMEOUT = {"WFO_CLIENT_TIMEOUT_SECONDS": str(CLIENT_TIMEOUT_SECONDS)}
CLOSE_DEADLINE_SECONDS = 60.0
"""Liveness bound: what the service gives up on is closed well within this (one or two client timeouts)."""
FD_LIMIT = 256
SILENT_CONNECTIONS = 300
STREAM_CAP = 20
STREAM_CLIENTS = 100
ORDERS = 2500
"""Enough events to fill what the kernel buffers for a stream that is not read (~200 KiB), then the
subscriber's buffer (1,000 events)."""


class Prober:
    """GET /health/live on a new connection every quarter of a second, as a kubelet would, in a thread."""

    def __init__(self, service: Service) -> None:
        self._url = f"{service.base_url}/health/live"
        self.answers: list[tuple[float, int | str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            started = time.perf_counter()
            try:
                status: int | str = httpx.get(self._url, timeout=PROBE_DEADLINE_SECONDS).status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
            self.answers.append((time.perf_counter() - started, status))

    @contextlib.contextmanager
    def running(self) -> Iterator[Prober]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()

    def check(self, label: str) -> None:
        times = sorted(seconds for seconds, _ in self.answers)
        failed = [answer for answer in self.answers if answer[1] != 200 or answer[0] >= PROBE_DEADLINE_SECONDS]
        print(
            f"\n[{label}] /health/live: {len(times)} probes, median {times[len(times) // 2] * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms"
        )
        assert len(times) >= 8, "too few probes ran"
        assert not failed, f"{len(failed)} probes failed or were slow, e.g. {failed[:5]}"


def read_until_closed(sock: socket.socket, deadline: float) -> tuple[bytes, bool]:
    """What the server sends until it closes the connection (True), or until `deadline` (False)."""
    received = b""
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return received, True
        if not chunk:
            return received, True
        received += chunk
    return received, False


def connect(port: int, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    return sock


def all_closed_by_server(sockets: list[socket.socket], deadline: float) -> bool:
    """Whether the server closes every one of `sockets` before `deadline` (what it sent is discarded)."""
    remaining = set(sockets)
    while remaining and time.monotonic() < deadline:
        readable, _, _ = select.select(list(remaining), [], [], 0.5)
        for sock in readable:
            try:
                if not sock.recv(65536):
                    remaining.discard(sock)
            except ConnectionResetError:
                remaining.discard(sock)
    return not remaining


EARLIER_REQUEST = b"GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n"
"""A whole request sent first: the head under test is then a later one on a kept-alive connection."""
FIRST_OR_LATER = pytest.mark.parametrize("earlier", [b"", EARLIER_REQUEST], ids=["first request", "later request"])


def connect_after(port: int, earlier: bytes) -> socket.socket:
    """A connection on which `earlier`, when given, was sent and answered (a client that pipelines,
    sending its next request before the answer, may lose that answer to a refusal)."""
    sock = connect(port)
    if earlier:
        sock.sendall(earlier)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    return sock


@FIRST_OR_LATER
def test_an_endless_header_is_refused_with_431_and_the_connection_closed_early(services: Services, earlier: bytes):
    service = services.start()
    with connect_after(service.port, earlier) as sock:
        sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: test\r\nX-Endless: ")
        sent, chunk = 0, b"a" * 65536
        with contextlib.suppress(OSError):  # the server closed the connection: the rest cannot go
            sock.settimeout(30)
            while sent < ENDLESS_BYTES:
                sock.sendall(chunk)
                sent += len(chunk)
        answer, closed = read_until_closed(sock, time.monotonic() + 10)

    peak = service.peak_rss_kib()
    print(f"\n[endless header] sent {sent / 2**20:.1f} MiB before the close; peak VmRSS {peak / 1024:.0f} MiB")
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"application/problem+json" in answer
    assert closed
    assert sent < ENDLESS_BYTES, "the server read the whole header"
    assert peak < PEAK_RSS_LIMIT_KIB


@FIRST_OR_LATER
def test_a_head_sent_a_line_at_a_time_is_answered_408_and_closed(services: Services, earlier: bytes):
    service = services.start(env=CLIENT_TIMEOUT)
    started = time.monotonic()
    with connect_after(service.port, earlier) as sock:
        sock.sendall(b"GET /health/live HTTP/1.1\r\n")
        answer, closed = b"", False
        while not closed and time.monotonic() - started < CLOSE_DEADLINE_SECONDS:
            with contextlib.suppress(OSError):
                sock.sendall(b"X-Drip: 1\r\n")
            more, closed = read_until_closed(sock, time.monotonic() + 1)
            answer += more

    elapsed = time.monotonic() - started
    print(f"\n[slow head] answered and closed after {elapsed:.1f} s")
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"did not arrive within 3 seconds" in answer
    assert closed
    assert elapsed >= CLIENT_TIMEOUT_SECONDS


def post_head(length: int) -> bytes:
    return (
        f"POST /v1/workflows HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def test_a_body_that_stalls_is_answered_408_and_closed_and_nothing_is_written(services: Services):
    service = services.start(env=CLIENT_TIMEOUT)
    body = encode(workflow_body("slow body"))
    started = time.monotonic()
    with connect(service.port) as sock:
        sock.sendall(post_head(len(body)) + body[:20])
        answer, closed = read_until_closed(sock, started + CLOSE_DEADLINE_SECONDS)

    elapsed = time.monotonic() - started
    print(f"\n[stalled body] answered and closed after {elapsed:.1f} s")
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:300]
    assert b"application/problem+json" in answer
    assert b"did not arrive within 3 seconds" in answer
    assert elapsed >= CLIENT_TIMEOUT_SECONDS
    assert closed
    listed = httpx.get(f"{service.base_url}/v1/workflows", timeout=10.0).json()
    assert listed["total_count"] == 0


def test_a_body_sent_slowly_but_within_the_bound_is_served(services: Services):
    service = services.start(env=CLIENT_TIMEOUT)
    body = encode(workflow_body("patient body"))
    with connect(service.port) as sock:
        sock.sendall(post_head(len(body)))
        for start in range(0, len(body), len(body) // 3 + 1):
            time.sleep(CLIENT_TIMEOUT_SECONDS / 4)  # three parts: the whole body within 3/4 of the bound
            sock.sendall(body[start : start + len(body) // 3 + 1])
        sock.settimeout(30)
        answer = sock.recv(65536)

    assert answer.startswith(b"HTTP/1.1 201 "), answer[:300]


def test_more_silent_connections_than_file_descriptors_leave_the_probes_answering(services: Services):
    service = services.start(env=CLIENT_TIMEOUT, fd_limit=FD_LIMIT)
    baseline = service.open_fds()
    silent: list[socket.socket] = []
    try:
        with Prober(service).running() as prober:
            for _ in range(SILENT_CONNECTIONS):
                silent.append(connect(service.port))
                time.sleep(0.005)
            time.sleep(3)
            closed = all_closed_by_server(silent, time.monotonic() + CLOSE_DEADLINE_SECONDS)
            fds = service.open_fds()
        prober.check("silent connections")
    finally:
        for sock in silent:
            sock.close()
    print(f"[silent connections] open fds: {baseline} before, {fds} after")
    assert closed, "the server left silent connections open"
    assert fds <= baseline + 4


def test_stream_clients_that_never_read_are_closed_and_their_descriptors_released(services: Services):
    service = services.start(env={"WFO_STREAM_MAX_SUBSCRIBERS": str(STREAM_CAP)} | CLIENT_TIMEOUT)
    baseline = service.open_fds()
    streams: list[socket.socket] = []
    try:
        with Prober(service).running() as prober:
            workflow_id = asyncio.run(create_workflow(service))
            for _ in range(STREAM_CLIENTS):
                sock = connect(service.port, receive_buffer=4096)
                sock.sendall(b"GET /v1/orders/stream HTTP/1.1\r\nHost: test\r\n\r\n")
                streams.append(sock)
            time.sleep(1)
            peak_fds = service.open_fds()
            asyncio.run(record_orders(service, workflow_id, ORDERS))
            closed = all_closed_by_server(streams, time.monotonic() + CLOSE_DEADLINE_SECONDS)
            fds = service.open_fds()
        prober.check("streams never read")
        with connect(service.port) as sock:
            sock.sendall(b"GET /v1/orders/stream HTTP/1.1\r\nHost: test\r\n\r\n")
            sock.settimeout(5)
            status_line = sock.recv(100).split(b"\r\n", 1)[0]
    finally:
        for sock in streams:
            sock.close()
    print(f"[streams never read] open fds: {baseline} before, {peak_fds} with the clients, {fds} after")
    assert closed, "the server left streams it gave up on open"
    assert fds <= baseline + 4
    assert status_line == b"HTTP/1.1 200 OK", "the dropped streams still count against the limit"


async def create_workflow(service: Service) -> str:
    pool = RawPool(service.port, size=1)
    created = await pool.request("POST", "/v1/workflows", encode(workflow_body("connection limits")))
    await pool.close()
    assert created.status == 201, created.body
    return str(created.json()["id"])


async def record_orders(service: Service, workflow_id: str, count: int) -> None:
    pool = RawPool(service.port, size=4)
    target = f"/v1/workflows/{workflow_id}/orders"
    answers = await asyncio.gather(*(pool.request("POST", target, encode(order_body(None))) for _ in range(count)))
    await pool.close()
    assert {answer.status for answer in answers} == {201}


def test_past_the_connections_for_requests_only_probes_are_served(services: Services):
    # RLIMIT_NOFILE 96: a cap of 32 connections, 16 of them for requests other than probes.
    service = services.start(env={"WFO_STREAM_MAX_SUBSCRIBERS": "100"}, fd_limit=96)
    streams = [connect(service.port) for _ in range(16)]
    try:
        for sock in streams:
            sock.sendall(b"GET /v1/orders/stream HTTP/1.1\r\nHost: test\r\n\r\n")
            sock.settimeout(5)
            assert sock.recv(100).startswith(b"HTTP/1.1 200 "), "a stream was refused below the cap"
        refused = httpx.get(f"{service.base_url}/v1/workflows", timeout=5)
        live = httpx.get(f"{service.base_url}/health/live", timeout=5)
        metrics = httpx.get(f"{service.base_url}/metrics", timeout=5)
    finally:
        for sock in streams:
            sock.close()
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"]
    assert refused.headers["connection"] == "close"
    assert live.status_code == 200
    assert metrics.status_code == 200
