"""Read orders across workflows: a page of a window, and the summary of a whole window."""

from dataclasses import dataclass

from domain.model.errors import WindowTooLargeError
from domain.model.history import CursorCodec, Position
from domain.model.order import WorkflowOrder
from domain.model.window import OrderWindow
from domain.model.window_summary import MAX_SUMMARY_ORDERS, WindowSummary, summarize
from ports.clock import Clock
from ports.orders import OrderRepository


@dataclass(frozen=True, slots=True)
class WindowPage:
    """One page of a window: its orders, newest first, and the cursor of the next page (None on the
    last one)."""

    orders: list[WorkflowOrder]
    next_cursor: str | None


class ListOrders:
    """A page of the visible orders of every workflow in a window, newest first: one storage read.

    The cursor is bound to the window (its bounds and filters), so it cannot be replayed on
    another one. A page carries no total: the summary of the same window counts it.
    """

    def __init__(self, orders: OrderRepository, clock: Clock, cursors: CursorCodec) -> None:
        self._orders, self._clock, self._cursors = orders, clock, cursors

    async def execute(self, window: OrderWindow, limit: int, cursor: str | None = None) -> WindowPage:
        scope = window.scope()
        after = None if cursor is None else self._cursors.decode_in(cursor, scope)
        # One order more than asked says whether another page follows, in the same read.
        found = await self._orders.window(window, now=self._clock.now(), limit=limit + 1, after=after)
        orders = found[:limit]
        if len(found) <= limit:
            return WindowPage(orders, None)
        last = orders[-1]
        return WindowPage(orders, self._cursors.encode_in(scope, Position(last.placed_at, last.id)))


class SummarizeOrders:
    """The summary of a window's visible orders (groups, count, digest): one storage read of at most
    MAX_SUMMARY_ORDERS + 1 orders; a window with more is a WindowTooLargeError."""

    def __init__(self, orders: OrderRepository, clock: Clock) -> None:
        self._orders, self._clock = orders, clock

    async def execute(self, window: OrderWindow) -> WindowSummary:
        orders = await self._orders.window(window, now=self._clock.now(), limit=MAX_SUMMARY_ORDERS + 1)
        if len(orders) > MAX_SUMMARY_ORDERS:
            raise WindowTooLargeError(MAX_SUMMARY_ORDERS)
        return summarize(orders)
