"""Following the stream, without I/O: how its text is read, and what each connection's end means."""

from datetime import UTC, datetime

import httpx
import pytest

from workflow_orders_client import EventIdExpired, RetryPolicy, ServiceUnreachable, Unavailable
from workflow_orders_client.exchange import ClientCore
from workflow_orders_client.stream import RECENT_IDS, EventParser, OrderFollow, follow_orders

FIRST_ID = "7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09"
POLICY = RetryPolicy(attempts=3, backoff_base=1.0, backoff_cap=5.0, jitter=0.5)
ORDER_DATA = (
    '{"id":"7d3e2f1a-0b9c-4d8e-a7f6-5e4d3c2b1a09","workflow_id":"3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f",'
    '"placed_at":"2026-02-22T14:30:00Z","order_code":"FRA40.I","order_price":123456.12345678901234567,'
    '"order_quantity":1E+2,"order_direction":"BUY","dry_run":false,"workflow_name":"DAX breakout"}'
)
STREAM_TEXT = f"retry: 1000\n: connected\n: keep-alive\nid: e-1\nevent: order\ndata: {ORDER_DATA}\n\n: keep-alive\n"
EARLIER_STREAM_TEXT = f"retry: 1000\n\nid: e-1\nevent: order\ndata: {ORDER_DATA}\n\n: keep-alive\n\n"
"""How earlier services framed the stream: a block of its own for `retry`, a blank line after each comment."""


def follow(last_event_id: str | None = None) -> OrderFollow:
    core = ClientCore("http://orders.test/", "token-1", POLICY, httpx.Timeout(5.0), random_fraction=lambda: 0.5)
    return follow_orders(core, "3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f", "SELL", last_event_id, idle_timeout=45.0)


def problem(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/problem+json"} | ({"retry-after": retry_after} if retry_after else {})
    body = {"type": "about:blank", "title": "t", "status": status, "detail": "d"}
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize("stream_text", [STREAM_TEXT, EARLIER_STREAM_TEXT], ids=["current", "earlier"])
@pytest.mark.parametrize("size", [1, 2, 7, 1000])
def test_events_are_read_whatever_the_chunks(size: int, stream_text: str) -> None:
    parser = EventParser()
    text = stream_text.replace("\n", "\r\n")
    events = [event for start in range(0, len(text), size) for event in parser.feed(text[start : start + size])]
    assert events == [("e-1", "order", ORDER_DATA)]


def test_data_lines_join_and_an_id_stays_until_replaced() -> None:
    events = EventParser().feed("id: a\ndata: one\ndata: two\n\nevent: order\ndata:x\n\n")
    assert events == [("a", "message", "one\ntwo"), ("a", "order", "x")]


def test_the_first_connection_asks_for_the_stream_with_the_filters_and_a_long_read_timeout() -> None:
    attempt = follow().next_connection()
    assert (attempt.method, attempt.url, attempt.delay) == ("GET", "http://orders.test/v1/orders/stream", 0.0)
    assert attempt.options["params"] == (("workflow_id", "3f2b8c1e-5d4a-4e9b-8c7d-1a2b3c4d5e6f"), ("direction", "SELL"))
    assert attempt.headers["accept"] == "text/event-stream"
    assert "last-event-id" not in attempt.headers
    assert attempt.options["timeout"].read == 45.0


def test_a_follow_since_an_instant_sends_it_on_every_connection_which_the_service_ignores_once_resuming() -> None:
    core = ClientCore("http://orders.test/", "token-1", POLICY, httpx.Timeout(5.0), random_fraction=lambda: 0.5)
    since = datetime(2026, 2, 22, 14, 30, tzinfo=UTC)
    following = follow_orders(core, None, None, None, idle_timeout=45.0, since=since)

    assert following.next_connection().options["params"] == (("since", "2026-02-22T14:30:00Z"),)
    assert following.opened(httpx.Response(200))
    following.received(STREAM_TEXT)
    again = following.next_connection()
    assert (again.options["params"], again.headers["last-event-id"]) == ((("since", "2026-02-22T14:30:00Z"),), "e-1")
    with pytest.raises(ValueError, match="since"):
        follow_orders(core, None, None, None, idle_timeout=45.0, since=datetime(2026, 2, 22))


def test_orders_come_exact_and_the_next_connection_resumes_after_the_last_one() -> None:
    following = follow("e-0")
    assert following.next_connection().headers["last-event-id"] == "e-0"
    assert following.opened(httpx.Response(200))

    [streamed] = following.received(STREAM_TEXT)
    following.dropped()

    assert streamed.event_id == "e-1"
    assert str(streamed.order.order_price) == "123456.12345678901234567"
    reconnection = following.next_connection()
    assert reconnection.headers["last-event-id"] == "e-1"
    assert 0 < reconnection.delay <= 1.0


def test_an_order_sent_again_after_a_resume_is_given_once_and_the_follow_resumes_after_the_repeat() -> None:
    following = follow()
    assert following.opened(httpx.Response(200))
    [first] = following.received(STREAM_TEXT)
    following.dropped()
    following.next_connection()
    assert following.opened(httpx.Response(200))

    again = following.received(f"id: e-2\nevent: order\ndata: {ORDER_DATA}\n\n")

    assert first.event_id == "e-1"
    assert again == []
    assert following.next_connection().headers["last-event-id"] == "e-2"


def test_a_follow_remembers_its_last_order_ids_only() -> None:
    following = follow()
    assert following.opened(httpx.Response(200))
    other_ids = [f"00000000-0000-4000-8000-{number:012d}" for number in range(RECENT_IDS)]
    given = following.received(STREAM_TEXT)
    for number, order_id in enumerate(other_ids):
        given += following.received(f"id: o-{number}\nevent: order\ndata: {ORDER_DATA.replace(FIRST_ID, order_id)}\n\n")

    given += following.received(f"id: e-2\nevent: order\ndata: {ORDER_DATA}\n\n")

    assert len(given) == 2 + RECENT_IDS  # the first order, forgotten after RECENT_IDS others, comes again
    assert [streamed.event_id for streamed in (given[0], given[-1])] == ["e-1", "e-2"]


def test_a_503_waits_its_retry_after_and_too_many_failures_in_a_row_end_the_follow() -> None:
    following = follow()
    following.next_connection()
    assert not following.opened(problem(503, retry_after="3"))
    assert following.next_connection().delay == 3.0
    following.dropped(httpx.ConnectError("refused"))
    following.next_connection()
    with pytest.raises(Unavailable):
        following.opened(problem(503, retry_after="1"))


def test_a_connection_that_opened_resets_the_count_of_failures() -> None:
    following = follow()
    for _ in range(5):
        following.next_connection()
        following.dropped(httpx.ReadTimeout("silent"))
        following.next_connection()
        assert following.opened(httpx.Response(200))
    following.dropped(httpx.ConnectError("refused"))
    following.dropped(httpx.ConnectError("refused"))
    with pytest.raises(ServiceUnreachable):
        following.dropped(httpx.ConnectError("refused"))


def test_an_event_id_too_old_ends_the_follow_with_its_own_error() -> None:
    following = follow("old")
    following.next_connection()
    with pytest.raises(EventIdExpired):
        following.opened(problem(410))
