"""Traces, read from the SDK's in-memory exporter: the server span continues the caller's trace,
every storage call is one child span naming the engine, the operation and the table, log lines
written inside a request carry its ids, and with tracing off none of it happens."""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlite_lock import write_lock_held

from adapters.sqlite.schema import TABLES_BY_OPERATION
from app.factory import create_app
from app.settings import Settings
from builders import encode, order_body, workflow_body

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN_ID = "b7ad6b7169203331"
TRACEPARENT = {"traceparent": f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01"}
JSON = {"content-type": "application/json"}


def traced_app(tmp_path: Path, exporter: InMemorySpanExporter, **settings: Any) -> TestClient[Any]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app_settings = Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="json", **settings)
    return TestClient(create_app(app_settings, tracer_provider=provider))


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def client(tmp_path: Path, exporter: InMemorySpanExporter) -> Iterator[TestClient[Any]]:
    with traced_app(tmp_path, exporter) as test_client:
        exporter.clear()
        yield test_client


def hex_trace(span: ReadableSpan) -> str:
    assert span.context is not None
    return format(span.context.trace_id, "032x")


def hex_span(span: ReadableSpan) -> str:
    assert span.context is not None
    return format(span.context.span_id, "016x")


def parent_of(span: ReadableSpan) -> str | None:
    return None if span.parent is None else format(span.parent.span_id, "016x")


def server_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.kind == SpanKind.SERVER]


def storage_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.kind == SpanKind.CLIENT]


def test_a_request_continues_the_callers_trace_in_one_server_span_named_by_its_route(client, exporter):
    response = client.get("/v1/workflows/0b7c5bb0-7b0c-4bd4-9b50-4a7e2bd25e2e/orders", headers=TRACEPARENT)

    assert response.status_code == 404
    [span] = server_spans(exporter)
    assert span.name == "GET /v1/workflows/{workflow_id}/orders"
    assert (hex_trace(span), parent_of(span)) == (TRACE_ID, CALLER_SPAN_ID)
    assert span.parent is not None
    assert span.parent.is_remote
    attributes = dict(span.attributes or {})
    assert attributes["http.request.method"] == "GET"
    assert attributes["http.route"] == "/v1/workflows/{workflow_id}/orders"
    assert attributes["url.path"] == "/v1/workflows/0b7c5bb0-7b0c-4bd4-9b50-4a7e2bd25e2e/orders"
    assert attributes["http.response.status_code"] == 404
    assert attributes["url.scheme"] == "http"
    assert span.status.status_code == StatusCode.UNSET  # a 4xx is the caller's error, not the server's


def test_a_request_without_traceparent_starts_a_trace_of_its_own(client, exporter):
    client.get("/v1/workflows")
    client.get("/v1/workflows")

    first, second = server_spans(exporter)
    assert (first.parent, second.parent) == (None, None)
    assert hex_trace(first) != hex_trace(second)


def test_an_unmatched_path_is_a_server_span_named_by_its_method_alone(client, exporter):
    client.get("/v1/nothing/here", headers=TRACEPARENT)

    [span] = server_spans(exporter)
    assert span.name == "GET"
    assert "http.route" not in (span.attributes or {})
    assert (span.attributes or {})["http.response.status_code"] == 404


def test_an_invented_method_is_recorded_as_other_with_the_method_sent(client, exporter):
    client.request("PURGE", "/v1/workflows")

    [span] = server_spans(exporter)
    attributes = dict(span.attributes or {})
    assert (attributes["http.request.method"], attributes["http.request.method_original"]) == ("_OTHER", "PURGE")
    assert span.name.startswith("HTTP")


def test_each_storage_call_is_one_child_span_naming_the_engine_the_operation_and_the_table(client, exporter):
    created = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON).json()
    workflow = f"/v1/workflows/{created['id']}"
    tag = client.get(workflow).headers["etag"]
    client.get(workflow, headers={"If-None-Match": tag})  # a revalidation reads the revision alone
    client.put(workflow, content=encode(workflow_body(name="Renamed")), headers=JSON)
    client.get("/v1/workflows")
    order = client.post(f"{workflow}/orders", content=encode(order_body()), headers=JSON).json()
    client.get(f"/v1/orders/{order['id']}")
    client.get(f"{workflow}/orders")
    client.get("/v1/orders/latest")
    client.get("/v1/orders/summary")
    client.delete(workflow)
    client.get("/v1/workflows/0b7c5bb0-7b0c-4bd4-9b50-4a7e2bd25e2e/orders")  # an empty page: does it exist?

    servers = {hex_span(span): span for span in server_spans(exporter)}
    storage = storage_spans(exporter)
    for span in storage:
        attributes = dict(span.attributes or {})
        operation = attributes["db.operation.name"]
        table = TABLES_BY_OPERATION[str(operation)][0]
        assert span.name == f"{operation} {table}"
        assert attributes["db.system"] == attributes["db.system.name"] == "sqlite"
        assert attributes["db.collection.name"] == table
        request = servers[str(parent_of(span))]  # a child of the request that made it
        assert hex_trace(span) == hex_trace(request)
    seen = {(span.attributes or {})["db.operation.name"] for span in storage}
    # Every port call but the probe's and the feed's (made by the stream's feed reader, not by requests).
    assert seen == set(TABLES_BY_OPERATION) - {
        "health.check",
        "feed.store_id",
        "feed.end",
        "feed.position_at",
        "feed.read",
    }


def test_one_request_makes_one_span_per_storage_call_it_makes(client, exporter):
    created = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON).json()
    orders = f"/v1/workflows/{created['id']}/orders"
    client.post(orders, content=encode(order_body()), headers=JSON)  # reads the workflow's name once
    exporter.clear()

    client.post(orders, content=encode(order_body()), headers=TRACEPARENT | JSON)

    [request] = server_spans(exporter)
    operations = [(span.attributes or {})["db.operation.name"] for span in storage_spans(exporter)]
    assert operations == ["orders.add"]
    assert {parent_of(span) for span in storage_spans(exporter)} == {hex_span(request)}


def test_probes_make_no_span(client, exporter):
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200

    assert exporter.get_finished_spans() == ()


def test_a_conflict_is_recorded_on_the_storage_span_without_marking_an_error(client, exporter):
    client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON)
    exporter.clear()

    clash = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON)

    assert clash.status_code == 409
    [storage] = storage_spans(exporter)
    assert (storage.attributes or {})["error.type"] == "WorkflowNameTakenError"
    assert storage.status.status_code == StatusCode.UNSET
    assert server_spans(exporter)[0].status.status_code == StatusCode.UNSET


def test_a_storage_timeout_marks_the_storage_span_and_the_503_server_span_as_errors(tmp_path, exporter):
    with traced_app(tmp_path, exporter, storage_timeout_seconds=0.3) as client, write_lock_held(tmp_path / "orders.db"):
        response = client.post("/v1/workflows", content=encode(workflow_body()), headers=JSON)

    assert response.status_code == 503
    [server] = server_spans(exporter)
    [storage] = storage_spans(exporter)
    assert server.status.status_code == StatusCode.ERROR
    assert (server.attributes or {})["error.type"] == "503"
    assert storage.status.status_code == StatusCode.ERROR
    assert (storage.attributes or {})["error.type"] == "StorageUnavailableError"
    assert [event.name for event in storage.events] == ["exception"]


def _access_line(output: str, path: str) -> dict[str, Any]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line.get("event") == "request" and line["route"] == path]
    return line


def test_log_lines_written_inside_a_request_carry_its_trace_and_span_ids(tmp_path, exporter, capfd):
    with traced_app(tmp_path, exporter) as client:
        capfd.readouterr()
        client.get("/v1/workflows", headers=TRACEPARENT)
        output = capfd.readouterr().out

    line = _access_line(output, "/v1/workflows")
    [span] = server_spans(exporter)
    assert (line["trace_id"], line["span_id"]) == (TRACE_ID, hex_span(span))


def test_without_tracing_nothing_is_traced_and_log_lines_carry_no_trace_ids(tmp_path, capfd):
    settings = Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="json")
    with TestClient(create_app(settings)) as client:
        capfd.readouterr()
        response = client.get("/v1/workflows", headers=TRACEPARENT)
        output = capfd.readouterr().out

    assert response.status_code == 200
    line = _access_line(output, "/v1/workflows")
    assert not {"trace_id", "span_id"} & line.keys()


def test_spans_still_waiting_are_exported_when_the_app_stops(tmp_path, exporter):
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=60_000))
    settings = Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="console")
    with TestClient(create_app(settings, tracer_provider=provider)) as client:
        client.get("/v1/workflows")
        assert exporter.get_finished_spans() == ()  # still in the batch

    assert sorted(span.name for span in exporter.get_finished_spans()) == [
        "GET /v1/workflows",
        "orders.latest latest_orders",
        "workflows.list workflows",
    ]


@pytest.mark.parametrize(
    ("env", "tracing"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "  "}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "TRUE"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "false"}, True),
        ({"OTEL_SERVICE_NAME": "orders", "OTEL_TRACES_SAMPLER": "always_on"}, False),
    ],
)
def test_tracing_is_on_only_when_an_otlp_endpoint_is_set_and_the_sdk_is_not_disabled(env, tracing):
    assert Settings.from_env(env).tracing is tracing


def test_with_tracing_off_the_app_loads_nothing_of_the_sdk(tmp_path):
    script = (
        "import sys\n"
        "from app.factory import create_app\n"
        "from app.settings import Settings\n"
        f"create_app(Settings(sqlite_path={str(tmp_path / 'orders.db')!r}, log_level='ERROR'))\n"
        "sdk = ('opentelemetry.sdk', 'opentelemetry.exporter', 'opentelemetry.instrumentation.botocore')\n"
        "print(sorted(name for name in sys.modules if name.startswith(sdk)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)

    assert loaded.stdout.strip() == "[]"
