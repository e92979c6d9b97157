"""`workflow-orders export` that cannot write says what failed (not that the storage did not answer),
exits 1 without a traceback, and never replaces a device node: the real CLI on a seeded SQLite file."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

from integration.service_process import command_path, run_command, service_env

pytestmark = pytest.mark.slow  # CLI processes


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "orders.db"
    seeded = run_command(["seed-demo"], service_env(path))
    assert seeded.returncode == 0, seeded.stderr
    return path


def _said(done: subprocess.CompletedProcess[str]) -> str:
    """What the command wrote on stderr after the line naming its storage."""
    first, *rest = done.stderr.strip().splitlines()
    assert first.startswith("workflow-orders export: storage: SQLite file "), first
    return "\n".join(rest)


def test_a_full_device_is_reported_as_such_and_left_a_device(database: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.symlink_to("/dev/full")

    done = run_command(["export", "--output", str(full)], service_env(database))

    assert done.returncode == 1, done.stderr
    assert _said(done) == f"workflow-orders export: cannot write the export to {full}: No space left on device"
    assert full.is_symlink()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_closed_pipe_is_reported_as_such(database: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [command_path(), "export"],
            env=service_env(database),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)

    assert done.returncode == 1, done.stderr
    assert _said(done) == "workflow-orders export: cannot write the export to stdout: Broken pipe"
