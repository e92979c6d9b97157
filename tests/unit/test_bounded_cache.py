"""BoundedCache: at most `capacity` entries, the least recently used one dropped first."""

import pytest

from adapters.bounded_cache import BoundedCache


def test_a_cache_keeps_what_was_put_until_it_is_discarded() -> None:
    cache: BoundedCache[str, int] = BoundedCache("numbers", capacity=2)
    cache.put("a", 1)

    assert cache.get("a") == 1
    cache.discard("a")
    assert cache.get("a") is None
    cache.discard("a")  # discarding what is not there is fine


def test_a_full_cache_drops_the_least_recently_used_entry() -> None:
    cache: BoundedCache[str, int] = BoundedCache("numbers", capacity=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")  # "b" is now the least recently used

    cache.put("c", 3)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_putting_a_key_again_replaces_its_value_without_growing() -> None:
    cache: BoundedCache[str, int] = BoundedCache("numbers", capacity=2)
    cache.put("a", 1)
    cache.put("a", 2)

    assert cache.get("a") == 2
    assert len(cache) == 1


def test_a_cache_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError, match="capacity"):
        BoundedCache("nothing", capacity=0)
