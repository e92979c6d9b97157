"""The dependency-injector container: the storage chosen by settings, its ports guarded once, the
use cases on top."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dependency_injector import containers, providers
from opentelemetry.trace import Tracer

from adapters.body_cache import BodyCache
from adapters.http.event_ids import EventIdCodec, EventIds
from adapters.http.fair_use import Budget, FairUse
from adapters.http.heartbeats import Heartbeats
from adapters.revised_pages import RevisionThenPage
from adapters.storage_calls import (
    GuardedOrderFeed,
    GuardedOrderRepository,
    GuardedRevisedPages,
    GuardedRevisions,
    GuardedStorageHealth,
    GuardedWorkflowRepository,
    StorageCalls,
)
from adapters.system import SystemClock, Uuid4IdGenerator
from adapters.telemetry.counted import CountedRecordOrder
from adapters.telemetry.metrics import Build, Metrics
from adapters.telemetry.storage_spans import TracedStorageCalls
from adapters.workflow_stamps import RememberedWorkflowStamps
from app.settings import Settings
from app.storage import open_dynamodb_storage, open_sqlite_storage
from app.version import VERSION, installed_version
from domain.model.history import CursorCodec
from domain.use_cases.order_queries import GetLatestOrders, GetOrder, GetOrderHistory
from domain.use_cases.order_stream import OrderStream
from domain.use_cases.order_windows import ListOrders, SummarizeOrders
from domain.use_cases.transfer import ExportRecords, ImportRecords
from domain.use_cases.workflows import (
    CreateWorkflow,
    DeleteWorkflow,
    GetWorkflow,
    ListWorkflows,
    ReplaceWorkflow,
)

SUBSCRIBER_BUFFER = 1000
"""Events buffered per stream subscriber before it counts as too slow and is disconnected."""


def cursor_key(settings: Settings) -> bytes:
    return settings.cursor_secret.encode()


def traced_or_plain(tracer: Tracer | None) -> str:
    return "plain" if tracer is None else "traced"


class Container(containers.DeclarativeContainer):
    """Everything is built once (Singleton): the use cases keep no state between calls.

    Whether storage calls make spans is chosen once, by `tracer`: with none, StorageCalls is the
    plain one and a call costs nothing more than without tracing at all.

    `storage` is an async resource: providers that depend on it give awaitables, and nothing
    works until `running(container)` has opened it.
    """

    settings = providers.Dependency(instance_of=Settings)
    tracer: providers.Object[Tracer | None] = providers.Object(None)
    """The service's tracer when tracing is on (create_app passes it), else None."""

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid4IdGenerator)
    build = providers.Singleton(Build, providers.Callable(installed_version), VERSION)
    metrics = providers.Singleton(Metrics, build=build)
    fair_use = providers.Singleton(
        FairUse,
        budget=providers.Factory(Budget, settings.provided.rate_limit_per_second, settings.provided.rate_limit_burst),
    )
    body_cache = providers.Singleton(BodyCache, settings.provided.body_cache_bytes, metrics, clock)
    """Encoded 200 bodies of the conditional reads by tag, within WFO_BODY_CACHE_BYTES."""
    cursors = providers.Singleton(CursorCodec, key=providers.Callable(cursor_key, settings))
    event_ids = providers.Singleton(
        EventIds, providers.Singleton(EventIdCodec, key=providers.Callable(cursor_key, settings)), clock
    )
    heartbeats = providers.Singleton(Heartbeats, settings.provided.stream_heartbeat_seconds)

    storage = providers.Selector(
        settings.provided.storage,
        sqlite=providers.Resource(open_sqlite_storage, settings, clock),
        dynamodb=providers.Resource(open_dynamodb_storage, settings),
    )
    storage_calls = providers.Selector(
        providers.Callable(traced_or_plain, tracer),
        plain=providers.Singleton(StorageCalls, metrics, settings.provided.storage_timeout_seconds),
        traced=providers.Singleton(
            TracedStorageCalls, metrics, settings.provided.storage_timeout_seconds, tracer, storage.provided.layout
        ),
    )
    workflow_repository = providers.Singleton(GuardedWorkflowRepository, storage.provided.workflows, storage_calls)
    order_repository = providers.Singleton(GuardedOrderRepository, storage.provided.orders, storage_calls)
    storage_health = providers.Singleton(GuardedStorageHealth, storage.provided.health, storage_calls)
    revisions = providers.Singleton(GuardedRevisions, storage.provided.revisions, storage_calls)
    feed = providers.Singleton(GuardedOrderFeed, storage.provided.feed, storage_calls)
    # One guarded call where the storage reads a page with its revision in one snapshot (SQLite);
    # else the two guarded reads it is made of, each a storage call of its own (DynamoDB).
    revised_pages = providers.Selector(
        settings.provided.storage,
        sqlite=providers.Singleton(GuardedRevisedPages, storage.provided.revised_pages, storage_calls),
        dynamodb=providers.Singleton(RevisionThenPage, revisions, order_repository),
    )
    workflow_stamps = providers.Singleton(RememberedWorkflowStamps, workflow_repository)

    create_workflow = providers.Singleton(CreateWorkflow, workflows=workflow_repository, clock=clock, ids=ids)
    get_workflow = providers.Singleton(GetWorkflow, revisions=revisions, pages=revised_pages, clock=clock)
    replace_workflow = providers.Singleton(
        ReplaceWorkflow, workflows=workflow_repository, revisions=revisions, pages=revised_pages, clock=clock
    )
    delete_workflow = providers.Singleton(DeleteWorkflow, workflows=workflow_repository, clock=clock)
    list_workflows = providers.Singleton(
        ListWorkflows, workflows=workflow_repository, orders=order_repository, clock=clock
    )
    record_order = providers.Singleton(
        CountedRecordOrder, stamps=workflow_stamps, orders=order_repository, clock=clock, ids=ids, metrics=metrics
    )
    get_order = providers.Singleton(GetOrder, orders=order_repository, clock=clock)
    get_order_history = providers.Singleton(
        GetOrderHistory, revisions=revisions, pages=revised_pages, clock=clock, cursors=cursors
    )
    get_latest_orders = providers.Singleton(GetLatestOrders, orders=order_repository, clock=clock)
    list_orders = providers.Singleton(ListOrders, orders=order_repository, clock=clock, cursors=cursors)
    summarize_orders = providers.Singleton(SummarizeOrders, orders=order_repository, clock=clock)
    order_stream = providers.Singleton(
        OrderStream,
        feed=feed,
        clock=clock,
        max_subscribers=settings.provided.stream_max_subscribers,
        buffer=SUBSCRIBER_BUFFER,
    )

    # The export and import commands: long runs of storage calls outside any request, so not
    # under the per-call deadline (the DynamoDB client's own timeouts still apply).
    export_records = providers.Singleton(ExportRecords, archive=storage.provided.archive)
    import_records = providers.Singleton(ImportRecords, archive=storage.provided.archive, clock=clock)


@asynccontextmanager
async def running(container: Container) -> AsyncIterator[None]:
    """Open the selected storage (and only that one) for the duration, then close every resource
    the container opened: the one place where resources start and stop."""
    try:
        await container.storage()
        yield
    finally:
        closing = container.shutdown_resources()
        if closing is not None:  # None when nothing was opened
            await closing


SERVED = (
    "create_workflow",
    "get_workflow",
    "replace_workflow",
    "delete_workflow",
    "list_workflows",
    "record_order",
    "get_order",
    "get_order_history",
    "get_latest_orders",
    "list_orders",
    "summarize_orders",
    "order_stream",
    "event_ids",
    "heartbeats",
    "storage_health",
    "metrics",
)
"""Container providers that HTTP handlers receive, by these parameter names. Each is a Singleton:
one object for the life of the app."""
