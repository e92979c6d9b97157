"""Trace propagation when the caller uses OpenTelemetry; this package does not depend on it."""

import importlib
from collections.abc import Callable, MutableMapping

Inject = Callable[[MutableMapping[str, str]], None]


def _no_context(_: MutableMapping[str, str]) -> None:
    return None


def find_injector() -> Inject:
    """OpenTelemetry's `propagate.inject` when it is importable (it writes the current trace context,
    e.g. `traceparent`, into the headers given); otherwise a function that adds nothing."""
    try:
        propagate = importlib.import_module("opentelemetry.propagate")
    except ImportError:
        return _no_context
    inject: Inject = propagate.inject
    return inject
