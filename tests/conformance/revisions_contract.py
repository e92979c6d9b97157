"""What every Revisions must do: the sentences of ports.revisions, one test each.

Fixtures on one fresh, empty storage per test: `revisions`, `workflow_repository`, `order_repository`.
"""

import dataclasses

import pytest

from builders import NOW, add_all, live_workflow, make_order, make_workflow, rich_spec
from domain.model.errors import DuplicateOrderIdError
from domain.model.history import Position
from domain.model.order import RETENTION_SECONDS
from ports.orders import OrderRepository
from ports.revisions import Revisions, WorkflowRevision
from ports.workflows import WorkflowRepository


class RevisionsContract:
    async def test_a_workflow_never_created_has_an_empty_revision(self, revisions: Revisions) -> None:
        assert await revisions.of_workflow(make_workflow().id, now=NOW) == WorkflowRevision(None, 0, None)

    async def test_a_live_workflow_without_orders_is_its_revision(
        self, revisions: Revisions, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)

        assert await revisions.of_workflow(workflow.id, now=NOW) == WorkflowRevision(workflow, 0, None)

    async def test_each_new_order_counts_once_late_ones_too_and_the_oldest_visible_is_found(
        self, revisions: Revisions, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        newest, late, same_second = (make_order(workflow, placed_at=NOW - s) for s in (5, 500, 500))
        await add_all(order_repository, newest)
        await add_all(order_repository, late)
        await add_all(order_repository, same_second)

        revision = await revisions.of_workflow(workflow.id, now=NOW)

        oldest = min(late, same_second, key=lambda order: order.sort_key)
        assert revision == WorkflowRevision(workflow, 3, Position(oldest.placed_at, oldest.id))

    async def test_a_replay_refused_as_a_duplicate_changes_nothing(
        self, revisions: Revisions, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        order = make_order(workflow)
        await add_all(order_repository, order)
        before = await revisions.of_workflow(workflow.id, now=NOW)

        with pytest.raises(DuplicateOrderIdError):
            await order_repository.add(order)

        assert await revisions.of_workflow(workflow.id, now=NOW) == before

    async def test_the_oldest_visible_order_moves_at_the_exact_second_it_expires(
        self, revisions: Revisions, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        older, newer = make_order(workflow, placed_at=NOW - 100), make_order(workflow, placed_at=NOW - 50)
        await add_all(order_repository, older, newer)

        last_visible_second = older.expires_at - 1
        assert (await revisions.of_workflow(workflow.id, now=last_visible_second)).oldest_visible == Position(
            older.placed_at, older.id
        )
        assert (await revisions.of_workflow(workflow.id, now=older.expires_at)).oldest_visible == Position(
            newer.placed_at, newer.id
        )
        assert (await revisions.of_workflow(workflow.id, now=newer.expires_at)).oldest_visible is None

    async def test_a_replaced_workflow_is_seen_replaced_and_a_deleted_one_is_none(
        self, revisions: Revisions, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        replaced = dataclasses.replace(workflow, spec=rich_spec("renamed"))
        await workflow_repository.replace(replaced)
        order = make_order(replaced, placed_at=NOW - 10)
        await add_all(order_repository, order)

        assert (await revisions.of_workflow(workflow.id, now=NOW)).workflow == replaced
        await workflow_repository.delete(workflow.id, now=NOW)
        assert await revisions.of_workflow(workflow.id, now=NOW) == WorkflowRevision(
            None, 1, Position(order.placed_at, order.id)
        )
        assert order.expires_at == NOW - 10 + RETENTION_SECONDS
