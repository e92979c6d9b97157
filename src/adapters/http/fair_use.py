"""Fair use per consumer: a token bucket for each consumer key, in a table of bounded size."""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from adapters.bounded_cache import BoundedCache

CONSUMERS_REMEMBERED = 10_000
"""Buckets kept at most (the least recently seen consumer's is dropped first): a flood of client
addresses cannot grow memory past this. A consumer whose bucket was dropped starts again full."""
POLICY_NAME = "consumer"


@dataclass(frozen=True, slots=True)
class Budget:
    """`per_second` requests a second, sustained, and up to `burst` at once."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a budget needs a positive rate and a burst of at least 1")

    @property
    def policy(self) -> str:
        """The RateLimit-Policy field (IETF httpapi ratelimit-headers draft): the quota `q` a
        consumer has in a window of `w` seconds, the time an empty bucket takes to fill again."""
        return f'"{POLICY_NAME}";q={self.burst};w={max(1, math.ceil(self.burst / self.per_second))}'


@dataclass(frozen=True, slots=True)
class Decision:
    """One request's answer: `allowed` or not, what is left (`remaining` requests now, `reset`
    seconds until the bucket is full) and, when refused, `retry_after` seconds until one fits."""

    allowed: bool
    remaining: int
    reset: int
    retry_after: int

    @property
    def state(self) -> str:
        """The RateLimit field: `r` requests remaining, `t` seconds until the quota is whole again."""
        return f'"{POLICY_NAME}";r={self.remaining};t={self.reset}'


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class FairUse:
    """Token buckets by consumer key (a hash of its token, or its address; never a raw token).
    Each request takes one token; a bucket refills at the budget's rate up to its burst. Used from
    the event loop only (not thread-safe), which makes each take atomic."""

    def __init__(
        self,
        budget: Budget,
        *,
        capacity: int = CONSUMERS_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self._clock = clock
        self._buckets: BoundedCache[str, _Bucket] = BoundedCache("request budgets by consumer key", capacity)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, consumer: str) -> Decision:
        """Spend one request of `consumer`'s budget, if it has one left."""
        now, rate, burst = self._clock(), self.budget.per_second, self.budget.burst
        bucket = self._buckets.get(consumer)
        if bucket is None:
            bucket = _Bucket(float(burst), now)
            self._buckets.put(consumer, bucket)
        else:
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        retry_after = 0 if allowed else max(1, math.ceil((1.0 - bucket.tokens) / rate))
        reset = math.ceil((burst - bucket.tokens) / rate)
        return Decision(allowed, int(bucket.tokens), reset, retry_after)
