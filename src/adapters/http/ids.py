"""Path ids: UUIDs in any case in, the canonical Id out."""

from typing import Annotated

from litestar.params import Parameter

from domain.model.errors import InvalidInputError
from domain.model.ids import Id, parse_id


def checked_id(value: str, field: str) -> Id:
    """The id in canonical form, or a 400 naming `field` when it is not a UUID."""
    parsed = parse_id(value)
    if parsed is None:
        raise InvalidInputError.single(field, "must be a UUID")
    return parsed


WorkflowId = Annotated[str, Parameter(description="Workflow UUID (any case)", schema_extra={"format": "uuid"})]
OrderId = Annotated[str, Parameter(description="Order UUID (any case)", schema_extra={"format": "uuid"})]
