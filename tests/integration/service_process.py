"""Start and stop `workflow-orders serve` as a real process on a free loopback port."""

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import httpx

READY_DEADLINE_SECONDS = 15.0
STOP_DEADLINE_SECONDS = 15.0


def command_path() -> str:
    """The `workflow-orders` script of the interpreter running the tests (the project's venv)."""
    beside_python = Path(sys.executable).parent / "workflow-orders"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("workflow-orders")
    assert found, "the workflow-orders command is not installed"
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def service_env(sqlite_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test runner's environment without WFO_* settings or OTEL_* variables, plus the given ones.
    Fair use has a budget no test's load reaches (every test client is one address, and load tests
    go as fast as they can); the tests of fair use set their own (test_fair_use_process.py)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WFO_", "OTEL_"))}
    env.update({"WFO_SQLITE_PATH": str(sqlite_path), "WFO_LOG_FORMAT": "console"})
    env.update({"WFO_RATE_LIMIT_PER_SECOND": "1000000", "WFO_RATE_LIMIT_BURST": "1000000"})
    env.update(extra or {})
    return env


class ServiceProcess:
    """One `workflow-orders serve` process; its stdout and stderr go to files in `log_dir`; `fd_limit`,
    when given, is its RLIMIT_NOFILE (soft, and hard unless `fd_hard_limit` is given)."""

    def __init__(
        self,
        sqlite_path: Path,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        fd_limit: int | None = None,
        fd_hard_limit: int | None = None,
    ) -> None:
        self.port = free_port()
        self.fd_limit = fd_limit
        self.fd_hard_limit = fd_limit if fd_hard_limit is None else fd_hard_limit
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = service_env(sqlite_path, env)
        self._process: subprocess.Popen[bytes] | None = None
        self._stdout = log_dir / f"serve-{self.port}.out"
        self._stderr = log_dir / f"serve-{self.port}.err"

    def start(self) -> "ServiceProcess":
        """Start the process and wait until /health/ready answers 200; fail with its output if not."""
        with self._stdout.open("wb") as stdout, self._stderr.open("wb") as stderr:
            self._process = subprocess.Popen(
                [command_path(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self._env,
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                preexec_fn=None if self.fd_limit is None else self._limit_fds,
            )
        self._wait_ready()
        return self

    def _limit_fds(self) -> None:
        """In the child, before exec."""
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.fd_limit, self.fd_hard_limit))

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise AssertionError(
                    f"the service exited with {self._process.returncode} before it was ready\n{self.output()}"
                )
            try:
                if httpx.get(f"{self.base_url}/health/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"the service was not ready within {READY_DEADLINE_SECONDS} s\n{self.output()}")

    def stop(self) -> int | None:
        """SIGTERM, then wait; the exit code, or None (after a kill) when it did not stop in time."""
        assert self._process is not None
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=STOP_DEADLINE_SECONDS)

    def output(self) -> str:
        """What the process wrote so far, for failure messages."""
        return f"--- stdout ---\n{_read(self._stdout)}\n--- stderr ---\n{_read(self._stderr)}"


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def run_command(args: list[str], env: Mapping[str, str], timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """Run `workflow-orders <args>` to completion and capture its output."""
    return subprocess.run(
        [command_path(), *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def dynamodb_settings(endpoint: str, prefix: str) -> dict[str, str]:
    """Settings for DynamoDB on `endpoint` (moto), on the tables named with `prefix`."""
    return {
        "WFO_STORAGE": "dynamodb",
        "WFO_DYNAMODB_TABLE_PREFIX": prefix,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def dynamodb_env(endpoint: str, label: str) -> dict[str, str]:
    """Settings for DynamoDB on `endpoint` (moto), under a fresh table prefix starting with `label`,
    with the tables made by `workflow-orders create-tables`."""
    env = dynamodb_settings(endpoint, f"{label}-{uuid.uuid4().hex[:8]}-")
    created = run_command(["create-tables"], service_env(Path("unused.db"), env))
    assert created.returncode == 0, created.stderr
    return env
