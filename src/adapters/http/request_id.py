"""Every response carries X-Request-ID: the caller's when it is sane, else a new one."""

import itertools
import os
import re
from collections.abc import Iterable, MutableMapping
from contextvars import ContextVar
from typing import Any

HEADER = b"x-request-id"
_SANE = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")

CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request being served by this task, for log lines (see add_request_id)."""


class _IdSource:
    """32 hex digits: a random 64-bit prefix per process, then a counter.

    Unique across processes and restarts like a uuid4, without a system call per request. The
    prefix is drawn again in a forked child, so two workers never share it.
    """

    def __init__(self) -> None:
        self._reseed()
        os.register_at_fork(after_in_child=self._reseed)

    def _reseed(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count(1)

    def next_id(self) -> bytes:
        return f"{self._prefix}{next(self._counter):016x}".encode()


_IDS = _IdSource()


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: every line logged while serving a request names that request."""
    request_id = CURRENT_REQUEST_ID.get()
    if request_id is not None:
        event["request_id"] = request_id
    return event


def choose_request_id(headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    """The caller's X-Request-ID when it is 1-128 characters of [A-Za-z0-9._:-], else a new id."""
    for name, value in headers:
        if name == HEADER:
            if _SANE.match(value):
                return value
            break
    return _IDS.next_id()
