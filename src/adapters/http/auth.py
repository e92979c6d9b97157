"""Bearer-token scopes: a `read` token for GETs, a `write` token for everything (write implies read)."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class TokenTable:
    """Tokens and their scopes, looked up in constant time (every entry is compared, always)."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self._entries = [(_digest(token), scope) for token, scope in tokens.items()]

    def __bool__(self) -> bool:
        return bool(self._entries)

    def scope_of(self, token: str) -> str | None:
        candidate = _digest(token)
        found: str | None = None
        for digest, scope in self._entries:
            if hmac.compare_digest(candidate, digest):
                found = scope
        return found


def bearer_guard(tokens: TokenTable) -> Guard:
    """A Litestar guard: 401 without a known token, 403 when a read token tries to write."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not tokens:
            return
        header = connection.headers.get("authorization", "")
        kind, _space, token = header.partition(" ")
        token = token.strip()
        scope = tokens.scope_of(token) if kind.lower() == "bearer" and token else None
        if scope is None:
            raise NotAuthorizedException(
                detail="A valid bearer token is required.", headers={"WWW-Authenticate": "Bearer"}
            )
        if scope != WRITE and connection.scope.get("method", "GET") not in _SAFE_METHODS:
            raise PermissionDeniedException(detail="This token may only read.")

    return guard
