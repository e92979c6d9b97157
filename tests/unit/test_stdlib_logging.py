"""Records of the standard `logging` module (uvicorn, asyncio, botocore...) come out in the service's
log format: with WFO_LOG_FORMAT=json, one JSON object per line on stdout, like structlog's own.

Each test configures logging itself: the handler writes to the stdout of the moment, which capfd
replaces for the test's call.
"""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from adapters.http.request_id import CURRENT_REQUEST_ID
from app.logging import configure_logging
from app.settings import Settings


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def _configure(log_format: str = "json", log_level: str = "INFO") -> None:
    configure_logging(Settings(log_format=log_format, log_level=log_level))


def _json_lines(output: str) -> list[dict[str, Any]]:
    """Every line of `output`, parsed; fails on any line that is not one JSON object."""
    lines = [json.loads(line) for line in output.splitlines()]
    assert all(isinstance(line, dict) for line in lines), output
    return lines


def test_a_stdlib_record_is_one_json_line_with_logger_level_timestamp_and_event(capfd):
    _configure()

    logging.getLogger("some.library").warning("disk %s is %d%% full", "/data", 93)

    out, err = capfd.readouterr()
    [line] = _json_lines(out)
    assert line["event"] == "disk /data is 93% full"
    assert line["logger"] == "some.library"
    assert line["level"] == "warning"
    assert line["timestamp"].endswith("Z")
    assert "request_id" not in line
    assert err == ""


def test_a_stdlib_record_logged_while_serving_a_request_names_that_request(capfd):
    _configure()
    token = CURRENT_REQUEST_ID.set("r-42")
    try:
        logging.getLogger("botocore.retryhandler").info("retry needed")
    finally:
        CURRENT_REQUEST_ID.reset(token)

    [line] = _json_lines(capfd.readouterr().out)
    assert line["request_id"] == "r-42"
    assert (line["logger"], line["level"], line["event"]) == ("botocore.retryhandler", "info", "retry needed")


def test_an_exception_stays_on_one_json_line_with_its_traceback(capfd):
    _configure()
    try:
        raise ValueError("bad frame")
    except ValueError:
        logging.getLogger("asyncio").exception("Task exception was never retrieved")

    [line] = _json_lines(capfd.readouterr().out)
    assert line["level"] == "error"
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: bad frame" in line["exception"]


def test_uvicorn_records_reach_the_root_handler_once(capfd):
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addHandler(logging.StreamHandler())  # as a dictConfig'd uvicorn would have
    uvicorn_error.propagate = False
    _configure()

    uvicorn_error.info("Started server process [%d]", 7, extra={"color_message": "\x1b[36m7\x1b[0m"})

    [line] = _json_lines(capfd.readouterr().out)
    assert (line["logger"], line["level"], line["event"]) == ("uvicorn.error", "info", "Started server process [7]")
    assert "color_message" not in line


def test_records_below_the_configured_level_are_dropped(capfd):
    _configure(log_level="WARNING")

    logging.getLogger("some.library").info("not shown")
    logging.getLogger("some.library").error("shown")

    assert [line["event"] for line in _json_lines(capfd.readouterr().out)] == ["shown"]


def test_configuring_again_replaces_the_handler_instead_of_adding_one(capfd):
    _configure()
    _configure()

    logging.getLogger("some.library").warning("once")

    assert len(_json_lines(capfd.readouterr().out)) == 1


def test_structlog_lines_do_not_also_pass_through_stdlib_logging(capfd):
    _configure()

    structlog.get_logger("workflow_orders").info("request", route="/v1/workflows")

    [line] = _json_lines(capfd.readouterr().out)
    assert (line["event"], line["route"], line["level"]) == ("request", "/v1/workflows", "info")


def test_with_the_console_format_a_stdlib_record_is_a_console_line_naming_its_logger(capfd):
    _configure(log_format="console")

    logging.getLogger("some.library").warning("disk full")

    [line] = capfd.readouterr().out.splitlines()
    assert "disk full" in line
    assert "[some.library]" in line
    assert "warning" in line
    assert not line.startswith("{")
