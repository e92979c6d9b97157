"""The storage conformance suite: subclass these in a test module that provides the fixtures.

Fixtures, each on a fresh, empty storage per test (the repositories share one storage):
`workflow_repository`, `order_repository`, `storage_health`; and, for UnavailableStorageContract,
`unavailable_workflow_repository`, `unavailable_order_repository`, `unavailable_storage_health`
on a storage that cannot answer. Every test passes `now` explicitly, so no clock is needed.
"""

from conformance.order_history_contract import OrderHistoryContract
from conformance.order_records_contract import OrderRecordsContract
from conformance.storage_health_contract import StorageHealthContract, UnavailableStorageContract
from conformance.workflow_repository_contract import WorkflowRepositoryContract


class OrderRepositoryContract(OrderRecordsContract, OrderHistoryContract):
    """Every sentence of ports.orders.OrderRepository."""


__all__ = [
    "OrderRepositoryContract",
    "StorageHealthContract",
    "UnavailableStorageContract",
    "WorkflowRepositoryContract",
]
