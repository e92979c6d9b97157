"""What a process on SQLite loads at start: never the AWS SDK, and for the commands that serve no
HTTP, not Litestar either. Each costs about a third of a second at every start (a pod's readiness,
every CLI run, every test that starts the service). Read from Python's own import log
(PYTHONPROFILEIMPORTTIME) of the real command."""

import subprocess
from pathlib import Path

import pytest
from service_process import ServiceProcess, command_path, service_env

AWS_SDK = {"aioboto3", "aiobotocore", "boto3", "botocore"}
WEB = {"litestar", "uvicorn"}
IMPORT_LOG = {"PYTHONPROFILEIMPORTTIME": "1"}


def top_packages(import_log: str) -> set[str]:
    """The top-level packages named in an import log ("import time: self | cumulative | module")."""
    lines = [line for line in import_log.splitlines() if line.startswith("import time:")]
    assert lines, "no import log: PYTHONPROFILEIMPORTTIME was not honoured"
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines[1:]}


def test_the_commands_on_sqlite_load_neither_the_aws_sdk_nor_the_web_framework(tmp_path: Path):
    env = service_env(tmp_path / "orders.db", IMPORT_LOG)
    for args in (
        ["create-tables"],
        ["export", "--output", "orders.ndjson"],
        ["import", "orders.ndjson"],
        ["backup", "copy.db"],
    ):
        done = subprocess.run(
            [command_path(), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

        assert done.returncode == 0, done.stderr[-2000:]
        loaded = top_packages(done.stderr)
        assert "app" in loaded, args  # the log covers the command's own modules
        assert loaded.isdisjoint(AWS_SDK | WEB), (args, sorted(loaded & (AWS_SDK | WEB)))


@pytest.mark.slow  # starts the service
def test_the_service_on_sqlite_serves_without_loading_the_aws_sdk(tmp_path: Path):
    service = ServiceProcess(tmp_path / "orders.db", tmp_path, env=IMPORT_LOG).start()
    service.stop()

    loaded = top_packages(service.output())
    assert loaded >= WEB
    assert loaded.isdisjoint(AWS_SDK), sorted(loaded & AWS_SDK)
