"""JSON responses encoded by msgspec, with decimals in the form the request asked for."""

from typing import Any, TypeVar

from litestar import Request, Response
from litestar.enums import MediaType
from litestar.response.base import ASGIResponse
from litestar.serialization import default_serializer
from litestar.types import Serializer
from litestar.utils.helpers import get_enum_string_value

from adapters.http.decimal_forms import DecimalForm, requested_form

T = TypeVar("T")


def decimal_form(request: Request[Any, Any, Any]) -> DecimalForm:
    """The form of decimals this request asked for, read from its raw headers (building the
    request's header mapping for one field would cost more than the answer)."""
    accept = next((value for name, value in request.scope["headers"] if name == b"accept"), None)
    return DecimalForm.NUMBER if accept is None else requested_form(accept.decode("latin-1"))


class JsonResponse(Response[T]):
    """Writes JSON bodies with msgspec, so a price keeps its exact digits: as a JSON number, or as
    a string when the request's Accept asks for `decimals=string`; its Content-Type then carries
    that parameter. Every response says it varies on Accept. A body given as bytes was encoded by
    the handler, in the form `decimal_form` gave it."""

    _form = DecimalForm.NUMBER

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> ASGIResponse:
        self._form = decimal_form(request)
        media_type = get_enum_string_value(self.media_type or kwargs.get("media_type") or MediaType.JSON)
        if "json" in media_type:
            self.media_type = self._form.media_type(media_type)
        self.headers.setdefault("Vary", "Accept")
        return super().to_asgi_response(app, request, **kwargs)

    def render(self, content: Any, media_type: str, enc_hook: Serializer = default_serializer) -> bytes:
        if not isinstance(content, bytes | str) and "json" in media_type:
            return self._form.encoder.encode(content)
        return super().render(content, media_type, enc_hook)
