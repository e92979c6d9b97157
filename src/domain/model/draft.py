"""What a client sends to record an order, and how a replay is recognised."""

from dataclasses import dataclass
from decimal import Decimal

from domain.model.enums import AssetType, OrderDirection, OrderType
from domain.model.errors import InvalidInputError
from domain.model.ids import Id, parse_order_id
from domain.model.order import RETENTION_SECONDS, WorkflowOrder, collect_order_field_problems
from domain.model.rules import Problems, canonicalize_decimal_fields, stored_instant_problem
from domain.model.workflow import WorkflowStamp


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """An order as the client sent it; `id` and `placed_at` (epoch seconds) may be omitted.

    `id` is the client's text, any case; once the draft is made it is in canonical form.
    """

    order_code: str
    order_price: Decimal
    order_quantity: Decimal
    order_direction: OrderDirection
    order_type: OrderType
    id: str | None = None
    placed_at: int | None = None
    asset_type: AssetType | None = None
    trigger_close: Decimal | None = None
    execution_context: str | None = None

    def __post_init__(self) -> None:
        problems = Problems()
        order_id = None if self.id is None else parse_order_id(self.id)
        problems.check("id", self.id is None or order_id is not None, "must be a UUID v4")
        collect_order_field_problems(
            problems,
            order_code=self.order_code,
            order_price=self.order_price,
            order_quantity=self.order_quantity,
            trigger_close=self.trigger_close,
            execution_context=self.execution_context,
        )
        if problems.errors:
            raise InvalidInputError(problems.errors)
        object.__setattr__(self, "id", order_id)
        canonicalize_decimal_fields(self)

    @property
    def order_id(self) -> Id | None:
        """The id the client chose, if any."""
        return None if self.id is None else Id(self.id)

    def check_placed_at(self, now: int) -> None:
        """400 when placed_at may not be stored (rules.stored_instant_problem: more than 5 minutes
        ahead) or is already expired."""
        if self.placed_at is None:
            return
        if (problem := stored_instant_problem(self.placed_at, now=now)) is not None:
            raise InvalidInputError.single("placed_at", problem)
        if self.placed_at + RETENTION_SECONDS <= now:
            raise InvalidInputError.single("placed_at", "is older than 7 days: the order would be expired")

    def to_order(self, order_id: Id, workflow_id: Id, stamp: WorkflowStamp, now: int) -> WorkflowOrder:
        """The order this draft makes for the workflow, stamped with its name and dry_run."""
        placed_at = now if self.placed_at is None else self.placed_at
        return WorkflowOrder(
            id=order_id,
            workflow_id=workflow_id,
            workflow_name=stamp.name,
            placed_at=placed_at,
            order_code=self.order_code,
            order_price=self.order_price,
            order_quantity=self.order_quantity,
            order_direction=self.order_direction,
            order_type=self.order_type,
            ttl=placed_at + RETENTION_SECONDS,
            asset_type=self.asset_type,
            trigger_close=self.trigger_close,
            execution_context=self.execution_context,
            dry_run=stamp.dry_run,
        )

    def is_replay_of(self, stored: WorkflowOrder, workflow_id: Id) -> bool:
        """Same workflow and the same value for every field; an omitted placed_at matches any."""
        return (
            stored.workflow_id == workflow_id
            and (self.placed_at is None or self.placed_at == stored.placed_at)
            and self.order_code == stored.order_code
            and self.order_price == stored.order_price
            and self.order_quantity == stored.order_quantity
            and self.order_direction == stored.order_direction
            and self.order_type == stored.order_type
            and self.asset_type == stored.asset_type
            and self.trigger_close == stored.trigger_close
            and self.execution_context == stored.execution_context
        )
