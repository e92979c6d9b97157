"""A lean HTTP/1.1 client for the tests that send tens of thousands of requests from one process."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reliability_kit import JSON, decode

from builders import encode


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return decode(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip()


class RawHttp:
    """One keep-alive HTTP/1.1 connection on asyncio streams.

    httpx spends a few milliseconds of CPU per request on this machine (most of it in its connection
    pool); the tests that send tens of thousands of requests use this instead, so that they measure
    the service, not the client. Responses must carry Content-Length or be chunked.
    """

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, target: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> RawResponse:
        if self._reader is not None and self._reader.at_eof():
            await self.close()  # the server closed the idle keep-alive connection
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        assert self._writer is not None
        lines = [f"{method} {target} HTTP/1.1", f"host: {self._host}:{self._port}"]
        all_headers = dict(headers or {})
        if body is not None:
            all_headers.setdefault("content-type", JSON)
            all_headers["content-length"] = str(len(body))
        lines.extend(f"{name}: {value}" for name, value in all_headers.items())
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b""))
        try:
            response = await self._read_response(self._reader)
        except BaseException:
            await self.close()
            raise
        if response.headers.get("connection", "").lower() == "close":
            await self.close()
        return response

    async def get(self, target: str, headers: Mapping[str, str] | None = None) -> RawResponse:
        return await self.request("GET", target, headers=headers)

    async def post(self, target: str, body: Any, headers: Mapping[str, str] | None = None) -> RawResponse:
        return await self.request("POST", target, encode(body), headers)

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> RawResponse:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            body = b"".join(chunks)
        else:
            body = b""
        return RawResponse(status, headers, body)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._reader = None


class RawPool:
    """A few RawHttp connections used round-robin by concurrent tasks (one request per connection at a time)."""

    def __init__(self, port: int, size: int = 8) -> None:
        self._idle: asyncio.Queue[RawHttp] = asyncio.Queue()
        for _ in range(size):
            self._idle.put_nowait(RawHttp(port))
        self.size = size

    async def request(self, method: str, target: str, body: bytes | None = None) -> RawResponse:
        connection = await self._idle.get()
        try:
            return await connection.request(method, target, body)
        finally:
            self._idle.put_nowait(connection)

    async def get(self, target: str) -> RawResponse:
        return await self.request("GET", target)

    async def get_all(self, targets: list[str]) -> list[RawResponse]:
        """GET every target, `size` at a time, answers in the order of `targets`."""
        return list(await asyncio.gather(*(self.get(target) for target in targets)))

    async def close(self) -> None:
        while not self._idle.empty():
            await self._idle.get_nowait().close()


async def walk_history(pool: RawPool, workflow_id: str, limit: int, query: str = "") -> list[dict[str, Any]]:
    """Every page of a workflow's history, following next_cursor to the end."""
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        target = f"/v1/workflows/{workflow_id}/orders?limit={limit}{query}"
        if cursor is not None:
            target += f"&cursor={cursor}"
        response = await pool.get(target)
        assert response.status == 200, (target, response.status, response.body[:500])
        pages.append(response.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 10_000, "the cursors never end"
