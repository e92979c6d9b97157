"""Storage ports wrapped so that every call is counted and timed by operation and outcome."""

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from adapters.telemetry.metrics import Metrics
from domain.model.errors import ConflictError, NotFoundError, UnavailableError

T = TypeVar("T")


def outcome_of(error: BaseException) -> str:
    if isinstance(error, UnavailableError):
        return "unavailable"
    if isinstance(error, ConflictError):
        return "conflict"
    if isinstance(error, NotFoundError):
        return "not_found"
    return "error"


class _Instrumented:
    """A proxy whose async methods report to Metrics under `<port>.<method>`."""

    def __init__(self, inner: object, port: str, metrics: Metrics) -> None:
        self._inner, self._port, self._metrics = inner, port, metrics

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute
        wrapped = self._timed(f"{self._port}.{name}", attribute)
        setattr(self, name, wrapped)  # resolved once per method
        return wrapped

    def _timed(self, operation: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        metrics = self._metrics

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            outcome = "ok"
            try:
                return await call(*args, **kwargs)
            except BaseException as error:
                outcome = outcome_of(error)
                raise
            finally:
                metrics.observe_storage(operation, outcome, time.perf_counter() - started)

        return timed


def instrumented(inner: T, port: str, metrics: Metrics) -> T:
    """`inner` (a storage port) with every call counted and timed; typed as the port itself."""
    return cast(T, _Instrumented(inner, port, metrics))
