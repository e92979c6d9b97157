"""The dependency-injector container: storage chosen by settings, ports bound once, use cases on top."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aioboto3
from dependency_injector import containers, providers

from adapters.dynamodb import (
    DynamoDbOrderRepository,
    DynamoDbStorageHealth,
    DynamoDbWorkflowRepository,
    TableNames,
    client_config,
)
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.health import SqliteStorageHealth
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.retention import purge_periodically
from adapters.sqlite.workflows import SqliteWorkflowRepository
from adapters.system import SystemClock, Uuid4IdGenerator
from adapters.telemetry.counted import CountedRecordOrder
from adapters.telemetry.instrumented import instrumented
from adapters.telemetry.metrics import Metrics
from app.settings import Settings
from domain.model.history import CursorCodec
from domain.use_cases.order_queries import GetLatestOrders, GetOrder, GetOrderHistory
from domain.use_cases.workflows import (
    CreateWorkflow,
    DeleteWorkflow,
    GetWorkflow,
    ListWorkflows,
    ReplaceWorkflow,
)
from ports.clock import Clock


async def open_sqlite(path: str, call_timeout: float, clock: Clock) -> AsyncIterator[SqliteDatabase]:
    """The SQLite file (schema created if missing) for the life of the app, with expired orders
    purged in the background meanwhile."""
    database = await SqliteDatabase.open(path, call_timeout=call_timeout)
    purge = asyncio.create_task(purge_periodically(database, clock), name="sqlite-retention")
    try:
        yield database
    finally:
        purge.cancel()
        try:
            await asyncio.gather(purge, return_exceptions=True)  # it only ends when cancelled
        finally:
            await database.close()


async def open_dynamodb(region: str | None) -> AsyncIterator[Any]:
    """One aioboto3 DynamoDB client for the life of the app; credentials and endpoint come from the
    standard AWS chain and variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, ...)."""
    async with aioboto3.Session().client("dynamodb", region_name=region, config=client_config()) as client:
        yield client


def cursor_key(settings: Settings) -> bytes:
    return settings.cursor_secret.encode()


class Container(containers.DeclarativeContainer):
    """Resources open lazily: only the selected storage's client is ever opened."""

    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    sqlite_database = providers.Resource(
        open_sqlite,
        path=settings.provided.sqlite_path,
        call_timeout=settings.provided.storage_timeout_seconds,
        clock=clock,
    )
    metrics = providers.Singleton(Metrics)
    dynamodb_client = providers.Resource(open_dynamodb, settings.provided.aws_region)
    tables = providers.Singleton(TableNames.for_prefix, settings.provided.dynamodb_table_prefix)

    selected_workflows = providers.Selector(
        settings.provided.storage,
        sqlite=providers.Singleton(SqliteWorkflowRepository, sqlite_database),
        dynamodb=providers.Singleton(DynamoDbWorkflowRepository, dynamodb_client, tables.provided.workflows),
    )
    selected_orders = providers.Selector(
        settings.provided.storage,
        sqlite=providers.Singleton(SqliteOrderRepository, sqlite_database),
        dynamodb=providers.Singleton(
            DynamoDbOrderRepository,
            dynamodb_client,
            orders_table=tables.provided.orders,
            order_ids_table=tables.provided.order_ids,
            workflows_table=tables.provided.workflows,
        ),
    )
    selected_health = providers.Selector(
        settings.provided.storage,
        sqlite=providers.Singleton(SqliteStorageHealth, sqlite_database),
        dynamodb=providers.Singleton(
            DynamoDbStorageHealth,
            dynamodb_client,
            workflows_table=tables.provided.workflows,
            orders_table=tables.provided.orders,
            order_ids_table=tables.provided.order_ids,
        ),
    )
    workflow_repository = providers.Singleton(
        instrumented, selected_workflows, "workflows", metrics, settings.provided.storage_timeout_seconds
    )
    order_repository = providers.Singleton(
        instrumented, selected_orders, "orders", metrics, settings.provided.storage_timeout_seconds
    )
    storage_health = providers.Singleton(
        instrumented, selected_health, "health", metrics, settings.provided.storage_timeout_seconds
    )

    ids = providers.Singleton(Uuid4IdGenerator)
    cursors = providers.Singleton(CursorCodec, key=providers.Callable(cursor_key, settings))

    create_workflow = providers.Factory(CreateWorkflow, workflows=workflow_repository, clock=clock, ids=ids)
    get_workflow = providers.Factory(GetWorkflow, workflows=workflow_repository, orders=order_repository, clock=clock)
    replace_workflow = providers.Factory(
        ReplaceWorkflow, workflows=workflow_repository, orders=order_repository, clock=clock
    )
    delete_workflow = providers.Factory(DeleteWorkflow, workflows=workflow_repository)
    list_workflows = providers.Factory(
        ListWorkflows, workflows=workflow_repository, orders=order_repository, clock=clock
    )
    record_order = providers.Singleton(  # remembers workflow names between orders
        CountedRecordOrder,
        workflows=workflow_repository,
        orders=order_repository,
        clock=clock,
        ids=ids,
        metrics=metrics,
    )
    get_order = providers.Factory(GetOrder, orders=order_repository, clock=clock)
    get_order_history = providers.Factory(
        GetOrderHistory, workflows=workflow_repository, orders=order_repository, clock=clock, cursors=cursors
    )
    get_latest_orders = providers.Factory(GetLatestOrders, orders=order_repository, clock=clock)


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
    "storage_health",
    "metrics",
)
"""Container providers that HTTP handlers receive by these parameter names."""
