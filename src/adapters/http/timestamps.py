"""Instants on the wire: RFC 3339 in, UTC whole seconds with a `Z` out."""

import calendar
from datetime import UTC, datetime

import msgspec

from domain.model.errors import InvalidInputError


def to_datetime(epoch_seconds: int) -> datetime:
    """The instant as an aware UTC datetime; msgspec writes it as `2026-02-22T14:30:00Z`."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def to_epoch(instant: datetime, field: str) -> int:
    """Whole epoch seconds of an aware datetime (fractions truncated); naive datetimes are refused."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInputError.single(field, "must be RFC 3339 with `Z` or an explicit offset")
    try:
        return calendar.timegm(instant.utctimetuple())
    except OverflowError as error:  # e.g. 0001-01-01T00:00:00+23:59 falls before year 1 in UTC
        raise InvalidInputError.single(field, "must fall between years 1 and 9999 once converted to UTC") from error


def parse_instant(text: str, field: str) -> int:
    """Epoch seconds of an RFC 3339 string with `Z` or an explicit offset."""
    try:
        instant = msgspec.convert(text, datetime, strict=True)
    except msgspec.ValidationError as error:
        raise InvalidInputError.single(field, "must be an RFC 3339 timestamp") from error
    return to_epoch(instant, field)
