"""RevisedPages: a history page with a revision it is current for. SQLite reads both in one call
(one read transaction); DynamoDB composes them from its two reads, and a revision the caller already
read saves the first one (a history page costs the requests it cost before)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters.revised_pages import RevisionThenPage
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.revisions import SqliteRevisions
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import NOW, make_order, make_workflow
from domain.model.history import HistoryFilter

if TYPE_CHECKING:
    from dynamodb_server import RequestLog
    from types_aiobotocore_dynamodb.client import DynamoDBClient

from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames
from adapters.dynamodb.revisions import DynamoDbRevisions

pytest_plugins = ["dynamodb_server"]
EVERYTHING = HistoryFilter()


async def test_sqlite_reads_a_page_and_its_revision_in_one_snapshot(tmp_path) -> None:
    database = await SqliteDatabase.open(str(tmp_path / "orders.db"))
    try:
        workflows, orders, revisions = (
            SqliteWorkflowRepository(database),
            SqliteOrderRepository(database),
            SqliteRevisions(database),
        )
        workflow = make_workflow()
        await workflows.add(workflow)
        for seconds in (30, 20, 10):
            await orders.add(make_order(workflow, placed_at=NOW - seconds))

        read = await revisions.page(workflow.id, EVERYTHING, now=NOW, limit=2)

        assert read.revision == await revisions.of_workflow(workflow.id, now=NOW)
        assert read.page == await orders.page(workflow.id, EVERYTHING, now=NOW, limit=2)
        assert read.revision.orders_recorded == read.page.total_count == 3
    finally:
        await database.close()


@pytest.mark.slow
async def test_dynamodb_reads_the_revision_then_the_page_or_only_the_page_when_the_revision_is_known(
    workflow_repository: DynamoDbWorkflowRepository,
    order_repository: DynamoDbOrderRepository,
    dynamodb_client: DynamoDBClient,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
) -> None:
    workflow = make_workflow()
    await workflow_repository.add(workflow)
    for seconds in (30, 20, 10):
        await order_repository.add(make_order(workflow, placed_at=NOW - seconds))
    revisions = DynamoDbRevisions(
        dynamodb_client, workflows_table=dynamodb_tables.workflows, orders_table=dynamodb_tables.orders
    )
    pages = RevisionThenPage(revisions, order_repository)
    request_log.clear()

    read = await pages.page(workflow.id, EVERYTHING, now=NOW, limit=2)

    assert read.revision == await revisions.of_workflow(workflow.id, now=NOW)
    assert read.page.total_count == 3
    # 2 reads of the revision (GetItem + Query each), the order counters' marker (once per process),
    # and the page, whose Query also reads the counters that give its count
    assert request_log.operations() == {"GetItem": 3, "Query": 3}
    request_log.clear()

    again = await pages.page(workflow.id, EVERYTHING, now=NOW, limit=2, known=read.revision)

    assert again == read
    assert request_log.calls == [("Query", dynamodb_tables.orders)]
