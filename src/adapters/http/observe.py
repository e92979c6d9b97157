"""Per-request observation: one access log line, request metrics, and the request id bound to logs."""

import time
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.request_id import CURRENT_REQUEST_ID, request_id_of
from adapters.telemetry.metrics import Metrics


def observe_requests(metrics: Metrics, access_log: bool) -> Any:
    """A Litestar middleware factory: wraps every routed handler (unknown paths are not observed)."""
    logger = structlog.get_logger("workflow_orders.access")

    def middleware(app: ASGIApp) -> ASGIApp:
        async def observed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":  # type: ignore[comparison-overlap]
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500
            request_id = request_id_of(scope).decode()

            async def send_and_note_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            token = CURRENT_REQUEST_ID.set(request_id)
            try:
                await app(scope, receive, send_and_note_status)
            finally:
                seconds = time.perf_counter() - started
                route = scope.get("path_template") or "unmatched"
                method: str = scope["method"]  # type: ignore[typeddict-item]
                metrics.observe_request(method, route, status, seconds)
                if access_log:
                    logger.info(
                        "request",
                        method=method,
                        route=route,
                        status=status,
                        duration_ms=round(seconds * 1000, 3),
                    )
                CURRENT_REQUEST_ID.reset(token)

        return observed

    return middleware
