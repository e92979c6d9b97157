"""GET /v1/orders/stream refusals over HTTP (the events themselves: test_use_cases_order_stream and,
end to end, tests/integration/test_order_stream_process.py)."""

import time
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.http.decimal_forms import DecimalForm
from adapters.http.event_frames import EventFrames
from adapters.http.event_ids import EventIdCodec
from adapters.http.response_bodies import ResponseBodies
from app.settings import DEFAULT_CURSOR_SECRET
from builders import event_id_without_store, iso, make_order
from domain.model.feed import EventPoint, FeedEntry, FeedPosition
from domain.model.order import RETENTION_SECONDS

STREAM = "/v1/orders/stream"


def issued(seconds_ago: int, store: str = "sqlite:0123456789abcdef0123456789abcdef") -> str:
    """An event id as the service signs it (the default key), issued `seconds_ago` by `store`."""
    codec = EventIdCodec(DEFAULT_CURSOR_SECRET.encode())
    return codec.encode(EventPoint(store, FeedPosition(f"{1:020d}")), now=int(time.time()) - seconds_ago)


@pytest.mark.parametrize(
    ("params", "headers", "field"),
    [
        ({"workflow_id": "not-a-uuid"}, {}, "workflow_id"),
        ({"direction": "SIDEWAYS"}, {}, "direction"),
        ({"last_event_id": "forged"}, {}, "Last-Event-ID"),
        ({}, {"Last-Event-ID": issued(0)[:-1] + "x"}, "Last-Event-ID"),
        ({"since": "yesterday"}, {}, "since"),
        ({"since": "2026-02-22T14:30:00"}, {}, "since"),  # no offset
        ({"since": iso(int(time.time()) - RETENTION_SECONDS - 60)}, {}, "since"),
        ({"since": iso(int(time.time()) + 3600)}, {}, "since"),
    ],
)
def test_bad_parameters_and_event_ids_are_400(
    client: TestClient[Any], params: dict[str, str], headers: dict[str, str], field: str
) -> None:
    response = client.get(STREAM, params=params, headers=headers)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in {error["field"] for error in response.json()["errors"]}


def test_an_event_id_older_than_the_retention_is_410(client: TestClient[Any]) -> None:
    response = client.get(STREAM, headers={"Last-Event-ID": issued(RETENTION_SECONDS + 60)})

    assert response.status_code == 410
    assert response.json()["title"] == "Event id too old"


@pytest.mark.parametrize(
    "event_id",
    [
        issued(0),  # a store other than the test's new database
        event_id_without_store(DEFAULT_CURSOR_SECRET.encode(), f"{1:020d}", issued_at=int(time.time())),
    ],
    ids=["another store", "no store"],
)
def test_an_event_id_this_store_did_not_issue_is_410(client: TestClient[Any], event_id: str) -> None:
    response = client.get(STREAM, headers={"Last-Event-ID": event_id})

    assert response.status_code == 410
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "Event id unknown to this store"
    assert "start the stream again without one" in response.json()["detail"].lower()


def test_the_stream_needs_a_read_token(secured_client: TestClient[Any]) -> None:
    assert secured_client.get(STREAM).status_code == 401


def test_a_frame_is_built_once_for_every_stream_it_goes_to() -> None:
    signed: list[FeedEntry] = []

    def event_id(entry: FeedEntry) -> str:
        signed.append(entry)
        return "the-id"

    frames = EventFrames(ResponseBodies(), capacity=2)
    entry = FeedEntry(FeedPosition("1"), make_order(price="12345.12345678901234567"))

    first, again = frames.frame(entry, event_id, DecimalForm.NUMBER), frames.frame(entry, event_id, DecimalForm.NUMBER)
    as_strings = frames.frame(entry, event_id, DecimalForm.STRING)

    assert first is again
    assert signed == [entry, entry]  # once per form
    assert first.startswith(b"id: the-id\nevent: order\ndata: {")
    assert b'"order_price":12345.12345678901234567,' in first
    assert first.endswith(b"}\n\n")
    assert b'"order_price":"12345.12345678901234567",' in as_strings


def test_the_document_marks_the_stream_and_only_it_so_that_fuzzers_can_leave_it_out(client: TestClient[Any]) -> None:
    document = client.get("/schema/openapi.json").json()

    marked = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("x-event-stream") is True
    }
    assert marked == {(STREAM, "get")}
