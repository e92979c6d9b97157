"""BodyCache: encoded bodies by tag within a bound in bytes, least recently used dropped first, and
its hits, misses, evictions and bytes in /metrics."""

import pytest

from adapters.body_cache import ENTRY_OVERHEAD, BodyCache
from adapters.telemetry.metrics import Metrics

BODY = b"x" * 1000
ONE = len(BODY) + ENTRY_OVERHEAD


def sample(metrics: Metrics, name: str) -> float:
    value = metrics.registry.get_sample_value(name)
    assert value is not None, name
    return value


def test_bodies_are_kept_within_the_bound_in_bytes_dropping_the_least_recently_used():
    metrics = Metrics()
    cache = BodyCache(3 * ONE, metrics)
    for tag in ("a", "b", "c"):
        cache.put(tag, BODY)
    assert cache.get("a") == BODY  # "b" is now the least recently used

    cache.put("d", BODY)

    assert (cache.get("b"), cache.get("a"), cache.get("c"), cache.get("d")) == (None, BODY, BODY, BODY)
    assert cache.size == 3 * ONE
    assert sample(metrics, "workflow_orders_body_cache_evictions_total") == 1
    assert sample(metrics, "workflow_orders_body_cache_bytes") == 3 * ONE


def test_one_large_body_makes_room_by_dropping_as_many_as_needed_and_a_too_large_one_is_not_kept():
    metrics = Metrics()
    cache = BodyCache(3 * ONE, metrics)
    for tag in ("a", "b", "c"):
        cache.put(tag, BODY)

    cache.put("large", b"y" * (2 * ONE))
    cache.put("huge", b"z" * (3 * ONE))

    assert len(cache) == 1
    assert cache.get("large") == b"y" * (2 * ONE)
    assert cache.get("huge") is None
    assert cache.size <= cache.capacity
    assert sample(metrics, "workflow_orders_body_cache_evictions_total") == 3


def test_putting_a_tag_again_replaces_its_body_without_counting_it_twice():
    cache = BodyCache(10 * ONE, Metrics())
    cache.put("a", BODY)
    cache.put("a", BODY)
    assert (len(cache), cache.size) == (1, ONE)


def test_hits_and_misses_are_counted():
    metrics = Metrics()
    cache = BodyCache(3 * ONE, metrics)
    cache.put("a", BODY)

    cache.get("a")
    cache.get("a")
    cache.get("nothing")

    assert sample(metrics, "workflow_orders_body_cache_hits_total") == 2
    assert sample(metrics, "workflow_orders_body_cache_misses_total") == 1


def test_a_capacity_of_zero_keeps_and_counts_nothing():
    metrics = Metrics()
    cache = BodyCache(0, metrics)
    cache.put("a", BODY)
    assert cache.get("a") is None
    assert len(cache) == 0
    assert sample(metrics, "workflow_orders_body_cache_misses_total") == 0


def test_a_negative_capacity_is_refused():
    with pytest.raises(ValueError, match="capacity"):
        BodyCache(-1, Metrics())
