"""`backup FILE` and `export --output FILE` never write over the SQLite database they read (by its own
name, a symlink, a hard link, its WAL or shared-memory file) nor into a directory: the real CLI
refuses with exit code 2 and one line, and the database is left as it was."""

import hashlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from integration.service_process import run_command, service_env

pytestmark = pytest.mark.slow  # several CLI processes per case

Target = Callable[[Path], Path]


def _symlink(database: Path) -> Path:
    link = database.with_name("link.db")
    link.symlink_to(database)
    return link


def _hard_link(database: Path) -> Path:
    link = database.with_name("hard.db")
    os.link(database, link)
    return link


TARGETS: dict[str, Target] = {
    "the database": lambda database: database,
    "a relative path to it": lambda database: Path(os.path.relpath(database)),
    "a symlink to it": _symlink,
    "a hard link to it": _hard_link,
    "its write-ahead log": lambda database: database.with_name(f"{database.name}-wal"),
    "its shared memory": lambda database: database.with_name(f"{database.name}-shm"),
    "a file whose partial copy would be the database": lambda database: database.with_suffix(""),
    "a directory": lambda database: database.parent,
}


def _state(database: Path) -> tuple[str, list[str], int]:
    with closing(sqlite3.connect(database)) as connection:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        orders = connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    return hashlib.sha256(database.read_bytes()).hexdigest(), integrity, orders


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "orders.db.partial"  # so that `orders.db` has it as its partial copy
    seeded = run_command(["seed-demo"], service_env(path))
    assert seeded.returncode == 0, seeded.stderr
    return path


@pytest.mark.parametrize("command", [["backup"], ["export", "--output"]], ids=["backup", "export"])
@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_a_command_refuses_to_write_over_the_database_or_into_a_directory(
    database: Path, command: list[str], target: Target
) -> None:
    before = _state(database)
    path = target(database)

    done = run_command([*command, str(path)], service_env(database))

    assert done.returncode == 2, done.stderr
    storage, *refusal = done.stderr.strip().splitlines()
    assert storage == f"workflow-orders {command[0]}: storage: SQLite file {database}"
    assert len(refusal) == 1, refusal
    assert refusal[0].startswith(f"workflow-orders {command[0]}: {path} is"), refusal
    assert _state(database) == before
    assert before[1:] == (["ok"], 33)


@pytest.mark.parametrize("command", [["backup"], ["export", "--output"]], ids=["backup", "export"])
def test_another_file_beside_the_database_is_written(database: Path, command: list[str]) -> None:
    target = database.with_name("copy")

    done = run_command([*command, str(target)], service_env(database))

    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0
