"""Event ids of the live stream: a store's feed position signed for a client to hand back."""

import hashlib
import hmac
import json

from domain.model.errors import EventIdExpiredError, EventIdUnknownHereError, InvalidEventIdError
from domain.model.feed import EventPoint, FeedPosition
from domain.model.order import RETENTION_SECONDS
from domain.model.tokens import b64, unb64
from ports.clock import Clock

MAX_POSITION_LENGTH = 100
MAX_STORE_LENGTH = 100


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


class EventIds:
    """The codec at the clock's time: what the stream controller issues and reads."""

    def __init__(self, codec: EventIdCodec, clock: Clock) -> None:
        self._codec, self._clock = codec, clock

    def issue(self, store: str, position: FeedPosition) -> str:
        return self._codec.encode(EventPoint(store, position), now=self._clock.now())

    def read(self, event_id: str | None) -> EventPoint | None:
        """Where `event_id` points (None for no id); raises as EventIdCodec.decode."""
        return None if event_id is None else self._codec.decode(event_id, now=self._clock.now())
