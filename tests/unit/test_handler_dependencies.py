"""The rule that keeps a request's fixed cost low: a handler takes at most one dependency.

Litestar resolves two or more dependencies of one handler concurrently, in a task group made for
that request, which costs more than reading one order from SQLite (docs/architecture.md, "Where
speed lives"). What a handler needs from the request comes as a parameter instead (the form of
decimals: the `Accept` parameter).
"""

from pathlib import Path

from litestar.routes import HTTPRoute

from app.factory import create_app
from app.settings import Settings

QUERY_DEPENDENCIES = {"window"}
"""A dependency that only gathers query parameters declared once for two handlers (the window
reads): those handlers pay for a second dependency, knowingly (their reads cost ten times more)."""
ONCE_PER_STREAM = "/v1/orders/stream"
"""The stream's handler runs once per stream, which then lasts minutes or hours: its three
dependencies (the broker, event ids, heartbeats) cost nothing per event."""


def test_every_handler_takes_at_most_one_dependency(tmp_path: Path) -> None:
    app = create_app(Settings(sqlite_path=str(tmp_path / "orders.db"), log_format="console"))
    crowded = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path == ONCE_PER_STREAM:
            continue
        for handler in route.route_handlers:
            provided = handler.resolve_dependencies()
            taken = [name for name in handler.parsed_fn_signature.parameters if name in provided]
            if len([name for name in taken if name not in QUERY_DEPENDENCIES]) > 1:
                crowded[f"{sorted(handler.http_methods)} {route.path}"] = taken
    assert not crowded, crowded
