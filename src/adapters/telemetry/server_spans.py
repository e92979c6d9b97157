"""The server span of each HTTP request, continuing the caller's W3C trace context.

One span per request, named `METHOD route-template` once routing has found the route (just the
method when none matched), with the HTTP semantic-convention attributes; a 5xx marks it as an
error. It wraps the request observer, so the access line is written inside it and carries its ids.
Probes make no span, as they make no access line.
"""

from collections.abc import Iterable

from litestar.types import Message, Receive, Scope, Send
from opentelemetry.propagators.textmap import Getter
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, use_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from adapters.http.observe import METHODS, PROBES, ASGICall, Observer

Headers = Iterable[tuple[bytes, bytes]]
OTHER_METHOD = "_OTHER"
"""The method attribute of a method outside the known ones (which then goes in method_original)."""
_USER_AGENT = b"user-agent"


class _AsgiHeaders(Getter[Headers]):
    """Reads the ASGI header list (lowercase byte names) for the propagator."""

    def get(self, carrier: Headers, key: str) -> list[str] | None:
        name = key.encode("latin-1")
        values = [value.decode("latin-1") for header, value in carrier if header == name]
        return values or None

    def keys(self, carrier: Headers) -> list[str]:
        return [header.decode("latin-1") for header, _ in carrier]


_HEADERS = _AsgiHeaders()
_W3C = TraceContextTextMapPropagator()


class ServerSpans:
    """Observer that runs `inner` (the request observer) inside the request's server span."""

    def __init__(self, tracer: Tracer, inner: Observer) -> None:
        self._tracer, self._inner = tracer, inner

    async def observe(self, app: ASGICall, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in PROBES:
            await self._inner.observe(app, scope, receive, send)
            return
        raw_method: str = scope["method"]  # type: ignore[typeddict-item]
        method = raw_method if raw_method in METHODS else OTHER_METHOD
        headers: Headers = scope["headers"]
        span = self._tracer.start_span(
            _name(method),
            context=_W3C.extract(headers, getter=_HEADERS),
            kind=SpanKind.SERVER,
            attributes=_request_attributes(scope, method, raw_method),
        )
        status = 500  # when the app raises before it answers

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with use_span(span, end_on_exit=True):
            try:
                await self._inner.observe(app, scope, receive, send_noting_status)
            finally:
                _finish(span, method, scope.get("path_template"), status)


def _name(method: str, route: str | None = None) -> str:
    name = "HTTP" if method == OTHER_METHOD else method
    return f"{name} {route}" if route else name


def _request_attributes(scope: Scope, method: str, raw_method: str) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {
        "http.request.method": method,
        "url.path": scope["path"],
        "url.scheme": scope.get("scheme", "http"),
        "network.protocol.version": scope["http_version"],
    }
    if method == OTHER_METHOD:
        attributes["http.request.method_original"] = raw_method
    if server := scope.get("server"):
        host, port = server
        attributes["server.address"] = host
        if port is not None:
            attributes["server.port"] = port
    if client := scope.get("client"):
        attributes["client.address"] = client[0]
    if user_agent := _header(scope["headers"], _USER_AGENT):
        attributes["user_agent.original"] = user_agent
    return attributes


def _header(headers: Headers, name: bytes) -> str | None:
    for header, value in headers:
        if header == name:
            return value.decode("latin-1")
    return None


def _finish(span: Span, method: str, route: str | None, status: int) -> None:
    if route:
        span.update_name(_name(method, route))
        span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(StatusCode.ERROR)
        span.set_attribute("error.type", str(status))
