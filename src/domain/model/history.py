"""Order history queries: filters, page positions, and the opaque cursor that carries a position."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from domain.model.enums import OrderDirection
from domain.model.errors import InvalidCursorError
from domain.model.ids import Id, parse_id
from domain.model.order import WorkflowOrder
from domain.model.tokens import b64, unb64

MAX_LIMIT = 100
DEFAULT_HISTORY_LIMIT = 20
DEFAULT_LATEST_LIMIT = 100
LATEST_POSSIBLE_PLACED_AT = 99_999_999_999
"""No position can lie beyond this (the year 5138): a cursor claiming one was forged."""


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Inclusive bounds on placed_at (epoch seconds) and an optional direction."""

    since: int | None = None
    until: int | None = None
    direction: OrderDirection | None = None

    def matches(self, order: WorkflowOrder) -> bool:
        return (
            (self.since is None or order.placed_at >= self.since)
            and (self.until is None or order.placed_at <= self.until)
            and (self.direction is None or order.order_direction == self.direction)
        )


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What a page of a workflow's history is asked with, besides the workflow: the page's entity
    tag is derived from every field of it, so a field added here can never give a stale 304."""

    limit: int = DEFAULT_HISTORY_LIMIT
    cursor: str | None = None
    """next_cursor of the previous page, or None for the first page."""
    history_filter: HistoryFilter = HistoryFilter()


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the sort key of its last order. The next page starts strictly after it."""

    placed_at: int
    order_id: Id

    def is_after(self, order: WorkflowOrder) -> bool:
        """True when `order` comes after this position in newest-first order."""
        return order.sort_key < (self.placed_at, self.order_id)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """At most `limit` orders, newest first; `next_position` is None when nothing matching remains;
    `total_count` counts every visible matching order, on this page or any other."""

    orders: list[WorkflowOrder]
    next_position: Position | None
    total_count: int


@dataclass(frozen=True, slots=True)
class LatestPage:
    """The first rows of the latest-order-per-workflow list, newest first; `total_count` counts
    every row, on this page or not."""

    orders: list[WorkflowOrder]
    total_count: int


class CursorCodec:
    """Turns a position into an opaque token bound to one workflow and one filter set.

    The token carries the position and a MAC over it, the workflow id and the filters, so a
    token altered in any way, or presented with another workflow or filter set, is refused.
    """

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, scope: str, payload: bytes) -> bytes:
        return hmac.new(self._key, scope.encode() + b"|" + payload, hashlib.sha256).digest()[:16]

    def encode(self, workflow_id: Id, history_filter: HistoryFilter, position: Position) -> str:
        return self.encode_in(history_scope(workflow_id, history_filter), position)

    def decode(self, token: str, workflow_id: Id, history_filter: HistoryFilter) -> Position:
        return self.decode_in(token, history_scope(workflow_id, history_filter))

    def encode_in(self, scope: str, position: Position) -> str:
        """A token for `position`, valid only when presented again with the same `scope` (a canonical
        text of the query, e.g. OrderWindow.scope())."""
        payload = json.dumps([position.placed_at, position.order_id], separators=(",", ":")).encode()
        return f"{b64(payload)}.{b64(self._mac(scope, payload))}"

    def decode_in(self, token: str, scope: str) -> Position:
        """The position of a token that encode_in gave for this `scope`; InvalidCursorError otherwise."""
        try:
            payload_text, mac_text = token.split(".")
            payload, mac = unb64(payload_text), unb64(mac_text)
        except ValueError as error:
            raise InvalidCursorError() from error
        if not hmac.compare_digest(mac, self._mac(scope, payload)):
            raise InvalidCursorError()
        try:
            placed_at, order_id = json.loads(payload)
        except (ValueError, TypeError) as error:
            raise InvalidCursorError() from error
        order_id = parse_id(order_id) if isinstance(order_id, str) else None
        if not (type(placed_at) is int and 0 <= placed_at <= LATEST_POSSIBLE_PLACED_AT and order_id is not None):
            raise InvalidCursorError()
        return Position(placed_at, order_id)


def history_scope(workflow_id: Id, history_filter: HistoryFilter) -> str:
    """What a history cursor is bound to: the workflow and the filters."""
    return json.dumps([workflow_id, history_filter.since, history_filter.until, history_filter.direction])
