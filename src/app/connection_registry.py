"""The process's open client connections: a cap on them, and slots that only probes may use."""

from typing import Protocol


class Connection(Protocol):
    def evict(self) -> None:
        """Close this connection to make room for a newer one (it is waiting for a request head)."""


class ConnectionRegistry:
    """At most `cap` connections are open; at most `cap - probe_slots` serve requests other than
    probes (/health/*, /metrics) at once.

    A connection is either waiting for a request head (just opened, sending one, or idle between
    requests) or serving a request. When a connection opens with `cap` already open, the one that has
    waited longest for a head is evicted; when none waits, the new one is refused. So a flood of
    silent connections cannot crowd out a client that sends its request, and since requests other
    than probes hold at most `cap - probe_slots` connections, a probe always finds a slot free or
    one to evict.
    """

    def __init__(self, cap: int, probe_slots: int) -> None:
        self.cap = cap
        self._request_slots = cap - probe_slots
        self._open: set[Connection] = set()
        self._waiting: dict[Connection, None] = {}
        """Connections waiting for a request head, longest waiting first (dicts keep insertion order)."""
        self._serving: set[Connection] = set()
        """Connections serving a request that is not a probe."""

    @property
    def open_count(self) -> int:
        return len(self._open)

    def opened(self, connection: Connection) -> bool:
        """Count a new connection, evicting the longest waiting one when full; False when there is no
        room (every open connection is serving a request): the caller closes it."""
        if len(self._open) >= self.cap:
            if not self._waiting:
                return False
            longest_waiting = next(iter(self._waiting))
            self.closed(longest_waiting)
            longest_waiting.evict()
        self._open.add(connection)
        self._waiting[connection] = None
        return True

    def head_received(self, connection: Connection, *, probe: bool) -> bool:
        """The connection received a request head; False when it is not a probe and every slot for
        other requests is taken (the caller refuses the request)."""
        self._waiting.pop(connection, None)
        if probe:
            return True
        if len(self._serving) >= self._request_slots:
            return False
        self._serving.add(connection)
        return True

    def waiting_again(self, connection: Connection) -> None:
        """The connection finished a request and waits for the next one (newest of the waiting)."""
        self._serving.discard(connection)
        if connection in self._open:
            self._waiting.pop(connection, None)
            self._waiting[connection] = None

    def closed(self, connection: Connection) -> None:
        self._open.discard(connection)
        self._waiting.pop(connection, None)
        self._serving.discard(connection)
