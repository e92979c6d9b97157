"""The retry policy, and the decision whether an attempt's outcome is worth another attempt."""

from collections.abc import Callable
from dataclasses import dataclass

import httpx

RETRYABLE_TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
"""No answer came: a timeout, a refused or reset connection, a connection closed before the answer."""

RETRYABLE_STATUSES = frozenset({429, 503})
"""The service is unavailable (503), or this consumer's request budget is spent for now (429)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a retryable call is attempted.

    The n-th retry waits `backoff_base * 2**(n-1)` seconds, at most `backoff_cap`, of which the
    `jitter` fraction is drawn at random (1.0: anywhere between 0 and the full wait), so that
    callers failing together do not retry together. The `Retry-After` of a 503 or a 429 replaces
    that wait, still at most `backoff_cap`.
    """

    attempts: int = 4
    backoff_base: float = 0.2
    backoff_cap: float = 5.0
    jitter: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff_base < 0 or self.backoff_cap < 0:
            raise ValueError("backoff_base and backoff_cap must not be negative")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")

    def delay(self, retry: int, retry_after: float | None, random: Callable[[], float]) -> float:
        """Seconds to wait before the `retry`-th retry (1 for the first)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.backoff_cap)
        wait = min(self.backoff_cap, self.backoff_base * 2.0 ** (retry - 1))
        return wait * (1.0 - self.jitter * random())


NO_RETRIES = RetryPolicy(attempts=1)


def is_retryable(outcome: httpx.Response | httpx.TransportError) -> bool:
    """True when trying again may succeed and cannot do harm twice (the call itself must be idempotent)."""
    if isinstance(outcome, httpx.Response):
        return outcome.status_code in RETRYABLE_STATUSES
    return isinstance(outcome, RETRYABLE_TRANSPORT_ERRORS)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds; None when absent or given as a date (the service sends seconds)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
