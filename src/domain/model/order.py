"""A workflow order: the immutable, write-once record that a workflow placed an order."""

from dataclasses import dataclass
from decimal import Decimal

from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.errors import InvalidInputError
from domain.model.ids import Id, parse_order_id
from domain.model.rules import (
    CODE_MAX,
    CONTEXT_MAX,
    NAME_MAX,
    NON_NEGATIVE,
    Problems,
    canonicalize_decimal_fields,
)

RETENTION_SECONDS = 604_800
"""An order expires exactly 7 days after it was placed."""


def oldest_visible_placed_at(now: int) -> int:
    """The earliest `placed_at` still visible at `now`: visible means now < placed_at + RETENTION."""
    return now - RETENTION_SECONDS + 1


def collect_order_field_problems(
    problems: Problems,
    *,
    order_code: str,
    order_price: Decimal,
    order_quantity: Decimal,
    trigger_close: Decimal | None,
    execution_context: str | None,
) -> None:
    """The rules on what a client sends for an order, shared by drafts and stored orders."""
    problems.text("order_code", order_code, max_length=CODE_MAX)
    problems.decimal("order_price", order_price)
    problems.decimal("order_quantity", order_quantity)
    problems.decimal("trigger_close", trigger_close, sign=NON_NEGATIVE)
    problems.text("execution_context", execution_context, max_length=CONTEXT_MAX)


@dataclass(frozen=True, slots=True)
class WorkflowOrder:
    """One order placement; `ttl` (= expires_at) is exactly `placed_at` + 7 days.

    `workflow_name` and `dry_run` are the workflow's at the moment the order was recorded; orders
    recorded before dry_run was captured have None there.

    Validated when created; decimals are kept in their shortest exact form.
    """

    id: Id
    workflow_id: Id
    workflow_name: str
    placed_at: int
    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection
    order_type: OrderType
    ttl: int
    asset_type: AssetType | None = None
    trigger_close: Decimal | None = None
    execution_context: str | None = None
    dry_run: bool | None = None

    def __post_init__(self) -> None:
        problems = Problems()
        problems.check("id", parse_order_id(self.id) == self.id, "must be a UUID v4 in lowercase")
        problems.text("workflow_name", self.workflow_name, max_length=NAME_MAX)
        collect_order_field_problems(
            problems,
            order_code=self.order_code,
            order_price=self.order_price,
            order_quantity=self.order_quantity,
            trigger_close=self.trigger_close,
            execution_context=self.execution_context,
        )
        problems.check("ttl", self.ttl == self.placed_at + RETENTION_SECONDS, "must be placed_at + 604800")
        if problems.errors:
            raise InvalidInputError(problems.errors)
        canonicalize_decimal_fields(self)

    @property
    def expires_at(self) -> int:
        return self.ttl

    def is_visible(self, now: int) -> bool:
        """An order is visible while now < expires_at, whatever the storage still holds."""
        return now < self.ttl

    @property
    def sort_key(self) -> tuple[int, str]:
        """Newest first means descending by this key: placed_at, then id as the fixed tie-break."""
        return (self.placed_at, self.id)
