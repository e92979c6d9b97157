"""The live stream of new orders, as Server-Sent Events."""

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Annotated

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, Parameter
from litestar.response import Stream

from adapters.http.decimal_forms import Accept, DecimalForm, requested_form
from adapters.http.event_frames import EventFrames
from adapters.http.event_ids import EventIds
from adapters.http.heartbeats import Heartbeats
from adapters.http.ids import UUID_PATTERN, checked_id
from adapters.http.openapi import EventStreamOperation, problems
from adapters.http.response_bodies import ApiController
from adapters.http.timestamps import parse_instant
from domain.model.enums import OrderDirection
from domain.model.feed import FeedEntry, StreamFilter
from domain.use_cases.order_stream import OrderStream
from domain.use_cases.subscription import Subscription

EVENT_STREAM = "text/event-stream"
RECONNECT_MILLISECONDS = 1000
# No blank line outside an event: a blank line ends a block, and a block without data is "no event"
# for a browser's EventSource but an empty event for httpx-sse (when a retry or an id is pending)
# and for fetch-event-source. The retry field and comments are lines of their own, acted on as read.
_OPENING = f"retry: {RECONNECT_MILLISECONDS}\n: connected\n".encode()
_HEARTBEAT = b": keep-alive\n"
_EXAMPLE = (
    'id: eyJ...\nevent: order\ndata: {"id":"...","workflow_id":"...","placed_at":"2026-11-30T09:00:00Z",'
    '"order_code":"FR0000120271","order_price":12.5,"order_quantity":3,"order_direction":"BUY",'
    '"workflow_name":"CAC breakout"}\n\n: keep-alive\n'
)
_ID = {"format": "uuid", "pattern": UUID_PATTERN}
_SINCE = (
    "Start with the orders recorded at or after this instant (RFC 3339, at most 7 days back), then live "
    "ones. Recorded means entered in the stream's feed, in feed order: not `placed_at`. Ignored when "
    "resuming with Last-Event-ID (a reconnecting client goes on where it was)"
)
EventId = Annotated[
    str | None,
    HeaderParameter(
        name="Last-Event-ID",
        required=False,
        description="The id of the last event received: the stream resumes right after it",
    ),
]


class OrderStreamController(ApiController):
    path = "/v1/orders/stream"
    tags = ["orders"]

    def __init__(self, owner: Router) -> None:
        super().__init__(owner)
        self._frames = EventFrames(self._bodies)

    @get(
        "/",
        media_type=EVENT_STREAM,
        responses={
            200: ResponseSpec(
                str,
                description=(
                    "Server-Sent Events: `event: order` per recorded order (data: one row of "
                    "/v1/orders/latest as JSON; id: where to resume), `: keep-alive` comment lines while quiet. "
                    "Every blank line ends an event with data: no empty events"
                ),
                media_type=EVENT_STREAM,
                examples=None,
                generate_examples=False,
            ),
            **problems(400, 401, 410, 429, 503),
        },
        operation_id="streamOrders",
        operation_class=EventStreamOperation,
        summary="New orders as they are recorded (Server-Sent Events, resumable)",
    )
    async def stream(
        self,
        order_stream: NamedDependency[OrderStream],
        event_ids: NamedDependency[EventIds],
        heartbeats: NamedDependency[Heartbeats],
        workflow_id: Annotated[
            str | None, Parameter(description="Only this workflow's orders", schema_extra=_ID)
        ] = None,
        direction: Annotated[OrderDirection | None, Parameter(description="Only BUY or only SELL orders")] = None,
        last_event_id: Annotated[
            str | None,
            Parameter(description="As the Last-Event-ID header, for clients that cannot set headers", min_length=1),
        ] = None,
        last_event_id_header: EventId = None,
        since: Annotated[str | None, Parameter(description=_SINCE, schema_extra={"format": "date-time"})] = None,
        accept: Accept = None,
    ) -> Stream:
        stream_filter = StreamFilter(
            workflow_id=None if workflow_id is None else checked_id(workflow_id, "workflow_id"), direction=direction
        )
        subscription = await order_stream.subscribe(
            stream_filter,
            resume=event_ids.read(last_event_id_header or last_event_id),
            since=None if since is None else parse_instant(since, "since"),
        )
        decimals = requested_form(accept)
        return Stream(
            self._events(subscription, event_ids, heartbeats, decimals),
            media_type=EVENT_STREAM,
            headers={
                "Content-Type": decimals.media_type(f"{EVENT_STREAM}; charset=utf-8"),
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                "Vary": "Accept",
            },
        )

    async def _events(
        self, subscription: Subscription, event_ids: EventIds, heartbeats: Heartbeats, decimals: DecimalForm
    ) -> AsyncIterator[bytes]:
        yield _OPENING

        def event_id(entry: FeedEntry) -> str:
            return event_ids.issue(subscription.store, entry.position)

        # Closing this generator (the response ended, or the client left) closes the subscription at
        # once, which withdraws it: it counts against the subscriber limit until then.
        async with aclosing(heartbeats.around(subscription)) as batches:
            async for batch in batches:
                if batch is None:
                    yield _HEARTBEAT
                else:
                    yield b"".join(self._frames.frame(entry, event_id, decimals) for entry in batch)
