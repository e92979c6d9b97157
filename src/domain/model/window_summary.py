"""The summary of a window's orders: groups with exact volumes, the count, and the digest of the ids."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, Rounded, localcontext

from domain.model.enums import OrderDirection
from domain.model.ids import Id
from domain.model.order import WorkflowOrder
from domain.model.rules import WRITTEN_OUT_DIGITS

MAX_SUMMARY_ORDERS = 10_000
"""A summary covers at most this many orders; a larger window is refused, asking for a narrower one."""

EXACT = Context(prec=1000, traps=[Inexact, Rounded])
"""Wide enough for any exact volume: prices and quantities have at most 38 significant digits with
magnitudes from 1E-130 to 9.99E+125, so a product's digits lie between 1E-334 and 1E+252, and a sum
of MAX_SUMMARY_ORDERS of them below 1E+257: under 600 digits. Inexact and Rounded are traps, so a
volume that could not be exact would be an error, never a rounded number."""


def digest_of(order_ids: Iterable[Id]) -> str:
    """Lowercase hex SHA-256 of the ids, sorted, each followed by a newline: what a consumer holding
    a copy of a window computes to check it has exactly the same orders."""
    digest = hashlib.sha256()
    for order_id in sorted(order_ids):
        digest.update(f"{order_id}\n".encode())
    return digest.hexdigest()


GroupKey = tuple[Id, OrderDirection, bool | None]
_DRY_RUN_ORDER = {None: 0, False: 1, True: 2}
"""Groups of one workflow and direction sort by dry_run: not captured, live, then dry run."""


def group_key(order: WorkflowOrder) -> GroupKey:
    """What a summary groups by: the workflow, the direction, and dry_run."""
    return (order.workflow_id, order.order_direction, order.dry_run)


def _group_order(key: GroupKey) -> tuple[Id, str, int]:
    return key[0], key[1].value, _DRY_RUN_ORDER[key[2]]


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """The orders of one group: how many, Σ price * quantity (exact), the first and last placed_at,
    and the workflow name its newest order carries."""

    workflow_id: Id
    order_direction: OrderDirection
    dry_run: bool | None
    workflow_name: str
    count: int
    volume: Decimal
    first_placed_at: int
    last_placed_at: int


@dataclass(frozen=True, slots=True)
class WindowSummary:
    """Groups sorted by their key; `count` and `digest` cover the whole window."""

    count: int
    digest: str
    groups: list[SummaryGroup]


def summarize(orders: Iterable[WorkflowOrder]) -> WindowSummary:
    """The summary of these orders (each counted once, in any order)."""
    newest: dict[GroupKey, WorkflowOrder] = {}
    oldest: dict[GroupKey, int] = {}
    counts: dict[GroupKey, int] = {}
    volumes: dict[GroupKey, Decimal] = {}
    ids: list[Id] = []
    with localcontext(EXACT):
        for order in orders:
            key = group_key(order)
            ids.append(order.id)
            counts[key] = counts.get(key, 0) + 1
            volumes[key] = volumes.get(key, Decimal(0)) + order.order_price * order.order_quantity
            oldest[key] = min(oldest.get(key, order.placed_at), order.placed_at)
            if key not in newest or newest[key].sort_key < order.sort_key:
                newest[key] = order
    groups = [
        SummaryGroup(
            workflow_id=key[0],
            order_direction=key[1],
            dry_run=key[2],
            workflow_name=newest[key].workflow_name,
            count=counts[key],
            volume=_shortest(volumes[key]),
            first_placed_at=oldest[key],
            last_placed_at=newest[key].placed_at,
        )
        for key in sorted(counts, key=_group_order)
    ]
    return WindowSummary(count=len(ids), digest=digest_of(ids), groups=groups)


def _shortest(volume: Decimal) -> Decimal:
    """The volume without trailing zeros, a whole number written out (as order decimals are)."""
    with localcontext(EXACT):
        reduced = volume.normalize()
        exponent = reduced.as_tuple().exponent
        if isinstance(exponent, int) and exponent > 0 and reduced.adjusted() < WRITTEN_OUT_DIGITS:
            return reduced.quantize(Decimal(1))
    return reduced
