"""A second event loop, and a TCP proxy on it that can forward, hang or refuse at any moment."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundLoop:
    """An asyncio loop on a thread of its own: proxies keep serving while the test's loop is blocked
    (starting a service waits synchronously for its readiness, which goes through the proxy)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="reliability-proxies", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(self, fn: Any, *args: Any) -> Any:
        async def in_loop() -> Any:
            return fn(*args)

        return self.run(in_loop())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


class SwitchableTcpProxy:
    """A TCP proxy on a fixed loopback port in front of `upstream`, switchable at any moment between:

    - "forward": bytes go both ways, untouched;
    - "hang": connections are accepted and read, and never answered (a storage that hangs);
    - "refuse": nothing listens on the port (every connection is refused).

    Switching drops every open connection (with a reset), so pooled keep-alive connections of the
    service meet the new mode on their next request.

    `inject(fault)` makes the next new connection meet an HTTP-level fault instead (while forwarding):

    - "drop-answer": the request goes through, and once the upstream starts answering, the connection
      is reset: the upstream did the work (a write committed), the client never hears of it;
    - "lose-answer": the same, but the client's connection stays open and silent until it gives up
      (its read times out);
    - "unavailable": answered at once with a 503 problem and `Retry-After: 1`, nothing forwarded.
    """

    FORWARD, HANG, REFUSE = "forward", "hang", "refuse"
    DROP_ANSWER, LOSE_ANSWER, UNAVAILABLE = "drop-answer", "lose-answer", "unavailable"

    def __init__(self, upstream_url: str, background: BackgroundLoop) -> None:
        host_port = upstream_url.removeprefix("http://").rstrip("/")
        host, _, port = host_port.partition(":")
        self._upstream = (host, int(port))
        self._background = background
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self.mode = self.FORWARD
        self.port = 0
        self.accepted = 0
        self._faults: deque[str] = deque()
        background.run(self._listen())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def switch(self, mode: str) -> None:
        assert mode in (self.FORWARD, self.HANG, self.REFUSE), mode
        self._background.run(self._switch(mode))

    def inject(self, fault: str, connections: int = 1) -> None:
        """The next `connections` new connections meet `fault`; those after them are forwarded again."""
        assert fault in (self.DROP_ANSWER, self.LOSE_ANSWER, self.UNAVAILABLE), fault
        self._background.call(self._faults.extend, [fault] * connections)

    def close(self) -> None:
        self._background.run(self._switch(self.REFUSE))

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

    async def _switch(self, mode: str) -> None:
        self.mode = mode
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()
        if mode == self.REFUSE:
            if self._server is not None:
                self._server.close()
                self._server = None
        else:
            await self._listen()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._open.add(writer)
        try:
            if self.mode == self.HANG:
                while await reader.read(65536):
                    pass
                return
            fault = self._faults.popleft() if self._faults else None
            if fault == self.UNAVAILABLE:
                await _answer_unavailable(reader, writer)
                return
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
            self._open.add(up_writer)
            if fault is None:
                answer = _pipe(up_reader, writer)
            else:
                answer = _withhold_answer(up_reader, up_writer, writer if fault == self.DROP_ANSWER else None)
            try:
                await asyncio.gather(_pipe(reader, up_writer), answer)
            finally:
                self._open.discard(up_writer)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._open.discard(writer)
            writer.close()


async def _pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
    """Copy until the source ends, then close the target gracefully (its buffer is still sent)."""
    try:
        while data := await source.read(65536):
            target.write(data)
            await target.drain()
    except (ConnectionError, OSError):
        target.transport.abort()
    else:
        target.close()


async def _withhold_answer(
    source: asyncio.StreamReader, upstream: asyncio.StreamWriter, reset: asyncio.StreamWriter | None
) -> None:
    """Wait for the first byte of the upstream's answer, drop the upstream connection without passing the
    answer on, and reset the client's connection too when `reset` is given (else it stays silent)."""
    await source.read(1)
    upstream.transport.abort()
    if reset is not None:
        reset.transport.abort()


UNAVAILABLE_BODY = (
    b'{"type":"about:blank","title":"Storage unavailable","status":503,"detail":"injected by the test proxy"}'
)


async def _answer_unavailable(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read one whole HTTP/1.1 request (head and Content-Length body), answer 503 with Retry-After, close."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    writer.write(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\n"
        + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(UNAVAILABLE_BODY)
        + UNAVAILABLE_BODY
    )
    await writer.drain()
