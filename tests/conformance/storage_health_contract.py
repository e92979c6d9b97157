"""What every StorageHealth must do, and how every storage port behaves when the storage is gone."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from builders import NOW, make_order, make_workflow, new_id
from domain.model.errors import StorageUnavailableError
from domain.model.history import HistoryFilter
from ports.health import StorageHealth
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

WORKFLOW = make_workflow("Unreachable")

WORKFLOW_CALLS: dict[str, Callable[[WorkflowRepository], Awaitable[Any]]] = {
    "add": lambda repository: repository.add(make_workflow()),
    "get": lambda repository: repository.get(new_id()),
    "replace": lambda repository: repository.replace(WORKFLOW),
    "delete": lambda repository: repository.delete(WORKFLOW.id, now=NOW),
    "list": lambda repository: repository.list(),
    "list enabled": lambda repository: repository.list(True),
}
ORDER_CALLS: dict[str, Callable[[OrderRepository], Awaitable[Any]]] = {
    "add": lambda repository: repository.add(make_order(WORKFLOW)),
    "get": lambda repository: repository.get(new_id()),
    "page": lambda repository: repository.page(WORKFLOW.id, HistoryFilter(), now=NOW, limit=10),
    "latest": lambda repository: repository.latest(now=NOW),
}


class StorageHealthContract:
    """check() on a storage that answers, through the `storage_health` fixture."""

    async def test_check_completes_when_the_storage_answers(self, storage_health: StorageHealth) -> None:
        await storage_health.check()


class UnavailableStorageContract:
    """Every port method raises StorageUnavailableError when the storage cannot answer, through the
    `unavailable_workflow_repository`, `unavailable_order_repository` and
    `unavailable_storage_health` fixtures."""

    async def test_check_raises_storage_unavailable(self, unavailable_storage_health: StorageHealth) -> None:
        with pytest.raises(StorageUnavailableError):
            await unavailable_storage_health.check()

    @pytest.mark.parametrize("call", WORKFLOW_CALLS.values(), ids=WORKFLOW_CALLS.keys())
    async def test_every_workflow_repository_method_raises_storage_unavailable(
        self,
        unavailable_workflow_repository: WorkflowRepository,
        call: Callable[[WorkflowRepository], Awaitable[Any]],
    ) -> None:
        with pytest.raises(StorageUnavailableError):
            await call(unavailable_workflow_repository)

    @pytest.mark.parametrize("call", ORDER_CALLS.values(), ids=ORDER_CALLS.keys())
    async def test_every_order_repository_method_raises_storage_unavailable(
        self,
        unavailable_order_repository: OrderRepository,
        call: Callable[[OrderRepository], Awaitable[Any]],
    ) -> None:
        with pytest.raises(StorageUnavailableError):
            await call(unavailable_order_repository)
