"""Resuming the live stream with an event id of another store, through real `workflow-orders serve`
processes: a fresh SQLite file, a database swapped for its backup, the other storage with the same
cursor secret, and an id signed before event ids named their store are each answered 410; a resume
on the store that issued the id goes on as before, on SQLite and on DynamoDB (moto).

Every wait is bounded by a generous deadline, a safety net only.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from service_process import ServiceProcess, dynamodb_env, run_command, service_env

from adapters.sqlite.feed import position_of
from builders import encode, event_id_without_store, order_body, workflow_body
from sse_client import Event, EventStream, StreamRefusedError, open_stream, stream_client

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # service processes, on SQLite files and on a moto server

SECRET = "one-cursor-secret-for-every-store"
JSON = {"content-type": "application/json"}
DEADLINE_SECONDS = 60.0
UNKNOWN_HERE = "Event id unknown to this store"
MOTO_QUEUE_DEADLINE = {"WFO_STORAGE_TIMEOUT_SECONDS": "30"}


@asynccontextmanager
async def serving(database: Path, log_dir: Path, env: dict[str, str] | None = None) -> AsyncIterator[str]:
    """A service on `database` (or on the storage `env` selects) with the shared secret; its base URL."""
    service = ServiceProcess(database, log_dir, {"WFO_CURSOR_SECRET": SECRET} | (env or {}))
    await asyncio.to_thread(service.start)
    try:
        yield service.base_url
    finally:
        assert await asyncio.to_thread(service.stop) == 0, service.output()


async def new_workflow(base_url: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        created = await http.post(
            "/v1/workflows", content=encode(workflow_body(f"resume {time.time_ns()}")), headers=JSON
        )
        assert created.status_code == 201, created.text
        return str(created.json()["id"])


async def record(base_url: str, workflow_id: str, count: int) -> list[str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        ids = []
        for _ in range(count):
            answer = await http.post(f"/v1/workflows/{workflow_id}/orders", content=encode(order_body()), headers=JSON)
            assert answer.status_code == 201, answer.text
            ids.append(str(answer.json()["id"]))
        return ids


async def take(stream: EventStream, count: int) -> list[Event]:
    events: list[Event] = []
    async with asyncio.timeout(DEADLINE_SECONDS):
        while len(events) < count:
            event = await stream.next_event()
            assert event is not None, "the stream ended"
            events.append(event)
    return events


async def recorded_events(base_url: str, workflow_id: str, count: int) -> list[Event]:
    """Record `count` orders while following the workflow's stream; the events they came as."""
    async with stream_client(base_url, 1) as client, open_stream(client, params={"workflow_id": workflow_id}) as stream:
        ids = await record(base_url, workflow_id, count)
        events = await take(stream, count)
    assert [order_id(event) for event in events] == ids
    return events


def event_id(event: Event) -> str:
    assert event.id, event
    return event.id


def order_id(event: Event) -> str:
    return event.data.split('"id":"', 1)[1].split('"', 1)[0]


async def resumed(base_url: str, workflow_id: str, event_id: str, count: int) -> list[str]:
    """The ids of the first `count` orders a stream resumed after `event_id` gives."""
    async with (
        stream_client(base_url, 1) as client,
        open_stream(client, params={"workflow_id": workflow_id}, last_event_id=event_id) as stream,
    ):
        return [order_id(event) for event in await take(stream, count)]


async def refused(base_url: str, event_id: str) -> httpx.Response:
    """The answer to a stream resumed after `event_id`, which must not be a stream."""
    async with stream_client(base_url, 1) as client:
        try:
            async with open_stream(client, last_event_id=event_id):
                pass
        except StreamRefusedError as refusal:
            return refusal.response
    raise AssertionError(f"the stream resumed after an event id its store cannot place: {event_id}")


def assert_gone(response: httpx.Response, title: str = UNKNOWN_HERE) -> None:
    assert response.status_code == 410, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == title
    assert "without one" in response.json()["detail"]


def put_in_place(backup: Path, database: Path) -> None:
    """The restore of docs/operations.md: the database and its companions removed, the backup copied in."""
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, database)


async def test_sqlite_refuses_ids_of_another_file_of_the_file_before_a_restore_and_of_the_old_format(
    tmp_path: Path,
) -> None:
    database, backup = tmp_path / "orders.db", tmp_path / "backup.db"
    async with serving(database, tmp_path) as base:
        workflow_id = await new_workflow(base)
        first, second = await recorded_events(base, workflow_id, 2)
        assert await resumed(base, workflow_id, event_id(first), 1) == [order_id(second)]  # a resume goes on as before

        done = await asyncio.to_thread(run_command, ["backup", str(backup)], service_env(database), 60.0)
        assert done.returncode == 0, done.stderr
        *_, held = await recorded_events(base, workflow_id, 2)  # after the backup: not in it
        legacy = event_id_without_store(SECRET.encode(), position_of(1).key, issued_at=int(time.time()))
        assert_gone(await refused(base, legacy))

    await asyncio.to_thread(put_in_place, backup, database)
    async with serving(database, tmp_path) as base:
        assert_gone(await refused(base, event_id(held)))  # beyond what the restored feed holds
        assert_gone(await refused(base, event_id(first)))  # within it, but issued by the store before the restore
        await recorded_events(base, workflow_id, 2)  # the restored feed reaches the held position again
        assert_gone(await refused(base, event_id(held)))  # yet it names another store

    async with serving(tmp_path / "fresh.db", tmp_path) as base:
        assert_gone(await refused(base, event_id(first)))


@pytest.fixture
def dynamodb_settings(dynamodb_endpoint: str) -> dict[str, str]:
    return dynamodb_env(dynamodb_endpoint, "resume") | MOTO_QUEUE_DEADLINE


async def test_each_storage_refuses_the_others_ids_with_the_same_secret_and_resumes_its_own(
    tmp_path: Path, dynamodb_settings: dict[str, str]
) -> None:
    async with (
        serving(tmp_path / "orders.db", tmp_path) as on_sqlite,
        serving(tmp_path / "unused.db", tmp_path, dynamodb_settings) as on_dynamodb,
    ):
        sqlite_workflow, dynamodb_workflow = await new_workflow(on_sqlite), await new_workflow(on_dynamodb)
        [from_sqlite] = await recorded_events(on_sqlite, sqlite_workflow, 1)
        first, second = await recorded_events(on_dynamodb, dynamodb_workflow, 2)

        assert_gone(await refused(on_dynamodb, event_id(from_sqlite)))
        assert_gone(await refused(on_sqlite, event_id(first)))
        assert await resumed(on_dynamodb, dynamodb_workflow, event_id(first), 1) == [order_id(second)]
        legacy = event_id_without_store(SECRET.encode(), "1771770600000#~", issued_at=int(time.time()))
        assert_gone(await refused(on_dynamodb, legacy))
