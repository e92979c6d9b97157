"""Field rules shared by entities, the API and the import: exact decimals, bounded text, ids, instants."""

from collections.abc import Callable
from dataclasses import fields
from decimal import Context, Decimal, localcontext

from domain.model.errors import FieldError

MAX_SIGNIFICANT_DIGITS = 38
SMALLEST_MAGNITUDE = Decimal("1E-130")
LARGEST_MAGNITUDE = Decimal("9.99E+125")
_WIDE = Context(prec=200)
WRITTEN_OUT_DIGITS = 40

NAME_MAX = 200
"""Longest workflow name, in characters (orders carry their workflow's name too)."""
CODE_MAX = 50
"""Longest index, CFD or order code."""
CONTEXT_MAX = 200
"""Longest execution context of an order."""

EARLIEST_INSTANT = -62_135_596_800
"""0001-01-01T00:00:00Z in epoch seconds: no earlier instant can be written as a timestamp."""
LATEST_INSTANT = 253_402_300_799
"""9999-12-31T23:59:59Z in epoch seconds: no later instant can be written as a timestamp."""
FUTURE_TOLERANCE_SECONDS = 300
"""A stored instant (placed_at, a workflow's created_at/updated_at) may be at most 5 minutes ahead
of the service's clock: the clocks of a client or of another machine may run that far ahead."""


def canonical_decimal(value: Decimal) -> Decimal:
    """The shortest exact form: no trailing zeros and no negative zero; a whole number is written out
    in full (`1E+5` → `100000`) up to 40 digits, beyond that in exponent form (`9.99E+125`)."""
    if value == 0:
        return Decimal(0)
    with localcontext(_WIDE):
        reduced = value.normalize()
        if reduced.as_tuple().exponent > 0 and reduced.adjusted() < WRITTEN_OUT_DIGITS:  # type: ignore[operator]
            return reduced.quantize(Decimal(1))
    return reduced


POSITIVE = "positive"
NON_NEGATIVE = "non-negative"
ANY_SIGN = "any"


def canonicalize_decimal_fields(obj: object) -> None:
    """Rewrite every storable Decimal field of a frozen dataclass instance in its shortest exact form.

    Values that break the rules are left as they are, for validation to report them.
    """
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, Decimal) and decimal_problem(value, sign=ANY_SIGN) is None:
            object.__setattr__(obj, f.name, canonical_decimal(value))


def decimal_problem(value: Decimal, *, sign: str) -> str | None:
    """Why `value` cannot be stored exactly or has the wrong sign, or None when it is fine."""
    if not value.is_finite():
        return "must be a finite number"
    if sign == POSITIVE and value <= 0:
        return "must be > 0"
    if sign == NON_NEGATIVE and value < 0:
        return "must be >= 0"
    if value == 0:
        return None
    if len("".join(map(str, value.as_tuple().digits)).strip("0")) > MAX_SIGNIFICANT_DIGITS:
        return f"has more than {MAX_SIGNIFICANT_DIGITS} significant digits"
    if not SMALLEST_MAGNITUDE <= value.copy_abs() <= LARGEST_MAGNITUDE:
        return "magnitude must be between 1E-130 and 9.99E+125"
    return None


def instant_problem(epoch_seconds: int) -> str | None:
    """Why `epoch_seconds` cannot be an instant of the API (outside the years 1 to 9999 in UTC), or None."""
    if not EARLIEST_INSTANT <= epoch_seconds <= LATEST_INSTANT:
        return "must fall between years 1 and 9999 once converted to UTC"
    return None


def stored_instant_problem(epoch_seconds: int, *, now: int) -> str | None:
    """Why `epoch_seconds` may not be stored at `now`: not an instant, or more than 5 minutes ahead."""
    if (problem := instant_problem(epoch_seconds)) is not None:
        return problem
    if epoch_seconds > now + FUTURE_TOLERANCE_SECONDS:
        return "is more than 5 minutes in the future"
    return None


def text_problem(value: str, *, max_length: int) -> str | None:
    if not 1 <= len(value) <= max_length:
        return f"must be 1 to {max_length} characters"
    return None


class Problems:
    """Collects field errors so that one 400 lists every invalid field at once."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str | None) -> None:
        if message is not None:
            self.errors.append(FieldError(self.prefix + field, message))

    def check(self, field: str, ok: bool, message: str) -> None:
        if not ok:
            self.add(field, message)

    def decimal(self, field: str, value: Decimal | None, *, sign: str = POSITIVE) -> None:
        if value is not None:
            self.add(field, decimal_problem(value, sign=sign))

    def text(self, field: str, value: str | None, *, max_length: int) -> None:
        if value is not None:
            self.add(field, text_problem(value, max_length=max_length))

    def stored_instant(self, field: str, value: int, *, now: int) -> None:
        self.add(field, stored_instant_problem(value, now=now))

    def nested(self, prefix: str, validate: Callable[["Problems"], None]) -> None:
        inner = Problems(self.prefix + prefix)
        validate(inner)
        self.errors.extend(inner.errors)
