"""Draining before a stop: readiness turns 503 and every response asks the client to reconnect
(the `Connection: close` header is added by adapters.http.observe)."""


class ShutdownState:
    """Set to draining when a stop was asked for; the server stops listening a little later."""

    def __init__(self) -> None:
        self.draining = False

    def start_draining(self) -> None:
        self.draining = True
