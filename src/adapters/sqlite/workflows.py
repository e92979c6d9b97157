"""Workflows in SQLite: soft-deleted rows, names unique among live ones."""

import sqlite3

from adapters.spec_json import DecodedWorkflows
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.mapping import workflow_from_row, workflow_to_row
from domain.model.errors import WorkflowNameTakenError, WorkflowNotFoundError
from domain.model.ids import Id
from domain.model.workflow import Workflow
from ports.workflows import WorkflowRepository

_INSERT = """
    INSERT INTO workflows (id, name, enable, spec, created_at, updated_at, deleted_at)
    VALUES (?, ?, ?, ?, ?, ?, NULL)
"""
_SELECT_LIVE = """
    SELECT id, name, enable, spec, created_at, updated_at FROM workflows
    WHERE id = ? AND deleted_at IS NULL
"""
_UPDATE_LIVE = """
    UPDATE workflows SET name = ?, enable = ?, spec = ?, updated_at = ?
    WHERE id = ? AND deleted_at IS NULL
"""
_DELETE_LIVE = "UPDATE workflows SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL"
_NAME_TAKEN = "SELECT 1 FROM workflows WHERE name = ? AND deleted_at IS NULL AND id != ?"
# Both read the partial unique index on name, which is already in name (code point) order.
_LIST_LIVE = """
    SELECT id, name, enable, spec, created_at, updated_at FROM workflows
    WHERE deleted_at IS NULL ORDER BY name
"""
_LIST_LIVE_BY_ENABLE = """
    SELECT id, name, enable, spec, created_at, updated_at FROM workflows
    WHERE deleted_at IS NULL AND enable = ? ORDER BY name
"""


class SqliteWorkflowRepository(WorkflowRepository):
    """WorkflowRepository on SQLite: delete sets deleted_at, which frees the name for reuse.

    A deleted row stays, so its orders keep their parent and its id is never handed out again.
    Each stored row is decoded once (DecodedWorkflows).
    """

    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._decoded = DecodedWorkflows()

    async def add(self, workflow: Workflow) -> None:
        row = workflow_to_row(workflow)

        def insert(connection: sqlite3.Connection) -> None:
            try:
                connection.execute(_INSERT, row)
            except sqlite3.IntegrityError:
                _raise_if_name_taken(connection, workflow.name, row[0])
                raise

        await self._database.write(insert)

    async def get(self, workflow_id: Id) -> Workflow | None:
        def select(connection: sqlite3.Connection) -> Workflow | None:
            found = connection.execute(_SELECT_LIVE, (workflow_id,)).fetchone()
            return None if found is None else workflow_from_row(found, self._decoded)

        return await self._database.read(select)

    async def replace(self, workflow: Workflow) -> None:
        workflow_id, name, enable, spec, _created_at, updated_at = workflow_to_row(workflow)

        def update(connection: sqlite3.Connection) -> None:
            try:
                changed = connection.execute(_UPDATE_LIVE, (name, enable, spec, updated_at, workflow_id))
            except sqlite3.IntegrityError:
                _raise_if_name_taken(connection, name, workflow_id)
                raise
            if changed.rowcount == 0:
                raise WorkflowNotFoundError(workflow_id)

        await self._database.write(update)

    async def delete(self, workflow_id: Id, *, now: int) -> None:
        def soft_delete(connection: sqlite3.Connection) -> None:
            if connection.execute(_DELETE_LIVE, (now, workflow_id)).rowcount == 0:
                raise WorkflowNotFoundError(workflow_id)

        await self._database.write(soft_delete)

    async def list(self, enable: bool | None = None) -> list[Workflow]:
        def select(connection: sqlite3.Connection) -> list[Workflow]:
            if enable is None:
                rows = connection.execute(_LIST_LIVE).fetchall()
            else:
                rows = connection.execute(_LIST_LIVE_BY_ENABLE, (int(enable),)).fetchall()
            return [workflow_from_row(row, self._decoded) for row in rows]

        return await self._database.read(select)


def _raise_if_name_taken(connection: sqlite3.Connection, name: str, workflow_id: str) -> None:
    """Called inside the failed write's transaction, so the answer is about that very moment."""
    if connection.execute(_NAME_TAKEN, (name, workflow_id)).fetchone() is not None:
        raise WorkflowNameTakenError(name) from None
