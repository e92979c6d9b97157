"""BodyCache: one encoded body per subject, served under its tag, within a bound in bytes (least
recently used dropped first), a fresh-until instant for bodies that need no revision, and its hits,
misses, evictions and bytes in /metrics."""

import pytest

from adapters.body_cache import ENTRY_OVERHEAD, BodyCache
from adapters.telemetry.metrics import Metrics

BODY = b"x" * 1000
ONE = len(BODY) + ENTRY_OVERHEAD


class SetClock:
    def __init__(self, now: int = 1_000) -> None:
        self.value = now

    def now(self) -> int:
        return self.value


def sample(metrics: Metrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name)
    assert value is not None, name
    return value


def cache_of(capacity: int, metrics: Metrics | None = None, clock: SetClock | None = None) -> BodyCache:
    return BodyCache(capacity, metrics or Metrics(), clock or SetClock())


def test_bodies_are_kept_within_the_bound_in_bytes_dropping_the_least_recently_used():
    metrics = Metrics()
    cache = cache_of(3 * ONE, metrics)
    for subject in ("a", "b", "c"):
        cache.put(subject, f"tag-{subject}", BODY)
    assert cache.body("a", "tag-a") == BODY  # "b" is now the least recently used

    cache.put("d", "tag-d", BODY)

    assert [cache.holds(subject) for subject in "abcd"] == [True, False, True, True]
    assert cache.size == 3 * ONE
    assert sample(metrics, "workflow_orders_body_cache_evictions_total") == 1
    assert sample(metrics, "workflow_orders_body_cache_bytes") == 3 * ONE


def test_one_large_body_makes_room_by_dropping_as_many_as_needed_and_a_too_large_one_is_not_kept():
    metrics = Metrics()
    cache = cache_of(3 * ONE, metrics)
    for subject in ("a", "b", "c"):
        cache.put(subject, "t", BODY)

    cache.put("large", "t", b"y" * (2 * ONE))
    cache.put("huge", "t", b"z" * (3 * ONE))

    assert len(cache) == 1
    assert cache.body("large", "t") == b"y" * (2 * ONE)
    assert not cache.holds("huge")
    assert cache.size <= cache.capacity
    assert sample(metrics, "workflow_orders_body_cache_evictions_total") == 3


def test_a_subject_keeps_one_body_the_last_one_put_and_serves_it_under_its_own_tag_only():
    metrics = Metrics()
    cache = cache_of(10 * ONE, metrics)
    cache.put(("history", "w1"), "revision-1", BODY)
    cache.put(("history", "w1"), "revision-2", b"newer")

    assert (len(cache), cache.size) == (1, len(b"newer") + ENTRY_OVERHEAD)
    assert cache.body(("history", "w1"), "revision-1") is None  # a miss: kept under another tag
    assert cache.body(("history", "w1"), "revision-2") == b"newer"
    assert cache.body(("history", "w2"), "revision-2") is None
    assert sample(metrics, "workflow_orders_body_cache_hits_total") == 1
    assert sample(metrics, "workflow_orders_body_cache_misses_total") == 2


def test_a_body_kept_until_an_instant_is_gone_from_that_instant_on():
    clock = SetClock(now=1_000)
    cache = cache_of(10 * ONE, clock=clock)
    cache.put(("order", "o1"), "t", BODY, fresh_until=1_010)

    clock.value = 1_009
    assert cache.body(("order", "o1"), "t") == BODY
    clock.value = 1_010
    assert not cache.holds(("order", "o1"))
    assert cache.body(("order", "o1"), "t") is None
    assert (len(cache), cache.size) == (0, 0)


def test_a_capacity_of_zero_keeps_and_counts_nothing():
    metrics = Metrics()
    cache = cache_of(0, metrics)
    cache.put("a", "t", BODY)
    assert cache.body("a", "t") is None
    assert len(cache) == 0
    assert sample(metrics, "workflow_orders_body_cache_misses_total") == 0


def test_a_negative_capacity_is_refused():
    with pytest.raises(ValueError, match="capacity"):
        cache_of(-1)
