"""Schema versions through the real command: `create-tables` says the version and migrates a file
made before versioning (two at once too); `serve` migrates before it listens; a file a newer
release migrated stops every command with exit code 1 and the service with one log line, and
stays unchanged."""

import json
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from service_process import ServiceProcess, command_path, free_port, run_command, service_env
from unversioned_sqlite import DATABASE

pytestmark = pytest.mark.slow  # CLI and service processes

NEWER = 1000
"""A version no release will reach soon."""


@pytest.fixture
def unversioned(tmp_path: Path) -> Path:
    copy = tmp_path / "orders.db"
    shutil.copyfile(DATABASE, copy)
    return copy


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def test_create_tables_migrates_a_file_made_before_versioning_and_says_the_version(unversioned: Path) -> None:
    first = run_command(["create-tables"], service_env(unversioned))
    again = run_command(["create-tables"], service_env(unversioned))

    assert first.returncode == 0, first.stderr
    migrated = re.fullmatch(
        rf"SQLite schema at version (\d+) \(migrated from version 0\) at {unversioned}\n", first.stdout
    )
    assert migrated, first.stdout
    version = int(migrated.group(1))
    assert version >= 1
    assert user_version(unversioned) == version
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"SQLite schema at version {version} at {unversioned}\n"


def test_two_create_tables_at_once_on_an_old_file_both_succeed(unversioned: Path) -> None:
    commands = [
        subprocess.Popen(
            [command_path(), "create-tables"],
            env=service_env(unversioned),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [command.communicate(timeout=60) for command in commands]

    assert [command.returncode for command in commands] == [0, 0], outputs
    version = user_version(unversioned)
    assert version >= 1
    assert all(stdout.startswith(f"SQLite schema at version {version}") for stdout, _ in outputs), outputs
    with closing(sqlite3.connect(unversioned)) as connection:
        assert connection.execute("SELECT COUNT(*) FROM orders").fetchone() == (8,)


def test_serve_migrates_a_file_made_before_versioning_before_it_listens(unversioned: Path, tmp_path: Path) -> None:
    service = ServiceProcess(unversioned, tmp_path).start()
    try:
        version = user_version(unversioned)
    finally:
        assert service.stop() == 0, service.output()
    assert version >= 1
    assert f"SQLite schema at version {version} (migrated from version 0)" in service.output()


def test_a_backup_keeps_the_schema_version(tmp_path: Path) -> None:
    database, backup = tmp_path / "orders.db", tmp_path / "copy.db"
    assert run_command(["create-tables"], service_env(database)).returncode == 0

    done = run_command(["backup", str(backup)], service_env(database))

    assert done.returncode == 0, done.stderr
    assert user_version(backup) == user_version(database) >= 1


@pytest.fixture
def newer(unversioned: Path) -> Path:
    """Migrated by a release newer than this one; in rollback-journal mode, so that even a switch
    to WAL would show in its bytes."""
    with closing(sqlite3.connect(unversioned, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute(f"PRAGMA user_version = {NEWER}")
    return unversioned


@pytest.mark.parametrize("args", [["create-tables"], ["export"], ["seed-demo"]], ids=lambda args: args[0])
def test_a_command_on_a_file_of_a_newer_release_exits_1_and_leaves_it_unchanged(newer: Path, args: list[str]) -> None:
    before = newer.read_bytes()

    done = run_command(args, service_env(newer))

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    *_, last = done.stderr.splitlines()
    assert last.startswith(f"workflow-orders {args[0]}: the SQLite file is at schema version {NEWER}, but this release")
    assert "Traceback" not in done.stderr
    assert newer.read_bytes() == before
    assert sorted(path.name for path in newer.parent.iterdir()) == [newer.name]


def refused_start(sqlite_path: Path) -> dict[str, str]:
    """`serve` on `sqlite_path`, which must exit 1 before listening, with one error line (JSON logs)."""
    done = subprocess.run(
        [command_path(), "serve", "--host", "127.0.0.1", "--port", str(free_port())],
        env=service_env(sqlite_path, {"WFO_LOG_FORMAT": "json"}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == ""
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1, lines
    assert errors[0]["event"] == "cannot start"
    assert not any(line["event"].startswith("Started server process") for line in lines), lines
    return dict(errors[0])


def test_serve_on_a_file_of_a_newer_release_exits_1_with_one_error_line_and_leaves_it_unchanged(newer: Path) -> None:
    before = newer.read_bytes()

    error = refused_start(newer)

    assert f"schema version {NEWER}" in error["reason"]
    assert newer.read_bytes() == before


def test_serve_on_a_path_it_cannot_open_exits_1_with_one_error_line_naming_the_cause(tmp_path: Path) -> None:
    error = refused_start(tmp_path)  # a directory

    assert error["cause"] == "unable to open database file"
