"""Draining before a stop: readiness turns 503 and every response asks the client to reconnect."""

from typing import Any

from litestar.types import Message, Scope


class ShutdownState:
    """Set to draining when a stop was asked for; the server stops listening a little later."""

    def __init__(self) -> None:
        self.draining = False

    def start_draining(self) -> None:
        self.draining = True

    async def close_connections_while_draining(self, message: Message, _: Scope) -> None:
        """Litestar before_send hook: `Connection: close`, so no keep-alive request is cut off later."""
        if self.draining and message["type"] == "http.response.start":
            headers: Any = message.setdefault("headers", [])
            headers.append((b"connection", b"close"))
