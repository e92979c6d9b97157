"""Following the live stream of new orders, decided without doing any I/O: the clients only open
connections, read text and sleep.

A follow spans connections. Each connection resumes after the last event received (the
`Last-Event-ID` header), so a dropped connection, a replica that stops, or a 503 costs a short
wait and nothing else: no order is missed and none comes twice (the service may send an order twice
in one rare case on DynamoDB, around a resume: the follow skips an order id it gave among its last
RECENT_IDS). A connection that opened resets
the count of failed ones; `RetryPolicy.attempts` failures in a row end the follow with the typed
error of the last one. A 4xx ends it at once (a 410 means the service cannot resume after that
event id: too old, or issued by another store; start again without one).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import msgspec

from workflow_orders_client import wire
from workflow_orders_client.calls import HttpRequest
from workflow_orders_client.errors import ServiceUnreachable
from workflow_orders_client.exchange import Attempt, ClientCore, RequestOptions
from workflow_orders_client.models import LatestOrderItem, OrderDirection
from workflow_orders_client.retry import RetryPolicy, is_retryable, retry_after_seconds

STREAM_PATH = "/v1/orders/stream"
DEFAULT_IDLE_TIMEOUT = 60.0
"""Seconds of silence after which a connection counts as dropped: four of the service's default
keep-alive intervals."""
_ORDER = msgspec.json.Decoder(LatestOrderItem)
RECENT_IDS = 1000
"""Order ids a follow remembers to skip a repeat: the service repeats an order within seconds."""


@dataclass(frozen=True, slots=True)
class StreamedOrder:
    """One order as the stream announced it; `event_id` is where a later follow can resume."""

    event_id: str
    order: LatestOrderItem


class EventParser:
    """Server-Sent Events text, in chunks of any size, to (id, event type, data) triples."""

    def __init__(self) -> None:
        self._pending = ""
        self._event_id: str | None = None
        self._event_type = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[tuple[str | None, str, str]]:
        text = self._pending + text
        held = "\r" if text.endswith("\r") else ""  # may be the first half of a CRLF
        text = text.removesuffix(held).replace("\r\n", "\n").replace("\r", "\n")
        *lines, rest = text.split("\n")
        self._pending = rest + held
        events = []
        for line in lines:
            if not line:
                if self._data:
                    events.append((self._event_id, self._event_type or "message", "\n".join(self._data)))
                self._event_type, self._data = "", []
                continue
            if line.startswith(":"):
                continue  # a comment: the service's keep-alive
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event_type = value
            elif name == "id" and "\0" not in value:
                self._event_id = value
        return events


class OrderFollow:
    """The connections of one follow of the stream, and what their answers mean."""

    def __init__(
        self,
        first: Attempt,
        last_event_id: str | None,
        retry: RetryPolicy,
        random_fraction: Callable[[], float],
    ) -> None:
        self._attempt, self._retry, self._random = first, retry, random_fraction
        self.last_event_id = last_event_id
        self._failures = 0
        self._delay = 0.0
        self._parser = EventParser()
        self._recent: dict[str, None] = {}
        """The last RECENT_IDS order ids given, oldest first (a dict keeps insertion order)."""

    def next_connection(self) -> Attempt:
        """The connection to open now (after its delay), resuming after the last event received."""
        headers: dict[str, str] = dict(self._attempt.headers)
        if self.last_event_id is not None:
            headers["last-event-id"] = self.last_event_id
        options = RequestOptions(**{**self._attempt.options, "headers": headers})
        self._parser = EventParser()
        return dataclasses.replace(self._attempt, delay=self._delay, options=options)

    def opened(self, response: httpx.Response) -> bool:
        """Whether the answer is the stream. A refusal worth another connection (503) returns False
        and schedules it (do not report it as dropped too); any other refusal raises its typed
        error. Read the body of a refusal before passing it here."""
        if response.status_code == 200:
            self._failures, self._delay = 0, 0.0
            return True
        if is_retryable(response) and self._fail(retry_after_seconds(response)):
            return False
        raise wire.problem_error(response)

    def received(self, text: str) -> list[StreamedOrder]:
        """The orders in a chunk of the stream's text."""
        orders = []
        for event_id, event_type, data in self._parser.feed(text):
            if event_type != "order" or event_id is None:
                continue
            order = wire.decode(data.encode(), _ORDER)
            self.last_event_id = event_id
            if self._first_time(order.id):
                orders.append(StreamedOrder(event_id, order))
        return orders

    def _first_time(self, order_id: str) -> bool:
        if order_id in self._recent:
            return False
        if len(self._recent) == RECENT_IDS:
            del self._recent[next(iter(self._recent))]
        self._recent[order_id] = None
        return True

    def dropped(self, error: httpx.TransportError | None = None) -> None:
        """The connection ended (the service stopping, a proxy, a silence past the read timeout).
        Schedules the next one, or raises ServiceUnreachable when `error` is the last of too many."""
        if error is not None and not is_retryable(error):
            raise ServiceUnreachable(f"the stream failed: {error!r}") from error
        if not self._fail(None):
            raise ServiceUnreachable(f"the stream could not be followed after {self._failures} attempts") from error

    def _fail(self, retry_after: float | None) -> bool:
        self._failures += 1
        if self._failures >= self._retry.attempts:
            return False
        self._delay = self._retry.delay(self._failures, retry_after, self._random)
        return True


def follow_orders(
    core: ClientCore,
    workflow_id: str | None,
    direction: OrderDirection | None,
    last_event_id: str | None,
    idle_timeout: float,
    *,
    since: datetime | None = None,
) -> OrderFollow:
    """A follow of the stream with these filters, from `since` (an aware datetime) when given. A
    connection silent for `idle_timeout` seconds (the service sends a keep-alive every 15 s by
    default) counts as dropped and is replaced. Every connection sends the same query: once an
    event came, the service resumes after it and ignores `since`."""
    query: tuple[tuple[str, str], ...] = (("workflow_id", workflow_id),) if workflow_id is not None else ()
    query += (("direction", direction),) if direction is not None else ()
    query += (("since", wire.instant(since, "since")),) if since is not None else ()
    timeout = httpx.Timeout(core.timeout.connect, read=idle_timeout, write=core.timeout.write, pool=core.timeout.pool)
    first = core.attempt(HttpRequest("GET", STREAM_PATH, query), accept="text/event-stream", timeout=timeout)
    return OrderFollow(first, last_event_id, core.retry, core.random_fraction)
