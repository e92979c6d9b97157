"""The service's Prometheus instruments, in a registry of their own (one per app)."""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST.replace("; charset=utf-8", "")
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Request counts and latency by route template and status; storage calls by operation and
    outcome; orders recorded, created versus replayed."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
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

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        code = str(status)
        self.requests.labels(method, route, code).inc()
        self.request_seconds.labels(method, route, code).observe(seconds)

    def observe_storage(self, operation: str, outcome: str, seconds: float) -> None:
        self.storage_calls.labels(operation, outcome).inc()
        self.storage_seconds.labels(operation, outcome).observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text exposition of every instrument."""
        return generate_latest(self.registry)
