"""Query strings checked as a whole, against what each route declares.

A route's query parameters are read from its handler's own signature (the declarations the OpenAPI
document is made from), so the rules enforced here and the rules the document states are one list:
a name the route does not declare is a 400, each parameter is given at most once, and every value
is checked against its declared type and bounds. All of a request's problems come back in one 400.
"""

import enum
import re
import types
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin
from urllib.parse import parse_qsl

from litestar import Request
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.routes import HTTPRoute
from litestar.routes.base import BaseRoute
from litestar.typing import FieldDefinition

from adapters.http.timestamps import parse_instant
from domain.model.errors import FieldError, InvalidInputError

MAX_NAME_ECHO = 64
"""The longest unknown parameter name a problem repeats in full."""

Check = Callable[[str], str | None]
"""A value's problem, or None when the value is acceptable."""


@dataclass(frozen=True, slots=True)
class RouteQuery:
    """The query parameters one route handler declares, each with the check of its value."""

    checks: dict[str, Check]
    most: dict[str, int] = field(default_factory=dict)
    """How many times each repeatable parameter may be given; any other, at most once."""

    def problems(self, query: str) -> list[FieldError]:
        pairs = parse_qsl(query, keep_blank_values=True)
        counts = Counter(name for name, _ in pairs)
        found = [
            FieldError(_shortened(name), self._not_declared())
            for name in sorted(name for name in counts if name not in self.checks)
        ]
        found += [
            FieldError(name, _repeat_message(self.most.get(name, 1)))
            for name, count in counts.items()
            if count > self.most.get(name, 1)
        ]
        for name, value in pairs:
            check = self.checks.get(name)
            message = None if check is None or counts[name] > self.most.get(name, 1) else check(value)
            if message is not None:
                found.append(FieldError(name, message))
        return found

    def _not_declared(self) -> str:
        allowed = ", ".join(sorted(self.checks)) or "none"
        return f"is not a parameter of this endpoint (allowed: {allowed})"


def _declared_parameters(handler: HTTPRouteHandler) -> dict[str, FieldDefinition]:
    """What a handler's signature declares, and the signatures of its dependencies (a dependency may
    take query parameters: the window reads share theirs that way)."""
    declared = dict(handler.parsed_fn_signature.parameters)
    for provide in handler.resolve_dependencies().values():
        declared.update(provide.parsed_fn_signature.parameters)
    return declared


def _repeat_message(most: int) -> str:
    return "must be given at most once" if most == 1 else f"must be given at most {most} times"


def _shortened(name: str) -> str:
    """A name as a problem repeats it: at most MAX_NAME_ECHO characters of what a client sent."""
    return name if len(name) <= MAX_NAME_ECHO else name[:MAX_NAME_ECHO] + "…"


class QueryCheck:
    """Litestar before_request hook: 400 listing every problem of the request's query string.

    The first request reads what every route of the app declares (Litestar copies the hook while
    it builds the app, so nothing can be handed to it before); the table has one entry per route
    handler, keyed by the handler's identity.
    """

    def __init__(self) -> None:
        self._by_handler: dict[int, RouteQuery] | None = None

    @staticmethod
    def read_routes(routes: Iterable[BaseRoute]) -> dict[int, RouteQuery]:
        by_handler = {}
        for route in routes:
            if isinstance(route, HTTPRoute):
                for handler, kwargs_model in route.route_handler_map.values():
                    declared = _declared_parameters(handler)
                    params = kwargs_model.expected_query_params
                    by_handler[id(handler)] = RouteQuery(
                        {param.field_alias: value_check(declared[param.field_name]) for param in params},
                        {
                            param.field_alias: most
                            for param in params
                            if (most := repeat_bound(declared[param.field_name])) is not None
                        },
                    )
        return by_handler

    async def __call__(self, request: Request[Any, Any, Any]) -> None:
        if self._by_handler is None:
            self._by_handler = self.read_routes(request.app.routes)
        route_query = self._by_handler.get(id(request.route_handler))
        query: bytes = request.scope.get("query_string", b"")
        if route_query is None or not query:
            return
        found = route_query.problems(query.decode("latin-1"))
        if found:
            raise InvalidInputError(found)


def repeat_bound(field: FieldDefinition) -> int | None:
    """How many times a repeatable (list) parameter may be given: its declared max_items, which it
    must state; None for a parameter given once."""
    if get_origin(_without_none(field.annotation)) is not list:
        return None
    most = _declared(field).max_items
    if most is None:
        raise TypeError(f"query parameter {field.name!r}: a repeatable parameter needs max_items")
    return most


def value_check(field: FieldDefinition) -> Check:
    """The check of one declared query parameter (of each of its values when it is repeatable): its
    type, then the bounds its Parameter states."""
    kind = _without_none(field.annotation)
    if get_origin(kind) is list:
        (kind,) = get_args(kind)
    declared = _declared(field)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _one_of([str(member.value) for member in kind])
    if get_origin(kind) is Literal:
        return _one_of([str(value) for value in get_args(kind)])
    if kind is int:
        return _integer(declared.ge, declared.le)
    if kind is str:
        return _text(field.name, declared)
    raise TypeError(f"query parameter {field.name!r}: no check for {kind!r}")


def _declared(field: FieldDefinition) -> ParameterKwarg:
    return field.kwarg_definition if isinstance(field.kwarg_definition, ParameterKwarg) else ParameterKwarg()


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return annotation


def _one_of(allowed: list[str]) -> Check:
    message = f"must be one of {', '.join(allowed)}"
    return lambda value: None if value in allowed else message


def _integer(low: float | None, high: float | None) -> Check:
    low_text = "" if low is None else f" from {int(low)}"
    high_text = "" if high is None else f" to {int(high)}"
    message = f"must be an integer{low_text}{high_text}"

    def check(value: str) -> str | None:
        if not re.fullmatch(r"-?[0-9]{1,20}", value):
            return message
        number = int(value)
        return message if (low is not None and number < low) or (high is not None and number > high) else None

    return check


def _text(name: str, declared: ParameterKwarg) -> Check:
    schema = declared.schema_extra or {}
    pattern = schema.get("pattern")
    min_length = declared.min_length

    def check(value: str) -> str | None:
        if min_length is not None and len(value) < min_length:
            return "must not be empty" if min_length == 1 else f"must have at least {min_length} characters"
        if schema.get("format") == "date-time":
            try:
                parse_instant(value, name)
            except InvalidInputError as error:
                return error.errors[0].message
        if pattern is not None and not re.search(pattern, value):
            return "must be a UUID" if schema.get("format") == "uuid" else f"must match {pattern}"
        return None

    return check
