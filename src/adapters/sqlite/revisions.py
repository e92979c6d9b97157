"""Workflow revisions in SQLite: three index lookups in one snapshot."""

import sqlite3

from adapters.spec_json import DecodedWorkflows
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.mapping import workflow_from_row
from domain.model.history import Position
from domain.model.ids import Id
from domain.model.order import oldest_visible_placed_at
from ports.revisions import Revisions, WorkflowRevision

_LIVE_WORKFLOW = """
    SELECT id, name, enable, spec, created_at, updated_at FROM workflows
    WHERE id = ? AND deleted_at IS NULL
"""
_RECORDED = "SELECT count FROM recorded_orders WHERE workflow_id = ?"
_OLDEST_VISIBLE = """
    SELECT placed_at, id FROM orders WHERE workflow_id = ? AND placed_at >= ?
    ORDER BY placed_at, id LIMIT 1
"""


class SqliteRevisions(Revisions):
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._decoded = DecodedWorkflows()

    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        lowest = oldest_visible_placed_at(now)

        def select(connection: sqlite3.Connection) -> WorkflowRevision:
            workflow = connection.execute(_LIVE_WORKFLOW, (workflow_id,)).fetchone()
            recorded = connection.execute(_RECORDED, (workflow_id,)).fetchone()
            oldest = connection.execute(_OLDEST_VISIBLE, (workflow_id, lowest)).fetchone()
            return WorkflowRevision(
                None if workflow is None else workflow_from_row(workflow, self._decoded),
                0 if recorded is None else recorded[0],
                None if oldest is None else Position(oldest[0], oldest[1]),
            )

        return await self._database.read_snapshot(select)
