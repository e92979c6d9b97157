"""Every response carries X-Request-ID: the caller's when it is sane, else a new one."""

import re
import uuid
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

from litestar.types import Message, Scope

HEADER = b"x-request-id"
_SANE = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")

CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being served by this task, for log lines (see add_request_id)."""


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: every line logged while serving a request names that request."""
    request_id = CURRENT_REQUEST_ID.get()
    if request_id is not None:
        event["request_id"] = request_id
    return event


def request_id_of(scope: Scope) -> bytes:
    """The request's id, chosen once per request and kept in the scope's state."""
    state: dict[str, Any] = scope.setdefault("state", {})
    request_id: bytes | None = state.get("request_id")
    if request_id is None:
        request_id = next((value for name, value in scope["headers"] if name == HEADER), b"")
        if not _SANE.match(request_id):
            request_id = uuid.uuid4().hex.encode()
        state["request_id"] = request_id
    return request_id


async def add_request_id_header(message: Message, scope: Scope) -> None:
    """Litestar before_send hook: runs for every response, unknown routes and errors included."""
    if message["type"] == "http.response.start":
        headers: Any = message.setdefault("headers", [])
        headers.append((HEADER, request_id_of(scope)))
