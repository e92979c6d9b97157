"""At start the service raises its soft file descriptor limit as far as its connection cap needs,
says the cap, and warns when live streams alone could take every connection left for requests."""

from pathlib import Path

import pytest
from service_process import ServiceProcess


def _soft_fd_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no open files limit")


def _run(tmp_path: Path, soft: int, hard: int) -> tuple[int, str]:
    service = ServiceProcess(tmp_path / "orders.db", tmp_path, fd_limit=soft, fd_hard_limit=hard).start()
    try:
        assert service._process is not None
        return _soft_fd_limit(service._process.pid), service.output()
    finally:
        service.stop()


@pytest.mark.slow
def test_a_soft_limit_of_1024_is_raised_so_the_cap_is_2048_and_no_warning_is_given(tmp_path):
    soft, output = _run(tmp_path, 1024, 8192)

    assert soft == 2048 + 64
    assert "cap=2048" in output, output
    assert "request_slots=2032" in output
    assert "WFO_STREAM_MAX_SUBSCRIBERS is not below" not in output


@pytest.mark.slow
def test_the_raise_stops_at_the_hard_limit_and_a_stream_limit_above_the_room_is_warned(tmp_path):
    soft, output = _run(tmp_path, 512, 1024)

    assert soft == 1024
    assert "cap=960" in output, output
    assert "request_slots=944" in output
    assert "WFO_STREAM_MAX_SUBSCRIBERS is not below the connections left for requests" in output
