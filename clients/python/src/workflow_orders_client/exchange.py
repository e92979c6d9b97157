"""The attempts of one call, decided without doing any I/O: the clients only send and sleep.

A client asks the Exchange for the next attempt (its delay and request), performs it, and reports
the outcome (an answer or a transport error); once there is no next attempt, `result()` gives the
value or raises the typed error.
"""

import dataclasses
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypedDict, TypeVar

import httpx

from workflow_orders_client import wire
from workflow_orders_client._version import __version__
from workflow_orders_client.calls import Call, HttpRequest
from workflow_orders_client.errors import ServiceUnreachable
from workflow_orders_client.retry import RetryPolicy, is_retryable, retry_after_seconds
from workflow_orders_client.tracing import Inject, find_injector

T = TypeVar("T")

Outcome = httpx.Response | httpx.TransportError


class RequestOptions(TypedDict):
    """The keyword arguments of `httpx.Client.request` (and of the async one) for an attempt."""

    params: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    content: bytes | None
    timeout: httpx.Timeout


@dataclass(frozen=True, slots=True)
class Attempt:
    delay: float
    """Seconds to wait before sending (0 for the first attempt)."""
    method: str
    url: str
    options: RequestOptions

    @property
    def headers(self) -> Mapping[str, str]:
        return self.options["headers"]

    @property
    def body(self) -> bytes | None:
        return self.options["content"]


class ClientCore:
    """What both clients share: where the service is, who calls it, and the retry policy."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        retry: RetryPolicy,
        timeout: httpx.Timeout,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {"accept": "application/json", "user-agent": f"workflow-orders-client/{__version__}"}
        if token is not None:
            self._headers["authorization"] = f"Bearer {token}"
        self._retry, self._timeout, self._random = retry, timeout, random_fraction
        self._inject: Inject = find_injector()

    @property
    def timeout(self) -> httpx.Timeout:
        return self._timeout

    @property
    def retry(self) -> RetryPolicy:
        return self._retry

    @property
    def random_fraction(self) -> Callable[[], float]:
        return self._random

    def exchange(self, call: Call[T]) -> "Exchange[T]":
        return Exchange(call, self.attempt(call.request), self._retry, self._random)

    def attempt(
        self, request: HttpRequest, accept: str = "application/json", timeout: httpx.Timeout | None = None
    ) -> Attempt:
        """The first attempt of a request: its URL, the client's headers, the caller's trace context."""
        headers = self._headers | {"accept": accept}
        if request.body is not None:
            headers["content-type"] = "application/json"
        self._inject(headers)  # the caller's current trace context, the same on every attempt
        options = RequestOptions(
            params=request.params, headers=headers, content=request.body, timeout=timeout or self._timeout
        )
        return Attempt(0.0, request.method, self._base_url + request.path, options)


class Exchange(Generic[T]):
    def __init__(self, call: Call[T], first: Attempt, retry: RetryPolicy, random_fraction: Callable[[], float]) -> None:
        self._call, self._retry, self._random = call, retry, random_fraction
        self._next: Attempt | None = first
        self._made = 0
        self._outcome: Outcome | None = None

    def next_attempt(self) -> Attempt | None:
        """The attempt to perform now; None when the outcome so far is final."""
        return self._next

    def record(self, outcome: Outcome) -> None:
        """What the attempt just performed gave: an answer, or the transport error it raised."""
        assert self._next is not None, "no attempt was due"
        self._made += 1
        self._outcome = outcome
        if self._call.retryable and self._made < self._retry.attempts and is_retryable(outcome):
            retry_after = retry_after_seconds(outcome) if isinstance(outcome, httpx.Response) else None
            delay = self._retry.delay(self._made, retry_after, self._random)
            self._next = dataclasses.replace(self._next, delay=delay)
        else:
            self._next = None

    @property
    def attempts_made(self) -> int:
        return self._made

    def result(self) -> T:
        """The value of the final answer, or the typed error for it."""
        outcome = self._outcome
        assert self._next is None, "the exchange is not finished"
        assert outcome is not None
        if isinstance(outcome, httpx.TransportError):
            raise ServiceUnreachable(f"no answer after {self._made} attempt(s): {outcome!r}") from outcome
        if outcome.is_success:
            return self._call.read(outcome)
        raise wire.problem_error(outcome)
