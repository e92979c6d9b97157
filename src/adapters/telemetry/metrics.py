"""The service's Prometheus instruments, in a registry of their own (one per app)."""

import platform
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST.replace("; charset=utf-8", "")
ORDER_OUTCOMES = ("created", "replayed")
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True, slots=True)
class Build:
    """What is running: the installed package's version and the HTTP contract it serves."""

    version: str
    api_version: str


UNKNOWN_BUILD = Build("unknown", "unknown")


class Metrics:
    """Request counts and latency by route template and status; storage calls by operation and
    outcome; orders recorded, created versus replayed; requests refused over a consumer's budget (429);
    live streams open; the response body cache (hits, misses, evictions, bytes held); the build
    (workflow_orders_build_info);
    and the process itself: memory, CPU
    seconds, open file descriptors (process_*), garbage collections (python_gc_*) and the Python
    version (python_info). The process values are read when /metrics is scraped, not per request."""

    def __init__(self, build: Build = UNKNOWN_BUILD) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        Gauge(
            "workflow_orders_build_info",
            "The build running: always 1, its labels say which",
            ["version", "api_version", "python"],
            registry=self.registry,
        ).labels(build.version, build.api_version, platform.python_version()).set(1)
        ProcessCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter(
            "http_requests", "HTTP requests served", ["method", "route", "status"], registry=self.registry
        )
        self.request_seconds = Histogram(
            "http_request_duration_seconds",
            "Time to serve an HTTP request",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.storage_calls = Counter(
            "storage_calls", "Storage port calls", ["operation", "outcome"], registry=self.registry
        )
        self.storage_seconds = Histogram(
            "storage_call_duration_seconds",
            "Time of one storage port call",
            ["operation", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.orders_recorded = Counter(
            "workflow_orders_recorded",
            "Orders recorded: created, or replayed (same id and content, nothing written)",
            ["outcome"],
            registry=self.registry,
        )
        # Both outcomes are exposed at 0 from the start: increase() then counts a replica's first
        # order too, and an alert on "no order for hours" sees zeros rather than no series at all.
        for outcome in ORDER_OUTCOMES:
            self.orders_recorded.labels(outcome)

        self.rate_limited = Counter(
            "http_requests_rate_limited",
            "API requests refused with 429: their consumer's request budget was spent",
            registry=self.registry,
        )
        self.stream_subscribers = Gauge(
            "workflow_orders_stream_subscribers", "Live streams open on this instance", registry=self.registry
        )

        self.body_cache_hits = Counter(
            "workflow_orders_body_cache_hits",
            "Reads answered with a body kept under the entity tag of the current revision",
            registry=self.registry,
        )
        self.body_cache_misses = Counter(
            "workflow_orders_body_cache_misses",
            "Reads whose entity tag had no body kept: the body was read and encoded",
            registry=self.registry,
        )
        self.body_cache_evictions = Counter(
            "workflow_orders_body_cache_evictions",
            "Bodies dropped, least recently used first, to keep the cache within WFO_BODY_CACHE_BYTES",
            registry=self.registry,
        )
        self.body_cache_bytes = Gauge(
            "workflow_orders_body_cache_bytes",
            "Bytes the response body cache holds, as counted against WFO_BODY_CACHE_BYTES",
            registry=self.registry,
        )

        # Label children by label values: looking them up through .labels() on every request costs
        # more than the observation itself. Label sets are few (routes x statuses, operations x
        # outcomes), so the dictionaries stay small.
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._storage_children: dict[tuple[str, str], tuple[Counter, Histogram]] = {}

    def count_stream_subscribers(self, count: Callable[[], float]) -> None:
        """Read the number of open streams from `count` at each scrape."""
        self.stream_subscribers.set_function(count)

    def count_body_cache_bytes(self, size: Callable[[], float]) -> None:
        """Read the bytes the body cache holds from `size` at each scrape."""
        self.body_cache_bytes.set_function(size)

    def count_rate_limited(self) -> None:
        self.rate_limited.inc()

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            code = str(status)
            children = self.requests.labels(method, route, code), self.request_seconds.labels(method, route, code)
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_storage(self, operation: str, outcome: str, seconds: float) -> None:
        key = (operation, outcome)
        children = self._storage_children.get(key)
        if children is None:
            children = self.storage_calls.labels(operation, outcome), self.storage_seconds.labels(operation, outcome)
            self._storage_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text exposition of every instrument."""
        return generate_latest(self.registry)
