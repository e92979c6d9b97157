"""OPTIONS answers whose `Allow` lists every method a path serves.

Litestar 2 makes its automatic OPTIONS handler when the first handler of a path is registered, and
that handler goes on listing only the methods known at that moment: `OPTIONS /v1/workflows` said
`OPTIONS, POST` although GET is served too. A controller made of `MethodListingController` declares
one OPTIONS handler per path itself, built once from all of its handlers, so Litestar adds none.
"""

from collections import defaultdict
from collections.abc import Iterable

from litestar import Controller, Response
from litestar.enums import HttpMethod
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.status_codes import HTTP_204_NO_CONTENT


def allow_value(methods: Iterable[str]) -> str:
    """The `Allow` value for a path serving `methods`: those, and HEAD wherever GET is served
    (adapters.http.head answers it), sorted."""
    names = {method.strip() for method in methods}
    if HttpMethod.GET.value in names:
        names.add(HttpMethod.HEAD.value)
    return ", ".join(sorted(names))


def allow_by_path(handlers: Iterable[BaseRouteHandler]) -> dict[str, str]:
    """For each path of these handlers, the `Allow` value: its methods, HEAD with GET, and OPTIONS."""
    methods: defaultdict[str, set[str]] = defaultdict(lambda: {HttpMethod.OPTIONS.value})
    for handler in handlers:
        if isinstance(handler, HTTPRouteHandler):
            for path in handler.paths:
                methods[path].update(handler.http_methods)
    return {path: allow_value(names) for path, names in methods.items()}


def options_handler(path: str, allow: str) -> HTTPRouteHandler:
    """An OPTIONS handler for `path` answering 204 with `Allow: allow` (left out of the OpenAPI document)."""

    def answer_options() -> Response[None]:
        return Response(None, status_code=HTTP_204_NO_CONTENT, headers={"Allow": allow})

    handler = HTTPRouteHandler(
        path=path, http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False
    )
    return handler(answer_options)


class MethodListingController(Controller):
    """A controller whose paths answer OPTIONS with every method the controller serves on them."""

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        handlers = super().get_route_handlers()
        answers: list[BaseRouteHandler] = []
        for path, allow in allow_by_path(handlers).items():
            answer = options_handler(path, allow)
            answer.owner = self
            answers.append(answer)
        return [*answers, *handlers]  # first on each path, so that Litestar sees OPTIONS served there
