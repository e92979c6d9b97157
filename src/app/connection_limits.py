"""How much of the process one HTTP connection may hold: its request head, its time, its slot."""

import resource

MAX_HEAD_BYTES = 32 * 1024
"""Request line and headers together; past it, 431 and the connection closes."""
MAX_HEADER_FIELDS = 100
"""Header fields in one request head; past it, 431 and the connection closes."""
CLIENT_TIMEOUT_SECONDS = 10
"""How long the service waits on a client that stops, by default (WFO_CLIENT_TIMEOUT_SECONDS): a
request head must arrive whole within it of the connection opening (first request) or of its first
byte (later requests on a kept-alive connection), a body within it of the app's first read of it
(past either, 408 and the connection closes), and a response whose bytes the client does not take
for that long is abandoned (the connection is reset)."""
KEEP_ALIVE_SECONDS = 5
"""How long an idle kept-alive connection waits for its next request, by default (WFO_KEEP_ALIVE_SECONDS)."""
SEND_BUFFER_BYTES = 64 * 1024
"""SO_SNDBUF of each connection: what the kernel holds for a client that does not read."""
PROBE_SLOTS = 16
"""Connections kept for /health/* and /metrics: other requests are refused (503) past cap - PROBE_SLOTS."""
FD_HEADROOM = 64
"""File descriptors kept for everything but client connections: the listening socket, the SQLite
files, the storage client's connection pool, log files."""
MAX_CONNECTIONS = 2048
"""The cap on open client connections, whatever the file descriptor limit."""
PROBE_PATHS = (b"/health/", b"/metrics")


def connection_cap(fd_soft_limit: int | None = None) -> int:
    """Client connections the process keeps open at once: the soft RLIMIT_NOFILE less FD_HEADROOM, at
    most MAX_CONNECTIONS, and never fewer than twice PROBE_SLOTS."""
    if fd_soft_limit is None:
        fd_soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if fd_soft_limit == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(min(fd_soft_limit - FD_HEADROOM, MAX_CONNECTIONS), 2 * PROBE_SLOTS)


def raise_fd_limit() -> int:
    """Raise the soft RLIMIT_NOFILE towards the hard one, as far as the largest cap needs; the soft
    limit now. A process may always do this (the hard limit is the ceiling an operator set), and the
    common soft default of 1,024 would otherwise cap connections below the default stream limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def is_probe(target: bytes) -> bool:
    """Whether a request target (as sent: path and query) is a health check or a metrics scrape."""
    path = target.split(b"?", 1)[0]
    return path.startswith(PROBE_PATHS[0]) or path == PROBE_PATHS[1]
