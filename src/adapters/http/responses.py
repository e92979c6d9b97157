"""JSON responses encoded by msgspec with decimals written as JSON numbers."""

from typing import Any, TypeVar

from litestar import Response
from litestar.serialization import default_serializer
from litestar.types import Serializer

from adapters.http.numbers import JSON_ENCODER

T = TypeVar("T")


class JsonResponse(Response[T]):
    """Writes JSON bodies with JSON_ENCODER, so a price keeps its exact digits as a JSON number."""

    def render(self, content: Any, media_type: str, enc_hook: Serializer = default_serializer) -> bytes:
        if not isinstance(content, bytes | str) and "json" in media_type:
            return JSON_ENCODER.encode(content)
        return super().render(content, media_type, enc_hook)
