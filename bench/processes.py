"""The processes a benchmark run starts: the service or the ceiling app under uvicorn or granian, and moto.

Servers run on SERVER_CPU (taskset), everything else (this process, the load generator, moto) on
LOAD_CPU, when the machine has two CPUs or more and taskset is installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVER_CPU, LOAD_CPU = 0, 1
READY_DEADLINE_SECONDS = 30.0
STOP_DEADLINE_SECONDS = 20.0
REPO = Path(__file__).resolve().parent.parent
UVICORN, GRANIAN = "uvicorn", "granian"
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


_CPUS_AT_START = frozenset(os.sched_getaffinity(0))
"""Read at import, before pin_this_process narrows this process (and what it starts later) to one CPU."""


def pinning_available() -> bool:
    return shutil.which("taskset") is not None and {SERVER_CPU, LOAD_CPU} <= _CPUS_AT_START


def pinned(cpu: int) -> list[str]:
    """A command prefix that runs the command on `cpu` only (empty when pinning is unavailable)."""
    return ["taskset", "-c", str(cpu)] if pinning_available() else []


def pin_this_process(cpu: int) -> None:
    if pinning_available():
        os.sched_setaffinity(0, {cpu})


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def venv_script(name: str) -> str:
    """A console script of the interpreter running the bench (the project's venv), else from PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed")
    return found


def granian_available() -> bool:
    try:
        venv_script("granian")
    except RuntimeError:
        return False
    return True


def server_command(server: str, target: str, port: int) -> list[str]:
    """`target` is "service" (app.factory:create_app) or "ceiling" (bench.ceiling_app:create_app).

    uvicorn: the service runs exactly as in production, `workflow-orders serve`; the ceiling app
    calls uvicorn.run with the same arguments. granian: one worker, uvloop, HTTP/1 only, no
    websockets, no access log (its default).
    """
    host = "127.0.0.1"
    if server == UVICORN:
        if target == "service":
            return [venv_script("workflow-orders"), "serve", "--host", host, "--port", str(port)]
        return [sys.executable, "-m", "bench.ceiling_app", "--host", host, "--port", str(port)]
    factory = "app.factory:create_app" if target == "service" else "bench.ceiling_app:create_app"
    return [
        venv_script("granian"),
        "--interface",
        "asgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--http",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        "--working-dir",
        str(REPO),
        "--factory",
        factory,
    ]


@dataclass
class Server:
    """A server process started by `start_server`, on SERVER_CPU, with its output in `log_dir`."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    ready_seconds: float = 0.0
    log_files: list[Path] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process and its descendants (granian runs a worker process)."""
        return sum(_cpu_ticks(pid) for pid in _tree(self.process.pid)) / _TICKS_PER_SECOND

    def rss_mib(self) -> float:
        return sum(_rss_kib(pid) for pid in _tree(self.process.pid)) / 1024

    def output(self) -> str:
        return "\n".join(f"--- {path.name} ---\n{path.read_text(errors='replace')}" for path in self.log_files)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)


def start_server(
    name: str, command: Sequence[str], env: Mapping[str, str], ready_path: str, port: int, log_dir: Path
) -> Server:
    """Start `command` on SERVER_CPU and wait until GET `ready_path` answers 200."""
    stdout_path, stderr_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    started = time.perf_counter()
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - commands built by server_command
            [*pinned(SERVER_CPU), *command],
            env=dict(env),
            cwd=REPO,
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_files=[stdout_path, stderr_path])
    deadline = started + READY_DEADLINE_SECONDS
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} before it was ready\n{server.output()}")
            try:
                if client.get(server.base_url + ready_path).status_code == 200:
                    server.ready_seconds = time.perf_counter() - started
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    server.stop()
    raise RuntimeError(f"{name} was not ready within {READY_DEADLINE_SECONDS:g} s\n{server.output()}")


def service_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without WFO_*, AWS_* or OTEL_* settings, plus the given ones. Fair use stays
    on, so that its cost is in every figure, with a budget no load generator reaches: the load comes
    from one address, and would otherwise measure the budget rather than the service."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WFO_", "AWS_", "OTEL_"))}
    env.update({"WFO_RATE_LIMIT_PER_SECOND": "1000000", "WFO_RATE_LIMIT_BURST": "1000000"})
    env.update(extra)
    return env


def dynamodb_env(moto_url: str, table_prefix: str) -> dict[str, str]:
    """The service's environment on DynamoDB at `moto_url`, with its tables made under `table_prefix`
    by `workflow-orders create-tables`."""
    region = "us-east-1"
    env = service_env(
        {
            "WFO_STORAGE": "dynamodb",
            "WFO_LOG_FORMAT": "json",
            "WFO_DYNAMODB_TABLE_PREFIX": table_prefix,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL_DYNAMODB": moto_url,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",  # moto accepts any credentials
        }
    )
    created = subprocess.run(  # noqa: S603 - a fixed command line
        [venv_script("workflow-orders"), "create-tables"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if created.returncode != 0:
        raise RuntimeError(f"create-tables failed:\n{created.stdout}\n{created.stderr}")
    return env


@dataclass
class Moto:
    """moto's DynamoDB server (bench/moto_server.py) in a process of its own, on LOAD_CPU."""

    url: str
    process: subprocess.Popen[str]

    @classmethod
    def start(cls) -> Moto:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.moto_server"],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            process.kill()
            raise RuntimeError(f"moto did not start: {line!r}")
        return cls(line.removeprefix("READY "), process)

    def calls(self) -> dict[str, int]:
        answer = httpx.get(self.url + "/_bench/calls", timeout=10.0)
        answer.raise_for_status()
        return dict(answer.json())

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_DEADLINE_SECONDS)


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc (children of every thread)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children)
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
