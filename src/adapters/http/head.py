"""HEAD on every GET route: the GET's status and headers, without its body (RFC 9110, 9.3.2).

The request runs as a GET, so that a HEAD is authorized, validated and answered exactly as the GET
would be; only the body is held back. A stream (a body sent in parts) ends after its headers: from
then on the route sees a client that went away, so that a subscription it opened is closed at once.
"""

import asyncio
from typing import Any

from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

_GONE: ReceiveMessage = {"type": "http.disconnect"}


async def answer_head(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` on this HEAD request as a GET, sending its status and headers only."""
    answered = asyncio.Event()

    async def send_head(message: Message) -> None:
        if answered.is_set():
            return
        if message["type"] == "http.response.body":
            answered.set()
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    async def receive_until_answered() -> ReceiveMessage:
        if answered.is_set():
            return _GONE
        receiving = asyncio.ensure_future(receive())
        waiting = asyncio.ensure_future(answered.wait())
        await asyncio.wait((receiving, waiting), return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if receiving.done():
            return receiving.result()
        receiving.cancel()
        return _GONE

    as_get: Any = {**scope, "method": "GET"}
    await app(as_get, receive_until_answered, send_head)
