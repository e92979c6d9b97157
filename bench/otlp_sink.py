"""A stand-in for an OpenTelemetry collector: accepts OTLP/HTTP exports on a loopback port.

The benchmark points a traced service at it and only counts what arrives, so that it measures the
service's cost of tracing and not a collector's; it runs on a thread of the benchmark's process,
pinned to the load CPU, so nothing it does is charged to the server. The end-to-end tracing test
(tests/integration/test_trace_export.py) hands it a callback that decodes every export.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TRACES_PATH = "/v1/traces"


class OtlpSink:
    """`with OtlpSink() as sink:` serves at `sink.endpoint` (what OTEL_EXPORTER_OTLP_ENDPOINT takes),
    answering 200 to every POST /v1/traces after passing its body to `on_export`."""

    def __init__(self, on_export: Callable[[bytes, str | None], None] | None = None) -> None:
        """`on_export(body, content_encoding)` runs on the sink's thread, once per export."""
        self.exports = 0
        self.bytes = 0
        self._on_export = on_export
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="otlp-sink", daemon=True)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> OtlpSink:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def receive(self, body: bytes, content_encoding: str | None) -> None:
        with self._lock:
            self.exports += 1
            self.bytes += len(body)
        if self._on_export is not None:
            self._on_export(body, content_encoding)

    def describe(self) -> str:
        return f"{self.exports:,} exports, {self.bytes / 1024:,.0f} KiB"


def _handler(sink: OtlpSink) -> type[BaseHTTPRequestHandler]:
    class Export(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a collector offers

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.path != TRACES_PATH:
                self.send_error(404)
                return
            sink.receive(body, self.headers.get("content-encoding"))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")  # an empty ExportTraceServiceResponse
            self.end_headers()

        def log_message(self, *_: Any) -> None:  # no line on stderr per export
            pass

    return Export
