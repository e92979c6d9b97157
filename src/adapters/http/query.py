"""Query strings: each parameter at most once, so that `enable=true&enable=false` is not guesswork."""

from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request

from domain.model.errors import FieldError, InvalidInputError


async def reject_repeated_parameters(request: Request[Any, Any, Any]) -> None:
    """Litestar before_request hook: 400 naming every query parameter given more than once."""
    query: bytes = request.scope.get("query_string", b"")
    if not query:
        return
    counts = Counter(name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    repeated = [name for name, count in counts.items() if count > 1]
    if repeated:
        raise InvalidInputError([FieldError(name, "must be given at most once") for name in repeated])
