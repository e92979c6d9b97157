"""OpenAPI details Litestar cannot infer: exact decimals with their bounds, closed request bodies,
the indicators' required fields, public operations, and the problem responses."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Operation, Schema
from litestar.plugins import OpenAPISchemaPlugin

from adapters.http.numbers import DECIMAL_STRING_PATTERN, JsonNumber, NonNegativeNumber, PositiveNumber
from adapters.http.problems import PROBLEM_JSON, Problem
from adapters.http.structs import RequestBody
from adapters.http.workflow_schemas import IndicatorBody
from domain.model.rules import LARGEST_MAGNITUDE, SMALLEST_MAGNITUDE
from domain.model.workflow import REQUIRED_BY_INDICATOR

_DESCRIPTIONS = {
    400: "Invalid input: validation, bad query parameters or a bad cursor",
    401: "Missing or unknown bearer token",
    403: "The token lacks the write scope",
    404: "Not found",
    409: "Conflict",
    413: "Body over 64 KiB",
    410: (
        "The event id cannot be resumed from here: older than the 7-day retention, issued by another "
        "store (the other storage, a restored backup, an import) or beyond this store's end, or "
        "issued by a version before event ids named their store. Start again without it and catch "
        "up from the order history"
    ),
    415: "The body is not application/json",
    429: (
        "This consumer (its token, or its address on an open service) spent its request budget on this "
        "instance; retry after Retry-After seconds. RateLimit-Policy and RateLimit describe the budget"
    ),
    503: "Storage unavailable (or, for streams, this instance full or stopping); retry after Retry-After seconds",
}
_LARGEST = float(LARGEST_MAGNITUDE)
_SMALLEST = float(SMALLEST_MAGNITUDE)
DECIMAL_FORMAT: Any = "decimal"
"""The format that tells generators and validators a number is an exact decimal, not a float (an
open-ended OpenAPI format, which Litestar's OpenAPIFormat enum does not list)."""
_EXPONENT = "([eE][+-]?[0-9]+)?"
_POSITIVE_STRING = rf"^(0\.[0-9]*[1-9][0-9]*|[1-9][0-9]*(\.[0-9]+)?){_EXPONENT}$"
_NON_NEGATIVE_STRING = rf"^(-?0(\.0+)?|(0|[1-9][0-9]*)(\.[0-9]+)?){_EXPONENT}$"
"""A JSON number's grammar with the sign the kind allows (`-0` is 0, which is >= 0)."""


def decimal_schema(kind: type[Decimal]) -> Schema:
    """The schema of a decimal of this kind: a JSON number or a string of a JSON number's digits,
    both marked `decimal`, so that generators type the field as a number or a string and a consumer
    that asks for strings keeps every digit. The numbers a client sends carry the domain's bounds:
    0, or a magnitude from 1E-130 to 9.99E+125, with the sign its kind allows; the strings carry the
    grammar and the sign. (At most 38 significant digits, and the magnitude of a string, are rules
    no schema keyword states.)"""
    number = Schema(type=OpenAPIType.NUMBER, format=DECIMAL_FORMAT)
    string = Schema(type=OpenAPIType.STRING, format=DECIMAL_FORMAT, pattern=DECIMAL_STRING_PATTERN)
    if issubclass(kind, PositiveNumber):
        number.exclusive_minimum, number.maximum = 0, _LARGEST
        number.schema_not = Schema(exclusive_maximum=_SMALLEST)
        string.pattern = _POSITIVE_STRING
    elif issubclass(kind, NonNegativeNumber):
        number.minimum, number.maximum = 0, _LARGEST
        number.schema_not = Schema(exclusive_minimum=0, exclusive_maximum=_SMALLEST)
        string.pattern = _NON_NEGATIVE_STRING
    elif issubclass(kind, JsonNumber):
        number.minimum, number.maximum = -_LARGEST, _LARGEST
        number.schema_not = Schema(
            exclusive_minimum=-_SMALLEST, exclusive_maximum=_SMALLEST, schema_not=Schema(const=0)
        )
    return Schema(one_of=[number, string])


class DecimalAsNumberOrString(OpenAPISchemaPlugin):
    """Decimals travel as JSON numbers or, for consumers who ask, as strings: `oneOf` a number and
    a string, each with `format: decimal`."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return isinstance(value, type) and issubclass(value, Decimal)

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        return decimal_schema(field_definition.annotation)


def indicator_requirements() -> list[Schema]:
    """For each indicator that needs optional fields: if `name` is it, then those fields are decimals
    (numbers or strings), not null."""
    return [
        Schema(
            schema_if=Schema(properties={"name": Schema(const=name.value)}),
            then=Schema(
                properties={field: Schema(type=[OpenAPIType.NUMBER, OpenAPIType.STRING]) for field in fields},
                required=list(fields),
            ),
        )
        for name, fields in REQUIRED_BY_INDICATOR.items()
    ]


class ClosedRequestBodies(OpenAPISchemaPlugin):
    """A RequestBody's schema, as Litestar makes it, plus `additionalProperties: false` (the service
    refuses unknown fields) and, for IndicatorBody, which indicators need which fields."""

    def is_plugin_supported_field(self, field_definition: Any) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(RequestBody)

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        litestar_plugin = next(
            plugin
            for plugin in schema_creator.plugins
            if plugin is not self and schema_creator.plugin_supports_field(plugin, field_definition)
        )
        schema: Schema = litestar_plugin.to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        if field_definition.annotation is IndicatorBody:
            schema.all_of = indicator_requirements()
        return schema


@dataclass
class PublicOperation(Operation):
    """An operation anyone may call, saying so with `security: []` (Litestar leaves out an empty list,
    and an operation with no security at all reads as one whose authors forgot it)."""

    def __post_init__(self) -> None:
        if self.security is None:
            self.security = []


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """Problem+json responses for the OpenAPI document of one operation."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


EVENT_STREAM_EXTENSION = "x-event-stream"


@dataclass
class EventStreamOperation(Operation):
    """An operation whose answer is an endless Server-Sent Events stream, marked `x-event-stream: true`
    so that request/response tools (fuzzers, generated clients) can leave it out by that mark."""

    event_stream: bool = field(default=True, metadata={"alias": EVENT_STREAM_EXTENSION})
