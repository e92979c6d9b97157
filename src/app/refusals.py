"""The answers the connection layer gives before a request reaches the app: problem documents that
close the connection."""

from collections.abc import Iterable
from http import HTTPStatus

from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope

from adapters.http.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, problem_body
from adapters.http.request_id import choose_request_id
from app.connection_limits import MAX_HEAD_BYTES, MAX_HEADER_FIELDS


class Refusal:
    """One status and its explanation, as response headers and a problem+json body."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.body = problem_body(status, detail)

    def headers(self, request_headers: Iterable[tuple[bytes, bytes]] = ()) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(self.body)).encode()),
            (b"connection", b"close"),
            (b"x-request-id", choose_request_id(request_headers)),
        ]
        if self.status == 503:
            headers.append((b"retry-after", RETRY_AFTER_SECONDS.encode()))
        return headers

    def raw(self) -> bytes:
        """The whole response as bytes, for a connection whose request head never arrived whole."""
        lines = [f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}".encode()]
        lines.extend(name + b": " + value for name, value in self.headers())
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body

    def app(self, request_headers: Iterable[tuple[bytes, bytes]]) -> "RefusalApp":
        """An ASGI app that answers every request with this refusal (uvicorn then closes the connection)."""
        return RefusalApp(self.status, self.headers(request_headers), self.body)


class RefusalApp:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self._status, self._headers, self._body = status, headers, body

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        await send({"type": "http.response.start", "status": self._status, "headers": self._headers})
        await send({"type": "http.response.body", "body": self._body, "more_body": False})


HEAD_TOO_LARGE = Refusal(
    431, f"The request head (request line and headers) is larger than {MAX_HEAD_BYTES // 1024} KiB."
)
TOO_MANY_FIELDS = Refusal(431, f"The request has more than {MAX_HEADER_FIELDS} header fields.")
NO_ROOM = Refusal(503, "The service is serving as many connections as it can; try again shortly.")


def head_too_slow(seconds: float) -> Refusal:
    return Refusal(408, f"The request head did not arrive within {seconds:g} seconds.")
