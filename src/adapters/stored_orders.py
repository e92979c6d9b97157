"""Orders read back from storage, rebuilt without validating them again.

Every stored order was validated (and its decimals canonicalised) by WorkflowOrder when it was
recorded, and only this service writes the tables. Running the checks again on every row read
would double the cost of a history page, so the storage adapters rebuild rows through
`trusted_stored_order`, which trusts what they wrote. Nothing outside the storage adapters may
use it.
"""

from dataclasses import fields
from decimal import Decimal

from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.ids import Id
from domain.model.order import WorkflowOrder

DIRECTION_BY_VALUE = {member.value: member for member in OrderDirection}
TYPE_BY_VALUE = {member.value: member for member in OrderType}
ASSET_TYPE_BY_VALUE = {member.value: member for member in AssetType}
"""Enum members by stored value: a dict lookup is several times cheaper than calling the enum."""

# The slot descriptors' setters, in field order: they write the frozen dataclass's fields.
_FIELD_SETTERS = tuple(vars(WorkflowOrder)[field.name].__set__ for field in fields(WorkflowOrder))


def trusted_stored_order(
    order_id: Id,
    workflow_id: Id,
    workflow_name: str,
    placed_at: int,
    order_code: str,
    order_price: Decimal,
    order_quantity: Decimal,
    order_direction: OrderDirection,
    order_type: OrderType,
    ttl: int,
    asset_type: AssetType | None,
    trigger_close: Decimal | None,
    execution_context: str | None,
) -> WorkflowOrder:
    """The order a storage adapter wrote, rebuilt from its stored fields without the checks."""
    order = object.__new__(WorkflowOrder)
    values = (
        order_id,
        workflow_id,
        workflow_name,
        placed_at,
        order_code,
        order_price,
        order_quantity,
        order_direction,
        order_type,
        ttl,
        asset_type,
        trigger_close,
        execution_context,
    )
    for set_field, value in zip(_FIELD_SETTERS, values, strict=True):
        set_field(order, value)
    return order
