"""Workflow revisions in SQLite: three index lookups in one snapshot, alone or with a history page."""

import sqlite3

from adapters.spec_json import DecodedWorkflows
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.history_page import page_reader
from adapters.sqlite.mapping import workflow_from_row
from domain.model.history import HistoryFilter, Position
from domain.model.ids import Id
from domain.model.order import oldest_visible_placed_at
from ports.revisions import RevisedPage, RevisedPages, Revisions, WorkflowRevision

_LIVE_WORKFLOW = """
    SELECT id, name, enable, spec, created_at, updated_at FROM workflows
    WHERE id = ? AND deleted_at IS NULL
"""
_RECORDED = "SELECT count FROM recorded_orders WHERE workflow_id = ?"
_OLDEST_VISIBLE = """
    SELECT placed_at, id FROM orders WHERE workflow_id = ? AND placed_at >= ?
    ORDER BY placed_at, id LIMIT 1
"""


class SqliteRevisions(Revisions, RevisedPages):
    """Revisions, and RevisedPages in one read transaction (one thread hop): the revision and the
    page come from the same snapshot, so `known` is never needed."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._decoded = DecodedWorkflows()

    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        return await self._database.read_snapshot(lambda connection: self._revision(connection, workflow_id, now))

    async def page(
        self,
        workflow_id: Id,
        history_filter: HistoryFilter,
        *,
        now: int,
        limit: int,
        after: Position | None = None,
        known: WorkflowRevision | None = None,
    ) -> RevisedPage:
        read_page = page_reader(workflow_id, history_filter, now, limit, after)

        def select(connection: sqlite3.Connection) -> RevisedPage:
            return RevisedPage(self._revision(connection, workflow_id, now), read_page(connection))

        return await self._database.read_snapshot(select)

    def _revision(self, connection: sqlite3.Connection, workflow_id: Id, now: int) -> WorkflowRevision:
        workflow = connection.execute(_LIVE_WORKFLOW, (workflow_id,)).fetchone()
        recorded = connection.execute(_RECORDED, (workflow_id,)).fetchone()
        oldest = connection.execute(_OLDEST_VISIBLE, (workflow_id, oldest_visible_placed_at(now))).fetchone()
        return WorkflowRevision(
            None if workflow is None else workflow_from_row(workflow, self._decoded),
            0 if recorded is None else recorded[0],
            None if oldest is None else Position(oldest[0], oldest[1]),
        )
