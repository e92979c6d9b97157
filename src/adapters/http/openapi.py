"""OpenAPI details Litestar cannot infer: decimals are JSON numbers, and the problem responses."""

from decimal import Decimal
from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.plugins import OpenAPISchemaPlugin

from adapters.http.problems import PROBLEM_JSON, Problem

_DESCRIPTIONS = {
    400: "Invalid input: validation, bad query parameters or a bad cursor",
    401: "Missing or unknown bearer token",
    403: "The token lacks the write scope",
    404: "Not found",
    409: "Conflict",
    413: "Body over 64 KiB",
    415: "The body is not application/json",
    503: "Storage unavailable; retry after Retry-After seconds",
}


class DecimalAsNumber(OpenAPISchemaPlugin):
    """Decimals travel as JSON numbers, not strings."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return isinstance(value, type) and issubclass(value, Decimal)

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.NUMBER)


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
