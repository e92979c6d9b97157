"""What the sync and async clients share: the constructor. Everything else they share lives in the
sans-IO core (calls, exchange); each client only sends requests and sleeps its own way."""

from typing import Generic, TypeVar

import httpx

from workflow_orders_client.exchange import ClientCore
from workflow_orders_client.retry import RetryPolicy

HttpT = TypeVar("HttpT")
TransportT = TypeVar("TransportT")

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ClientShell(Generic[HttpT, TransportT]):
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        http_client: HttpT | None = None,
        transport: TransportT | None = None,
    ) -> None:
        """`base_url` is where the service answers (e.g. `http://orders.internal:8000`); `token` is
        sent as `Authorization: Bearer <token>`; `timeout` (seconds, or an httpx.Timeout) applies to
        every attempt; `retry` is the RetryPolicy of reads and of record_order.

        `http_client` is an httpx client of your own (its pool, proxies, TLS or event hooks); this
        client then never closes it. Or give a `transport` (e.g. httpx.MockTransport in your tests)
        for a client this one makes and closes.
        """
        if http_client is not None and transport is not None:
            raise ValueError("give either http_client or transport, not both")
        timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._core = ClientCore(base_url, token, retry or RetryPolicy(), timeout)
        self._owns_http = http_client is None
        self._http: HttpT = self._open_http(transport) if http_client is None else http_client

    def _open_http(self, transport: TransportT | None) -> HttpT:
        raise NotImplementedError
