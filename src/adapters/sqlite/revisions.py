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

_REVISION = """
    SELECT workflow.id, workflow.name, workflow.enable, workflow.spec, workflow.created_at, workflow.updated_at,
           (SELECT count FROM recorded_orders WHERE workflow_id = :id),
           oldest.placed_at, oldest.id
    FROM (SELECT :id AS id) AS asked
    LEFT JOIN workflows AS workflow ON workflow.id = asked.id AND workflow.deleted_at IS NULL
    LEFT JOIN (
        SELECT placed_at, id FROM orders WHERE workflow_id = :id AND placed_at >= :visible_from
        ORDER BY placed_at, id LIMIT 1
    ) AS oldest ON 1
"""
"""The live workflow's row (NULLs when there is none), its orders ever recorded and its oldest visible
order: three index lookups in one statement, which is a snapshot of its own."""


class SqliteRevisions(Revisions, RevisedPages):
    """Revisions, and RevisedPages in one read transaction (one thread hop): the revision and the
    page come from the same snapshot, so `known` is never needed."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._decoded = DecodedWorkflows()

    async def of_workflow(self, workflow_id: Id, *, now: int) -> WorkflowRevision:
        return await self._database.read(lambda connection: self._revision(connection, workflow_id, now))

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
        asked = {"id": workflow_id, "visible_from": oldest_visible_placed_at(now)}
        row = connection.execute(_REVISION, asked).fetchone()
        workflow, recorded, oldest_placed_at, oldest_id = row[:6], row[6], row[7], row[8]
        return WorkflowRevision(
            None if workflow[0] is None else workflow_from_row(workflow, self._decoded),
            recorded or 0,
            None if oldest_id is None else Position(oldest_placed_at, oldest_id),
        )
