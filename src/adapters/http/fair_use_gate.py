"""The fair-use gate of the /v1 API: each request spends one of its consumer's budget; past it, 429."""

from collections.abc import Callable
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.auth import TokenTable, bearer_token
from adapters.http.fair_use import FairUse
from adapters.telemetry.metrics import Metrics

POLICY_HEADER = "RateLimit-Policy"
STATE_HEADER = "RateLimit"


def consumer_key(tokens: TokenTable, scope: Scope) -> str:
    """Who is asking: a known bearer token (by its hash), else the client's address. A request
    with an unknown token is charged to its address, so that inventing tokens buys no budget."""
    if tokens:
        header = next((value for name, value in scope["headers"] if name == b"authorization"), b"")
        token = bearer_token(header.decode("latin-1"))
        consumer = None if token is None else tokens.consumer_of(token)
        if consumer is not None:
            return f"token:{consumer}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class FairUseGate:
    """ASGI middleware of the API routes: one request (a stream: when it opens) takes one token of
    its consumer's bucket. Every answer carries the RateLimit-Policy and RateLimit fields; a
    request over budget is a 429 problem with Retry-After, counted in /metrics."""

    def __init__(self, app: ASGIApp, fair_use: FairUse, tokens: TokenTable, metrics: Metrics) -> None:
        self._app, self._fair_use, self._tokens, self._metrics = app, fair_use, tokens, metrics
        self._policy = fair_use.budget.policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        decision = self._fair_use.take(consumer_key(self._tokens, scope))
        if not decision.allowed:
            self._metrics.count_rate_limited()
            raise TooManyRequestsException(
                detail=f"This consumer's request budget is spent: retry after {decision.retry_after} s.",
                headers={
                    "Retry-After": str(decision.retry_after),
                    POLICY_HEADER: self._policy,
                    STATE_HEADER: decision.state,
                },
            )
        fields = [(b"ratelimit-policy", self._policy.encode()), (b"ratelimit", decision.state.encode())]

        async def send_with_budget(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: Any = message.setdefault("headers", [])
                headers.extend(fields)
            await send(message)

        await self._app(scope, receive, send_with_budget)


def fair_use_middleware(fair_use: FairUse, tokens: TokenTable, metrics: Metrics) -> Callable[[ASGIApp], ASGIApp]:
    """The gate as Litestar middleware: a callable that wraps a route's ASGI app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return FairUseGate(app, fair_use, tokens, metrics)

    return wrap
