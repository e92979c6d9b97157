"""OpenTelemetry traces: the provider that exports them, and its life in the app.

Imported only when tracing is on (app.factory): with tracing off the SDK, the exporter and the
AWS SDK instrumentation are never even loaded.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.botocore import AiobotocoreInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Tracer

DEFAULT_SERVICE_NAME = "workflow-orders"
INSTRUMENTATION_NAME = "workflow_orders"
"""The instrumentation scope of the service's own spans (server spans, storage port calls)."""


def exporting_tracer_provider() -> TracerProvider:
    """A provider configured by the standard OTEL_* variables, which the SDK reads itself: the
    resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), the sampler (OTEL_TRACES_SAMPLER and
    its _ARG), the batching (OTEL_BSP_*) and the OTLP/HTTP exporter (OTEL_EXPORTER_OTLP_*).

    A service those variables leave unnamed is called workflow-orders, not unknown_service.
    """
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


class Tracing:
    """The tracer every span of the service comes from, and the provider behind it.

    While `running`, the AWS SDK (aiobotocore) is instrumented too: each request it sends to
    DynamoDB is a span below the storage port call that made it. When it ends, the instrumentation
    is removed and the provider shut down, which exports the spans still waiting.
    """

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer: Tracer = provider.get_tracer(INSTRUMENTATION_NAME)
        self._aws_sdk = AiobotocoreInstrumentor()  # type: ignore[no-untyped-call]

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self._aws_sdk.instrument(tracer_provider=self.provider)
        try:
            yield
        finally:
            self._aws_sdk.uninstrument()
            await asyncio.to_thread(self.provider.shutdown)  # a last export may wait on the network
