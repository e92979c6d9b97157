"""A small Server-Sent Events client over httpx: what a browser's EventSource does with a stream,
for the stream tests (tests/integration/test_order_stream_process.py) and the stream benchmark
(bench/stream.py).

Test modules import this as `sse_client` (tests/ is on sys.path); the benchmark, run from the
repository root, imports it as `tests.sse_client`. So it imports only the standard library and
httpx. Lines end with LF, as the service writes them.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

EVENT_STREAM = "text/event-stream"
STREAM_PATH = "/v1/orders/stream"


@dataclass(frozen=True, slots=True)
class Event:
    """One dispatched event: its type, data and the stream's last event id when it came, and when
    the chunk that completed it arrived (time.perf_counter())."""

    event: str
    data: str
    id: str | None
    arrived: float


class StreamRefusedError(AssertionError):
    """The stream request was answered with something else than a 200 event stream."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"stream refused: {response.status_code} {response.headers} {response.text[:500]}")
        self.response = response


class EventStream:
    """An open event stream, read as it arrives: events in order, comments and `retry` noted."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.retry: int | None = None
        """The reconnection time the stream set (`retry:` field), in milliseconds."""
        self.last_event_id: str | None = None
        self.comments: list[str] = []
        """Every comment line's text (after the colon, without a leading space), in order."""
        self.ended = False
        self._chunks = response.aiter_bytes()
        self._buffer = b""
        self._event_type = "message"
        self._data: list[str] = []
        self._events: deque[Event] = deque()

    @property
    def buffered(self) -> list[Event]:
        """Events already read from the connection that next_event has not returned yet."""
        return list(self._events)

    async def connected(self) -> None:
        """Read until the `retry:` field, which the service sends first, once the subscription is in place."""
        while self.retry is None:
            if not await self._read_more():
                raise AssertionError("the stream ended before its retry field")

    async def next_event(self) -> Event | None:
        """The next event, or None when the stream ended."""
        while not self._events:
            if not await self._read_more():
                return None
        return self._events.popleft()

    async def next_comment(self) -> str:
        """Read until one more comment line arrives (events read meanwhile stay for next_event)."""
        seen = len(self.comments)
        while len(self.comments) == seen:
            if not await self._read_more():
                raise AssertionError("the stream ended before a comment")
        return self.comments[seen]

    async def _read_more(self) -> bool:
        if self.ended:
            return False
        try:
            chunk = await anext(self._chunks)
        except StopAsyncIteration:
            self.ended = True
            return False
        arrived = time.perf_counter()
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        for line in lines:
            self._line(line.decode(), arrived)
        return True

    def _line(self, line: str, arrived: float) -> None:
        """One line, as the SSE rules read it: fields and comments act as they come, and a blank
        line dispatches an event when it has data (else it only resets the event type)."""
        if not line:
            if self._data:
                self._events.append(Event(self._event_type, "\n".join(self._data), self.last_event_id, arrived))
            self._event_type, self._data = "message", []
            return
        if line.startswith(":"):
            self.comments.append(line[1:].removeprefix(" "))
            return
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event_type = value
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        elif name == "retry" and value.isdigit():
            self.retry = int(value)


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    *,
    params: Mapping[str, str] | None = None,
    last_event_id: str | None = None,
    path: str = STREAM_PATH,
    accept: str = EVENT_STREAM,
) -> AsyncIterator[EventStream]:
    """GET the stream (with a Last-Event-ID header when given), check it is a 200 event stream and
    read until it is connected; StreamRefusedError otherwise. The client should have no read timeout."""
    headers = {"accept": accept}
    if last_event_id is not None:
        headers["last-event-id"] = last_event_id
    async with client.stream("GET", path, params=params, headers=headers) as response:
        if response.status_code != 200 or response.headers.get("content-type", "").split(";")[0] != EVENT_STREAM:
            await response.aread()
            raise StreamRefusedError(response)
        stream = EventStream(response)
        await stream.connected()
        yield stream


def stream_client(base_url: str, connections: int) -> httpx.AsyncClient:
    """A client for `connections` streams at once: no read timeout (a stream is quiet between
    events). Plain HTTP on loopback: no CA bundle to load (`verify`), which takes 50 ms per client."""
    return httpx.AsyncClient(
        base_url=base_url,
        verify=False,
        timeout=httpx.Timeout(10.0, read=None),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=0),
    )
