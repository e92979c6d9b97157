"""Draining before a stop: readiness turns 503, every response asks the client to reconnect (the
`Connection: close` header is added by adapters.http.observe), and long-lived streams end."""

import asyncio
from collections.abc import Callable


class ShutdownState:
    """Set to draining when a stop was asked for; the server stops listening a little later."""

    def __init__(self) -> None:
        self.draining = False
        self._on_drain: list[tuple[asyncio.AbstractEventLoop, Callable[[], None]]] = []

    def on_drain(self, callback: Callable[[], None]) -> None:
        """Call `callback` on the running event loop when draining starts."""
        self._on_drain.append((asyncio.get_running_loop(), callback))

    def start_draining(self) -> None:
        """Safe to call from a signal handler or another thread: callbacks run on their loop."""
        self.draining = True
        for loop, callback in self._on_drain:
            if not loop.is_closed():
                loop.call_soon_threadsafe(callback)
