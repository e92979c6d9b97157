"""create_app(): builds settings, container and the Litestar app; nothing happens at import."""

import inspect
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
from adapters.http.openapi import ClosedRequestBodies, DecimalAsNumber
from adapters.http.order_controller import OrderController, WorkflowOrderController
from adapters.http.problems import exception_handlers
from adapters.http.query import reject_repeated_parameters
from adapters.http.responses import JsonResponse
from adapters.http.shutdown import ShutdownState
from adapters.http.workflow_controller import WorkflowController
from app.container import SERVED, Container, running
from app.logging import configure_logging
from app.settings import DEFAULT_CURSOR_SECRET, Settings
from ports.clock import Clock

MAX_BODY_BYTES = 64 * 1024
API_VERSION = "1.1.0"


class ServedObjects:
    """The container's Singletons that handlers receive by parameter name, resolved once when the
    app starts (the storage they depend on is open by then) and handed to Litestar as they are.

    Only Singletons may be served: a Factory would promise an object per request, which handing
    over one object would break.
    """

    def __init__(self, container: Container, names: tuple[str, ...]) -> None:
        for name in names:
            if not isinstance(getattr(container, name), providers.Singleton):
                raise TypeError(f"handlers receive container Singletons only; {name} is not one")
        self._container, self._names = container, names
        self._objects: dict[str, Any] = {}

    async def resolve(self) -> None:
        for name in self._names:
            value = getattr(self._container, name)()
            self._objects[name] = await value if inspect.isawaitable(value) else value

    def dependencies(self) -> dict[str, Provide]:
        return {name: self._dependency(name) for name in self._names}

    def _dependency(self, name: str) -> Provide:
        objects = self._objects
        return Provide(lambda: objects[name], sync_to_thread=False)


def _lifespan(container: Container, served: ServedObjects) -> Callable[[Litestar], Any]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        async with running(container):  # the storage opens before the first request
            await served.resolve()
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
    served = ServedObjects(container, SERVED)
    shutdown = ShutdownState()
    app = ObservedLitestar(
        route_handlers=[api, HealthController, metrics_endpoint],
        dependencies={
            **served.dependencies(),
            "shutdown": Provide(lambda: shutdown, sync_to_thread=False),
        },
        state=State({"shutdown": shutdown}),
        exception_handlers=exception_handlers(),
        response_class=JsonResponse,
        request_max_body_size=MAX_BODY_BYTES,
        plugins=[DecimalAsNumber(), ClosedRequestBodies()],
        openapi_config=openapi_config(),
        lifespan=[_lifespan(container, served)],
        logging_config=None,
    )
    app.observer = RequestObserver(metrics, shutdown, access_log=settings.access_log)
    return app
