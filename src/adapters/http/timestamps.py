"""Instants on the wire: RFC 3339 in, UTC whole seconds with a `Z` out."""

from datetime import UTC, datetime, timedelta

import msgspec

from domain.model.errors import InvalidInputError
from domain.model.rules import instant_problem

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def to_datetime(epoch_seconds: int) -> datetime:
    """The instant as an aware UTC datetime; msgspec writes it as `2026-02-22T14:30:00Z`."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def to_epoch(instant: datetime, field: str) -> int:
    """Whole epoch seconds of an aware datetime (fractions truncated); naive datetimes, and instants
    the domain refuses (rules.instant_problem: `0001-01-01T00:00:00+23:59` is before year 1 in UTC),
    are a 400 naming `field`."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInputError.single(field, "must be RFC 3339 with `Z` or an explicit offset")
    epoch_seconds = (instant - _EPOCH) // _SECOND  # exact for any offset: no datetime past year 9999 is built
    if (problem := instant_problem(epoch_seconds)) is not None:
        raise InvalidInputError.single(field, problem)
    return epoch_seconds


def parse_instant(text: str, field: str) -> int:
    """Epoch seconds of an RFC 3339 string with `Z` or an explicit offset."""
    try:
        instant = msgspec.convert(text, datetime, strict=True)
    except msgspec.ValidationError as error:
        raise InvalidInputError.single(field, "must be an RFC 3339 timestamp") from error
    return to_epoch(instant, field)
