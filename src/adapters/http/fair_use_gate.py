"""The fair-use gate of the /v1 API: each request spends one of its consumer's budget; past it, 429.

The gate is the first step a /v1 request meets after observation (see observe.ObservedLitestar),
before routing, guards and handlers: a refused request costs a bucket lookup and two sends, so a
consumer far over its budget takes little from the others.
"""

from http import HTTPStatus
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.auth import TokenTable, bearer_token
from adapters.http.fair_use import Decision, FairUse
from adapters.http.problems import PROBLEM_JSON, problem_body
from adapters.telemetry.metrics import Metrics

GATED_PREFIX = "/v1/"
"""The paths whose requests spend budget: the API. Probes and /metrics are never limited."""
_TOO_MANY = HTTPStatus.TOO_MANY_REQUESTS


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
    """One request (a stream: when it opens) takes one token of its consumer's bucket. Every answer
    carries the RateLimit-Policy and RateLimit fields; a request over budget is answered here with a
    429 problem and Retry-After, counted in /metrics, and goes no further."""

    def __init__(self, fair_use: FairUse, tokens: TokenTable, metrics: Metrics) -> None:
        self._fair_use, self._tokens, self._metrics = fair_use, tokens, metrics
        self._policy = (b"ratelimit-policy", fair_use.budget.policy.encode())

    def applies_to(self, scope: Scope) -> bool:
        return scope["path"].startswith(GATED_PREFIX)

    async def __call__(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        decision = self._fair_use.take(consumer_key(self._tokens, scope))
        fields = [self._policy, (b"ratelimit", decision.state.encode())]
        if not decision.allowed:
            self._metrics.count_rate_limited()
            await _refuse(send, decision, fields)
            return

        async def send_with_budget(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: Any = message.setdefault("headers", [])
                headers.extend(fields)
            await send(message)

        await app(scope, receive, send_with_budget)


async def _refuse(send: Send, decision: Decision, fields: list[tuple[bytes, bytes]]) -> None:
    body = problem_body(
        _TOO_MANY.value, f"This consumer's request budget is spent: retry after {decision.retry_after} s."
    )
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(decision.retry_after).encode()),
        *fields,
    ]
    await send({"type": "http.response.start", "status": _TOO_MANY.value, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
