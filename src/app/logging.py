"""structlog set-up: JSON lines in production, readable console lines on a terminal.

Every line goes to stdout in one format. The service's own lines take structlog's direct path
(processors, then bytes written to stdout: nothing of stdlib logging on the way); records of the
standard `logging` module (uvicorn, asyncio, botocore, any library) reach one handler on the root
logger, whose structlog ProcessorFormatter runs the same processors and renderer, plus the
logger's name.
"""

import logging
import sys
from typing import Any

import msgspec
import structlog

from adapters.http.request_id import add_request_id
from adapters.telemetry.trace_ids import add_trace_ids
from app.settings import Settings

_JSON = msgspec.json.Encoder(enc_hook=str)

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")
"""uvicorn's loggers, which must reach the root handler (uvicorn.access stays off: the service
writes its own access line)."""


def _json_bytes(event: dict[str, Any], **_: Any) -> bytes:
    return _JSON.encode(event)


def _json_text(event: dict[str, Any], **_: Any) -> str:
    return _JSON.encode(event).decode()


class _StdoutHandler(logging.Handler):
    """Writes each formatted record as one line to the sys.stdout of that moment."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stdout
            stream.write(line + "\n")
            stream.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


def configure_logging(settings: Settings, *, trace_ids: bool = False) -> None:
    """`trace_ids`: lines written inside a span carry its trace_id and span_id (tracing is on)."""
    level = logging.getLevelNamesMapping()[settings.log_level]
    shared: list[structlog.types.Processor] = [
        add_request_id,
        *([add_trace_ids] if trace_ids else []),
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    renderer: structlog.types.Processor
    foreign_renderer: structlog.types.Processor
    if settings.log_format == "json":
        renderer = structlog.processors.JSONRenderer(serializer=_json_bytes)
        foreign_renderer = structlog.processors.JSONRenderer(serializer=_json_text)
        factory: Any = structlog.BytesLoggerFactory(sys.stdout.buffer)
    else:
        renderer = foreign_renderer = structlog.dev.ConsoleRenderer(colors=False)
        factory = structlog.PrintLoggerFactory(sys.stdout)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    _route_stdlib_logging(
        level,
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, foreign_renderer],
        ),
    )


def _route_stdlib_logging(level: int, formatter: logging.Formatter) -> None:
    """One handler on the root logger, at `level`, replacing the one a previous call installed
    (the tests build many apps in one process); handlers others added (pytest's) stay."""
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if isinstance(handler, _StdoutHandler)]:
        root.removeHandler(handler)
    handler = _StdoutHandler(level)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
