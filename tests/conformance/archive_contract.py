"""What every StorageArchive must do: the sentences of ports.archive, one test each.

Fixtures on one fresh, empty storage per test: `archive`, `workflow_repository`, `order_repository`.
"""

import asyncio
import dataclasses

import pytest

from builders import NOW, add_all, live_workflow, make_order, make_workflow, newest_first, rich_spec
from domain.model.errors import WorkflowNotFoundError
from domain.model.history import HistoryFilter
from domain.model.ids import Id
from domain.model.order import RETENTION_SECONDS, WorkflowOrder
from domain.model.workflow import Workflow
from ports.archive import ArchivedWorkflow, Restored, StorageArchive
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

KEEP = NOW + RETENTION_SECONDS


async def every_order(archive: StorageArchive, workflow_id: Id, *, limit: int) -> list[WorkflowOrder]:
    """Follow batches to the end."""
    found: list[WorkflowOrder] = []
    after = None
    while True:
        batch = await archive.orders(workflow_id, now=NOW, limit=limit, after=after)
        found += batch.orders
        if batch.next_position is None:
            return found
        assert batch.orders, "a batch before the end is never empty"
        after = batch.next_position


class StorageArchiveContract:
    async def test_workflows_are_the_live_ones_and_the_deleted_ones_with_visible_orders(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        live = await live_workflow(workflow_repository, "live")
        kept = await live_workflow(workflow_repository, "deleted, orders visible")
        gone = await live_workflow(workflow_repository, "deleted, orders expired")
        await add_all(order_repository, make_order(kept, placed_at=NOW - 10))
        await add_all(order_repository, make_order(gone, placed_at=NOW - RETENTION_SECONDS))
        for workflow in (kept, gone):
            await workflow_repository.delete(workflow.id, now=NOW)

        archived = await archive.workflows(now=NOW)

        assert sorted(archived, key=lambda a: a.workflow.name) == [
            ArchivedWorkflow(kept, deleted=True),
            ArchivedWorkflow(live, deleted=False),
        ]

    async def test_orders_come_in_batches_newest_first_visible_only_and_each_once(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        visible = [make_order(workflow, placed_at=NOW - seconds) for seconds in (1, 1, 5, 60, 3600)]
        expired = make_order(workflow, placed_at=NOW - RETENTION_SECONDS)
        other = make_order(await live_workflow(workflow_repository, "other"), placed_at=NOW)
        await add_all(order_repository, *visible, expired, other)

        assert await every_order(archive, workflow.id, limit=2) == newest_first(visible)
        assert (await archive.orders(workflow.id, now=NOW, limit=10, after=None)).next_position is None

    async def test_a_restored_workflow_keeps_its_id_timestamps_and_spec(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = Workflow(id=make_workflow().id, spec=rich_spec("restored"), created_at=NOW - 900, updated_at=NOW)

        assert await archive.restore_workflow(ArchivedWorkflow(workflow), keep_until=KEEP) is Restored.CREATED

        assert await workflow_repository.get(workflow.id) == workflow
        assert await archive.workflows(now=NOW) == [ArchivedWorkflow(workflow)]

    async def test_restoring_the_same_workflow_again_finds_it_present(self, archive: StorageArchive) -> None:
        archived = ArchivedWorkflow(make_workflow("twice"))
        await archive.restore_workflow(archived, keep_until=KEEP)

        assert await archive.restore_workflow(archived, keep_until=KEEP) is Restored.PRESENT

    async def test_a_workflow_with_the_same_id_and_other_content_is_a_conflict_and_stays(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository
    ) -> None:
        stored = await live_workflow(workflow_repository, "stored")
        other = dataclasses.replace(stored, spec=rich_spec("imported"))

        assert await archive.restore_workflow(ArchivedWorkflow(other), keep_until=KEEP) is Restored.CONFLICT
        assert await archive.restore_workflow(ArchivedWorkflow(stored, True), keep_until=KEEP) is Restored.CONFLICT
        assert await workflow_repository.get(stored.id) == stored

    async def test_a_live_workflow_whose_name_a_live_one_has_is_a_conflict_and_nothing_is_written(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository
    ) -> None:
        await live_workflow(workflow_repository, "taken")
        clash = make_workflow("taken")

        assert await archive.restore_workflow(ArchivedWorkflow(clash), keep_until=KEEP) is Restored.CONFLICT
        assert await workflow_repository.get(clash.id) is None

    async def test_a_deleted_workflow_is_restored_deleted_without_taking_its_name(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        deleted = make_workflow("shared name")
        await live_workflow(workflow_repository, "shared name")

        assert await archive.restore_workflow(ArchivedWorkflow(deleted, True), keep_until=KEEP) is Restored.CREATED
        order = make_order(deleted, placed_at=NOW - 5)
        assert await archive.restore_order(order) is Restored.CREATED

        assert await workflow_repository.get(deleted.id) is None
        assert ArchivedWorkflow(deleted, True) in await archive.workflows(now=NOW)
        assert (await order_repository.latest(now=NOW)).orders == [order]
        assert await archive.restore_workflow(ArchivedWorkflow(deleted, True), keep_until=KEEP) is Restored.PRESENT

    async def test_a_restored_order_keeps_its_captured_name_and_becomes_latest_only_if_newest(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, "renamed since")
        newer = make_order(workflow, placed_at=NOW - 10)
        older = make_order(workflow, placed_at=NOW - 20, workflow_name="its name back then")
        await add_all(order_repository, newer)

        assert await archive.restore_order(older) is Restored.CREATED

        assert await order_repository.get(older.id) == older
        assert (await order_repository.latest(now=NOW)).orders == [newer]
        newest = make_order(workflow, placed_at=NOW - 1, workflow_name="its name back then")
        assert await archive.restore_order(newest) is Restored.CREATED
        assert (await order_repository.latest(now=NOW)).orders == [newest]

    @pytest.mark.parametrize("dry_run", [True, False, None])
    async def test_a_restored_order_keeps_its_dry_run_whatever_its_workflows_is_now(
        self,
        archive: StorageArchive,
        workflow_repository: WorkflowRepository,
        order_repository: OrderRepository,
        dry_run: bool | None,
    ) -> None:
        """None: an order exported before dry_run was captured."""
        workflow = await live_workflow(workflow_repository, dry_run=True)
        order = make_order(workflow, dry_run=dry_run)

        assert await archive.restore_order(order) is Restored.CREATED

        assert (await order_repository.get(order.id)) == order
        assert [o.dry_run for o in (await order_repository.latest(now=NOW)).orders] == [dry_run]
        assert await every_order(archive, workflow.id, limit=10) == [order]

    async def test_restoring_the_same_order_again_finds_it_present_and_other_content_conflicts(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository)
        order = make_order(workflow, price="12345.12345678901234567")
        await archive.restore_order(order)

        assert await archive.restore_order(order) is Restored.PRESENT
        changed = dataclasses.replace(order, order_price=order.order_price + 1)
        assert await archive.restore_order(changed) is Restored.CONFLICT
        assert await order_repository.get(order.id) == order
        assert (await order_repository.page(workflow.id, HistoryFilter(), now=NOW, limit=10)).total_count == 1

    async def test_an_order_whose_workflow_is_not_stored_is_refused(
        self, archive: StorageArchive, order_repository: OrderRepository
    ) -> None:
        orphan = make_order(make_workflow("never stored"))

        with pytest.raises(WorkflowNotFoundError):
            await archive.restore_order(orphan)
        assert await order_repository.get(orphan.id) is None

    async def test_restores_racing_the_services_own_writes_keep_the_newest_order_latest(
        self, archive: StorageArchive, workflow_repository: WorkflowRepository, order_repository: OrderRepository
    ) -> None:
        workflow = await live_workflow(workflow_repository, "busy")
        recorded = [make_order(workflow, placed_at=NOW - n * 7 % 50) for n in range(10)]
        imported = [make_order(workflow, placed_at=NOW - n * 11 % 60) for n in range(10)]

        await asyncio.gather(
            *(order_repository.add(order) for order in recorded), *(archive.restore_order(o) for o in imported)
        )

        everything = newest_first(recorded + imported)
        assert (await order_repository.latest(now=NOW)).orders == everything[:1]
        assert await every_order(archive, workflow.id, limit=7) == everything
