"""JSON on the wire: decimals as exact JSON numbers both ways, RFC 3339 instants, problem documents."""

from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import httpx
import msgspec

from workflow_orders_client.errors import (
    ApiError,
    Conflict,
    EventIdExpired,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
    UnexpectedResponse,
)
from workflow_orders_client.models import Problem
from workflow_orders_client.retry import retry_after_seconds

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder(decimal_format="number")
"""Decimals are written as JSON numbers with their exact digits (`str(Decimal)`), never as floats."""

_ERRORS: dict[int, type[ApiError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: EventIdExpired,
}


def encode(value: msgspec.Struct) -> bytes:
    """A request body. A non-finite decimal (NaN, Infinity) is refused here with ValueError: JSON has
    none (and older msgspec versions would write it as an invalid token)."""
    _require_finite(value)
    return _ENCODER.encode(value)


def _require_finite(value: object) -> None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send the non-finite decimal {value}: JSON has no such number")
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            _require_finite(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            _require_finite(item)


def decode(content: bytes, decoder: msgspec.json.Decoder[T]) -> T:
    """A success body; msgspec reads a JSON number into a Decimal from its text, so every digit is kept."""
    try:
        return decoder.decode(content)
    except msgspec.DecodeError as error:
        raise UnexpectedResponse(f"the answer does not fit the contract: {error}") from error


def instant(value: datetime, name: str) -> str:
    """An aware datetime as RFC 3339 (the service refuses a timestamp without an offset)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    text = value.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def require_aware(value: datetime | None, name: str) -> None:
    if value is not None:
        instant(value, name)


_PROBLEM = msgspec.json.Decoder(Problem)


def problem_error(response: httpx.Response) -> ApiError:
    """The typed error for an error answer, carrying its problem document.

    An answer that is not a problem document (a proxy's error page) gets one made from its status.
    """
    try:
        problem = _PROBLEM.decode(response.content)
    except msgspec.DecodeError:
        problem = Problem(
            type="about:blank",
            title=response.reason_phrase or "Error",
            status=response.status_code,
            detail=response.text[:500],
        )
    request_id = response.headers.get("x-request-id")
    if response.status_code == 503:
        return Unavailable(problem, request_id, retry_after_seconds(response))
    if response.status_code == 429:
        return RateLimited(problem, request_id, retry_after_seconds(response))
    return _ERRORS.get(response.status_code, ApiError)(problem, request_id)
