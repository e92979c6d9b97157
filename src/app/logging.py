"""structlog set-up: JSON lines in production, readable console lines on a terminal."""

import logging
import sys
from typing import Any

import msgspec
import structlog

from adapters.http.request_id import add_request_id
from app.settings import Settings

_JSON = msgspec.json.Encoder(enc_hook=str)


def _json_bytes(event: dict[str, Any], **_: Any) -> bytes:
    return _JSON.encode(event)


def configure_logging(settings: Settings) -> None:
    level = logging.getLevelNamesMapping()[settings.log_level]
    shared: list[structlog.types.Processor] = [
        add_request_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    renderer: structlog.types.Processor
    if settings.log_format == "json":
        renderer = structlog.processors.JSONRenderer(serializer=_json_bytes)
        factory: Any = structlog.BytesLoggerFactory(sys.stdout.buffer)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
        factory = structlog.PrintLoggerFactory(sys.stdout)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
