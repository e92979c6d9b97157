"""Export and import on SQLite: workflow rows (soft-deleted ones included) and order rows, written back as they were."""

import sqlite3

from adapters.spec_json import DecodedWorkflows
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.history_page import NO_LATER_THAN, PAGE
from adapters.sqlite.mapping import ORDER_COLUMNS, order_from_row, order_to_row, workflow_from_row, workflow_to_row
from adapters.sqlite.orders import ADVANCE_LATEST, COUNT_RECORDED, INSERT_ORDER
from domain.model.errors import WorkflowNotFoundError
from domain.model.history import Position
from domain.model.ids import Id
from domain.model.order import WorkflowOrder, oldest_visible_placed_at
from ports.archive import ArchivedWorkflow, OrderBatch, Restored, StorageArchive

_WORKFLOW_COLUMNS = "id, name, enable, spec, created_at, updated_at, deleted_at IS NOT NULL"
# Only the constant column lists are interpolated; every value is a bound parameter.
_WORKFLOWS = f"""
    SELECT {_WORKFLOW_COLUMNS} FROM workflows AS w
    WHERE deleted_at IS NULL
       OR EXISTS (SELECT 1 FROM orders WHERE workflow_id = w.id AND placed_at >= ?)
    ORDER BY created_at, id
"""  # noqa: S608
_WORKFLOW = f"SELECT {_WORKFLOW_COLUMNS} FROM workflows WHERE id = ?"  # noqa: S608
# A deleted workflow's row keeps no date of deletion in an export; its last update stands in.
_INSERT_WORKFLOW = """
    INSERT INTO workflows (id, name, enable, spec, created_at, updated_at, deleted_at)
    VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? THEN ? END)
"""
_ORDER = f"SELECT {', '.join(ORDER_COLUMNS)} FROM orders WHERE id = ?"  # noqa: S608


class SqliteArchive(StorageArchive):
    """StorageArchive on the SQLite file: each restore is one write transaction that checks what is
    there and inserts, so it cannot interleave with the service's own writes."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._decoded = DecodedWorkflows()

    async def workflows(self, *, now: int) -> list[ArchivedWorkflow]:
        def select(connection: sqlite3.Connection) -> list[ArchivedWorkflow]:
            rows = connection.execute(_WORKFLOWS, (oldest_visible_placed_at(now),)).fetchall()
            return [self._archived(row) for row in rows]

        return await self._database.read(select)

    def _archived(self, row: sqlite3.Row | tuple[object, ...]) -> ArchivedWorkflow:
        return ArchivedWorkflow(workflow_from_row(row[:6], self._decoded), deleted=bool(row[6]))

    async def orders(self, workflow_id: Id, *, now: int, limit: int, after: Position | None) -> OrderBatch:
        bound = (NO_LATER_THAN, "") if after is None else (after.placed_at, after.order_id)
        params = (workflow_id, oldest_visible_placed_at(now), *bound, limit + 1)

        def select(connection: sqlite3.Connection) -> OrderBatch:
            rows = connection.execute(PAGE, params).fetchall()
            orders = [order_from_row(row) for row in rows[:limit]]
            last = orders[-1] if len(rows) > limit else None
            return OrderBatch(orders, None if last is None else Position(last.placed_at, last.id))

        return await self._database.read(select)

    async def restore_workflow(self, archived: ArchivedWorkflow, *, keep_until: int) -> Restored:
        workflow = archived.workflow
        row = (*workflow_to_row(workflow), archived.deleted, workflow.updated_at)

        def insert(connection: sqlite3.Connection) -> Restored:
            stored = connection.execute(_WORKFLOW, (workflow.id,)).fetchone()
            if stored is not None:
                return Restored.PRESENT if self._archived(stored) == archived else Restored.CONFLICT
            try:
                connection.execute(_INSERT_WORKFLOW, row)
            except sqlite3.IntegrityError:  # the id is free (read above), so the live name is taken
                return Restored.CONFLICT
            return Restored.CREATED

        return await self._database.write(insert)

    async def restore_order(self, order: WorkflowOrder) -> Restored:
        row = order_to_row(order)

        def insert(connection: sqlite3.Connection) -> Restored:
            stored = connection.execute(_ORDER, (order.id,)).fetchone()
            if stored is not None:
                return Restored.PRESENT if order_from_row(stored) == order else Restored.CONFLICT
            if connection.execute(_WORKFLOW, (order.workflow_id,)).fetchone() is None:
                raise WorkflowNotFoundError(order.workflow_id)
            connection.execute(INSERT_ORDER, row)
            connection.execute(ADVANCE_LATEST, (order.workflow_id, order.placed_at, order.id))
            connection.execute(COUNT_RECORDED, (order.workflow_id,))
            return Restored.CREATED

        return await self._database.write(insert)
