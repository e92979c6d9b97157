"""create_app(): builds settings, container and the Litestar app; nothing happens at import."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from dependency_injector import providers
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from adapters.http.auth import TokenTable, bearer_guard
from adapters.http.health_controller import HealthController
from adapters.http.metrics_controller import metrics_endpoint
from adapters.http.observe import ObservedLitestar, RequestObserver
from adapters.http.openapi import DecimalAsNumber
from adapters.http.order_controller import OrderController, WorkflowOrderController
from adapters.http.problems import exception_handlers
from adapters.http.query import reject_repeated_parameters
from adapters.http.responses import JsonResponse
from adapters.http.shutdown import ShutdownState
from adapters.http.workflow_controller import WorkflowController
from app.container import SERVED, SERVED_AT_ONCE, Container, running
from app.logging import configure_logging
from app.settings import DEFAULT_CURSOR_SECRET, Settings
from ports.clock import Clock

MAX_BODY_BYTES = 64 * 1024
API_VERSION = "1.0.0"


def _provider(container: Container, name: str) -> Provide:
    """A Litestar dependency that asks the container on every request: the container's provider
    alone decides the object's lifetime. Providers that depend on the storage resource give an
    awaitable, which is awaited here."""
    provider: providers.Provider[Any] = getattr(container, name)

    async def resolve() -> Any:
        return await provider()

    return Provide(resolve)


def _plain_provider(container: Container, name: str) -> Provide:
    """Like _provider, for a provider that gives its object at once."""
    provider: providers.Provider[Any] = getattr(container, name)

    def resolve() -> Any:
        return provider()

    return Provide(resolve, sync_to_thread=False)


def _lifespan(container: Container) -> Callable[[Litestar], Any]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with running(container):  # the storage opens before the first request
            yield

    return lifespan


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Workflow order history",
        version=API_VERSION,
        description="Records every order an automated trading workflow places and serves that history.",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin()],
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
    )


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    """The service as an ASGI app; `clock` replaces the system clock (tests of expiry use it)."""
    settings = Settings.from_env() if settings is None else settings
    configure_logging(settings)
    container = Container(settings=settings)
    if clock is not None:
        container.clock.override(providers.Object(clock))
    tokens = TokenTable(settings.auth_tokens)
    log = structlog.get_logger("workflow_orders")
    if not tokens:
        log.warning("no auth tokens configured: the API is open to every caller (set WFO_AUTH_TOKENS)")
    if settings.cursor_secret == DEFAULT_CURSOR_SECRET:
        log.warning("cursors are signed with the built-in key: set WFO_CURSOR_SECRET on every replica")
    api = Router(
        path="/",
        route_handlers=[WorkflowController, WorkflowOrderController, OrderController],
        guards=[bearer_guard(tokens)] if tokens else [],
        security=[{"bearer": []}],
        before_request=reject_repeated_parameters,
    )
    metrics = container.metrics()
    shutdown = ShutdownState()
    app = ObservedLitestar(
        route_handlers=[api, HealthController, metrics_endpoint],
        dependencies={
            **{name: _provider(container, name) for name in SERVED},
            **{name: _plain_provider(container, name) for name in SERVED_AT_ONCE},
            "shutdown": Provide(lambda: shutdown, sync_to_thread=False),
        },
        state=State({"shutdown": shutdown}),
        exception_handlers=exception_handlers(),
        response_class=JsonResponse,
        request_max_body_size=MAX_BODY_BYTES,
        plugins=[DecimalAsNumber()],
        openapi_config=openapi_config(),
        lifespan=[_lifespan(container)],
        logging_config=None,
    )
    app.observer = RequestObserver(metrics, shutdown, access_log=settings.access_log)
    return app
