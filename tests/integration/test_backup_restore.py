"""`workflow-orders backup` while the service writes, and the restore drill: kill -9, put the backup in
place of the database, start again: every order acknowledged before the backup began is there."""

import asyncio
import shutil
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from builders import encode, iso, order_body, workflow_body
from integration.service_process import ServiceProcess, run_command, service_env

pytestmark = pytest.mark.slow  # service processes and CLI processes

_JSON = {"content-type": "application/json"}
WRITERS = 4
ORDERS_BEFORE_BACKUP = 100


async def write_until(
    base_url: str, workflow_id: str, stop: asyncio.Event, acknowledged: list[str], enough: asyncio.Event
) -> None:
    """Record orders one after another until `stop`; append each id once the service answered 201, and
    set `enough` once ORDERS_BEFORE_BACKUP are acknowledged."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        while not stop.is_set():
            order_id = str(uuid.uuid4())
            body = order_body(id=order_id, placed_at=iso(int(time.time()) - 1))
            try:
                answer = await http.post(f"/v1/workflows/{workflow_id}/orders", content=encode(body), headers=_JSON)
            except httpx.TransportError:
                return  # the process was killed
            if answer.status_code == 201:
                acknowledged.append(order_id)
                if len(acknowledged) >= ORDERS_BEFORE_BACKUP:
                    enough.set()


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


async def test_a_backup_taken_under_write_load_restores_every_order_acknowledged_before_it_began(
    tmp_path: Path,
) -> None:
    database, backup = tmp_path / "orders.db", tmp_path / "backups" / "orders-backup.db"
    backup.parent.mkdir()
    service = ServiceProcess(database, tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30.0) as http:
            created = await http.post("/v1/workflows", content=encode(workflow_body("drill")), headers=_JSON)
            workflow_id = created.json()["id"]
        stop, enough, acknowledged = asyncio.Event(), asyncio.Event(), []
        writers = [
            asyncio.create_task(write_until(service.base_url, workflow_id, stop, acknowledged, enough))
            for _ in range(WRITERS)
        ]
        await asyncio.wait_for(enough.wait(), timeout=60)
        before_backup = list(acknowledged)
        done = await asyncio.to_thread(run_command, ["backup", str(backup)], service_env(database), 60.0)
        during_backup = len(acknowledged) - len(before_backup)
        await asyncio.sleep(0.5)
        service.kill()  # SIGKILL while the writers are still writing
        stop.set()
        await asyncio.gather(*writers)
    finally:
        service.kill()

    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout
    assert len(before_backup) >= ORDERS_BEFORE_BACKUP, "the writers wrote too little to prove anything"
    print(f"\n[backup] {len(before_backup)} orders before the backup, {during_backup} while it ran")
    assert not backup.with_name(f"{backup.name}.partial").exists()

    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, database)
    restored = ServiceProcess(database, tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=restored.base_url, timeout=30.0) as http:
            missing = [i for i in before_backup if (await http.get(f"/v1/orders/{i}")).status_code != 200]
            history = (await http.get(f"/v1/workflows/{workflow_id}/orders", params={"limit": 1})).json()
    finally:
        restored.stop()
    assert missing == []
    assert history["total_count"] >= len(before_backup)
    assert integrity(database) == ["ok"]


def test_backup_on_dynamodb_refuses_and_points_at_point_in_time_recovery(tmp_path: Path) -> None:
    on_dynamodb = {"WFO_STORAGE": "dynamodb", "AWS_REGION": "us-east-1"}
    done = run_command(["backup", str(tmp_path / "copy.db")], service_env(tmp_path / "unused.db", on_dynamodb))

    assert done.returncode == 1
    assert "point-in-time recovery" in done.stderr
    assert not (tmp_path / "copy.db").exists()


def test_a_second_backup_replaces_the_first_only_once_it_is_complete(tmp_path: Path) -> None:
    database, backup = tmp_path / "orders.db", tmp_path / "copy.db"
    assert run_command(["create-tables"], service_env(database)).returncode == 0
    backup.write_bytes(b"an older backup")

    done = run_command(["backup", str(backup)], service_env(database))

    assert done.returncode == 0, done.stderr
    assert integrity(backup) == ["ok"]


def store_id(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT id FROM store").fetchone()[0])


def test_a_backup_is_a_store_of_its_own_so_event_ids_of_the_original_are_refused_by_it(tmp_path: Path) -> None:
    database, backup = tmp_path / "orders.db", tmp_path / "copy.db"
    assert run_command(["create-tables"], service_env(database)).returncode == 0

    done = run_command(["backup", str(backup)], service_env(database))

    assert done.returncode == 0, done.stderr
    assert store_id(backup) != store_id(database)
    assert integrity(backup) == ["ok"]
