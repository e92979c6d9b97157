"""Ids on the wire: UUIDs in any case in, the canonical Id out; their OpenAPI formats and patterns."""

from typing import Annotated

import msgspec
from litestar.params import Parameter

from domain.model.errors import InvalidInputError
from domain.model.ids import Id, parse_id

UUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
"""A UUID in its hyphenated form, in any case: the only spelling parse_id accepts."""
UUID_V4_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
"""A version 4 (random, RFC 9562 variant) UUID in any case: what parse_order_id accepts."""


def checked_id(value: str, field: str) -> Id:
    """The id in canonical form, or a 400 naming `field` when it is not a UUID."""
    parsed = parse_id(value)
    if parsed is None:
        raise InvalidInputError.single(field, "must be a UUID")
    return parsed


_PATH_ID_SCHEMA = {"format": "uuid", "pattern": UUID_PATTERN}
WorkflowId = Annotated[str, Parameter(description="Workflow UUID (any case)", schema_extra=_PATH_ID_SCHEMA)]
OrderId = Annotated[str, Parameter(description="Order UUID (any case)", schema_extra=_PATH_ID_SCHEMA)]

ClientOrderId = Annotated[
    str,
    msgspec.Meta(
        description="UUID v4 chosen by the caller (any case); makes retries safe",
        extra_json_schema={"extra": {"format": "uuid", "pattern": UUID_V4_PATTERN}},
    ),
]
"""The `id` a client may send with an order; checked by the domain (parse_order_id), stated here for the document."""

UuidText = Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"format": "uuid"}})]
"""An id the service writes: a UUID in lowercase."""
