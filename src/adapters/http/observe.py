"""One outermost step per HTTP request: request id, draining header, metrics and the access log.

It wraps the whole Litestar app, so unknown routes and errors raised before any handler get the
same treatment as routed requests, and a request pays for one send wrapper instead of a middleware
plus before-send hooks.
"""

import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol

import structlog
from litestar import Litestar
from litestar.types import Message, Receive, Scope, Send

from adapters.http.body_deadline import has_body, within_body_deadline
from adapters.http.fair_use_gate import FairUseGate
from adapters.http.head import answer_head
from adapters.http.request_id import CURRENT_REQUEST_ID, HEADER, choose_request_id
from adapters.http.shutdown import ShutdownState
from adapters.telemetry.metrics import Metrics

UNMATCHED = "unmatched"
"""The route label of a request no route matched."""
PROBES = ("/health/live", "/health/ready")
"""Routes without an access log line (the kubelet calls them every few seconds); still counted."""
RATE_LIMITED = 429
"""Refused by the fair-use gate: counted, not logged (a consumer far past its budget would otherwise
write the log's lines, and pay a fifth of a refusal's cost in them)."""
_CONNECTION_CLOSE = (b"connection", b"close")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Method labels as sent; any other method a client invents is labelled "other"."""

ASGICall = Callable[[Scope, Receive, Send], Awaitable[None]]


class Observer(Protocol):
    """Runs one HTTP request through `app`, observing it on the way."""

    async def observe(self, app: ASGICall, scope: Scope, receive: Receive, send: Send) -> None: ...


class RequestObserver:
    def __init__(self, metrics: Metrics, shutdown: ShutdownState, *, access_log: bool) -> None:
        self._metrics, self._shutdown, self._access_log = metrics, shutdown, access_log
        self._logger = structlog.get_logger("workflow_orders.access")

    async def observe(self, app: ASGICall, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = choose_request_id(scope["headers"])
        status = 500
        shutdown = self._shutdown

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers: Any = message.setdefault("headers", [])
                headers.append((HEADER, request_id))
                if shutdown.draining:
                    headers.append(_CONNECTION_CLOSE)
            await send(message)

        token = CURRENT_REQUEST_ID.set(request_id.decode())
        try:
            await app(scope, receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - started
            route: str = scope.get("path_template") or UNMATCHED
            method: str = scope["method"]  # type: ignore[typeddict-item]
            self._metrics.observe_request(method if method in METHODS else "other", route, status, seconds)
            if self._access_log and route not in PROBES and status != RATE_LIMITED:
                self._logger.info(
                    "request", method=method, route=route, status=status, duration_ms=round(seconds * 1000, 3)
                )
            CURRENT_REQUEST_ID.reset(token)


class ObservedLitestar(Litestar):
    """Litestar whose HTTP requests all pass through `observer`, and those of the API through the
    fair-use `gate` inside it; a request body must arrive within `body_seconds` (all three set once,
    after construction)."""

    observer: Observer | None = None
    gate: FairUseGate | None = None
    body_seconds: float = 10.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        observer = self.observer
        if observer is None or scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        app: ASGICall = super().__call__
        gate = self.gate
        if gate is not None and gate.applies_to(scope):
            app = partial(gate, app)
        if has_body(scope):
            app = partial(within_body_deadline, self.body_seconds, app)
        elif scope["method"] == "HEAD":
            app = partial(answer_head, app)
        await observer.observe(app, scope, receive, send)
