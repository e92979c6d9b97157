"""`workflow-orders import` on files with problems, run in-process on a real SQLite file: what it says,
its exit code, and that a bad file writes nothing (or, with --continue-on-error, only the good records)."""

import asyncio
import json
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from adapters.archive_ndjson import header_line, record_line
from app.cli import main
from builders import NOW, make_order, make_workflow
from domain.model.order import RETENTION_SECONDS
from ports.archive import ArchivedWorkflow


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "target.db"
    for key in [key for key in os.environ if key.startswith("WFO_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("WFO_SQLITE_PATH", str(path))
    monkeypatch.setenv("WFO_LOG_FORMAT", "console")
    return path


RECENT = int(time.time()) - 60
"""Orders placed a minute before the tests run are visible while they import them."""
WORKFLOW = make_workflow("imported")
ORDER = make_order(WORKFLOW, placed_at=RECENT, price="0.1000000000000000000000000000000000001")


def export_file(tmp_path: Path, *lines: bytes, header: bytes | None = None) -> Path:
    path = tmp_path / "export.ndjson"
    path.write_bytes((header_line(NOW) if header is None else header) + b"".join(lines))
    return path


def run_import(path: Path | str, *options: str) -> int:
    # The CLI calls asyncio.run itself; the test runs it in a thread without an event loop.
    return asyncio.run(asyncio.to_thread(main, ["import", str(path), *options]))


def counts(database: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(database)) as connection:
        workflows = connection.execute("SELECT COUNT(*) FROM workflows").fetchone()[0]
        orders = connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    return workflows, orders


def line(**fields: Any) -> bytes:
    return json.dumps(fields).encode() + b"\n"


def test_a_valid_file_imports_and_a_second_import_creates_nothing(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export_file(tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), record_line(ORDER))

    assert run_import(path) == 0
    assert "2 created, 0 already present, 0 refused" in capsys.readouterr().err
    assert run_import(path) == 0
    assert "0 created, 2 already present, 0 refused" in capsys.readouterr().err
    assert counts(database) == (1, 1)


def test_a_malformed_line_is_reported_with_its_number_and_nothing_is_written(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_price = json.loads(record_line(make_order(WORKFLOW, placed_at=RECENT)))
    bad_price["order_price"] = 0
    path = export_file(
        tmp_path,
        record_line(ArchivedWorkflow(WORKFLOW)),
        b"{not json\n",
        line(**bad_price),
        line(kind="order", **{k: v for k, v in bad_price.items() if k not in ("kind", "workflow_name")}),
        record_line(ORDER),
    )

    assert run_import(path) == 1

    err = capsys.readouterr().err
    assert f"{path}:3: " in err
    assert f"{path}:4: order_price: " in err
    assert f"{path}:5: Object missing required field `workflow_name`" in err
    assert "nothing imported: 3 invalid lines" in err
    assert not database.exists() or counts(database) == (0, 0)


def test_continue_on_error_imports_the_valid_records_and_lists_the_others(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orphan = make_order(make_workflow("not in the file"), placed_at=RECENT)
    path = export_file(
        tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), b"[]\n", record_line(orphan), record_line(ORDER)
    )

    assert run_import(path, "--continue-on-error") == 1

    err = capsys.readouterr().err
    assert f"{path}:3: " in err
    assert f"{path}:4: the order's workflow {orphan.workflow_id} is not on an earlier line" in err
    assert "2 created, 0 already present, 0 refused, 0 expired (skipped), 2 invalid lines" in err
    assert counts(database) == (1, 1)


def test_an_unknown_format_version_is_refused_before_anything_is_read(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = line(kind="format", format="workflow-orders-export", version=99, exported_at=NOW)
    path = export_file(tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), header=header)

    assert run_import(path) == 1
    assert f"{path}:1: unknown format version 99 (this program reads version 1)" in capsys.readouterr().err
    assert not database.exists() or counts(database) == (0, 0)


def test_expired_orders_are_skipped_and_counted(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expired = make_order(WORKFLOW, placed_at=RECENT - RETENTION_SECONDS)
    path = export_file(tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), record_line(expired))

    assert run_import(path) == 0
    assert "1 created, 0 already present, 0 refused, 1 expired (skipped)" in capsys.readouterr().err
    assert counts(database) == (1, 0)


def test_a_record_with_other_content_under_a_stored_id_is_a_conflict_and_is_not_overwritten(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import(export_file(tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), record_line(ORDER))) == 0
    changed = json.loads(record_line(ORDER))
    changed["order_code"] = "OTHER"
    path = export_file(tmp_path, record_line(ArchivedWorkflow(WORKFLOW)), line(**changed))

    assert run_import(path) == 1

    err = capsys.readouterr().err
    assert f"{path}:3: conflict: the storage has an order with this id and other content" in err
    assert "0 created, 1 already present, 1 refused" in err
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT order_code FROM orders").fetchall() == [(ORDER.order_code,)]


def test_records_the_api_would_refuse_are_named_by_line_and_field_and_only_the_valid_ones_import_on_request(
    tmp_path: Path, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = int(time.time())
    ahead = make_workflow("updated 115 days ahead", created_at=now - 60)
    ahead_line = json.loads(record_line(ArchivedWorkflow(ahead))) | {"updated_at": now + 115 * 86_400}
    future = json.loads(record_line(make_order(WORKFLOW, placed_at=RECENT)))
    future |= {"placed_at": now + 360, "expires_at": now + 360 + RETENTION_SECONDS}
    path = export_file(
        tmp_path,
        record_line(ArchivedWorkflow(WORKFLOW)),
        line(**future),
        record_line(ORDER),
        line(**ahead_line),
        record_line(make_order(ahead, placed_at=RECENT)),
    )

    assert run_import(path) == 1
    err = capsys.readouterr().err
    assert f"{path}:3: placed_at: is more than 5 minutes in the future" in err
    assert f"{path}:5: updated_at: is more than 5 minutes in the future" in err
    assert "nothing imported: 2 invalid lines" in err
    assert not database.exists() or counts(database) == (0, 0)

    assert run_import(path, "--continue-on-error") == 1
    err = capsys.readouterr().err
    assert f"{path}:6: not imported: its workflow is not in the storage (see that workflow's line)" in err
    assert "2 created, 0 already present, 1 refused, 0 expired (skipped), 2 invalid lines" in err
    assert counts(database) == (1, 1)
