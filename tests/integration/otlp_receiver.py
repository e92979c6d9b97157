"""An OTLP/HTTP trace receiver on a free loopback port that keeps every span it is sent, decoded:
the benchmark's collector stand-in (bench/otlp_sink.py) with a decoding callback."""

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.otlp_sink import OtlpSink
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as the receiver got it, with the resource attributes of the batch it came in."""

    span: Span
    resource: dict[str, Any]

    @property
    def trace_id(self) -> str:
        return self.span.trace_id.hex()

    @property
    def span_id(self) -> str:
        return self.span.span_id.hex()

    @property
    def parent_span_id(self) -> str:
        return self.span.parent_span_id.hex()

    @property
    def attributes(self) -> dict[str, Any]:
        return {item.key: plain(item.value) for item in self.span.attributes}


def plain(value: AnyValue) -> Any:
    """An OTLP attribute value as the Python value it holds (arrays as tuples)."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return tuple(plain(item) for item in value.array_value.values)
    return getattr(value, kind) if kind else None


class OtlpReceiver:
    """`with OtlpReceiver() as receiver:` accepts exports at `receiver.endpoint` and keeps their spans."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: list[ReceivedSpan] = []
        self._sink = OtlpSink(self._receive)
        self.endpoint = self._sink.endpoint

    def __enter__(self) -> "OtlpReceiver":
        self._sink.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sink.__exit__(*exc)

    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self._spans)

    def wait_for(self, found: Callable[[list[ReceivedSpan]], bool], seconds: float = 15.0) -> list[ReceivedSpan]:
        """The spans received once `found` holds for them; fails with what came when it never does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            spans = self.spans()
            if found(spans):
                return spans
            time.sleep(0.05)
        raise AssertionError(f"not received within {seconds} s; got {[item.span.name for item in self.spans()]}")

    def _receive(self, body: bytes, content_encoding: str | None) -> None:
        request = ExportTraceServiceRequest.FromString(gzip.decompress(body) if content_encoding == "gzip" else body)
        received = []
        for resource_spans in request.resource_spans:
            resource = {item.key: plain(item.value) for item in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                received.extend(ReceivedSpan(span, resource) for span in scope_spans.spans)
        with self._lock:
            self._spans.extend(received)
