"""The DynamoDB time index (orders_by_time): what a window page costs, and the backfill that gives it
to a deployment whose orders were written before it existed (by the code of commit eacfec9, run in
a child process from `git archive`)."""

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dynamodb_server import RequestLog, delete_table, order_repository_for
from service_process import dynamodb_settings, run_command, service_env

from adapters.dynamodb.tables import TableNames
from builders import NOW, add_all, live_workflow, make_order
from domain.model.window import OrderWindow
from ports.workflows import WorkflowRepository

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server

BEFORE_THE_INDEX = "eacfec99a884feaf9220f518563ca9442927578a"
"""The last commit of main without the time index."""
REPOSITORY = Path(__file__).resolve().parents[2]

WRITE_WITH_OLD_CODE = """
import asyncio, json, sys, time
from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames, create_tables
from builders import make_order, make_workflow
from tests_support import open_client

async def main(endpoint, prefix):
    now = int(time.time())
    async with open_client(endpoint) as client:
        await create_tables(client, prefix)
        names = TableNames.for_prefix(prefix)
        workflows = DynamoDbWorkflowRepository(client, names.workflows)
        orders = DynamoDbOrderRepository(
            client, orders_table=names.orders, order_ids_table=names.order_ids, workflows_table=names.workflows
        )
        kept = make_workflow("Kept", created_at=now - 9 * 86400)
        gone = make_workflow("Gone", created_at=now - 9 * 86400)
        await workflows.add(kept)
        await workflows.add(gone)
        visible = []
        for n in range(30):
            order = make_order(kept if n % 2 else gone, placed_at=now - n * 20_000)
            await orders.add(order)
            visible.append(order.id)
        await orders.add(make_order(kept, placed_at=now - 8 * 86400))  # expired
        await workflows.delete(gone.id, now=now)
    print(json.dumps(visible))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""

OPEN_CLIENT = """
import contextlib
import aioboto3

@contextlib.asynccontextmanager
async def open_client(endpoint):
    session = aioboto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    async with session.client("dynamodb", endpoint_url=endpoint) as client:
        yield client
"""


def old_code(directory: Path) -> Path:
    """The service's code and test builders at BEFORE_THE_INDEX, unpacked in `directory`."""
    found = subprocess.run(
        ["git", "-C", str(REPOSITORY), "cat-file", "-e", f"{BEFORE_THE_INDEX}^{{commit}}"], check=False
    )
    if found.returncode != 0:
        pytest.skip(f"commit {BEFORE_THE_INDEX} is not in this checkout")
    archive = subprocess.run(
        ["git", "-C", str(REPOSITORY), "archive", BEFORE_THE_INDEX, "src", "tests/builders.py"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    (directory / "tests" / "tests_support.py").write_text(OPEN_CLIENT, encoding="utf-8")
    return directory


def write_with_old_code(code: Path, endpoint: str, prefix: str) -> list[str]:
    """Run WRITE_WITH_OLD_CODE on the old code; the ids of the visible orders it wrote, newest first."""
    written = subprocess.run(
        [sys.executable, "-c", WRITE_WITH_OLD_CODE, endpoint, prefix],
        env={"PYTHONPATH": f"{code / 'src'}:{code / 'tests'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    ids: list[str] = json.loads(written.stdout)
    return ids


async def test_create_tables_backfills_orders_written_before_the_index_and_the_window_serves_them(
    dynamodb_endpoint, dynamodb_client, tmp_path
):
    prefix = f"old{int(time.time() * 1000) % 10**9}-"
    visible = await asyncio.to_thread(write_with_old_code, old_code(tmp_path), dynamodb_endpoint, prefix)
    names = TableNames.for_prefix(prefix)
    assert names.by_time not in (await dynamodb_client.list_tables())["TableNames"]
    env = service_env(tmp_path / "unused.db", dynamodb_settings(dynamodb_endpoint, prefix))
    try:
        created = await asyncio.to_thread(run_command, ["create-tables"], env, 120)
        repaired = await asyncio.to_thread(run_command, ["create-tables", "--repair"], env, 120)  # idempotent
        orders = order_repository_for(dynamodb_client, names)
        found = await orders.window(OrderWindow(), now=int(time.time()), limit=100)
    finally:
        for table in names.all():
            await delete_table(dynamodb_client, table)

    assert created.returncode == 0, created.stderr
    assert repaired.returncode == 0, repaired.stderr
    assert f"{names.by_time}: holds the 30 visible orders" in created.stdout
    assert f"{names.by_time}: holds the 30 visible orders" in repaired.stdout
    assert [order.id for order in found] == visible  # newest first, the deleted workflow's included


async def test_a_window_page_is_one_query_whatever_the_number_of_workflows(
    workflow_repository: WorkflowRepository,
    dynamodb_client,
    dynamodb_tables: TableNames,
    request_log: RequestLog,
):
    orders = order_repository_for(dynamodb_client, dynamodb_tables)
    for n in range(12):
        workflow = await live_workflow(workflow_repository, f"W{n}")
        await add_all(orders, *(make_order(workflow, placed_at=NOW - 3600 - k) for k in range(3)))
    day = OrderWindow(since=NOW - 7200, until=NOW)

    request_log.clear()
    page = await orders.window(day, now=NOW, limit=21)
    one_page_calls = list(request_log.calls)
    request_log.clear()
    whole = await orders.window(day, now=NOW, limit=10_001)
    summary_calls = list(request_log.calls)

    assert len(page) == 21
    assert len(whole) == 36
    assert one_page_calls == [("Query", dynamodb_tables.by_time)]
    assert summary_calls == [("Query", dynamodb_tables.by_time)] * len(summary_calls)
