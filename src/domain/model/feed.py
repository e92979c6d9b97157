"""The feed of recorded orders: positions in it, what a read returns, and the event ids that carry
a position to a client and back."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from domain.model.enums import OrderDirection
from domain.model.errors import EventIdExpiredError, EventIdUnknownHereError, InvalidEventIdError
from domain.model.ids import Id
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.tokens import b64, unb64

MAX_POSITION_LENGTH = 100
MAX_STORE_LENGTH = 100


@dataclass(frozen=True, slots=True, order=True)
class FeedPosition:
    """A place in the feed, between two recorded orders. Positions of one storage sort as the
    orders were recorded; what `key` holds is the storage's business (a sequence number, a time
    and an id), the rest of the code only compares and carries it."""

    key: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One recorded order and the position just after it."""

    position: FeedPosition
    order: WorkflowOrder


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """Entries in recorded order, and where the next read starts (after the last entry, or further
    on when the storage skipped entries it need not return)."""

    entries: list[FeedEntry]
    position: FeedPosition


@dataclass(frozen=True, slots=True)
class StreamFilter:
    """Which orders a subscriber wants: one workflow's, one direction's, or all."""

    workflow_id: Id | None = None
    direction: OrderDirection | None = None

    def matches(self, order: WorkflowOrder) -> bool:
        return (self.workflow_id is None or order.workflow_id == self.workflow_id) and (
            self.direction is None or order.order_direction == self.direction
        )


@dataclass(frozen=True, slots=True)
class EventPoint:
    """What an event id names: a position in the feed of one store."""

    store: str
    position: FeedPosition


class EventIdCodec:
    """Turns a feed position of one store into an event id a client can hand back, and back again.

    The id carries the time it was issued, the store's id (ports.feed.OrderFeed.store_id), the
    position and a MAC over all three: an altered or invented id is refused (InvalidEventIdError),
    and one issued before the retention period could still vouch for every order after it is
    refused as too old (EventIdExpiredError). An authentic id in the earlier format, without the
    store, is refused as unknown (EventIdUnknownHereError): no store can say where it points.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"feed|" + payload, hashlib.sha256).digest()[:16]

    def encode(self, point: EventPoint, *, now: int) -> str:
        payload = json.dumps([now, point.store, point.position.key], separators=(",", ":")).encode()
        return f"{b64(payload)}.{b64(self._mac(payload))}"

    def decode(self, event_id: str, *, now: int) -> EventPoint:
        try:
            payload_text, mac_text = event_id.split(".")
            payload, mac = unb64(payload_text, max_length=400), unb64(mac_text)
        except ValueError as error:
            raise InvalidEventIdError() from error
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise InvalidEventIdError()
        try:
            fields = json.loads(payload)
        except ValueError as error:
            raise InvalidEventIdError() from error
        if not (isinstance(fields, list) and len(fields) in (2, 3)):
            raise InvalidEventIdError()
        issued_at, key, store = fields[0], fields[-1], fields[1] if len(fields) == 3 else None
        if not (
            type(issued_at) is int
            and isinstance(key, str)
            and 0 < len(key) <= MAX_POSITION_LENGTH
            and (store is None or (isinstance(store, str) and 0 < len(store) <= MAX_STORE_LENGTH))
        ):
            raise InvalidEventIdError()
        if issued_at <= now - RETENTION_SECONDS:
            raise EventIdExpiredError()
        if store is None:
            raise EventIdUnknownHereError()  # [issued_at, key]: issued before ids named their store
        return EventPoint(store, FeedPosition(key))
