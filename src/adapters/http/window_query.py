"""The query parameters that choose a window of orders across workflows, and the OrderWindow they make."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from litestar.openapi.spec import OpenAPIType, Schema
from litestar.openapi.spec import Parameter as OpenAPIParameter
from litestar.params import Parameter

from adapters.http.entity_tags import TaggedRead
from adapters.http.ids import UUID_PATTERN, checked_id
from adapters.http.timestamps import parse_instant
from domain.model.enums import OrderDirection
from domain.model.errors import FieldError, InvalidInputError
from domain.model.rules import CODE_MAX
from domain.model.window import MAX_REPEATED, OrderWindow, day_bounds, zone_named

FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)
"""The days whose bounds exist in every zone (a day's local midnight is an instant within years 1-9999)."""

Since = Annotated[
    str | None,
    Parameter(
        description="RFC 3339 with Z or an offset; inclusive lower bound on placed_at (not with `day`)",
        schema_extra={"format": "date-time"},
    ),
]
Until = Annotated[
    str | None,
    Parameter(
        description="RFC 3339 with Z or an offset; inclusive upper bound on placed_at (not with `day`)",
        schema_extra={"format": "date-time"},
    ),
]
Day = Annotated[
    str | None,
    Parameter(
        description=(
            "A calendar day, YYYY-MM-DD, in the zone `tz`: from its local midnight to the next one (23 or 25 "
            "hours when the clocks change). Not with `since` or `until`."
        ),
        schema_extra={"format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    ),
]
Tz = Annotated[
    str | None,
    Parameter(description="IANA time zone of `day` (e.g. Europe/Paris); default UTC; only with `day`", min_length=1),
]
WorkflowIds = Annotated[
    list[str] | None,
    Parameter(
        description=f"Only orders of these workflows (UUIDs, any case); repeat the parameter, at most {MAX_REPEATED}",
        max_items=MAX_REPEATED,
        schema_extra={"pattern": UUID_PATTERN},
    ),
]
OrderCodes = Annotated[
    list[str] | None,
    Parameter(
        description=f"Only orders with these codes; repeat the parameter, at most {MAX_REPEATED}",
        max_items=MAX_REPEATED,
        min_length=1,
        max_length=CODE_MAX,
    ),
]
Direction = Annotated[OrderDirection | None, Parameter(description="Only BUY or only SELL orders")]
DryRun = Annotated[
    Literal["true", "false"] | None,
    Parameter(description="Only orders recorded under a dry-run (true) or a live (false) workflow"),
]


def order_window(
    since: Since = None,
    until: Until = None,
    day: Day = None,
    tz: Tz = None,
    workflow_id: WorkflowIds = None,
    order_code: OrderCodes = None,
    direction: Direction = None,
    dry_run: DryRun = None,
) -> OrderWindow:
    """The window these query parameters describe; a 400 listing what is wrong with them. The window
    reads take it as a dependency (`window`), so that they declare its parameters once."""
    if day is None:
        if tz is not None:
            raise InvalidInputError.single("tz", "only goes with day")
        low = None if since is None else parse_instant(since, "since")
        high = None if until is None else parse_instant(until, "until")
    else:
        if since is not None or until is not None:
            raise InvalidInputError(
                [
                    FieldError(name, "not with day")
                    for name, value in (("since", since), ("until", until))
                    if value is not None
                ]
            )
        low, high = day_bounds(_calendar_day(day), zone_named("UTC" if tz is None else tz))
    return OrderWindow(
        since=low,
        until=high,
        workflow_ids=frozenset(checked_id(value, "workflow_id") for value in workflow_id or ()),
        order_codes=frozenset(order_code or ()),
        direction=direction,
        dry_run=None if dry_run is None else dry_run == "true",
    )


def _calendar_day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInputError.single("day", "must be a calendar day, YYYY-MM-DD") from error
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInputError.single("day", f"must be from {FIRST_DAY} to {LAST_DAY}")
    return day


@dataclass
class WindowRead(TaggedRead):
    """A tagged read whose repeatable parameters are documented as arrays of checked strings: Litestar
    puts an item's pattern and lengths on the array itself, where they would state nothing."""

    def __post_init__(self) -> None:
        super().__post_init__()
        for parameter in self.parameters or ():
            schema = getattr(parameter, "schema", None)
            if isinstance(parameter, OpenAPIParameter) and isinstance(schema, Schema) and schema.max_items is not None:
                item = Schema(
                    type=OpenAPIType.STRING,
                    pattern=schema.pattern,
                    min_length=schema.min_length,
                    max_length=schema.max_length,
                )
                parameter.schema = Schema(
                    type=OpenAPIType.ARRAY, items=item, max_items=schema.max_items, description=schema.description
                )
                parameter.style, parameter.explode = "form", True
