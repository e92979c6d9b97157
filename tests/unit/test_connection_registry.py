"""The connection cap and the slots kept for probes, without a server."""

from app.connection_limits import MAX_CONNECTIONS, PROBE_SLOTS, connection_cap, is_probe
from app.connection_registry import ConnectionRegistry


class Client:
    def __init__(self) -> None:
        self.evicted = False

    def evict(self) -> None:
        self.evicted = True


def opened(registry: ConnectionRegistry) -> Client:
    client = Client()
    assert registry.opened(client)
    return client


def test_the_cap_follows_the_file_descriptor_limit_with_headroom_and_a_ceiling() -> None:
    assert connection_cap(1024) == 960
    assert connection_cap(256) == 192
    assert connection_cap(1_048_576) == MAX_CONNECTIONS
    assert connection_cap(40) == 2 * PROBE_SLOTS


def test_probes_are_the_health_paths_and_metrics() -> None:
    assert is_probe(b"/health/live")
    assert is_probe(b"/health/ready?x=1")
    assert is_probe(b"/metrics")
    assert not is_probe(b"/metricsx")
    assert not is_probe(b"/v1/orders/stream")


def test_a_full_registry_evicts_the_connection_that_waited_longest_for_a_request() -> None:
    registry = ConnectionRegistry(cap=3, probe_slots=1)
    first, second, third = opened(registry), opened(registry), opened(registry)
    assert registry.head_received(first, probe=False)
    registry.waiting_again(first)  # served, now idle: it waits again, as the newest

    newest = opened(registry)

    assert second.evicted
    assert [first.evicted, third.evicted, newest.evicted] == [False, False, False]
    assert registry.open_count == 3


def test_when_every_connection_serves_a_request_a_new_one_is_refused() -> None:
    registry = ConnectionRegistry(cap=2, probe_slots=1)
    busy = [opened(registry), opened(registry)]
    assert registry.head_received(busy[0], probe=False)
    assert registry.head_received(busy[1], probe=True)

    assert not registry.opened(Client())
    assert not any(client.evicted for client in busy)


def test_the_last_slots_serve_only_probes_until_a_request_ends() -> None:
    registry = ConnectionRegistry(cap=3, probe_slots=1)
    first, second, third = opened(registry), opened(registry), opened(registry)
    assert registry.head_received(first, probe=False)
    assert registry.head_received(second, probe=False)

    assert not registry.head_received(third, probe=False)
    assert registry.head_received(third, probe=True)
    registry.closed(first)
    assert registry.head_received(opened(registry), probe=False)
