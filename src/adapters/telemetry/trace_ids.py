"""Trace and span ids on log lines written inside a span (logging adds this only when tracing is on)."""

from collections.abc import MutableMapping
from typing import Any

from opentelemetry.trace import get_current_span


def add_trace_ids(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: a line written inside a span (a request, a storage call) names its
    trace and span, as 32 and 16 hex digits, the way trace backends show them."""
    context = get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event
