"""Traces on DynamoDB (moto's server over HTTP), read from the SDK's in-memory exporter: each storage
port call is a span naming the tables it works on, with the AWS SDK's request spans below it."""

from collections.abc import Iterator
from typing import Any

import pytest
import wrapt
from aiobotocore.client import AioBaseClient
from litestar.testing import TestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from adapters.dynamodb import TableNames
from app.factory import create_app
from builders import encode, order_body, workflow_body
from integration.dynamodb_server import app_settings_on

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # needs the moto server

JSON = {"content-type": "application/json"}
TRACEPARENT = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def client(
    dynamodb_endpoint: str, dynamodb_tables: TableNames, exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient[Any]]:
    """The app on moto's DynamoDB, tracing into `exporter`; the AWS variables say where moto is."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = app_settings_on(dynamodb_endpoint, dynamodb_tables, monkeypatch)
    with TestClient(create_app(settings, tracer_provider=provider)) as test_client:
        yield test_client


def _by_kind(spans: tuple[ReadableSpan, ...], kind: SpanKind) -> list[ReadableSpan]:
    return [span for span in spans if span.kind == kind]


def _parent(span: ReadableSpan) -> int | None:
    return None if span.parent is None else span.parent.span_id


def _id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.span_id


def test_a_storage_call_is_a_span_over_its_tables_with_the_aws_sdk_requests_below_it(
    client: TestClient[Any], exporter: InMemorySpanExporter, dynamodb_tables: TableNames
) -> None:
    created = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON).json()
    exporter.clear()

    recorded = client.post(
        f"/v1/workflows/{created['id']}/orders", content=encode(order_body()), headers=TRACEPARENT | JSON
    )

    assert recorded.status_code == 201
    spans = exporter.get_finished_spans()
    [request] = _by_kind(spans, SpanKind.SERVER)
    port_calls = {span.name: span for span in _by_kind(spans, SpanKind.INTERNAL)}  # the AWS SDK's spans are CLIENT
    assert set(port_calls) == {f"workflows.get {dynamodb_tables.workflows}", f"orders.add {dynamodb_tables.orders}"}
    add = port_calls[f"orders.add {dynamodb_tables.orders}"]
    tables = dynamodb_tables.by_operation()["orders.add"]
    assert dict(add.attributes or {}) == {
        "db.system": "dynamodb",
        "db.system.name": "dynamodb",
        "db.operation.name": "orders.add",
        "db.collection.name": dynamodb_tables.orders,
        "aws.dynamodb.table_names": tables,
    }
    assert set(tables) == set(dynamodb_tables.all())  # one transaction over the four tables
    assert {_parent(span) for span in port_calls.values()} == {_id(request)}
    sent = {(span.attributes or {})["rpc.method"]: span for span in _by_kind(spans, SpanKind.CLIENT)}
    assert set(sent) == {"GetItem", "TransactWriteItems"}
    assert _parent(sent["TransactWriteItems"]) == _id(add)
    assert _parent(sent["GetItem"]) == _id(port_calls[f"workflows.get {dynamodb_tables.workflows}"])
    assert len({span.context.trace_id for span in spans if span.context}) == 1


def test_reads_name_the_table_they_read(
    client: TestClient[Any], exporter: InMemorySpanExporter, dynamodb_tables: TableNames
) -> None:
    created = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON).json()
    order = client.post(f"/v1/workflows/{created['id']}/orders", content=encode(order_body()), headers=JSON).json()
    exporter.clear()

    client.get(f"/v1/orders/{order['id']}")
    client.get(f"/v1/workflows/{created['id']}/orders")

    port_calls = _by_kind(exporter.get_finished_spans(), SpanKind.INTERNAL)
    aws_requests = _by_kind(exporter.get_finished_spans(), SpanKind.CLIENT)
    assert [span.name for span in port_calls] == [
        f"orders.get {dynamodb_tables.order_ids}",
        f"revisions.of_workflow {dynamodb_tables.workflows}",  # what the history page's ETag is made of
        f"orders.page {dynamodb_tables.orders}",
    ]
    below = {_parent(span) for span in aws_requests}
    assert below == {_id(span) for span in port_calls}
    for span in aws_requests:
        [table] = (span.attributes or {})["aws.dynamodb.table_names"]
        [owner] = [call for call in port_calls if _id(call) == _parent(span)]
        assert table in (owner.attributes or {})["aws.dynamodb.table_names"]


def _aws_sdk_instrumented() -> bool:
    return isinstance(AioBaseClient.__dict__["_make_api_call"], wrapt.ObjectProxy)


def test_once_the_app_has_stopped_the_aws_sdk_is_no_longer_instrumented(client: TestClient[Any]) -> None:
    assert _aws_sdk_instrumented()

    client.__exit__(None, None, None)

    assert not _aws_sdk_instrumented()
