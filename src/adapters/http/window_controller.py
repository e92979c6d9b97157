"""Orders across workflows: a window's orders page by page, and its summary."""

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import Parameter

from adapters.http.decimal_forms import Accept, requested_form
from adapters.http.entity_tags import CONDITIONAL_RESPONSES, TAG_HEADERS, IfNoneMatch, tagged_by_body
from adapters.http.openapi import problems
from adapters.http.response_bodies import ApiController
from adapters.http.responses import JsonResponse
from adapters.http.window_query import WindowRead, order_window
from adapters.http.window_schemas import OrderSummaryResponse, OrderWindowResponse
from domain.model.history import DEFAULT_HISTORY_LIMIT, MAX_LIMIT
from domain.model.window import OrderWindow
from domain.use_cases.order_windows import ListOrders, SummarizeOrders

_READ = (400, 401, 503)


class OrderWindowController(ApiController):
    """Both reads are tagged by their body's bytes: a 304 saves the transfer, and each read stays one
    storage call (a tag read before the body, as history does, would be a second one on every 200)."""

    dependencies = {"window": Provide(order_window, sync_to_thread=False)}

    path = "/v1/orders"
    tags = ["orders"]

    @get(
        "/",
        responses=CONDITIONAL_RESPONSES | problems(*_READ),
        response_headers=TAG_HEADERS,
        operation_class=WindowRead,
        operation_id="listOrders",
        summary="Orders of every workflow in a time window, newest first, paginated",
    )
    async def list_orders(
        self,
        list_orders: NamedDependency[ListOrders],
        window: NamedDependency[OrderWindow],
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = DEFAULT_HISTORY_LIMIT,
        cursor: Annotated[str | None, Parameter(description="next_cursor of the previous page", min_length=1)] = None,
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[OrderWindowResponse]:
        page = await list_orders.execute(window, limit, cursor)
        orders = [self._bodies.order_detail(order) for order in page.orders]
        body = OrderWindowResponse(orders, limit, page.next_cursor)
        return tagged_by_body(body, if_none_match, requested_form(accept))

    @get(
        "/summary",
        responses=CONDITIONAL_RESPONSES | problems(*_READ),
        response_headers=TAG_HEADERS,
        operation_class=WindowRead,
        operation_id="summarizeOrders",
        summary="A window's orders by workflow, direction and dry_run: counts, exact volumes, first/last time, digest",
        description=(
            "One read of the whole window: a window holding more than 10000 orders is a 400 asking for a narrower one."
        ),
    )
    async def summary(
        self,
        summarize_orders: NamedDependency[SummarizeOrders],
        window: NamedDependency[OrderWindow],
        if_none_match: IfNoneMatch = None,
        accept: Accept = None,
    ) -> JsonResponse[OrderSummaryResponse]:
        summary = await summarize_orders.execute(window)
        body = self._bodies.window_summary(window, summary)
        return tagged_by_body(body, if_none_match, requested_form(accept))
