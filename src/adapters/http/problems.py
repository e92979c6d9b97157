"""One mapping from errors to RFC 9457 problem details (`application/problem+json`)."""

from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from adapters.http.options import allow_value
from domain.model.errors import (
    ConflictError,
    DomainError,
    GoneError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = "2"
_PASSED_ON_HEADERS = frozenset({"www-authenticate", "retry-after", "ratelimit-policy", "ratelimit", "connection"})
"""Headers of an HTTPException that its problem answer carries (a 401's challenge, a 429's budget, a
408's close)."""

_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInputError, 400),
    (NotFoundError, 404),
    (ConflictError, 409),
    (GoneError, 410),
    (UnavailableError, 503),
)


class ProblemField(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; `errors` lists invalid fields on a 400."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField] | None = None


def problem_body(status: int, detail: str) -> bytes:
    """The encoded problem document of `status`, for answers sent below Litestar (the fair-use gate,
    the connection layer's refusals)."""
    return msgspec.json.encode(
        Problem(type="about:blank", title=HTTPStatus(status).phrase, status=status, detail=detail)
    )


def status_for(error: DomainError) -> int:
    for error_type, status in _STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 500


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[ProblemField] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    phrase = HTTPStatus(status).phrase
    return Response(
        Problem(type="about:blank", title=title or phrase, status=status, detail=detail, errors=errors),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[Problem]:
    status = status_for(error)
    errors = None
    if isinstance(error, InvalidInputError):
        errors = [ProblemField(e.field, e.message) for e in error.errors]
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
    return problem_response(status, error.detail, title=error.title, errors=errors, headers=headers)


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    status = error.status_code
    errors = None
    detail = error.detail or HTTPStatus(status).phrase
    if isinstance(error, ValidationException):
        errors = [_validation_field(item) for item in (error.extra or []) if isinstance(item, dict)]
        detail = "The request is invalid."
    headers = {k: v for k, v in (error.headers or {}).items() if k.lower() in _PASSED_ON_HEADERS}
    allow = next((v for k, v in (error.headers or {}).items() if k.lower() == "allow"), None)
    if allow is not None:
        headers["Allow"] = allow_value(allow.split(","))
    return problem_response(status, detail, errors=errors or None, headers=headers or None)


def _validation_field(item: dict[str, Any]) -> ProblemField:
    """One of Litestar's validation messages (query, path, missing body) as a problem field."""
    key = str(item.get("key") or "request")
    if key == "data":  # Litestar's name for a body that is missing altogether
        return ProblemField("body", "is required")
    return ProblemField(key, str(item.get("message", "is invalid")))


def _unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    structlog.get_logger("workflow_orders.http").exception(
        "unhandled error", path=request.url.path, error_type=type(error).__name__
    )
    return problem_response(500, "The service failed to handle this request.")


def exception_handlers() -> ExceptionHandlersMap:
    return {
        DomainError: _domain_error,
        HTTPException: _http_error,
        Exception: _unexpected_error,
    }
