"""With OpenTelemetry importable, every attempt carries the caller's trace context."""

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry import context, trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from client_helpers import FAST_RETRIES
from workflow_orders_client import calls
from workflow_orders_client.exchange import ClientCore

TRACE_ID, SPAN_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7


@pytest.fixture
def current_span() -> Iterator[None]:
    span = NonRecordingSpan(SpanContext(TRACE_ID, SPAN_ID, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED)))
    token = context.attach(trace.set_span_in_context(span))
    yield
    context.detach(token)


def _headers() -> dict[str, str]:
    attempt = (
        ClientCore("http://orders.test", None, FAST_RETRIES, httpx.Timeout(5.0))
        .exchange(calls.get_order("x"))
        .next_attempt()
    )
    assert attempt is not None
    return dict(attempt.headers)


@pytest.mark.usefixtures("current_span")
def test_the_current_span_travels_as_traceparent() -> None:
    assert _headers()["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_without_a_current_span_no_trace_header_is_sent() -> None:
    assert "traceparent" not in _headers()
