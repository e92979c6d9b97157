"""RecordOrder that also counts what it did: created, or replayed."""

from adapters.telemetry.metrics import Metrics
from domain.model.draft import OrderDraft
from domain.model.ids import Id
from domain.use_cases.record_order import RecordedOrder, RecordOrder
from ports.clock import Clock
from ports.ids import IdGenerator
from ports.orders import OrderRepository
from ports.workflows import WorkflowStamps


class CountedRecordOrder(RecordOrder):
    def __init__(
        self, stamps: WorkflowStamps, orders: OrderRepository, clock: Clock, ids: IdGenerator, metrics: Metrics
    ) -> None:
        super().__init__(stamps, orders, clock, ids)
        self._recorded = metrics.orders_recorded

    async def execute(self, workflow_id: Id, draft: OrderDraft) -> RecordedOrder:
        recorded = await super().execute(workflow_id, draft)
        self._recorded.labels("created" if recorded.created else "replayed").inc()
        return recorded
