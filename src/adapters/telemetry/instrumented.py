"""Storage ports wrapped so that every call is bounded in time, and counted and timed by operation
and outcome."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from adapters.telemetry.metrics import Metrics
from domain.model.errors import ConflictError, NotFoundError, StorageUnavailableError, UnavailableError

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
    """A proxy whose async methods end within `deadline` seconds (else StorageUnavailableError,
    whatever the adapter's own timeouts and retries would do) and report to Metrics under
    `<port>.<method>`."""

    def __init__(self, inner: object, port: str, metrics: Metrics, deadline: float) -> None:
        self._inner, self._port, self._metrics, self._deadline = inner, port, metrics, deadline

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute
        wrapped = self._timed(f"{self._port}.{name}", attribute)
        setattr(self, name, wrapped)  # resolved once per method
        return wrapped

    def _timed(self, operation: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        metrics, deadline = self._metrics, self._deadline

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            outcome = "ok"
            try:
                async with asyncio.timeout(deadline):
                    return await call(*args, **kwargs)
            except TimeoutError as error:
                outcome = "unavailable"
                raise StorageUnavailableError(f"The storage did not answer within {deadline:g} s.") from error
            except BaseException as error:
                outcome = outcome_of(error)
                raise
            finally:
                metrics.observe_storage(operation, outcome, time.perf_counter() - started)

        return timed


def instrumented(inner: T, port: str, metrics: Metrics, deadline: float) -> T:
    """`inner` (a storage port) with every call bounded, counted and timed; typed as the port."""
    return cast(T, _Instrumented(inner, port, metrics, deadline))
