"""create_app(): builds settings, container and the Litestar app; nothing happens at import."""

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import structlog
from dependency_injector import providers
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from adapters.http.auth import TokenTable, bearer_guard
from adapters.http.conditional import KEPT_BODIES
from adapters.http.fair_use_gate import FairUseGate
from adapters.http.health_controller import HealthController
from adapters.http.metrics_controller import MetricsController
from adapters.http.observe import ObservedLitestar, Observer, RequestObserver
from adapters.http.openapi import ClosedRequestBodies, DecimalAsNumberOrString
from adapters.http.order_controller import OrderController, WorkflowOrderController
from adapters.http.problems import exception_handlers
from adapters.http.query import QueryCheck
from adapters.http.responses import JsonResponse
from adapters.http.shutdown import ShutdownState
from adapters.http.stream_controller import OrderStreamController
from adapters.http.window_controller import OrderWindowController
from adapters.http.workflow_controller import WorkflowController
from adapters.telemetry.server_spans import ServerSpans
from app.container import SERVED, Container, running
from app.logging import configure_logging
from app.settings import DEFAULT_CURSOR_SECRET, Settings
from app.version import VERSION
from domain.use_cases.order_stream import OrderStream
from ports.clock import Clock

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from adapters.telemetry.tracing import Tracing

MAX_BODY_BYTES = 64 * 1024


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

    def __getitem__(self, name: str) -> Any:
        return self._objects[name]

    def dependencies(self) -> dict[str, Provide]:
        return {name: self._dependency(name) for name in self._names}

    def _dependency(self, name: str) -> Provide:
        objects = self._objects
        return Provide(lambda: objects[name], sync_to_thread=False)


def _lifespan(
    container: Container, served: ServedObjects, shutdown: ShutdownState, tracing: "Tracing | None"
) -> Callable[[Litestar], Any]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # Tracing starts first and stops last, so that the spans of closing the storage are exported.
        traced: AbstractAsyncContextManager[None] = nullcontext() if tracing is None else tracing.running()
        async with traced, running(container):  # the storage opens before the first request
            await served.resolve()
            order_stream: OrderStream = served["order_stream"]
            shutdown.on_drain(order_stream.end_all)  # streams end, so that clients go elsewhere
            served["metrics"].count_stream_subscribers(lambda: order_stream.subscriber_count)
            try:
                yield
            finally:
                order_stream.end_all()

    return lifespan


def _tracing(tracer_provider: "TracerProvider | None") -> "Tracing":
    """The app's Tracing over `tracer_provider`, else over a provider that exports as the OTEL_*
    variables say (the SDK warns about a value it cannot use, and uses its default instead).
    Imported here: with tracing off, nothing of OpenTelemetry's SDK is loaded."""
    from adapters.telemetry.tracing import Tracing, exporting_tracer_provider

    return Tracing(tracer_provider or exporting_tracer_provider())


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Workflow order history",
        version=VERSION,
        description=(
            "Records every order an automated trading workflow places and serves that history.\n\n"
            "Decimals are JSON numbers with their exact digits. A consumer whose JSON numbers are binary "
            "floats asks for every decimal as a JSON string instead with the media-type parameter "
            "`decimals=string` of `Accept` (`application/json; decimals=string`, or "
            "`text/event-stream; decimals=string` for the stream); requests take either form."
        ),
        path="/schema",
        render_plugins=[SwaggerRenderPlugin()],
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
    )


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, tracer_provider: "TracerProvider | None" = None
) -> Litestar:
    """The service as an ASGI app; `clock` replaces the system clock (tests of expiry use it);
    `tracer_provider` turns tracing on with that provider (tests read spans from it), which the
    app then owns: it shuts it down when it stops."""
    settings = Settings.from_env() if settings is None else settings
    traced = tracer_provider is not None or settings.tracing
    configure_logging(settings, trace_ids=traced)  # first, so that the SDK's warnings are log lines too
    tracing = _tracing(tracer_provider) if traced else None
    container = Container(settings=settings, tracer=None if tracing is None else tracing.tracer)
    if clock is not None:
        container.clock.override(providers.Object(clock))
    tokens = TokenTable(settings.auth_tokens)
    log = structlog.get_logger("workflow_orders")
    log.info("storage", storage=settings.storage_description())
    if not tokens:
        log.warning("no auth tokens configured: the API is open to every caller (set WFO_AUTH_TOKENS)")
    if settings.cursor_secret == DEFAULT_CURSOR_SECRET:
        log.warning("cursors are signed with the built-in key: set WFO_CURSOR_SECRET on every replica")
    metrics = container.metrics()
    api = Router(
        path="/",
        route_handlers=[
            WorkflowController,
            WorkflowOrderController,
            OrderStreamController,
            OrderController,
            OrderWindowController,
        ],
        guards=[bearer_guard(tokens)] if tokens else [],
        security=[{"bearer": []}],
        before_request=QueryCheck(),
    )
    served = ServedObjects(container, SERVED)
    shutdown = ShutdownState()
    app = ObservedLitestar(
        route_handlers=[api, HealthController, MetricsController],
        dependencies={
            **served.dependencies(),
        },
        state=State({"shutdown": shutdown, KEPT_BODIES: container.body_cache()}),
        exception_handlers=exception_handlers(),
        response_class=JsonResponse,
        request_max_body_size=MAX_BODY_BYTES,
        plugins=[DecimalAsNumberOrString(), ClosedRequestBodies()],
        openapi_config=openapi_config(),
        lifespan=[_lifespan(container, served, shutdown, tracing)],
        logging_config=None,
    )
    observer: Observer = RequestObserver(metrics, shutdown, access_log=settings.access_log)
    app.observer = observer if tracing is None else ServerSpans(tracing.tracer, observer)
    app.body_seconds = settings.client_timeout_seconds
    if settings.rate_limit_per_second:
        app.gate = FairUseGate(container.fair_use(), tokens, metrics)
    return app
