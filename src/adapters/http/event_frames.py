"""Server-Sent Events frames of feed entries, each built once however many streams it goes to."""

from collections.abc import Callable

from adapters.bounded_cache import BoundedCache
from adapters.http.decimal_forms import DecimalForm
from adapters.http.response_bodies import ResponseBodies
from domain.model.feed import FeedEntry

FRAMES_REMEMBERED = 4096


class EventFrames:
    """`id: …\\nevent: order\\ndata: …\\n\\n` for an entry. A new order goes to every matching
    stream within a few feed reads, so the last FRAMES_REMEMBERED frames are kept by position and
    form of decimals: the body is encoded and the event id signed once per order and form, not once
    per subscriber."""

    def __init__(self, bodies: ResponseBodies, capacity: int = FRAMES_REMEMBERED) -> None:
        self._bodies = bodies
        self._frames: BoundedCache[tuple[str, DecimalForm], bytes] = BoundedCache(
            "SSE frames by feed position", capacity
        )

    def frame(self, entry: FeedEntry, event_id: Callable[[FeedEntry], str], form: DecimalForm) -> bytes:
        key = (entry.position.key, form)
        found = self._frames.get(key)
        if found is None:
            data = form.encoder.encode(self._bodies.latest_order_item(entry.order))
            found = b"id: %s\nevent: order\ndata: %s\n\n" % (event_id(entry).encode(), data)
            self._frames.put(key, found)
        return found
