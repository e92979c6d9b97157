"""Every command that touches the storage names it, resolved, once at start on stderr: the absolute
SQLite path (a relative WFO_SQLITE_PATH follows the current directory), or DynamoDB's region,
endpoint and table prefix. stdout stays the command's data. The real CLI on both storages (the
service's own start line is checked in test_service_logs.py)."""

import subprocess
from pathlib import Path

import pytest
from service_process import command_path, dynamodb_env, service_env

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # CLI processes and moto

COMMANDS = [["create-tables"], ["seed-demo"], ["export"], ["backup", "copy.db"], ["import", "-"]]


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [command_path(), *args], env=env, cwd=cwd, input="", capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_command_on_sqlite_names_the_absolute_path_of_a_relative_setting(tmp_path: Path, args: list[str]) -> None:
    env = service_env(Path("relative.db"))
    assert _run(["create-tables"], env, tmp_path).returncode == 0

    done = _run(args, env, tmp_path)

    first = done.stderr.splitlines()[0]
    assert first == f"workflow-orders {args[0]}: storage: SQLite file {tmp_path / 'relative.db'}", done.stderr
    assert "storage:" not in done.stdout


@pytest.mark.parametrize("args", [["create-tables"], ["export"]], ids=lambda args: args[0])
def test_a_command_on_dynamodb_names_region_endpoint_and_prefix(
    tmp_path: Path, dynamodb_endpoint: str, args: list[str]
) -> None:
    env = service_env(tmp_path / "unused.db", dynamodb_env(dynamodb_endpoint, "named"))

    done = _run(args, env, tmp_path)

    assert done.returncode == 0, done.stderr
    region, prefix = env["AWS_REGION"], env["WFO_DYNAMODB_TABLE_PREFIX"]
    expected = (
        f"workflow-orders {args[0]}: storage: DynamoDB in {region} at {dynamodb_endpoint}, table prefix {prefix!r}"
    )
    assert done.stderr.splitlines()[0] == expected
