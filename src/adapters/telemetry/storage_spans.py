"""A span for every storage port call, made where every such call passes: StorageCalls.run.

The container uses TracedStorageCalls only when tracing is on; with tracing off, StorageCalls runs
as it is, with no span and no check per call.
"""

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from opentelemetry.trace import SpanKind, StatusCode, Tracer, get_current_span
from opentelemetry.util.types import AttributeValue

from adapters.storage_calls import StorageCalls, outcome_of
from adapters.telemetry.metrics import Metrics

T = TypeVar("T")

FAILURES = frozenset({"unavailable", "error"})
"""Outcomes that mark a span as an error. A conflict or a missing row is an answer of the storage,
not its failure: the span says what was raised (error.type) but stays unset."""


@dataclass(frozen=True, slots=True)
class StorageLayout:
    """What the spans of one storage say about it."""

    system: str
    """`db.system`: "sqlite" or "dynamodb"."""
    tables: Mapping[str, tuple[str, ...]]
    """By port operation ("orders.add"), the tables it reads or writes, its main table first."""
    client_spans_below: bool = False
    """The engine's client library makes CLIENT spans of its own (the AWS SDK instrumentation): a
    port call's span is then INTERNAL, so that each request to the engine is counted once."""


class TracedStorageCalls(StorageCalls):
    """StorageCalls whose every call made inside a recorded span (a request's), deadline included,
    runs inside a child span named `<operation> <main table>`, with the database semantic-convention
    attributes. A call outside one (a readiness probe's, a request the sampler left out) makes none."""

    def __init__(self, metrics: Metrics, deadline: float, tracer: Tracer, layout: StorageLayout) -> None:
        super().__init__(metrics, deadline)
        self._tracer = tracer
        self._kind = SpanKind.INTERNAL if layout.client_spans_below else SpanKind.CLIENT
        self._system = layout.system
        self._spans = {name: _span_of(self._system, name, tables) for name, tables in layout.tables.items()}

    async def run(self, operation: str, call: Awaitable[T]) -> T:
        if not get_current_span().is_recording():
            return await super().run(operation, call)
        name, attributes = self._spans.get(operation) or _span_of(self._system, operation, ())
        with self._tracer.start_as_current_span(
            name, kind=self._kind, attributes=attributes, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                return await super().run(operation, call)
            except Exception as error:
                span.set_attribute("error.type", type(error).__name__)
                if outcome_of(error) in FAILURES:
                    span.record_exception(error)
                    span.set_status(StatusCode.ERROR, str(error))
                raise


def _span_of(system: str, operation: str, tables: tuple[str, ...]) -> tuple[str, dict[str, AttributeValue]]:
    """The name and attributes of an operation's spans, computed once per operation."""
    attributes: dict[str, AttributeValue] = {
        "db.system": system,
        "db.system.name": system,
        "db.operation.name": operation,
    }
    if not tables:
        return operation, attributes
    attributes["db.collection.name"] = tables[0]
    if system == "dynamodb":
        attributes["aws.dynamodb.table_names"] = tables
    return f"{operation} {tables[0]}", attributes
