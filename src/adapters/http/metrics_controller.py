"""GET /metrics: the Prometheus text exposition (public)."""

from litestar import Response, get
from litestar.di import NamedDependency

from adapters.http.openapi import PublicOperation
from adapters.http.options import MethodListingController
from adapters.telemetry.metrics import CONTENT_TYPE, Metrics


class MetricsController(MethodListingController):
    path = "/metrics"
    tags = ["operations"]

    @get(
        "/",
        operation_id="metrics",
        summary="Prometheus metrics",
        media_type=CONTENT_TYPE,
        sync_to_thread=False,
        operation_class=PublicOperation,
    )
    def metrics(self, metrics: NamedDependency[Metrics]) -> Response[bytes]:
        return Response(metrics.render(), media_type=CONTENT_TYPE)
