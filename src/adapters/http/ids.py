"""Path and body ids: UUIDs in any case in, lowercase out."""

from typing import Annotated

from litestar.params import Parameter

from domain.model.errors import InvalidInputError
from domain.model.rules import is_uuid


def checked_id(value: str, field: str) -> str:
    """The id in lowercase, or a 400 naming `field` when it is not a UUID."""
    if not is_uuid(value):
        raise InvalidInputError.single(field, "must be a UUID")
    return value.lower()


WorkflowId = Annotated[str, Parameter(description="Workflow UUID (any case)", schema_extra={"format": "uuid"})]
OrderId = Annotated[str, Parameter(description="Order UUID (any case)", schema_extra={"format": "uuid"})]
