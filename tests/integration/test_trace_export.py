"""End to end: the real service process, told by the standard OTEL_* variables to export to an
OTLP/HTTP receiver the test starts, continues a caller's trace on its server span and on the span
of every storage call, on SQLite and on DynamoDB (where the AWS SDK's requests are spans too)."""

import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from otlp_receiver import OtlpReceiver, ReceivedSpan
from service_process import ServiceProcess, dynamodb_env

from builders import encode, order_body, workflow_body

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # starts the service as a process (and moto)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"


def traceparent(span_id: str = CALLER_SPAN_ID) -> dict[str, str]:
    return {"traceparent": f"00-{TRACE_ID}-{span_id}-01"}


@pytest.fixture(params=["sqlite", "dynamodb"])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    return {} if request.param == "sqlite" else dynamodb_env(request.getfixturevalue("dynamodb_endpoint"), "traces")


def _of_trace(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    return [item for item in spans if item.trace_id == TRACE_ID]


def _server_spans_ended(count: int) -> object:
    def found(spans: list[ReceivedSpan]) -> bool:
        return sum(item.span.kind == Span.SPAN_KIND_SERVER for item in _of_trace(spans)) >= count

    return found


def test_a_callers_trace_id_is_on_the_exported_server_and_storage_spans(storage_env, tmp_path: Path):
    with OtlpReceiver() as receiver:
        env = {
            **storage_env,
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_SERVICE_NAME": "orders-under-test",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }
        service = ServiceProcess(tmp_path / "orders.db", tmp_path, env).start()
        try:
            with httpx.Client(base_url=service.base_url, timeout=10.0) as http:
                body = workflow_body(f"Traced {uuid.uuid4()}")
                created = http.post("/v1/workflows", json=body, headers=traceparent())
                assert created.status_code == 201, created.text
                recorded = http.post(
                    f"/v1/workflows/{created.json()['id']}/orders",
                    content=encode(order_body()),
                    headers={**traceparent("00f067aa0ba902b8"), "content-type": "application/json"},
                )
                assert recorded.status_code == 201, recorded.text
            spans = _of_trace(receiver.wait_for(_server_spans_ended(2)))
        finally:
            exit_code = service.stop()
    assert exit_code == 0, service.output()

    by_id = {item.span_id: item for item in spans}
    servers = {item.span.name: item for item in spans if item.span.kind == Span.SPAN_KIND_SERVER}
    assert set(servers) == {"POST /v1/workflows", "POST /v1/workflows/{workflow_id}/orders"}
    assert servers["POST /v1/workflows"].parent_span_id == CALLER_SPAN_ID
    assert servers["POST /v1/workflows/{workflow_id}/orders"].parent_span_id == "00f067aa0ba902b8"
    assert servers["POST /v1/workflows"].attributes["http.response.status_code"] == 201
    assert all(item.resource["service.name"] == "orders-under-test" for item in spans)

    storage = [item for item in spans if "db.operation.name" in item.attributes]
    operations = {item.attributes["db.operation.name"] for item in storage}
    assert {"workflows.add", "orders.add"} <= operations
    system = "dynamodb" if storage_env else "sqlite"
    for item in storage:
        assert item.attributes["db.system"] == system
        assert item.attributes["db.collection.name"]
        assert by_id[item.parent_span_id].span.kind == Span.SPAN_KIND_SERVER  # a child of its request

    aws = [item for item in spans if item.attributes.get("rpc.system") == "aws-api"]
    if system == "dynamodb":
        assert {item.attributes["rpc.method"] for item in aws} >= {"TransactWriteItems"}
        assert all(by_id[item.parent_span_id] in storage for item in aws)  # below the port call that sent it
    else:
        assert aws == []
    assert f"trace_id={TRACE_ID}" in service.output()  # and on the log lines written inside the requests
