"""A request body must arrive within a bound of time: a client that sends a body's first bytes and
then stalls would otherwise hold a request slot until it gives up."""

import asyncio
from http import HTTPStatus

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class BodyTooSlowError(HTTPException):
    """408, with `Connection: close`: what is left of the body is never read."""

    status_code = HTTPStatus.REQUEST_TIMEOUT

    def __init__(self, seconds: float) -> None:
        super().__init__(
            detail=f"The request body did not arrive within {seconds:g} seconds.",
            headers={"Connection": "close"},
        )


def has_body(scope: Scope) -> bool:
    return scope.get("method") in WITH_BODY


async def within_body_deadline(seconds: float, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` with a `receive` that raises BodyTooSlowError when the body is not whole within
    `seconds` of the first time it is asked for (a body is at most 64 KiB: 6.4 KB/s at least within
    10 s). Once the body's last part is received, `receive` is the server's again (a response may
    still wait on it for the client's disconnect). Requests without a body are not concerned."""
    deadline: float | None = None
    whole = False

    async def receive_in_time() -> ReceiveMessage:
        nonlocal deadline, whole
        if whole:
            return await receive()
        loop = asyncio.get_running_loop()
        if deadline is None:
            deadline = loop.time() + seconds
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise BodyTooSlowError(seconds) from None
        whole = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    await app(scope, receive_in_time, send)
