"""Bearer-token scopes: a `read` token for GETs, a `write` token for everything (write implies read)."""

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from adapters.http.scopes import WRITE

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
        found = self._entry_of(token)
        return None if found is None else found[1]

    def consumer_of(self, token: str) -> str | None:
        """A known token's consumer key: its SHA-256, in hex (the token itself is kept nowhere)."""
        found = self._entry_of(token)
        return None if found is None else found[0].hex()

    def _entry_of(self, token: str) -> tuple[bytes, str] | None:
        candidate = _digest(token)
        found: tuple[bytes, str] | None = None
        for entry in self._entries:
            if hmac.compare_digest(candidate, entry[0]):
                found = entry
        return found


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer …` header value, else None."""
    kind, _space, token = authorization.partition(" ")
    token = token.strip()
    return token if kind.lower() == "bearer" and token else None


def bearer_guard(tokens: TokenTable) -> Guard:
    """A Litestar guard: 401 without a known token, 403 when a read token tries to write."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not tokens:
            return
        token = bearer_token(connection.headers.get("authorization", ""))
        scope = None if token is None else tokens.scope_of(token)
        if scope is None:
            raise NotAuthorizedException(
                detail="A valid bearer token is required.", headers={"WWW-Authenticate": "Bearer"}
            )
        if scope != WRITE and connection.scope.get("method", "GET") not in _SAFE_METHODS:
            raise PermissionDeniedException(detail="This token may only read.")

    return guard
