"""Provider states of the consumer pacts, set up in the service's own storage through its adapters.

Every state names its fixed ids in the pact's `params`, so the pact, not this module, says which
workflow or order a consumer expects. Every state is idempotent: setting it up again changes
nothing, so interactions of several pacts may share a workflow on one running service. A state may
answer values that the pact's provider-state generators put into the request (`${next_cursor}`).
"""

import asyncio
import hashlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import aioboto3

from adapters.dynamodb import DynamoDbOrderRepository, DynamoDbWorkflowRepository, TableNames, client_config
from adapters.sqlite.database import SqliteDatabase
from adapters.sqlite.orders import SqliteOrderRepository
from adapters.sqlite.workflows import SqliteWorkflowRepository
from builders import make_order, make_spec
from domain.model.enums import (
    AssetType,
    CloseDirection,
    ConditionElement,
    IndicatorName,
    UnitTime,
)
from domain.model.history import CursorCodec, HistoryFilter
from domain.model.order import WorkflowOrder
from domain.model.workflow import Close, Condition, Indicator, Workflow, WorkflowSpec
from ports.orders import OrderRepository
from ports.workflows import WorkflowRepository

Params = Mapping[str, Any]
Values = dict[str, Any]


@dataclass(frozen=True)
class Repositories:
    workflows: WorkflowRepository
    orders: OrderRepository
    cursors: CursorCodec
    """Signs cursors as the service under test does (the same WFO_CURSOR_SECRET)."""


class Storage(Protocol):
    def open(self) -> AbstractAsyncContextManager[Repositories]:
        """The service's storage, opened beside the running service, for one state set-up."""
        ...


@dataclass(frozen=True)
class SqliteStorage:
    """The SQLite file the service under test uses (SQLite lets a second process write to it)."""

    path: str
    cursor_secret: str

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Repositories]:
        database = await SqliteDatabase.open(self.path)
        try:
            yield Repositories(
                SqliteWorkflowRepository(database),
                SqliteOrderRepository(database),
                CursorCodec(self.cursor_secret.encode()),
            )
        finally:
            await database.close()


@dataclass(frozen=True)
class DynamoDbStorage:
    """The DynamoDB tables (under `prefix`) at `endpoint_url` that the service under test uses."""

    endpoint_url: str
    prefix: str
    region: str
    cursor_secret: str

    @asynccontextmanager
    async def open(self) -> AsyncIterator[Repositories]:
        session = aioboto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
        )
        async with session.client("dynamodb", endpoint_url=self.endpoint_url, config=client_config()) as client:
            names = TableNames.for_prefix(self.prefix)
            yield Repositories(
                DynamoDbWorkflowRepository(client, names.workflows),
                DynamoDbOrderRepository.on_tables(client, names),
                CursorCodec(self.cursor_secret.encode()),
            )


class UnknownProviderStateError(LookupError):
    """A pact names a provider state this module does not know: the interaction cannot be set up."""


class ProviderStates:
    """Sets up the provider state a pact interaction names; pact's verifier reaches it through
    StateChangeServer (state_change_server.py)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._setups: dict[str, Callable[[Repositories, Params], Awaitable[Values]]] = {
            "workflow exists": _workflow_exists,
            "workflow exists with orders": _workflow_exists_with_orders,
            "order exists": _order_exists,
            "no workflow": _no_workflow,
            "no order": _no_order,
        }

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._setups)

    def setup(self, state: str, params: Params | None) -> Values:
        """Sets up `state`; the values the interaction's provider-state generators may use."""
        if state == "":  # pact's generic set-up hook: nothing to do
            return {}
        setup = self._setups.get(state)
        if setup is None:
            raise UnknownProviderStateError(f"no set-up for the provider state {state!r}")
        # Called on a thread of the state change server, which has no event loop of its own.
        return asyncio.run(self._run(setup, params or {}))

    async def _run(self, setup: Callable[[Repositories, Params], Awaitable[Values]], params: Params) -> Values:
        async with self._storage.open() as repositories:
            return await setup(repositories, params)


def order_id_for(workflow_id: str, position: int) -> str:
    """A fixed UUID v4 for the `position`-th order a state gives a workflow."""
    digest = hashlib.sha256(f"{workflow_id}/{position}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


ZONE_CONDITION = Condition(
    indicator=Indicator(IndicatorName.ZONE, UnitTime.H1, value=Decimal("18250.5"), zone_value=Decimal(25)),
    close=Close(CloseDirection.ABOVE, UnitTime.M15, spread=Decimal("0.5")),
    element=ConditionElement.CLOSE,
)


def _spec(name: str) -> WorkflowSpec:
    return make_spec(name, quantity="10", conditions=(ZONE_CONDITION,))


async def _ensure_workflow(repositories: Repositories, params: Params) -> Workflow:
    workflow_id = str(params["workflow_id"])
    existing = await repositories.workflows.get(workflow_id)
    if existing is not None:
        return existing
    workflow = Workflow(id=workflow_id, spec=_spec(str(params["workflow_name"])), created_at=int(time.time()) - 86_400)
    await repositories.workflows.add(workflow)
    return workflow


async def _ensure_order(repositories: Repositories, order: WorkflowOrder) -> None:
    if await repositories.orders.get(order.id) is None:
        await repositories.orders.add(order)


def _order(workflow: Workflow, order_id: str, placed_at: int, params: Params) -> WorkflowOrder:
    """An order of `workflow`; fields named in `params` win over these defaults."""
    trigger_close = params.get("trigger_close", "18251.5")
    return make_order(
        workflow,
        order_id=order_id,
        placed_at=placed_at,
        order_code=str(params.get("order_code", "FRA40.I")),
        price=str(params.get("order_price", "7850.25")),
        quantity=str(params.get("order_quantity", "10")),
        direction=params.get("order_direction", "BUY"),
        order_type=params.get("order_type", "LIMIT"),
        asset_type=params.get("asset_type", AssetType.CFD_ON_INDEX),
        trigger_close=None if trigger_close is None else str(trigger_close),
        execution_context=params.get("execution_context", "breakout h1"),
    )


async def _workflow_exists(repositories: Repositories, params: Params) -> Values:
    """params: workflow_id, workflow_name. The live workflow, with whatever orders it has."""
    await _ensure_workflow(repositories, params)
    return {}


async def _workflow_exists_with_orders(repositories: Repositories, params: Params) -> Values:
    """params: workflow_id, workflow_name, order_count, and optionally page_size. The workflow and its
    first `order_count` orders (fixed ids, one hour apart, alternating BUY and SELL, the newest an hour
    old). With page_size, answers `next_cursor`: the cursor of the history's first page of that size
    (no filters), as the service would give it."""
    workflow = await _ensure_workflow(repositories, params)
    now = int(time.time())
    for position in range(int(params["order_count"])):
        direction = "BUY" if position % 2 == 0 else "SELL"
        placed_at = now - 3600 * (position + 1)
        order = _order(workflow, order_id_for(workflow.id, position), placed_at, {"order_direction": direction})
        await _ensure_order(repositories, order)
    if "page_size" not in params:
        return {}
    first_page = await repositories.orders.page(workflow.id, HistoryFilter(), now=now, limit=int(params["page_size"]))
    position = first_page.next_position
    return {
        "next_cursor": None if position is None else repositories.cursors.encode(workflow.id, HistoryFilter(), position)
    }


async def _order_exists(repositories: Repositories, params: Params) -> Values:
    """params: order_id, workflow_id, workflow_name, and any order field (the rest as in `_order`).
    The order, placed half an hour ago, in its live workflow."""
    workflow = await _ensure_workflow(repositories, params)
    await _ensure_order(repositories, _order(workflow, str(params["order_id"]), int(time.time()) - 1800, params))
    return {}


async def _no_workflow(repositories: Repositories, params: Params) -> Values:
    """params: workflow_id. No live workflow has this id (deleted if one had)."""
    workflow_id = str(params["workflow_id"])
    if await repositories.workflows.get(workflow_id) is not None:
        await repositories.workflows.delete(workflow_id, now=int(time.time()))
    return {}


async def _no_order(repositories: Repositories, params: Params) -> Values:
    """params: order_id. Orders are never deleted, so this only checks that none has this id."""
    order_id = str(params["order_id"])
    if await repositories.orders.get(order_id) is not None:
        raise AssertionError(f"order {order_id} exists, and orders cannot be deleted: use another id in the pact")
    return {}
