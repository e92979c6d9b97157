"""uvicorn's httptools protocol with bounds on what one connection may hold: its request head (size,
field count, time), its slot among the process's connections, and a response the client stops taking.

This is the one place the service bends uvicorn. It relies on these parts of HttpToolsProtocol
(uvicorn 0.54 and 0.55, whose httptools protocols differ only in details these do not touch; the
range is pinned in pyproject.toml; tests/reliability/test_connection_limits.py proves them): the
parser callbacks `on_message_begin`, `on_headers_complete` (which reads `self.url` and
`self.headers` and starts the app as `self.app`), the hook `on_response_complete`, the attributes
`transport`, `loop`, `pipeline` and `flow`, and the asyncio Protocol methods it implements.
"""

import asyncio
import socket
import struct
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app import refusals
from app.connection_limits import (
    MAX_HEAD_BYTES,
    MAX_HEADER_FIELDS,
    SEND_BUFFER_BYTES,
    is_probe,
)
from app.connection_registry import ConnectionRegistry

_LINGER_OFF = struct.pack("ii", 1, 0)
"""SO_LINGER on with a zero timeout: closing resets the connection and drops what it had to send."""


def bounded_protocol(registry: ConnectionRegistry, client_timeout: float) -> type[HttpToolsProtocol]:
    """The protocol class for uvicorn.Config(http=...), its connections counted in `registry`, waiting
    `client_timeout` seconds on a client that stops sending a head or taking a response."""
    attributes = {"registry": registry, "client_timeout": client_timeout}
    return type("BoundedHttpToolsProtocol", (BoundedHttpToolsProtocol,), attributes)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    registry: ClassVar[ConnectionRegistry]
    client_timeout: ClassVar[float]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._reading_head = True
        """From the connection's start, or the first byte of a later request, to its head's end."""
        self._head_bytes = 0
        """Bytes of the reads that ended within the current head (an upper bound of its size)."""
        self._read_bytes = 0
        """Bytes of the read being parsed."""
        self._head_timer: asyncio.TimerHandle | None = None
        self._stall_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        # Pause the app's writes as soon as the kernel refuses bytes, so that a client that stops
        # reading is noticed (pause_writing) whatever the size of the response.
        transport.set_write_buffer_limits(high=0)
        if not self.registry.opened(self):
            transport.close()
            return
        self._head_timer = self.loop.call_later(self.client_timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self.registry.closed(self)
        for timer in (self._head_timer, self._stall_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)

    def evict(self) -> None:
        self.transport.close()

    # The request head: its size, field count and time.

    def data_received(self, data: bytes) -> None:
        self._read_bytes = len(data)
        super().data_received(data)
        if self._reading_head and not self.transport.is_closing():
            # A head still incomplete after this read. The whole read counts: when a head begins in
            # it, after another request's end, the bound is met a little early; it is never exceeded
            # by more than one read.
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse(refusals.HEAD_TOO_LARGE)
            elif self._head_timer is None:  # a later request's head, arriving in pieces
                self._head_timer = self.loop.call_later(self.client_timeout, self._head_timed_out)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        # A later request on a kept-alive connection. Its head timer starts only if the head does
        # not arrive whole in the read that began it (see data_received): most heads do.
        self._reading_head, self._head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self._reading_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        refusal = self._head_refusal()
        if refusal is None:
            super().on_headers_complete()
            return
        # uvicorn runs the refusal as the app (its own answer to a full concurrency limit works the
        # same way): the request's body is read and dropped, then the connection closes.
        app, self.app = self.app, refusal.app(self.headers)
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def _head_refusal(self) -> refusals.Refusal | None:
        if len(self.headers) > MAX_HEADER_FIELDS:
            return refusals.TOO_MANY_FIELDS
        if self._head_bytes + self._read_bytes > MAX_HEAD_BYTES and self._exact_head_bytes() > MAX_HEAD_BYTES:
            return refusals.HEAD_TOO_LARGE
        if not self.registry.head_received(self, probe=is_probe(self.url)):
            return refusals.NO_ROOM
        return None

    def _exact_head_bytes(self) -> int:
        """The head's size as parsed: needed only when the reads it came in were larger than the bound
        (they may also have held a body, or other requests)."""
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)

    def on_response_complete(self) -> None:
        if not self.pipeline:
            self.registry.waiting_again(self)
        super().on_response_complete()

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_bytes == 0:
            self.transport.close()  # nothing was asked: nothing to answer
        else:
            self._refuse(refusals.head_too_slow(self.client_timeout))

    def _refuse(self, refusal: refusals.Refusal) -> None:
        """Answer a request whose head never arrived whole, and close."""
        self.transport.write(refusal.raw())
        self.transport.close()

    # A response the client stops taking.

    def pause_writing(self) -> None:
        super().pause_writing()
        self._watch_writes(self.transport.get_write_buffer_size())

    def resume_writing(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None
        super().resume_writing()

    def _watch_writes(self, buffered: int) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
        self._stall_timer = self.loop.call_later(self.client_timeout, self._check_writes, buffered)

    def _check_writes(self, buffered_before: int) -> None:
        """Writes are paused (the app waits): reset the connection unless the client took some bytes."""
        buffered = self.transport.get_write_buffer_size()
        if buffered < buffered_before:
            self._watch_writes(buffered)
            return
        self._stall_timer = None
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_OFF)
        self.transport.abort()
