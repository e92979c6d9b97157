"""Orders across workflows: a time window with filters, a calendar day in a time zone, and the
scope a window cursor is bound to."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.model.enums import OrderDirection
from domain.model.errors import InvalidInputError
from domain.model.ids import Id
from domain.model.order import WorkflowOrder, oldest_visible_placed_at

MAX_REPEATED = 50
"""At most this many values of one repeatable filter (workflow_id, order_code) in one query."""
HORIZON_SECONDS = 86_400
"""A window without `until` ends this long after `now`: orders are placed at most 5 minutes ahead of
the recording replica's clock, and a day leaves room for any replica's clock being behind."""


@dataclass(frozen=True, slots=True)
class OrderWindow:
    """Which orders of every workflow a query covers: inclusive placed_at bounds (epoch seconds) and
    optional filters. An empty set of workflow ids or order codes means "any".

    A new filter is one field, one clause in `matches` and one entry in `scope` (and in each
    adapter's query when it narrows the read).
    """

    since: int | None = None
    until: int | None = None
    workflow_ids: frozenset[Id] = field(default_factory=frozenset)
    order_codes: frozenset[str] = field(default_factory=frozenset)
    direction: OrderDirection | None = None
    dry_run: bool | None = None
    """Only orders recorded under a dry-run workflow (True) or a live one (False); an order recorded
    before dry_run was captured (None) matches neither."""

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise InvalidInputError.single("since", "must not be after until")

    def matches(self, order: WorkflowOrder) -> bool:
        """True when the order lies in the window and passes every filter (visibility aside)."""
        return (
            (self.since is None or order.placed_at >= self.since)
            and (self.until is None or order.placed_at <= self.until)
            and (not self.workflow_ids or order.workflow_id in self.workflow_ids)
            and (not self.order_codes or order.order_code in self.order_codes)
            and (self.direction is None or order.order_direction == self.direction)
            and (self.dry_run is None or order.dry_run is self.dry_run)
        )

    def placed_at_range(self, now: int) -> tuple[int, int]:
        """The inclusive placed_at range a read at `now` covers: the window's bounds, narrowed to the
        orders still visible (oldest_visible_placed_at) and to HORIZON_SECONDS after `now`."""
        lowest = oldest_visible_placed_at(now)
        highest = now + HORIZON_SECONDS
        if self.since is not None:
            lowest = max(lowest, self.since)
        if self.until is not None:
            highest = min(highest, self.until)
        return lowest, highest

    def scope(self) -> str:
        """A canonical text of the window: what a cursor of its pages is bound to."""
        direction = None if self.direction is None else self.direction.value
        window = [
            "window",
            self.since,
            self.until,
            sorted(self.workflow_ids),
            sorted(self.order_codes),
            direction,
            self.dry_run,
        ]
        return json.dumps(window, separators=(",", ":"))


def zone_named(name: str, field_name: str = "tz") -> ZoneInfo:
    """The IANA time zone of this name; an unknown or malformed name is an InvalidInputError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise InvalidInputError.single(field_name, "must be an IANA time zone name, e.g. Europe/Paris") from error


def day_bounds(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """The first and the last second (epoch, inclusive) of the calendar day `day` in `zone`.

    The day runs from its local midnight to the next one, so it lasts 23 or 25 hours on the days
    the zone's clocks change. A midnight the clocks skip starts the day at the first instant that
    exists; a midnight they repeat starts it at the first of the two.
    """
    start = _first_instant(day, zone)
    end = _first_instant(day + timedelta(days=1), zone)
    return start, end - 1


def _first_instant(day: date, zone: ZoneInfo) -> int:
    local = datetime.combine(day, time(0), tzinfo=zone)
    # fold=0 gives a skipped local time the offset from before the change, which is the instant
    # the clocks jumped: exactly when the day began.
    return int(local.timestamp())
