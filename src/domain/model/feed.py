"""The feed of recorded orders: positions in it, what a read returns, and where a stream starts."""

from dataclasses import dataclass

from domain.model.enums import OrderDirection
from domain.model.ids import Id
from domain.model.order import WorkflowOrder


@dataclass(frozen=True, slots=True, order=True)
class FeedPosition:
    """A place in the feed, between two recorded orders. Positions of one storage sort as the
    orders were recorded; what `key` holds is the storage's business (a sequence number, a time
    and an id), the rest of the code only compares and carries it."""

    key: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One recorded order and the position just after it."""

    position: FeedPosition
    order: WorkflowOrder


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """Entries in recorded order, and where the next read starts (after the last entry, or further
    on when the storage skipped entries it need not return)."""

    entries: list[FeedEntry]
    position: FeedPosition


@dataclass(frozen=True, slots=True)
class StreamFilter:
    """Which orders a subscriber wants: one workflow's, one direction's, or all."""

    workflow_id: Id | None = None
    direction: OrderDirection | None = None

    def matches(self, order: WorkflowOrder) -> bool:
        return (self.workflow_id is None or order.workflow_id == self.workflow_id) and (
            self.direction is None or order.order_direction == self.direction
        )


@dataclass(frozen=True, slots=True)
class EventPoint:
    """A position in the feed of one store: what an event id names, where a stream resumes."""

    store: str
    position: FeedPosition
