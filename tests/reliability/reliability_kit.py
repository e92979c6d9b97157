"""Tools for the reliability tests: their order body, and the service as a process on SQLite or DynamoDB."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import builders
from builders import iso
from integration.service_process import ServiceProcess, run_command, service_env

T = TypeVar("T")

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
REGION = "us-east-1"


def decode(raw: bytes | str) -> Any:
    """JSON with every non-integer number as an exact Decimal."""
    return json.loads(raw, parse_float=Decimal)


def epoch_of(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def uuid4_from(rng: random.Random) -> str:
    """A UUID v4 drawn from a seeded generator (repeatable runs)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def order_body(placed_at: int | None, *, order_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """builders.order_body on GER40.I with an asset type and a trigger close of 0, placed at `placed_at`
    (epoch seconds; None: when the service receives it) with the id `order_id` (None: the service assigns
    one); `fields` replace any field by its JSON name."""
    body = builders.order_body(order_code="GER40.I", asset_type="CfdOnIndex", trigger_close=Decimal(0))
    if placed_at is not None:
        body["placed_at"] = iso(placed_at)
    if order_id is not None:
        body["id"] = order_id
    return body | fields


def newest_first(order: Mapping[str, Any]) -> tuple[int, str]:
    """The contract's order: placed_at, then id, both descending (use with reverse=True)."""
    return epoch_of(order["placed_at"]), order["id"]


class Service(ServiceProcess):
    """`workflow-orders serve` as a process, with what these tests need beyond start and stop."""

    def __init__(
        self, sqlite_path: Path, log_dir: Path, env: Mapping[str, str] | None = None, fd_limit: int | None = None
    ) -> None:
        super().__init__(sqlite_path, log_dir, env, fd_limit)
        self.sqlite_path = sqlite_path
        self.settings = dict(env or {})
        """The settings it was started with (beyond the runner's environment), to restart it alike."""

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "the service was not started"
        return self._process

    @property
    def pid(self) -> int:
        return self.process.pid

    def send_signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None when the process is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def rss_kib(self) -> int:
        """Resident set size of the process, from /proc/<pid>/status (VmRSS, in KiB)."""
        return self._status_kib("VmRSS")

    def peak_rss_kib(self) -> int:
        """The most resident memory the process has had so far (VmHWM, in KiB)."""
        return self._status_kib("VmHWM")

    def _status_kib(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise AssertionError(f"no {field} line in /proc/<pid>/status")

    def open_fds(self) -> int:
        """File descriptors the process has open (entries of /proc/<pid>/fd)."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))


MOTO_QUEUE_DEADLINE = {"WFO_STORAGE_TIMEOUT_SECONDS": "30"}
"""For tests of something else than the storage deadline under load on moto: moto answers one request
at a time, so a queue of them outlasts the production deadline (2.5 s) on a busy machine; the deadline
itself is proven by test_outage.py."""


def dynamodb_env(endpoint: str) -> dict[str, str]:
    """Settings for a service on DynamoDB at `endpoint`, under a table prefix of its own."""
    return {
        "WFO_STORAGE": "dynamodb",
        "WFO_DYNAMODB_TABLE_PREFIX": f"rel-{uuid.uuid4().hex[:10]}-",
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def create_tables(env: Mapping[str, str]) -> None:
    """`workflow-orders create-tables` with the service's environment."""
    result = run_command(["create-tables"], service_env(Path("unused.db"), env), timeout=60.0)
    assert result.returncode == 0, f"create-tables failed\n{result.stdout}\n{result.stderr}"


class Services:
    """Starts services for one test (or module) and kills whatever is still running at its end.

    `moto_endpoint` gives the URL of the DynamoDB server (moto), asked for only when a DynamoDB service
    is started; without it, only SQLite services can be started.
    """

    def __init__(self, directory: Path, moto_endpoint: Callable[[], str] | None = None) -> None:
        self._directory = directory
        self._moto_endpoint = moto_endpoint
        self._started: list[Service] = []
        self.sqlite_path = directory / "orders.db"

    def start(
        self,
        storage: str = "sqlite",
        *,
        env: Mapping[str, str] | None = None,
        endpoint: str | None = None,
        fd_limit: int | None = None,
    ) -> Service:
        """A ready service. SQLite: a file in the directory. DynamoDB: fresh tables made by `create-tables`
        on moto, then the service pointed at `endpoint` (moto itself by default, or a proxy in front of it).
        `fd_limit`: the process's RLIMIT_NOFILE."""
        settings: dict[str, str] = {}
        if storage == "dynamodb":
            settings.update(dynamodb_env(self.moto_endpoint))
            create_tables(settings)
            settings["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint or self.moto_endpoint
        settings.update(env or {})
        service = Service(self.sqlite_path, self._directory, settings, fd_limit)
        self._started.append(service)
        return service.start()

    @property
    def moto_endpoint(self) -> str:
        """The session's moto server, started on first use."""
        assert self._moto_endpoint is not None, "these Services start SQLite services only"
        return self._moto_endpoint()

    def restart(self, previous: Service) -> Service:
        """A new process (on a new port) on the same storage as `previous`, with the same settings."""
        service = Service(previous.sqlite_path, self._directory, previous.settings, previous.fd_limit)
        self._started.append(service)
        return service.start()

    def kill_all(self) -> None:
        for service in self._started:
            service.kill()
