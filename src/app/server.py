"""uvicorn with a drain phase: on SIGTERM, keep serving (readiness 503, `Connection: close`) for a
few seconds, then stop listening and let in-flight requests finish."""

import asyncio
import gc
import signal
import socket
import threading
from types import FrameType

import uvicorn

from adapters.http.shutdown import ShutdownState

_LATE_REQUEST_GRACE_SECONDS = 0.3


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, shutdown: ShutdownState, drain_seconds: float) -> None:
        super().__init__(config)
        self._shutdown = shutdown
        self._drain_seconds = drain_seconds
        self._drain_timer: threading.Timer | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start (lifespan first: storage opened), then move the start-up heap (framework, routes,
        OpenAPI schema, clients) out of the cycle collector's reach: a full collection then walks
        only what requests allocate, instead of pausing every request for tens of milliseconds."""
        await super().startup(sockets)
        gc.collect()
        gc.freeze()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain_timer is not None or self._drain_seconds <= 0 or sig != signal.SIGTERM:
            super().handle_exit(sig, frame)
            return
        self._shutdown.start_draining()
        self._drain_timer = threading.Timer(self._drain_seconds, super().handle_exit, (sig, frame))
        self._drain_timer.daemon = True
        self._drain_timer.start()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop listening first, then give connections accepted a moment ago the time to deliver
        their request (and so count as busy, not idle) before uvicorn closes the idle ones."""
        for server in self.servers:
            server.close()
        await asyncio.sleep(_LATE_REQUEST_GRACE_SECONDS)
        await super().shutdown(sockets)
