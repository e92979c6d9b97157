"""The sans-IO core: the requests it builds, the bodies it reads, and its retry decisions."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from client_helpers import order_fields, workflow_request
from workflow_orders_client import (
    ApiError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RetryPolicy,
    ServiceUnreachable,
    Unauthorized,
    Unavailable,
    UnexpectedResponse,
    WorkflowOrderDetail,
    calls,
)
from workflow_orders_client.exchange import ClientCore, Exchange

ORDER_JSON = b"""{"id": "7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09", "workflow_id": "3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f",
 "workflow_name": "DAX breakout", "placed_at": "2026-02-22T14:30:00Z", "order_code": "FRA40.I",
 "order_price": 123456.12345678901234567, "order_quantity": 1E+2, "order_direction": "BUY", "dry_run": true,
 "order_type": "LIMIT", "asset_type": null, "trigger_close": 0, "execution_context": null,
 "expires_at": "2026-03-01T14:30:00Z"}"""
WORKFLOW_ID = "3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f"
POLICY = RetryPolicy(attempts=3, backoff_base=1.0, backoff_cap=5.0, jitter=0.5)


def problem(status: int, title: str, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": title, **extra}
    headers = {"content-type": "application/problem+json", "x-request-id": "req-1"}
    return httpx.Response(status, json=body, headers=headers)


def unavailable(retry_after: str | None = "3") -> httpx.Response:
    response = problem(503, "Storage unavailable")
    if retry_after is not None:
        response.headers["retry-after"] = retry_after
    return response


def exchange(call: calls.Call[Any], policy: RetryPolicy = POLICY) -> Exchange[Any]:
    return ClientCore(
        "http://orders.test/", "token-1", policy, httpx.Timeout(5.0), random_fraction=lambda: 0.5
    ).exchange(call)


def record_call(**overrides: Any) -> calls.Call[Any]:
    fields: Any = order_fields(**overrides)
    return calls.record_order(WORKFLOW_ID, fields)


def sent_body(call: calls.Call[Any]) -> Any:
    assert call.request.body is not None
    return json.loads(call.request.body, parse_float=Decimal)


# Requests


def test_decimals_are_sent_as_json_numbers_with_every_digit() -> None:
    call = record_call(order_price=Decimal("123456.12345678901234567"), trigger_close=Decimal("0.00"))
    assert call.request.body is not None
    assert b'"order_price":123456.12345678901234567' in call.request.body
    assert sent_body(call)["trigger_close"] == Decimal(0)


def test_an_order_without_id_gets_a_uuid_v4_before_the_first_attempt_and_keeps_it() -> None:
    call = record_call()
    order_id = sent_body(call)["id"]
    assert uuid.UUID(order_id).version == 4
    attempt = exchange(call).next_attempt()
    assert attempt is not None
    assert json.loads(attempt.body or b"")["id"] == order_id
    assert (
        sent_body(record_call(id="A1B2C3D4-E5F6-4789-A012-B3C4D5E6F7A8"))["id"]
        == "A1B2C3D4-E5F6-4789-A012-B3C4D5E6F7A8"
    )


def test_optional_order_fields_left_at_none_are_not_sent() -> None:
    assert set(sent_body(record_call(asset_type=None))) == {
        "id",
        "order_code",
        "order_price",
        "order_quantity",
        "order_direction",
        "order_type",
    }


def test_a_workflow_body_sends_every_field() -> None:
    body = sent_body(calls.create_workflow(workflow_request("Dax")))
    assert body["name"] == "Dax"
    assert (body["enable"], body["dry_run"], body["is_us"], body["end_date"]) == (True, False, False, None)
    assert body["conditions"][0]["indicator"]["value"] == Decimal("18250.5")


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_a_non_finite_decimal_is_refused_before_sending(value: Decimal) -> None:
    with pytest.raises(ValueError, match="non-finite decimal"):
        record_call(order_price=value)
    workflow = workflow_request()
    workflow.conditions[0].close.spread = value
    with pytest.raises(ValueError, match="non-finite decimal"):
        calls.create_workflow(workflow)


def test_a_naive_timestamp_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="placed_at"):
        record_call(placed_at=datetime(2026, 2, 22, 14, 30))
    with pytest.raises(ValueError, match="since"):
        calls.history_page(WORKFLOW_ID, {"since": datetime(2026, 2, 22)})


def test_query_parameters_are_written_as_the_contract_spells_them() -> None:
    since = datetime(2026, 2, 22, 15, 30, tzinfo=timezone(timedelta(hours=1)))
    until = datetime(2026, 2, 23, tzinfo=UTC)
    request = calls.history_page(WORKFLOW_ID, {"limit": 5, "since": since, "until": until, "cursor": None}).request
    assert request.params == (("limit", "5"), ("since", "2026-02-22T15:30:00+01:00"), ("until", "2026-02-23T00:00:00Z"))
    assert calls.list_workflows(False).request.params == (("enable", "false"),)
    assert calls.list_workflows(None).request.params == ()


def test_an_id_is_one_path_segment_whatever_it_holds() -> None:
    assert calls.get_order("../workflows").request.path == "/v1/orders/..%2Fworkflows"


def test_every_attempt_carries_the_token_and_json_headers() -> None:
    attempt = exchange(record_call()).next_attempt()
    assert attempt is not None
    assert (attempt.method, attempt.url) == ("POST", f"http://orders.test/v1/workflows/{WORKFLOW_ID}/orders")
    assert attempt.headers["authorization"] == "Bearer token-1"
    assert attempt.headers["content-type"] == "application/json"
    assert attempt.delay == 0


# Answers


def test_numbers_are_read_as_exact_decimals() -> None:
    order = calls.get_order("x").read(httpx.Response(200, content=ORDER_JSON))
    assert isinstance(order, WorkflowOrderDetail)
    assert str(order.order_price) == "123456.12345678901234567"
    assert order.order_quantity == 100
    assert order.placed_at == datetime(2026, 2, 22, 14, 30, tzinfo=UTC)


def test_an_order_from_a_server_before_1_4_0_reads_without_dry_run() -> None:
    older = ORDER_JSON.replace(b' "dry_run": true,', b"")
    assert b"dry_run" not in older
    order = calls.get_order("x").read(httpx.Response(200, content=older))
    assert order.dry_run is None


def test_record_tells_a_new_order_from_a_replay() -> None:
    call = record_call()
    assert call.read(httpx.Response(201, content=ORDER_JSON)).created
    assert not call.read(httpx.Response(200, content=ORDER_JSON)).created


def test_a_body_outside_the_contract_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponse):
        calls.get_order("x").read(httpx.Response(200, content=b'{"id": "only this"}'))


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, InvalidInput), (401, Unauthorized), (403, Forbidden), (404, NotFound), (409, Conflict), (415, ApiError)],
)
def test_each_error_status_is_raised_as_its_type_with_the_problem(status: int, error: type[ApiError]) -> None:
    done = exchange(calls.get_order("x"))
    done.record(problem(status, "Some title"))
    with pytest.raises(error) as raised:
        done.result()
    assert type(raised.value) is error
    assert (raised.value.problem.title, raised.value.status, raised.value.request_id) == ("Some title", status, "req-1")


def test_invalid_input_carries_the_field_errors() -> None:
    done = exchange(record_call())
    done.record(problem(400, "Invalid input", errors=[{"field": "order_price", "message": "must be > 0"}]))
    with pytest.raises(InvalidInput) as raised:
        done.result()
    assert [(e.field, e.message) for e in raised.value.errors] == [("order_price", "must be > 0")]


def test_an_error_page_that_is_no_problem_document_still_gives_a_typed_error() -> None:
    done = exchange(calls.create_workflow(workflow_request()))
    done.record(httpx.Response(404, text="<html>gone</html>"))
    with pytest.raises(NotFound) as raised:
        done.result()
    assert (raised.value.problem.title, raised.value.problem.detail) == ("Not Found", "<html>gone</html>")


# Retries


def test_a_503_is_retried_after_its_retry_after_and_the_next_answer_counts() -> None:
    done = exchange(record_call())
    done.record(unavailable("3"))
    retry = done.next_attempt()
    assert retry is not None
    assert retry.delay == 3
    done.record(httpx.Response(200, content=ORDER_JSON))
    assert done.next_attempt() is None
    assert not done.result().created


def test_retry_after_is_capped_by_the_policy() -> None:
    done = exchange(calls.get_order("x"))
    done.record(unavailable("120"))
    retry = done.next_attempt()
    assert retry is not None
    assert retry.delay == POLICY.backoff_cap


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("reset"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_no_answer_is_retried_with_a_growing_jittered_backoff(error: httpx.TransportError) -> None:
    done = exchange(calls.get_workflow(WORKFLOW_ID))
    delays = []
    for _ in range(POLICY.attempts - 1):
        done.record(error)
        retry = done.next_attempt()
        assert retry is not None
        delays.append(retry.delay)
    assert delays == [0.75, 1.5]  # 1 s then 2 s, a random half of each taken off (the fraction drawn is 0.5)
    done.record(error)
    assert done.next_attempt() is None
    with pytest.raises(ServiceUnreachable) as raised:
        done.result()
    assert raised.value.__cause__ is error


def test_after_the_last_attempt_a_503_is_raised_with_its_retry_after() -> None:
    done = exchange(calls.latest_orders({}))
    for _ in range(POLICY.attempts):
        done.record(unavailable("2"))
    assert done.next_attempt() is None
    with pytest.raises(Unavailable) as raised:
        done.result()
    assert raised.value.retry_after == 2


@pytest.mark.parametrize(
    "call",
    [
        calls.create_workflow(workflow_request()),
        calls.replace_workflow(WORKFLOW_ID, workflow_request()),
        calls.delete_workflow(WORKFLOW_ID),
    ],
    ids=["create", "replace", "delete"],
)
def test_workflow_writes_are_attempted_once(call: calls.Call[Any]) -> None:
    done = exchange(call)
    done.record(httpx.ReadTimeout("slow"))
    assert done.next_attempt() is None
    with pytest.raises(ServiceUnreachable):
        done.result()


@pytest.mark.parametrize("status", [400, 404, 409, 500])
def test_answers_other_than_503_are_not_retried(status: int) -> None:
    done = exchange(record_call())
    done.record(problem(status, "No"))
    assert done.next_attempt() is None


def test_a_local_mistake_is_not_retried() -> None:
    done = exchange(calls.get_order("x"))
    done.record(httpx.UnsupportedProtocol("ftp"))
    assert done.next_attempt() is None


def test_the_backoff_never_exceeds_its_cap_and_full_jitter_can_reach_zero() -> None:
    policy = RetryPolicy(attempts=10, backoff_base=1.0, backoff_cap=4.0, jitter=1.0)
    assert [policy.delay(n, None, lambda: 0.0) for n in range(1, 6)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert policy.delay(3, None, lambda: 1.0) == 0.0


@pytest.mark.parametrize(
    "arguments", [{"attempts": 0}, {"backoff_base": -1.0}, {"jitter": 1.5}], ids=["attempts", "base", "jitter"]
)
def test_a_policy_that_cannot_work_is_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**arguments)
