"""`workflow-orders import` applies the API's rules to every record before it writes anything: the real
CLI on a SQLite file and on DynamoDB (moto), beside the real service reading the same storage.

A record the API would refuse (an instant past year 9999, more than 5 minutes ahead, a workflow
updated before it was created) is named with its line and field, the exit code is 1, the storage
holds nothing new, and the reads that such a record used to break answer 200.
"""

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from adapters.archive_ndjson import header_line, record_line
from adapters.dynamodb import TableNames
from builders import iso, make_order, make_workflow
from domain.model.order import RETENTION_SECONDS
from integration.dynamodb_server import REGION
from integration.service_process import ServiceProcess, dynamodb_env, run_command, service_env
from ports.archive import ArchivedWorkflow

pytest_plugins = ["dynamodb_server"]

pytestmark = pytest.mark.slow  # CLI processes, a service process per storage and a moto server

YEAR_10000 = 253_402_300_800
"""10000-01-01T00:00:00Z in epoch seconds: the first second no timestamp can write."""
DAY = 86_400

Fields = dict[str, Any]


@dataclass
class Storage:
    """One storage, the service serving it, and the settings a CLI process needs to reach it."""

    name: str
    sqlite_path: Path
    env: dict[str, str]
    service: ServiceProcess

    def import_(self, archive: Path) -> tuple[int, str]:
        done = run_command(["import", str(archive)], service_env(self.sqlite_path, self.env), timeout=120.0)
        return done.returncode, done.stderr

    def records(self) -> int:
        """Every row or item the storage holds, whatever its kind."""
        if self.name == "sqlite":
            with closing(sqlite3.connect(self.sqlite_path)) as connection:
                tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                return sum(connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables)
        client = boto3.client(
            "dynamodb",
            endpoint_url=self.env["AWS_ENDPOINT_URL_DYNAMODB"],
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        tables = TableNames.for_prefix(self.env["WFO_DYNAMODB_TABLE_PREFIX"]).all()
        return sum(client.scan(TableName=table, Select="COUNT")["Count"] for table in tables)

    def read(self, path: str) -> httpx.Response:
        return httpx.get(self.service.base_url + path, timeout=30.0)


@pytest.fixture(scope="module", params=["sqlite", "dynamodb"])
def storage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storage]:
    directory = tmp_path_factory.mktemp(request.param)
    sqlite_path = directory / "orders.db"
    env = {} if request.param == "sqlite" else dynamodb_env(request.getfixturevalue("dynamodb_endpoint"), "rules")
    service = ServiceProcess(sqlite_path, directory, env).start()
    try:
        yield Storage(request.param, sqlite_path, env, service)
    finally:
        service.stop()


def now() -> int:
    return int(time.time())


def workflow_line(name: str, **changes: Any) -> Fields:
    """A valid live workflow, created a day ago, as the export writes it; `changes` replace fields."""
    fields: Fields = json.loads(record_line(ArchivedWorkflow(make_workflow(name, created_at=now() - DAY))))
    return fields | changes


def order_line(workflow: Fields, **changes: Any) -> Fields:
    """A valid order of `workflow`, placed a minute ago; a new placed_at moves expires_at along."""
    fields: Fields = json.loads(record_line(make_order(placed_at=now() - 60)))
    fields |= {"workflow_id": workflow["id"], "workflow_name": workflow["spec"]["name"]}
    if "placed_at" in changes and "expires_at" not in changes:
        changes["expires_at"] = changes["placed_at"] + RETENTION_SECONDS
    return fields | changes


def write_archive(path: Path, *records: Fields) -> Path:
    path.write_bytes(header_line(now()) + b"".join(json.dumps(r).encode() + b"\n" for r in records))
    return path


def reads_answer_200(storage: Storage, *paths: str) -> None:
    for path in ("/v1/workflows", "/v1/orders/latest", *paths):
        answer = storage.read(path)
        assert answer.status_code == 200, f"{storage.name} {path}: {answer.status_code} {answer.text}"


ORDER_CASES: dict[str, tuple[Callable[[], Any], str]] = {
    "placed in year 10000": (lambda: YEAR_10000, "must fall between years 1 and 9999 once converted to UTC"),
    "placed_at 10^20": (lambda: 10**20, "must fall between years 1 and 9999 once converted to UTC"),
    "placed 115 days ahead": (lambda: now() + 115 * DAY, "is more than 5 minutes in the future"),
    "placed 6 minutes ahead": (lambda: now() + 360, "is more than 5 minutes in the future"),
}
"""An order the API would refuse: its placed_at, and why the import refuses it."""


@pytest.mark.parametrize("case", ORDER_CASES)
def test_an_order_the_api_would_refuse_is_named_and_nothing_is_written(
    storage: Storage, tmp_path: Path, case: str
) -> None:
    placed_at, reason = ORDER_CASES[case]
    stored = workflow_line(f"kept {case} {storage.name}")
    write_archive(tmp_path / "good.ndjson", stored, order_line(stored))
    code, err = storage.import_(tmp_path / "good.ndjson")
    assert code == 0, err
    history = storage.read(f"/v1/workflows/{stored['id']}/orders").json()
    before = storage.records()
    archive = write_archive(tmp_path / "bad.ndjson", stored, order_line(stored, placed_at=placed_at()))

    code, err = storage.import_(archive)

    assert code == 1, err
    assert f"{archive}:3: placed_at: {reason}" in err
    assert "nothing imported: 1 invalid lines" in err
    assert "Traceback" not in err
    assert storage.records() == before
    reads_answer_200(storage, f"/v1/workflows/{stored['id']}", f"/v1/workflows/{stored['id']}/orders")
    assert storage.read(f"/v1/workflows/{stored['id']}/orders").json() == history


def test_placed_at_1e20_as_a_json_number_is_refused_and_nothing_is_written(storage: Storage, tmp_path: Path) -> None:
    workflow = workflow_line(f"new beside 1e20 {storage.name}")
    order = order_line(workflow, placed_at=1e20, expires_at=10**20 + RETENTION_SECONDS)
    archive = write_archive(tmp_path / "bad.ndjson", workflow, order)
    before = storage.records()

    code, err = storage.import_(archive)

    assert code == 1, err
    assert f"{archive}:3: Expected `int`, got `float` - at `$.placed_at`" in err
    assert storage.records() == before
    reads_answer_200(storage)


WORKFLOW_CASES: dict[str, tuple[Callable[[], Fields], str]] = {
    "created in year 10000": (
        lambda: {"created_at": YEAR_10000, "updated_at": YEAR_10000},
        "created_at: must fall between years 1 and 9999 once converted to UTC",
    ),
    "updated 115 days ahead": (
        lambda: {"updated_at": now() + 115 * DAY},
        "updated_at: is more than 5 minutes in the future",
    ),
    "updated before it was created": (
        lambda: {"created_at": now() - DAY, "updated_at": now() - 2 * DAY},
        "updated_at: must not be before created_at",
    ),
}
"""Workflow timestamps the API would never have stored, and why the import refuses them."""


@pytest.mark.parametrize("case", WORKFLOW_CASES)
def test_a_workflow_with_timestamps_the_api_would_refuse_is_named_and_neither_it_nor_its_orders_are_written(
    storage: Storage, tmp_path: Path, case: str
) -> None:
    timestamps, reason = WORKFLOW_CASES[case]
    workflow = workflow_line(f"new {case} {storage.name}", **timestamps())
    archive = write_archive(tmp_path / "bad.ndjson", workflow, order_line(workflow))
    before = storage.records()

    code, err = storage.import_(archive)

    assert code == 1, err
    assert f"{archive}:2: {reason}" in err
    assert "nothing imported: 1 invalid lines" in err
    assert storage.records() == before
    reads_answer_200(storage)
    assert storage.read(f"/v1/workflows/{workflow['id']}").status_code == 404


def test_a_new_workflow_is_not_written_when_its_order_is_refused(storage: Storage, tmp_path: Path) -> None:
    workflow = workflow_line(f"new beside year 10000 {storage.name}")
    archive = write_archive(tmp_path / "bad.ndjson", workflow, order_line(workflow, placed_at=YEAR_10000))
    before = storage.records()

    code, err = storage.import_(archive)

    assert code == 1, err
    assert f"{archive}:3: placed_at: " in err
    assert storage.records() == before
    reads_answer_200(storage)
    assert storage.read(f"/v1/workflows/{workflow['id']}").status_code == 404


def test_an_order_placed_4_minutes_ahead_is_imported_as_the_api_would_record_it(
    storage: Storage, tmp_path: Path
) -> None:
    workflow = workflow_line(f"four minutes ahead {storage.name}")
    placed_at = now() + 240
    order = order_line(workflow, placed_at=placed_at)
    archive = write_archive(tmp_path / "ahead.ndjson", workflow, order)

    code, err = storage.import_(archive)

    assert code == 0, err
    assert "2 created, 0 already present, 0 refused" in err
    reads_answer_200(storage, f"/v1/workflows/{workflow['id']}")
    history = storage.read(f"/v1/workflows/{workflow['id']}/orders").json()
    assert [(o["id"], o["placed_at"]) for o in history["orders"]] == [(order["id"], iso(placed_at))]


def test_orders_keep_their_dry_run_through_an_import_and_a_line_without_it_reads_null(
    storage: Storage, tmp_path: Path
) -> None:
    """A line without dry_run is what an export made before 1.4.0 holds."""
    workflow = workflow_line(f"dry run through import {storage.name}")
    before = order_line(workflow, placed_at=now() - 180)
    del before["dry_run"]
    dry, live = order_line(workflow, placed_at=now() - 120, dry_run=True), order_line(workflow, dry_run=False)
    archive = write_archive(tmp_path / "dry_run.ndjson", workflow, before, dry, live)

    code, err = storage.import_(archive)

    assert code == 0, err
    expected = {before["id"]: None, dry["id"]: True, live["id"]: False}
    for order_id, dry_run in expected.items():
        assert storage.read(f"/v1/orders/{order_id}").json()["dry_run"] is dry_run
    history = storage.read(f"/v1/workflows/{workflow['id']}/orders").json()["orders"]
    assert [(o["id"], o["dry_run"]) for o in history] == list(reversed(expected.items()))
